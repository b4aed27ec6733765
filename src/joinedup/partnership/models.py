"""The partnership map of a borough. People and roles change: each entry says when someone last confirmed it,
and managers are reminded when that was too long ago (``MapSettings.confirm_every_days``)."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from joinedup.accounts.models import Area, Organisation


class MapSettings(models.Model):
    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="map_settings")
    confirm_every_days = models.PositiveSmallIntegerField(
        default=180,
        validators=[MinValueValidator(7), MaxValueValidator(730)],
        help_text="Managers are reminded when an entry has not been confirmed for longer.",
    )

    def __str__(self) -> str:
        return f"Partnership map settings for {self.area}"

    @classmethod
    def for_area(cls, area_id: int) -> MapSettings:
        return cls.objects.filter(area_id=area_id).first() or cls(area_id=area_id)


class Confirmed(models.Model):
    """An entry of the map: in one borough, confirmed by someone on a day."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    last_confirmed_on = models.DateField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    def confirm_due(self, on: date, every_days: int) -> bool:
        return self.last_confirmed_on < on - timedelta(days=every_days)


class PartnerContact(Confirmed):
    """A named contact at a partner organisation, with their role."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="map_contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, help_text="Their job, for example Early Help team manager.")
    email = models.EmailField(blank=True)
    phone = models.CharField(
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^\+?[0-9 ()-]{6,}$", "Enter a phone number, like 020 7946 0000.")],
    )
    notes = models.CharField(max_length=500, blank=True, help_text="When to contact them, and about what.")

    class Meta:
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.role}"


class Forum(Confirmed):
    """A board, forum or panel the programme sits on."""

    class Kind(models.TextChoices):
        BOARD = "board", "Board"
        FORUM = "forum", "Forum"
        PANEL = "panel", "Panel"
        NETWORK = "network", "Network"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    purpose = models.CharField(max_length=500)
    meets = models.CharField(max_length=200, blank=True, help_text="For example: monthly, second Tuesday.")
    chair = models.CharField(max_length=200, blank=True)
    our_representative = models.CharField(max_length=200, blank=True, help_text="Who goes for the programme.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReferralPathway(Confirmed):
    """How to refer a child or family to a service or front door."""

    name = models.CharField(max_length=200, help_text="For example: Early Help front door.")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="map_pathways")
    how_to_refer = models.CharField(max_length=500)
    criteria = models.CharField(max_length=500, blank=True, help_text="Who it is for, and the threshold.")
    contact = models.CharField(max_length=200, blank=True, help_text="A phone number or email address.")
    url = models.URLField(blank=True, help_text="The referral form or guidance online.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
