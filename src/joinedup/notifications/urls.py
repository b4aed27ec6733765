from django.urls import path

from joinedup.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notifications, name="list"),
]
