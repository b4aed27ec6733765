from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def child_age(child: object, on: date) -> int:
    """Age in whole years on the given date."""
    return child.age_on(on)  # type: ignore[attr-defined,no-any-return]
