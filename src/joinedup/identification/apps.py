from django.apps import AppConfig


class IdentificationConfig(AppConfig):
    name = "joinedup.identification"
    label = "identification"
