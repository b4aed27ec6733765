"""Shared cases on pages of the cases app (the child's record and the caseload)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.utils import timezone

from joinedup.sharing.access import shared_cases_of_child
from joinedup.sharing.models import SharedCase, shared_cases_in_force

register = template.Library()


@register.simple_tag
def shared_cases_of(child: Any) -> list[SharedCase]:
    """The child's shared cases in force. Only on pages already behind ``access_child``."""
    return list(shared_cases_of_child(child.pk))


@register.simple_tag
def shared_with(rows: Iterable[Any]) -> dict[int, str]:
    """The partners each child of a caseload is a shared case with ("Brent Early Help"): one query a page."""
    ids = [row.enrolment.child_id for row in rows]
    if not ids:
        return {}
    partners: dict[int, list[str]] = {}
    cases = (
        shared_cases_in_force(timezone.localdate())
        .filter(child_id__in=ids)
        .values_list("child_id", "partner__name")
        .order_by("partner__name")
    )
    for child_id, partner in cases:
        partners.setdefault(child_id, []).append(partner)
    return {child_id: ", ".join(names) for child_id, names in partners.items()}


@register.simple_tag
def shared_with_row(row: Any) -> dict[int, str]:
    """``shared_with`` for one caseload row, drawn on its own."""
    return shared_with([row])


@register.filter
def partners_of(shared: dict[int, str], child_id: int) -> str:
    """The partners a caseload child is shared with, from ``shared_with``; "" when none."""
    return shared.get(child_id, "")
