from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from joinedup.accounts.models import Role
from joinedup.cases.access import access_child
from joinedup.cases.models import Child, Contact, Enrolment
from joinedup.cases.selectors import child_list
from joinedup.cases.services import contact_record

router = Router(tags=["children"])


class ChildSummaryOut(Schema):
    id: int
    display_name: str
    school: str = Field(alias="school.name")
    year_of_birth: int

    @staticmethod
    def resolve_year_of_birth(child: Child) -> int:
        return child.date_of_birth.year


class ChildOut(Schema):
    id: int
    forenames: str
    surname: str
    preferred_name: str
    date_of_birth: date
    sex: str
    school_urn: str | None = Field(alias="school.urn")
    school: str = Field(alias="school.name")
    home_postcode: str
    area: str = Field(alias="area.name")
    link_worker: str | None

    @staticmethod
    def resolve_link_worker(child: Child) -> str | None:
        return child.link_worker.full_name if child.link_worker else None


@router.get("", response=list[ChildSummaryOut], summary="Children you may see")
@paginate(LimitOffsetPagination)
def children(request: HttpRequest, q: str = "") -> QuerySet[Child]:
    return child_list(request.auth, search=q[:100])  # type: ignore[attr-defined]


@router.get("/{child_id}", response=ChildOut, summary="One child's record (audited)")
def child(request: HttpRequest, child_id: int) -> Child:
    return access_child(request.auth, child_id)  # type: ignore[attr-defined]


class EnrolmentOut(Schema):
    id: int
    stage: str
    start_date: date
    planned_end_date: date
    closed_on: date | None
    closure_reason: str
    link_worker: str = Field(alias="link_worker.full_name")
    school_urn: str | None = Field(alias="school.urn")
    at_risk_domains: list[str]


class ContactOut(Schema):
    id: int
    enrolment_id: int
    kind: str
    happened_on: date
    minutes: int | None
    attendees: str
    notes: str
    follow_up: str


class ContactIn(Schema):
    kind: Contact.Kind
    happened_on: date
    minutes: int | None = Field(default=None, ge=1, le=600)
    attendees: str = Field(default="", max_length=300)
    notes: str = ""
    follow_up: str = Field(default="", max_length=300)


class Problem(Schema):
    detail: str


@router.get("/{child_id}/enrolments", response=list[EnrolmentOut], summary="A child's enrolments (audited)")
def enrolments(request: HttpRequest, child_id: int) -> QuerySet[Enrolment]:
    found = access_child(request.auth, child_id)  # type: ignore[attr-defined]
    return found.enrolments.select_related("link_worker", "school")


@router.get("/{child_id}/contacts", response=list[ContactOut], summary="A child's sessions and contacts (audited)")
@paginate(LimitOffsetPagination)
def contacts(request: HttpRequest, child_id: int) -> QuerySet[Contact]:
    found = access_child(request.auth, child_id)  # type: ignore[attr-defined]
    return Contact.objects.filter(enrolment__child=found)


@router.post(
    "/{child_id}/contacts",
    response={201: ContactOut, 400: Problem, 403: Problem},
    summary="Record a session or contact on the child's open enrolment",
)
def contact_create(request: HttpRequest, child_id: int, payload: ContactIn) -> Status[object]:
    actor = request.auth  # type: ignore[attr-defined]
    found = access_child(actor, child_id)
    if actor.role not in (Role.LINK_WORKER, Role.TEAM_MANAGER):
        return Status(403, {"detail": "Only the child's Link Worker or their team manager records contacts."})
    enrolment = found.enrolments.exclude(stage=Enrolment.Stage.CLOSED).first()
    if enrolment is None:
        return Status(400, {"detail": "This child has no open enrolment."})
    try:
        return Status(201, contact_record(actor=actor, enrolment=enrolment, **payload.dict()))
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
