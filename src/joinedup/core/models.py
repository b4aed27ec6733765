"""Shared model pieces and the record of background jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.core.running import STOPPED, runner_here


class TrackedModel(models.Model):
    """Base for every model that holds case data: who created and changed it, and when."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        abstract = True


class RunByProcess(models.Model):
    """A row saying some work is running, which knows the process doing it.

    Subclasses name their running and stopped statuses and the field that says why it stopped."""

    runner = models.CharField(
        max_length=300,
        blank=True,
        default=runner_here,
        help_text="The process doing the work (host, process id, when it started), to notice if it ends early.",
    )

    running_status = "running"
    stopped_status = "failed"
    stopped_reason_field = "message"

    class Meta:
        abstract = True

    def stopped_fields(self) -> dict[str, Any]:
        return {"status": self.stopped_status, self.stopped_reason_field: STOPPED, "finished_at": timezone.now()}

    @classmethod
    def running(cls) -> dict[str, str]:
        """The filter for rows that say they are running (each subclass has its own ``status`` field)."""
        return {"status": cls.running_status}

    def interrupted_close(self) -> bool:
        """Mark this row as stopped, if it still says running; whether it did."""
        rows = type(self)._default_manager.filter(pk=self.pk, **self.running())
        if not rows.update(**self.stopped_fields()):
            return False
        self.stopped_cleanup()
        return True

    def stopped_cleanup(self) -> None:
        """What else goes when the work stopped early (a file kept for it, say); nothing by default."""


class Job(RunByProcess):
    """A piece of background work a person started, with its progress.

    The task itself runs in the worker (django-tasks-db); this row is what the
    page polls and what the command line reads, so progress survives restarts.
    """

    stopped_reason_field = "error"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=200)
    task_result_id = models.CharField(max_length=64, blank=True, db_index=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True, blank=True)
    message = models.CharField(max_length=300, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}

    @property
    def needs_attention(self) -> bool:
        """Finished, but with nothing done or something found: a file refused, nothing to screen, a list not
        matched, an audit log that does not check out."""
        result = self.result or {}
        return self.status == self.Status.SUCCEEDED and (
            result.get("imported") is False
            or result.get("matched") is False
            or result.get("ok") is False
            or ("run_id" in result and not result["run_id"])
        )

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))
