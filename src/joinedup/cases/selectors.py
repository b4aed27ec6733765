from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet

from joinedup.accounts.models import Membership, Role, User
from joinedup.cases.access import children_visible_to
from joinedup.cases.models import CaseSettings, Child, Consent, Contact, Enrolment


def child_list(actor: Membership, *, search: str = "") -> QuerySet[Child]:
    """The children this membership may see, for a list page. Names only: no record is opened."""
    children = children_visible_to(actor).select_related("school", "link_worker")
    for word in search.split():
        children = children.filter(
            Q(forenames__icontains=word) | Q(surname__icontains=word) | Q(preferred_name__icontains=word)
        )
    return children.order_by("surname", "forenames", "pk")


def link_workers(actor: Membership) -> QuerySet[User]:
    """The Link Workers of the actor's programme in their borough."""
    return User.objects.filter(
        memberships__organisation=actor.organisation,
        memberships__area=actor.area,
        memberships__role=Role.LINK_WORKER,
        memberships__is_active=True,
    ).distinct()


@dataclass(frozen=True)
class CaseloadRow:
    enrolment: Enrolment
    last_contact: date | None
    contact_overdue: bool
    next_review: date


CASELOAD_ORDERS = {"name": ("child__surname", "child__forenames"), "stage": ("stage", "child__surname")}


def caseload(
    actor: Membership,
    *,
    worker_id: int,
    stage: str = "",
    overdue_only: bool = False,
    order: str = "name",
    enrolment_id: int | None = None,
) -> list[CaseloadRow]:
    """A Link Worker's open enrolments that ``actor`` may see, each with its last contact and what is due.

    One query, whatever the number of children.
    """
    settings = CaseSettings.for_area(actor.area_id)
    today = date.today()
    enrolments = (
        Enrolment.objects.filter(child__in=children_visible_to(actor), link_worker_id=worker_id)
        .exclude(stage=Enrolment.Stage.CLOSED)
        .select_related("child", "school")
        .annotate(last_contact=Max("contacts__happened_on"))
        .order_by(*CASELOAD_ORDERS.get(order, CASELOAD_ORDERS["name"]), "pk")
    )
    if stage:
        enrolments = enrolments.filter(stage=stage)
    if enrolment_id is not None:
        enrolments = enrolments.filter(pk=enrolment_id)
    every = timedelta(days=settings.contact_every_days)
    review = timedelta(weeks=settings.review_every_weeks)
    rows = []
    for enrolment in enrolments:
        last = enrolment.last_contact  # the annotation
        overdue = (today - (last or enrolment.start_date)) > every
        if overdue_only and not overdue:
            continue
        reviews_done = max(0, (today - enrolment.start_date) // review)
        rows.append(CaseloadRow(enrolment, last, overdue, enrolment.start_date + review * (reviews_done + 1)))
    if order == "last_contact":
        rows.sort(key=lambda row: (row.last_contact or date.min, row.enrolment.pk))
    return rows


def team_caseloads(actor: Membership) -> list[dict[str, object]]:
    """For a manager: each Link Worker of the programme in the borough, with their counts and flags."""
    settings = CaseSettings.for_area(actor.area_id)
    cutoff = date.today() - timedelta(days=settings.contact_every_days)
    children: Counter[int] = Counter()
    overdue: Counter[int] = Counter()
    open_enrolments = (
        Enrolment.objects.filter(child__in=children_visible_to(actor))
        .exclude(stage=Enrolment.Stage.CLOSED)
        .annotate(last=Max("contacts__happened_on"))
        .values_list("link_worker", "last", "start_date")
    )
    for worker_id, last, started in open_enrolments:
        children[worker_id] += 1
        overdue[worker_id] += (last or started) < cutoff
    workers = link_workers(actor).order_by("full_name")
    return [
        {
            "worker": worker,
            "children": children[worker.pk],
            "overdue": overdue[worker.pk],
            "over_target": children[worker.pk] > settings.target_caseload,
        }
        for worker in workers
    ]


@dataclass(frozen=True)
class ChronologyEvent:
    """One thing that happened, for the child's chronology."""

    on: date
    kind: str
    title: str
    detail: str
    by: str


CHRONOLOGY_KINDS = {
    "identification": "Identification",
    "consent": "Consent",
    "enrolment": "Enrolment",
    "contact": "Contacts",
}


def chronology(child: Child, *, kind: str = "") -> list[ChronologyEvent]:
    """Everything about the child in time order, newest first: what the viewer may see of the record.

    Each kind is one query, whatever the length of the case.
    """
    events: list[ChronologyEvent] = []
    wanted = (lambda name: name == kind) if kind else (lambda name: True)
    enrolments = list(child.enrolments.select_related("cohort_entry__cohort__run", "link_worker", "created_by"))
    if wanted("identification"):
        for enrolment in enrolments:
            entry = enrolment.cohort_entry
            if entry is None:
                continue
            run = entry.cohort.run
            events.append(
                ChronologyEvent(
                    run.started_at.date(),
                    "identification",
                    "Identified by the school's screening",
                    entry.explanation,
                    "",
                )
            )
            if entry.decided_at is not None:
                reason = f": {entry.decision_reason}" if entry.decision_reason else ""
                events.append(
                    ChronologyEvent(
                        entry.decided_at.date(),
                        "identification",
                        f"{entry.get_decision_display()} on the school's list",
                        reason.removeprefix(": "),
                        "",
                    )
                )
    if wanted("consent"):
        for consent in child.consents.select_related("created_by", "organisation"):
            about = consent.get_purpose_display()
            if consent.organisation is not None:
                about += f" ({consent.organisation.name})"
            basis = (
                ""
                if consent.basis == Consent.Basis.CONSENT
                else f"On the basis of {consent.get_basis_display().lower()}: {consent.basis_reason}"
            )
            given = consent.get_given_by_display() if consent.given_by else ""
            events.append(
                ChronologyEvent(
                    consent.given_on, "consent", f"Consent recorded: {about}", basis or given, _name(consent.created_by)
                )
            )
            if consent.withdrawn_on is not None:
                events.append(
                    ChronologyEvent(
                        consent.withdrawn_on, "consent", f"Consent withdrawn: {about}", consent.withdrawn_by, ""
                    )
                )
    if wanted("enrolment"):
        for enrolment in enrolments:
            events.append(
                ChronologyEvent(
                    enrolment.start_date,
                    "enrolment",
                    "Enrolled on the programme",
                    f"With {enrolment.link_worker.full_name}, until {enrolment.planned_end_date:%-d %B %Y}",
                    _name(enrolment.created_by),
                )
            )
            if enrolment.closed_on is not None:
                events.append(
                    ChronologyEvent(enrolment.closed_on, "enrolment", "Enrolment closed", enrolment.closure_reason, "")
                )
    if wanted("contact"):
        contacts = Contact.objects.filter(enrolment__child=child).select_related("created_by")
        for contact in contacts:
            minutes = f" ({contact.minutes} minutes)" if contact.minutes else ""
            detail = " ".join(
                part for part in (contact.notes, f"Next: {contact.follow_up}" if contact.follow_up else "") if part
            )
            events.append(
                ChronologyEvent(
                    contact.happened_on,
                    "contact",
                    f"{contact.get_kind_display()}{minutes}",
                    detail,
                    _name(contact.created_by),
                )
            )
    # Newest first; on the same day, in the order a case unfolds (screening, consent, enrolment,
    # contacts), latest step first.
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].on, pair[0]), reverse=True)
    return [event for _index, event in ordered]


def _name(user: User | None) -> str:
    return user.full_name if user is not None else ""
