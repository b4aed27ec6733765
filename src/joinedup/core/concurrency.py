"""Two people changing the same record at once: the second is told, never silently overwritten.

A form carries the record's ``modified_at`` as it was when the page was drawn (``seen``); the service locks
the row and refuses the change if the record has moved on since. Without ``seen`` (an API call), the record
as this request first read it stands in, which still catches two requests racing each other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from joinedup.core.models import TrackedModel


def seen_in(request: HttpRequest) -> datetime | None:
    """The ``seen`` time a form sent back, if it is one."""
    return parse_datetime(request.POST.get("seen", "")) if request.method == "POST" else None


def unchanged_since[Tracked: TrackedModel](record: Tracked, seen: datetime | None, *, noun: str) -> Tracked:
    """Lock ``record``'s row (inside the caller's transaction) and check no one changed it since ``seen``."""
    model: Any = type(record)
    locked: Tracked = (
        model._base_manager.select_for_update(of=("self",)).select_related("modified_by").get(pk=record.pk)
    )
    expected = seen or record.modified_at
    if locked.modified_at != expected:
        who = locked.modified_by.full_name if locked.modified_by else "Someone"
        raise ValidationError(
            f"{who} changed this {noun} at {timezone.localtime(locked.modified_at):%H:%M} since you opened it. "
            "Look at it again, then make your change."
        )
    return locked
