from django.urls import path

from joinedup.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.home, name="home"),
    path("retention/apply/", views.retention_apply_view, name="retention_apply"),
    path("children/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path("children/<int:pk>/subject-access/download/", views.subject_access_download, name="subject_access_download"),
]
