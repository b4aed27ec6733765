from django.urls import path

from joinedup.sharing import views

app_name = "sharing"

urlpatterns = [
    path("", views.home, name="home"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_edit, name="agreement_new"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement"),
    path("agreements/<int:pk>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:pk>/sign-off/", views.agreement_sign_off_view, name="agreement_sign_off"),
    path("agreements/<int:pk>/end/", views.agreement_end_view, name="agreement_end"),
    path("agreements/<int:pk>/match/", views.run_new, name="run_new"),
    path("agreements/<int:pk>/match-encoded/", views.run_new_encoded, name="run_new_encoded"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("pairs/<int:pk>/", views.pair_detail, name="pair"),
    path("pairs/<int:pk>/decide/", views.pair_decide_view, name="pair_decide"),
    path("pairs/<int:pk>/lead/", views.shared_case_lead, name="pair_lead"),
    path("shared-with-you/", views.shared_with_me, name="shared_with_me"),
]
