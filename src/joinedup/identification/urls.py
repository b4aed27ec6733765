from django.urls import path

from joinedup.identification import views

app_name = "identification"

urlpatterns = [
    path("", views.home, name="home"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("mappings/", views.mappings, name="mappings"),
    path("mappings/new/", views.mapping_edit, name="mapping_new"),
    path("mappings/<int:pk>/", views.mapping_edit, name="mapping_edit"),
    path("rules/", views.rules, name="rules"),
    path("rules/edit/", views.rules_edit, name="rules_edit"),
    path("rules/upload/", views.rules_upload, name="rules_upload"),
    path("rules/<int:number>/", views.rules, name="rules_version"),
    path("rules/<int:number>/rules.toml", views.rules_toml, name="rules_toml"),
    path("runs/", views.runs, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/fairness/", views.run_fairness, name="fairness"),
    path("lists/<int:pk>/", views.cohort, name="cohort"),
    path("lists/<int:pk>/lock/", views.cohort_lock_view, name="cohort_lock"),
    path("pupils/<int:pk>/decide/", views.entry_decide, name="entry_decide"),
    path("pupils/<int:pk>/add/", views.entry_add, name="entry_add"),
    path("link-workers/", views.link_workers, name="link_workers"),
]
