"""Case coordination in the demo: every demo child with a Link Worker is enrolled, with consent and contacts.

Dated from ``as_of`` (the day the demo is loaded), so caseloads look current: children started on
the programme over the last two years, and each has been seen at their own rhythm since (most
weekly or fortnightly, some every three weeks, a few only now and then, so not every child
reaches high engagement), most in the last fortnight, and a few are overdue a contact, as on a
real caseload. Plans, reviews, referrals
and partner sessions follow in ``demo.plans``. The same seed and day give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import Child, Consent, Contact, Enrolment
from joinedup.cases.services import PROGRAMME_YEARS, years_on
from joinedup.demo.generator import DemoData
from joinedup.rules import DOMAINS

# Areas at risk a demo child starts from: economic disadvantage more often than not, as in the programme.
_AREAS = [domain for domain in DOMAINS if domain not in ("behaviour", "english", "writing")]
# What a Link Worker writes after each kind of contact.
_NOTES: dict[str, tuple[str, ...]] = {
    Contact.Kind.ONE_TO_ONE: (
        "Talked about the week at school; feeling more settled in class.",
        "Reading together; chose a book to take home.",
        "Checked in after a difficult lunchtime; agreed who to go to next time.",
        "Practised the calming plan; used it once this week without a reminder.",
    ),
    Contact.Kind.FAMILY: (
        "Worked on a plan for mornings with mum, to get in on time.",
        "Home visit: talked through the plan together; dad keen to come to the next review.",
    ),
    Contact.Kind.PHONE: (
        "Phone call with dad to see how the week went at home.",
        "Called mum to agree a time for the next family meeting.",
    ),
    Contact.Kind.SCHOOL_MEETING: (
        "Met with the class teacher about homework support.",
        "Attendance meeting with the head of year; agreed a gate check-in.",
    ),
    Contact.Kind.GROUP: ("Friendship group: took turns leading a game; joined in well.",),
}
# Who else was there, by kind of contact; and a follow-up now and then.
_ATTENDEES = {
    Contact.Kind.FAMILY: ("Mum", "Dad", "Mum and grandmother"),
    Contact.Kind.SCHOOL_MEETING: ("Class teacher", "Class teacher and SENCo", "Head of year"),
    Contact.Kind.GROUP: ("Friendship group, 6 pupils",),
    Contact.Kind.PHONE: ("Mum", "Dad"),
}
# How often a Link Worker sees a child (the typical gap in days, and the share of children): most weekly or
# fortnightly, some every three weeks, a few only now and then. With six contacts in a term needed for high
# engagement, the weekly and most fortnightly children reach it in some term; the others rarely do.
_RHYTHMS: tuple[tuple[int, float], ...] = ((7, 0.35), (14, 0.3), (21, 0.2), (35, 0.15))
_FOLLOW_UPS = (
    "Link Worker to check in with the class teacher on Friday.",
    "Mum to bring the uniform fund form to the office.",
    "Book the next family meeting before half term.",
)


@dataclass(frozen=True)
class CasesLoadSummary:
    enrolments: int
    contacts: int


def demo_cases_loaded() -> bool:
    return Enrolment.objects.filter(cohort_entry__isnull=True).exists()


def demo_cases_load(data: DemoData, *, as_of: date) -> CasesLoadSummary:
    """Enrol each demo child that has a Link Worker, with consent and a realistic run of contacts."""
    rng = random.Random(f"joinedup-demo-cases:{data.seed}")
    children = list(
        Child.objects.filter(link_worker__isnull=False, enrolments__isnull=True).select_related("family").order_by("pk")
    )
    enrolments: list[Enrolment] = []
    consents: list[Consent] = []
    plans: list[tuple[int, date]] = []
    for child in children:
        worker_id = child.link_worker_id
        assert worker_id is not None  # chosen above
        start = as_of - timedelta(days=rng.randint(14, 700))
        elapsed = (as_of - start).days
        stage = (
            Enrolment.Stage.RELATIONSHIP
            if elapsed < 75
            else Enrolment.Stage.CLOSING
            if elapsed > 640
            else rng.choice([Enrolment.Stage.ACTIVE_PLAN] * 4 + [Enrolment.Stage.REVIEW])
        )
        areas = ["economic_disadvantage"] if rng.random() < 0.7 else []
        areas += rng.sample([area for area in _AREAS if area not in areas], rng.randint(2, 4))
        enrolments.append(
            Enrolment(
                child=child,
                programme_organisation_id=child.programme_organisation_id,
                school_id=child.school_id,
                link_worker_id=worker_id,
                start_date=start,
                planned_end_date=years_on(start, PROGRAMME_YEARS),
                stage=stage,
                at_risk_domains=[area for area in DOMAINS if area in areas],
                created_by_id=worker_id,
            )
        )
        consents.append(
            Consent(
                child=child,
                purpose=Consent.Purpose.ENROLMENT,
                given_by=Consent.GivenBy.BOTH if child.age_on(as_of) >= 11 else Consent.GivenBy.PARENT,
                given_by_name=f"{child.family.family_name} family",
                obtained=rng.choice(list(Consent.Obtained.values)),
                given_on=start,
                review_on=years_on(start, 1),
                created_by_id=worker_id,
            )
        )
        plans.append((len(enrolments) - 1, start))
    with transaction.atomic():
        Enrolment.objects.bulk_create(enrolments, batch_size=1000)
        Consent.objects.bulk_create(consents, batch_size=1000)
        contacts: list[Contact] = []
        for index, start in plans:
            enrolment = enrolments[index]
            # Each child has their own rhythm (weekly, fortnightly, or now and then), counted back from their
            # latest contact, so most were seen in the last fortnight; one child in ten not seen for a while.
            last = as_of - timedelta(days=rng.randint(20, 40) if rng.random() < 0.1 else rng.randint(0, 10))
            for day in _contact_days(rng, start, last):
                kind = rng.choice(
                    [Contact.Kind.ONE_TO_ONE] * 5
                    + [Contact.Kind.FAMILY, Contact.Kind.PHONE, Contact.Kind.SCHOOL_MEETING, Contact.Kind.GROUP]
                )
                contacts.append(
                    Contact(
                        enrolment=enrolment,
                        kind=kind,
                        happened_on=day,
                        minutes=rng.choice([20, 30, 30, 45, 60]),
                        attendees=rng.choice(_ATTENDEES.get(kind, ("",))),
                        notes=rng.choice(_NOTES[kind]),
                        follow_up=rng.choice(_FOLLOW_UPS) if rng.random() < 0.15 else "",
                        created_by_id=enrolment.link_worker_id,
                    )
                )
        Contact.objects.bulk_create(contacts, batch_size=2000)
        engagement_refresh(enrolment_ids=[enrolment.pk for enrolment in enrolments])
    return CasesLoadSummary(len(enrolments), len(contacts))


def _contact_days(rng: random.Random, start: date, last: date) -> list[date]:
    """The days a child was seen, oldest first: the day they started (the Monday after, if a weekend), then at
    their own rhythm up to ``last``.

    Counted back from ``last``, so a child's latest contact is on it whatever their rhythm. A rhythm is a typical
    gap, with a few days either way; no contact falls in the summer or Christmas holidays (bar the latest, a call
    to keep in touch), and one due at a weekend is on the Friday before, as a school-based worker would see them.
    """
    gap = _pick(rng, _RHYTHMS)
    days: list[date] = []
    day = last
    while day > start:
        seen = day - timedelta(days=max(0, day.weekday() - 4))  # Saturday and Sunday: the Friday before
        if seen > start and (not days or seen < days[-1]) and (not days or not _holiday(seen)):
            days.append(seen)
        day -= timedelta(days=max(3, round(rng.gauss(gap, gap / 5))))
    first = start + timedelta(days=max(0, 7 - start.weekday()) if start.weekday() > 4 else 0)  # a weekday
    if not days or first < days[-1]:
        days.append(first)
    return days[::-1]


def _holiday(day: date) -> bool:
    """The summer holidays (from the fourth week of July) and Christmas (the last ten days of December, the first
    few of January): near enough for a demo; half terms and Easter are left in."""
    month_day = (day.month, day.day)
    return (7, 22) <= month_day <= (8, 31) or month_day >= (12, 21) or month_day <= (1, 4)


def _pick(rng: random.Random, shares: tuple[tuple[int, float], ...]) -> int:
    roll = rng.random()
    for value, share in shares:
        if roll < share:
            return value
        roll -= share
    return shares[-1][0]
