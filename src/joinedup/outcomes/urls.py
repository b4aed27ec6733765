from django.urls import path

from joinedup.outcomes import views

app_name = "outcomes"

urlpatterns = [
    path("", views.home, name="home"),
    path("impact/", views.impact, name="impact"),
    path("children/<int:pk>/", views.child_outcomes, name="child"),
    path("measurements/<int:pk>/remove/", views.measurement_remove_view, name="measurement_remove"),
    path("measures/", views.measures, name="measures"),
    path("measures/new/", views.measure_edit, name="measure_new"),
    path("measures/<int:pk>/", views.measure_edit, name="measure"),
    path("school-data/", views.school_data, name="school_data"),
    path("contracts/new/", views.contract_edit, name="contract_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract"),
    path("contracts/<int:pk>/edit/", views.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/rates/new/", views.rate_edit, name="rate_new"),
    path("contracts/<int:pk>/rates/<int:rate_pk>/", views.rate_edit, name="rate"),
    path("contracts/<int:pk>/rates/<int:rate_pk>/remove/", views.rate_remove, name="rate_remove"),
    path("contracts/<int:pk>/claims/<str:period>/", views.claim_detail, name="claim"),
    path("contracts/<int:pk>/claims/<str:period>/submit/", views.claim_submit_view, name="claim_submit"),
]
