"""Where postcodes are: district centres (shipped with the code) and, once loaded, every postcode.

Latitude and longitude are WGS84 degrees, as web maps use them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PostcodeDistrict(models.Model):
    """The centre of a postcode district (the first half of a postcode, like NW10)."""

    district = models.CharField(max_length=4, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.district


class Postcode(models.Model):
    """One postcode's location, from Ordnance Survey Code-Point Open."""

    # Normalised: capitals and one space, "NW10 4AB" (joinedup.geo.postcode_normalise).
    postcode = models.CharField(max_length=8, unique=True)
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.postcode


class GeodataLoad(models.Model):
    """A record of each Code-Point Open load, so we can tell how current the postcodes are."""

    loaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=255)
    files = models.PositiveIntegerField()
    rows_loaded = models.PositiveIntegerField()
    rows_without_coordinates = models.PositiveIntegerField()
    # Empty when loaded from the command line, where there is no signed-in person.
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows_loaded:,} postcodes)"
