"""The append-only, tamper-evident audit log.

Each event stores an HMAC over its own content and the previous event's hash,
so any edit, insertion or deletion breaks the chain at that point. The chain
head (the newest sequence number and hash) is kept in its own row, so cutting
events off the end is detected too. ``joinedup audit verify`` re-computes it.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    CHANGE = "change", "Changed"
    EXPORT = "export", "Exported"
    SHARE = "share", "Shared"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"
    LOCKED = "locked", "Account locked"
    ARCHIVE = "archive", "Archived"
    ERASE = "erase", "Erased"


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be changed.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    seq = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    area = models.ForeignKey("accounts.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices)
    record_type = models.CharField(max_length=64, blank=True)
    record_id = models.CharField(max_length=64, blank=True)
    # Kept as a plain number, not a foreign key, so the log outlives a record
    # erased under a retention rule.
    child_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    purpose = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        indexes = [models.Index(fields=["user", "occurred_at"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor_email or 'system'} {self.action} {self.record_type} {self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events cannot be deleted.")


class AuditChainHead(models.Model):
    """One row: the newest event's sequence number and hash. Locked while appending."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit chain head at #{self.seq}"
