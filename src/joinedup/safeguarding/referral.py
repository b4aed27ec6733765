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
    """What the person sending the referral adds: whether the family knows (and why not), and what has been done."""

    family_informed: bool
    family_informed_note: str
    actions_taken: str = ""


@dataclass(frozen=True)
class Field:
    label: str
    value: Callable[[Concern, list[Child], Sent], str]


def _per_child(line: Callable[[Child], str]) -> Callable[[Concern, list[Child], Sent], str]:
    """A value about each child: the value itself for one child, a line naming each for a context's children."""

    def value(_concern: Concern, children: list[Child], _sent: Sent) -> str:
        if len(children) == 1:
            return line(children[0])
        return "\n".join(f"{child.forenames} {child.surname}: {line(child)}" for child in children)

    return value


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


def _decision(concern: Concern) -> Decision:
    return concern.decision


def _context(concern: Concern) -> str:
    context = concern.context
    if context is None:
        return "None: the concern is about one child"
    described = f". {context.description}" if context.description else ""
    return f"{context.get_kind_display()}: {context.name}{described}"


def _when_where(concern: Concern) -> str:
    at = f" at {concern.happened_time:%H:%M}" if concern.happened_time else ""
    return f"{concern.happened_on:%-d %B %Y}{at}, {concern.place}"


def _family_told(sent: Sent) -> str:
    return "Yes" if sent.family_informed else f"No: {sent.family_informed_note}"


def _referrer(concern: Concern) -> str:
    lead = _decision(concern).decided_by
    raised_by = concern.raised_by.user.full_name
    return f"{lead.full_name}, for {concern.organisation.name} ({lead.email}). Concern raised by {raised_by}."


FIELDS: dict[str, Field] = {
    "child_name": Field(
        "Child’s full name", lambda _c, kids, _s: "\n".join(f"{k.forenames} {k.surname}" for k in kids)
    ),
    "date_of_birth": Field("Date of birth", _per_child(lambda child: f"{child.date_of_birth:%-d %B %Y}")),
    "sex": Field("Sex", _per_child(lambda child: child.get_sex_display())),
    "address": Field("Home address", _per_child(_address)),
    "school": Field("School", _per_child(lambda child: child.school.name)),
    "carers": Field("Parents, carers and others in the household", _per_child(_carers)),
    "home_language": Field("Home language", _per_child(lambda child: child.family.home_language or "Not recorded")),
    "context": Field("Peer group, place, school setting or online space", lambda c, _kids, _s: _context(c)),
    "concern": Field("What was seen or heard", lambda c, _kids, _s: c.what),
    "child_words": Field("The child’s own words", lambda c, _kids, _s: c.child_words or "None recorded"),
    "when_where": Field("When and where", lambda c, _kids, _s: _when_where(c)),
    "present": Field("Who was present", lambda c, _kids, _s: c.present or "Not recorded"),
    "category": Field("Category of concern", lambda c, _kids, _s: c.get_category_display()),
    "immediate_risk": Field("Immediate risk", lambda c, _kids, _s: "Yes" if c.immediate_risk else "No"),
    "level": Field("Level of need", lambda c, _kids, _s: _decision(c).level_name),
    "reasons": Field("Reasons for the referral", lambda c, _kids, _s: _decision(c).reasons),
    "actions_taken": Field(
        "What has been done to keep the child safe", lambda _c, _kids, s: s.actions_taken or "None recorded"
    ),
    "family_informed": Field("Family told of the referral", lambda _c, _kids, s: _family_told(s)),
    "services": Field(
        "Services already involved", _per_child(lambda child: _services(child) or "None through the programme")
    ),
    "referrer": Field("Referrer", lambda c, _kids, _s: _referrer(c)),
}


def referral_form(concern: Concern, required: list[str], sent: Sent) -> list[dict[str, str]]:
    """The form, as sent: each required field's label and value, in the usual order."""
    children = [concern.child] if concern.child is not None else list(concern.context.children.all())  # type: ignore[union-attr]
    return [
        {"code": code, "label": field.label, "value": field.value(concern, children, sent)}
        for code, field in FIELDS.items()
        if code in required
    ]
