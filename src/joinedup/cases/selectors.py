from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, Q, QuerySet

from joinedup.accounts.models import Membership, Role, User
from joinedup.cases.access import children_visible_to
from joinedup.cases.models import CaseSettings, Child, Enrolment


def child_list(actor: Membership, *, search: str = "") -> QuerySet[Child]:
    """The children this membership may see, for a list page. Names only: no record is opened."""
    children = children_visible_to(actor).select_related("school", "link_worker")
    for word in search.split():
        children = children.filter(
            Q(forenames__icontains=word) | Q(surname__icontains=word) | Q(preferred_name__icontains=word)
        )
    return children.order_by("surname", "forenames", "pk")


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
    workers = (
        User.objects.filter(
            memberships__organisation=actor.organisation,
            memberships__area=actor.area,
            memberships__role=Role.LINK_WORKER,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("full_name")
    )
    return [
        {
            "worker": worker,
            "children": children[worker.pk],
            "overdue": overdue[worker.pk],
            "over_target": children[worker.pk] > settings.target_caseload,
        }
        for worker in workers
    ]
