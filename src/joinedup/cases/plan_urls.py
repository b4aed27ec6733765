"""The personalised support plan, under a child: /children/<pk>/plan/…"""

from django.urls import path

from joinedup.cases import plan_views

urlpatterns = [
    path("<int:pk>/plan/", plan_views.plan_view, name="plan"),
    path("<int:pk>/plan/goals/new/", plan_views.goal_new, name="plan_goal_new"),
    path("<int:pk>/plan/goals/<int:goal_pk>/", plan_views.goal_edit, name="plan_goal_edit"),
    path("<int:pk>/plan/goals/<int:goal_pk>/actions/new/", plan_views.action_new, name="plan_action_new"),
    path("<int:pk>/plan/actions/<int:action_pk>/", plan_views.action_edit, name="plan_action_edit"),
    path("<int:pk>/plan/family-words/", plan_views.family_words_edit, name="plan_words"),
    path("<int:pk>/plan/review/", plan_views.review_new, name="plan_review"),
    path("<int:pk>/plan/history/", plan_views.history_view, name="plan_history"),
    path("<int:pk>/plan/history/<int:number>/", plan_views.version_view, name="plan_version"),
    path("<int:pk>/plan/print/", plan_views.print_view, name="plan_print"),
]
