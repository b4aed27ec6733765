"""Shared cases on pages of the cases app (the child's record and the caseload)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from joinedup.sharing.access import shared_cases_of_child
from joinedup.sharing.models import SharedCase

register = template.Library()


@register.simple_tag
def shared_cases_of(child: Any) -> list[SharedCase]:
    """The child's shared cases in force. Only on pages already behind ``access_child``."""
    return list(shared_cases_of_child(child.pk))


@register.simple_tag
def shared_child_ids(rows: Iterable[Any]) -> set[int]:
    """Which children of a caseload are shared cases: one query for the whole page."""
    ids = [row.enrolment.child_id for row in rows]
    if not ids:
        return set()
    from django.utils import timezone

    from joinedup.sharing.models import active_agreement_filter

    return set(
        SharedCase.objects.filter(active_agreement_filter(timezone.localdate(), "agreement__"))
        .filter(child_id__in=ids, ended_at__isnull=True)
        .values_list("child_id", flat=True)
    )
