from django.urls import path

from joinedup.partnership import views

app_name = "partnership"

urlpatterns = [
    path("", views.map_view, name="map"),
    path("settings/", views.map_settings, name="settings"),
    path("<slug:kind>/new/", views.entry_edit, name="entry_new"),
    path("<slug:kind>/<int:pk>/", views.entry_edit, name="entry_edit"),
    path("<slug:kind>/<int:pk>/change/", views.entry_change, name="entry_change"),
]
