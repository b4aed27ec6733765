"""The referral form a front door asks for: each field it may require, and how its value is read from the record.

A front door names the fields it requires (``FrontDoor.required_fields``); the form carries exactly those, in the
order below, and is kept as sent on the ``Escalation``. A concern about a context lists each linked child.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from joinedup.cases.models import Child, Referral
from joinedup.safeguarding.models import Concern, Decision


@dataclass(frozen=True)
class Sent:
    """What the person sending the referral adds: whether the family knows, and why not."""

    family_informed: bool
    family_informed_note: str


@dataclass(frozen=True)
class Field:
    label: str
    value: Callable[[Concern, list[Child], Sent], str]


def _each(children: list[Child], line: Callable[[Child], str]) -> str:
    return "\n".join(line(child) for child in children)


def _address(child: Child) -> str:
    family = child.family
    lines = [family.address_line_1, family.address_line_2, family.town, family.postcode]
    return ", ".join(line for line in lines if line)


def _carers(child: Child) -> str:
    members = [
        f"{member.full_name} ({member.get_relationship_display().lower()}"
        f"{', parental responsibility' if member.parental_responsibility else ''})"
        f"{': ' + member.phone if member.phone else ''}"
        for member in child.family.members.all()
    ]
    return "; ".join(members) or "None recorded"


def _services(child: Child) -> str:
    referrals = (
        Referral.objects.filter(enrolment__child=child)
        .exclude(status__in=[Referral.Status.DRAFT])
        .select_related("service")
        .order_by("pk")
    )
    return "; ".join(f"{referral.service.name} ({referral.get_status_display().lower()})" for referral in referrals)


def _named(child: Child, value: str) -> str:
    return f"{child.forenames} {child.surname}: {value}"


def _decision(concern: Concern) -> Decision:
    return concern.decision


FIELDS: dict[str, Field] = {
    "child_name": Field("Child’s full name", lambda c, kids, s: _each(kids, lambda k: f"{k.forenames} {k.surname}")),
    "date_of_birth": Field(
        "Date of birth", lambda c, kids, s: _each(kids, lambda k: _named(k, f"{k.date_of_birth:%-d %B %Y}"))
    ),
    "sex": Field("Sex", lambda c, kids, s: _each(kids, lambda k: _named(k, k.get_sex_display()))),
    "address": Field("Home address", lambda c, kids, s: _each(kids, lambda k: _named(k, _address(k)))),
    "school": Field("School", lambda c, kids, s: _each(kids, lambda k: _named(k, k.school.name))),
    "carers": Field("Parents and carers", lambda c, kids, s: _each(kids, lambda k: _named(k, _carers(k)))),
    "home_language": Field(
        "Home language", lambda c, kids, s: _each(kids, lambda k: _named(k, k.family.home_language or "Not recorded"))
    ),
    "concern": Field("What was seen or heard", lambda c, kids, s: c.what),
    "child_words": Field("The child’s own words", lambda c, kids, s: c.child_words or "None recorded"),
    "when_where": Field(
        "When and where",
        lambda c, kids, s: (
            f"{c.happened_on:%-d %B %Y}{(c.happened_time and f' at {c.happened_time:%H:%M}') or ''}, {c.place}"
        ),
    ),
    "present": Field("Who was present", lambda c, kids, s: c.present or "Not recorded"),
    "category": Field("Category of concern", lambda c, kids, s: c.get_category_display()),
    "immediate_risk": Field("Immediate risk", lambda c, kids, s: "Yes" if c.immediate_risk else "No"),
    "level": Field("Level of need", lambda c, kids, s: _decision(c).level_name),
    "reasons": Field("Reasons for the referral", lambda c, kids, s: _decision(c).reasons),
    "family_informed": Field(
        "Family told of the referral",
        lambda c, kids, s: "Yes" if s.family_informed else f"No: {s.family_informed_note}",
    ),
    "services": Field(
        "Services already involved",
        lambda c, kids, s: _each(kids, lambda k: _named(k, _services(k) or "None through the programme")),
    ),
    "referrer": Field(
        "Referrer",
        lambda c, kids, s: (
            f"{_decision(c).decided_by.full_name}, for {c.organisation.name} "
            f"({_decision(c).decided_by.email}). Concern raised by {c.raised_by.user.full_name}."
        ),
    ),
}


def referral_form(concern: Concern, required: list[str], sent: Sent) -> list[dict[str, str]]:
    """The form, as sent: each required field's label and value, in the usual order."""
    children = [concern.child] if concern.child is not None else list(concern.context.children.all())  # type: ignore[union-attr]
    return [
        {"code": code, "label": field.label, "value": field.value(concern, children, sent)}
        for code, field in FIELDS.items()
        if code in required
    ]
