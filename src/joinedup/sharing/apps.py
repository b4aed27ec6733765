from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "joinedup.sharing"
    label = "sharing"
    verbose_name = "Shared cases"
