from django.urls import path

app_name = "partner"

urlpatterns: list = []
