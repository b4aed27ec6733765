from django.urls import path

from joinedup.safeguarding import views

app_name = "safeguarding"

urlpatterns = [
    path("", views.home, name="home"),
    path("raise/", views.raise_for, name="raise_for"),
    path("children/<int:pk>/raise/", views.concern_new, name="raise"),
    path("contexts/raise/", views.context_concern_new, name="raise_context"),
    path("contexts/<int:pk>/", views.context_detail, name="context"),
    path("contexts/<int:pk>/raise/", views.context_concern_more, name="raise_context_more"),
    path("concerns/<int:pk>/", views.concern_detail, name="concern"),
    path("concerns/<int:pk>/decide/", views.concern_decide, name="decide"),
    path("concerns/<int:pk>/refer/", views.concern_refer, name="refer"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral"),
    path("referrals/<int:pk>/acknowledge/", views.referral_acknowledge, name="acknowledge"),
    path("referrals/<int:pk>/chase/", views.referral_chase, name="chase"),
    path("referrals/<int:pk>/outcome/", views.referral_outcome, name="outcome"),
    path("report/", views.report, name="report"),
    path("settings/", views.settings_edit, name="settings"),
    path("settings/front-doors/<str:kind>/", views.front_door_edit, name="front_door"),
]
