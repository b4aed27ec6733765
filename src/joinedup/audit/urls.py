from django.urls import path

from joinedup.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("verify/", views.verify, name="verify"),
]
