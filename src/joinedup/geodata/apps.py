from django.apps import AppConfig


class GeodataConfig(AppConfig):
    name = "joinedup.geodata"
    label = "geodata"
    verbose_name = "Postcode geography"
