"""Outcomes on the child's record, and values shown as the measure writes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from joinedup.outcomes.models import Measure
from joinedup.outcomes.selectors import MeasureProgress, child_progress

register = template.Library()


@register.filter
def shown(measure: Measure, value: float | None) -> str:
    """A value as a practitioner reads it: ``{{ measure|shown:value }}``."""
    return measure.shown(value)


@register.simple_tag
def progress_of(child: Any) -> list[MeasureProgress]:
    """The child's progress on each measure, for the record's summary. Only on pages already behind
    ``access_child``, whose view is the audited one."""
    return child_progress(child)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    """``{{ row.domains|get_item:measure.key }}``: a report's column by its measure."""
    return mapping.get(key)


@register.filter
def money(amount: Decimal | None) -> str:
    """Pounds as a funder reads them: £1,200.00."""
    return "" if amount is None else f"£{amount:,.2f}"
