from django.urls import path

from joinedup.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/<str:pk>/", views.service, name="service"),
    path("services/<str:pk>/edit/", views.service_edit, name="service_edit"),
    path("services/<str:pk>/verify/", views.service_verify_view, name="service_verify"),
    path("manage/", views.manage, name="manage"),
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("gaps/", views.gaps, name="gaps"),
]
