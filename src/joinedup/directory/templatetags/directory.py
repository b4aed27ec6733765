"""Plain-English wording of directory records for the pages."""

from __future__ import annotations

from django import template

from joinedup.directory.models import Address, CostOption, Schedule
from joinedup.directory.search_index import DAY_NAMES, DAYS
from joinedup.directory.selectors import evidence_label

register = template.Library()


@register.filter
def age_range(minimum: int | float | None, maximum: int | float | None) -> str:
    low = int(minimum or 0)
    high = None if maximum is None or maximum >= 120 else int(maximum)
    if high is None:
        return f"Ages {low} and over" if low else "All ages"
    return f"Ages {low} to {high}"


def _days(byday: str) -> str:
    names = []
    for part in byday.upper().split(","):
        code = "".join(ch for ch in part if ch.isalpha())
        prefix = part[: len(part) - len(code)].strip()
        if code in DAYS:
            name = DAY_NAMES[DAYS.index(code)]
            names.append(f"{_ordinal(prefix)} {name} of the month" if prefix else name + "s")
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _ordinal(prefix: str) -> str:
    return {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}.get(prefix, prefix)


@register.filter
def schedule_text(schedule: Schedule) -> str:
    """ "Thursdays and Fridays, 10:00 to 18:00", or the feed's own description when it has no pattern."""
    parts = []
    if schedule.byday:
        parts.append(_days(schedule.byday))
    elif schedule.freq == "WEEKLY":
        parts.append("Every day")
    if schedule.opens_at and schedule.closes_at:
        parts.append(f"{schedule.opens_at:%H:%M} to {schedule.closes_at:%H:%M}")
    text = ", ".join(part for part in parts if part)
    return text or (schedule.description or "")


@register.filter
def address_text(address: Address) -> str:
    parts = [address.address_1, address.address_2, address.city, address.postal_code]
    return ", ".join(part for part in parts if part)


@register.filter
def evidence_text(level: str) -> str:
    return evidence_label(level)


@register.filter
def cost_text(option: CostOption) -> str:
    """ "£4.00 per session", "Free (children on free school meals)": the amount, then what the feed adds
    that it has not already said."""
    details: list[str] = []
    for text in (option.amount_description, option.option):
        cleaned = (text or "").strip()
        if cleaned and cleaned.lower() not in {"free", *(detail.lower() for detail in details)}:
            details.append(cleaned[0].lower() + cleaned[1:])
    if option.amount:
        return " ".join([f"£{option.amount:,.2f}", *details])
    return "Free" + (f" ({', '.join(details)})" if details else "")
