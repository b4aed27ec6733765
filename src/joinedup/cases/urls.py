from django.urls import include, path

from joinedup.cases import views

app_name = "cases"

urlpatterns = [
    path("", include("joinedup.cases.plan_urls")),
    path("", include("joinedup.cases.referral_urls")),
    path("", views.children, name="child_list"),
    path("caseload/", views.caseload_view, name="caseload"),
    path("settings/", views.case_settings, name="settings"),
    path("<int:pk>/contacts/new/", views.contact_new, name="contact_new"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("<int:pk>/chronology/", views.chronology_view, name="chronology"),
    path("enrol/<int:entry_pk>/", views.enrol, name="enrol"),
    path("<int:pk>/enrolment/", views.enrolment_edit, name="enrolment_edit"),
    path("<int:pk>/consents/new/", views.consent_new, name="consent_new"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw_view, name="consent_withdraw"),
]
