from django.urls import path

from joinedup.directory import views

app_name = "find_support"

urlpatterns = [
    path("", views.find_support, name="search"),
    path("services/<str:pk>/", views.find_support_service, name="service"),
]
