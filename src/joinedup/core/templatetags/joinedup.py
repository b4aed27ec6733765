from __future__ import annotations

from datetime import date

from django import template

register = template.Library()


@register.filter
def child_age(child: object, on: date) -> int:
    """Age in whole years on the given date."""
    return child.age_on(on)  # type: ignore[attr-defined,no-any-return]


@register.filter
def purpose_label(purpose: str) -> str:
    """The plain-English purpose recorded on an audit event."""
    from joinedup.cases.access import Purpose

    if purpose in Purpose.values:
        return str(Purpose(purpose).label)
    return purpose.replace("_", " ").capitalize() if purpose else "\u2013"


RECORD_LABELS = {
    "child": "Child record",
    "user": "Person",
    "audit_log": "Audit log",
    "organisation": "Organisation",
    "service": "Directory service",
    "safeguarding.concern": "Safeguarding concern",
    "safeguarding.context": "Safeguarding context (peer group, place, online space)",
    "safeguarding.decision": "Safeguarding decision",
    "safeguarding.escalation": "Safeguarding referral",
    "safeguarding.report": "Safeguarding monthly report",
    "safeguarding.settings": "Safeguarding settings",
    "safeguarding.front_door": "Safeguarding front door",
}


@register.filter
def record_label(record_type: str) -> str:
    """How a kind of record is named on the audit page."""
    if not record_type:
        return "\u2013"
    return RECORD_LABELS.get(record_type, record_type.replace("_", " ").capitalize())
