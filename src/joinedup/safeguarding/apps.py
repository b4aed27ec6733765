from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "joinedup.safeguarding"
    label = "safeguarding"
    verbose_name = "Safeguarding"
