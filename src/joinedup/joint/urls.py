from django.urls import path

from joinedup.joint import views

app_name = "joint"

urlpatterns = [
    # Our side, from the child's record.
    path("children/<int:pk>/story/", views.story_edit, name="story"),
    path("children/<int:pk>/share/", views.share_new, name="share_new"),
    path("children/<int:pk>/appointments/", views.appointments, name="appointments"),
    path("children/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("report/", views.duplication_report, name="report"),
    # Joint meetings and their actions: for those who attended, and those who work the case.
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/actions/", views.meeting_action_new, name="meeting_action_new"),
    path("actions/<int:pk>/done/", views.action_done, name="action_done"),
    path("actions/<int:pk>/remove/", views.action_remove, name="action_remove"),
    path("tasks/", views.tasks, name="tasks"),
    path("shares/<int:pk>/", views.share_detail, name="share"),
    path("shares/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("shares/<int:pk>/extend/", views.share_extend, name="share_extend"),
    path("shares/<int:pk>/comments/", views.share_comment, name="share_comment"),
    path("shares/<int:pk>/findings/", views.share_resolve, name="share_resolve"),
    # The partner practitioner's side.
    path("shared-plans/<int:pk>/", views.shared_plan_view, name="shared_plan"),
    path("shared-plans/<int:pk>/comments/", views.shared_plan_comment, name="shared_plan_comment"),
    path("shared-plans/<int:pk>/findings/", views.shared_plan_resolve, name="shared_plan_resolve"),
    path("shared-plans/<int:pk>/our-plan/", views.partner_plan_edit, name="partner_plan"),
    path("shared-plans/<int:pk>/our-plan/change/", views.partner_plan_change, name="partner_plan_change"),
]
