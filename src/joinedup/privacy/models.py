from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from joinedup.accounts.models import Area

ARCHIVE_AFTER_MONTHS = 12
ERASE_AT_AGE = 25


class RetentionRule(models.Model):
    """How long a borough keeps a child's record: archived a while after the case closes, erased at an age.

    Local schedules usually keep children's records until the child is 25; there is no single national rule.
    """

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="retention_rule")
    archive_after_months = models.PositiveSmallIntegerField(
        default=ARCHIVE_AFTER_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="Months after the last enrolment closed (or, for a child never enrolled, after the record was made).",
    )
    erase_at_age = models.PositiveSmallIntegerField(
        default=ERASE_AT_AGE,
        validators=[MinValueValidator(18), MaxValueValidator(100)],
        help_text="An archived record is erased once the child reaches this age.",
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return (
            f"Retention in {self.area}: archive after {self.archive_after_months} months, erase at {self.erase_at_age}"
        )
