"""Case coordination in the demo: every demo child with a Link Worker is enrolled, with consent and contacts.

Dated from ``as_of`` (the day the demo is loaded), so caseloads look current: children started on
the programme over the last two years, were seen every week or two since, most in the last
fortnight, and a few are overdue a contact, as on a real caseload. Plans, reviews, referrals
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
            # Every week or two since the start; one child in ten not seen for a while.
            day = start
            last = as_of - timedelta(days=rng.randint(20, 40) if rng.random() < 0.1 else rng.randint(0, 10))
            while day <= last:
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
                day += timedelta(days=rng.randint(6, 15))
        Contact.objects.bulk_create(contacts, batch_size=2000)
        engagement_refresh(enrolment_ids=[enrolment.pk for enrolment in enrolments])
    return CasesLoadSummary(len(enrolments), len(contacts))
