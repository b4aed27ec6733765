from django.urls import path

from joinedup.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.children, name="child_list"),
    path("<int:pk>/", views.child_detail, name="child_detail"),
    path("enrol/<int:entry_pk>/", views.enrol, name="enrol"),
]
