from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from ninja.params.functions import Query

from joinedup.cases.access import CASE_WORKERS, access_child, access_referral, referrals_visible_to
from joinedup.cases.models import (
    Child,
    Contact,
    Enrolment,
    Goal,
    GoalProgress,
    PartnerSession,
    Plan,
    PlanAction,
    PlanReview,
    Referral,
    ReferralEvent,
)
from joinedup.cases.referrals import partner_session_record, referral_status_set
from joinedup.cases.selectors import SharedDetails, child_list, open_enrolment, referral_shared_details
from joinedup.cases.services import contact_record
from joinedup.core.api import Paged

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
@paginate(Paged)
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


NOTES_WITHHELD = "Case notes are null unless you are the child's Link Worker or their team manager."


def _case_note(context: dict[str, Any], text: str) -> str | None:
    """A case note, for those who work the case; ``None`` (withheld) for anyone else who may see the child."""
    actor = context["request"].auth
    return text if actor.role in CASE_WORKERS else None


class ContactOut(Schema):
    id: int
    enrolment_id: int
    kind: str
    happened_on: date
    minutes: int | None
    attendees: str | None = Field(description=NOTES_WITHHELD)
    notes: str | None = Field(description=NOTES_WITHHELD)
    follow_up: str | None = Field(description=NOTES_WITHHELD)

    @staticmethod
    def resolve_attendees(contact: Contact, context: dict[str, Any]) -> str | None:
        return _case_note(context, contact.attendees)

    @staticmethod
    def resolve_notes(contact: Contact, context: dict[str, Any]) -> str | None:
        return _case_note(context, contact.notes)

    @staticmethod
    def resolve_follow_up(contact: Contact, context: dict[str, Any]) -> str | None:
        return _case_note(context, contact.follow_up)


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
@paginate(Paged)
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
    if actor.role not in CASE_WORKERS:
        return Status(403, {"detail": "Only the child's Link Worker or their team manager records contacts."})
    enrolment = open_enrolment(found)
    if enrolment is None:
        return Status(400, {"detail": "This child has no open enrolment."})
    try:
        return Status(201, contact_record(actor=actor, enrolment=enrolment, **payload.dict()))
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})


class ActionOut(Schema):
    id: int
    action: str
    owner: str
    owner_name: str
    due_on: date | None
    done_on: date | None


class GoalOut(Schema):
    id: int
    domain: str
    goal: str
    success: str
    status: str
    actions: list[ActionOut]

    @staticmethod
    def resolve_actions(goal: Goal) -> list[PlanAction]:
        return list(goal.actions.all())


class GoalProgressOut(Schema):
    goal_id: int
    rating: str
    note: str | None = Field(description=NOTES_WITHHELD)

    @staticmethod
    def resolve_note(progress: GoalProgress, context: dict[str, Any]) -> str | None:
        return _case_note(context, progress.note)


class ReviewOut(Schema):
    id: int
    reviewed_on: date
    summary: str | None = Field(description=NOTES_WITHHELD)
    next_steps: str | None = Field(description=NOTES_WITHHELD)
    plan_version: int
    progress: list[GoalProgressOut]

    @staticmethod
    def resolve_summary(review: PlanReview, context: dict[str, Any]) -> str | None:
        return _case_note(context, review.summary)

    @staticmethod
    def resolve_next_steps(review: PlanReview, context: dict[str, Any]) -> str | None:
        return _case_note(context, review.next_steps)

    @staticmethod
    def resolve_progress(review: PlanReview) -> list[GoalProgress]:
        return list(review.progress.all())


class PlanOut(Schema):
    id: int
    enrolment_id: int
    version: int = Field(description="Goes up with every change; every version is kept.")
    family_words: str
    next_review_on: date | None
    goals: list[GoalOut]
    reviews: list[ReviewOut]

    @staticmethod
    def resolve_goals(plan: Plan) -> list[Goal]:
        return list(plan.goals.all())

    @staticmethod
    def resolve_reviews(plan: Plan) -> list[PlanReview]:
        return list(plan.reviews.all())


@router.get(
    "/{child_id}/plan",
    response={200: PlanOut, 404: Problem},
    summary="The plan of the child's current or latest enrolment (audited)",
)
def plan(request: HttpRequest, child_id: int) -> Status[object]:
    found = access_child(request.auth, child_id)  # type: ignore[attr-defined]
    current = (
        Plan.objects.filter(enrolment__child=found)
        .order_by("-enrolment__start_date", "-pk")
        .prefetch_related("goals__actions", "reviews__progress")
        .first()
    )
    if current is None:
        return Status(404, {"detail": "This child has no plan yet."})
    return Status(200, current)


class ReferralEventOut(Schema):
    status: str
    on: date
    by: str = Field(alias="by.full_name")
    organisation: str = Field(alias="by_organisation.name")
    note: str


class ReferralOut(Schema):
    id: int
    enrolment_id: int
    service_id: str
    service: str = Field(alias="service.name")
    partner_organisation: str | None
    status: str
    reason: str
    shared: list[str]
    sent_on: date | None
    answered_on: date | None
    started_on: date | None
    ended_on: date | None
    status_reason: str
    events: list[ReferralEventOut]

    @staticmethod
    def resolve_partner_organisation(referral: Referral) -> str | None:
        return referral.partner_organisation.name if referral.partner_organisation else None

    @staticmethod
    def resolve_events(referral: Referral) -> list[ReferralEvent]:
        return list(referral.events.all())


REFERRAL_RELATED = ("service", "partner_organisation")
REFERRAL_PREFETCH = ("events__by", "events__by_organisation")


@router.get(
    "/{child_id}/referrals",
    response={200: list[ReferralOut], 403: Problem},
    summary="A child's referrals, for their Link Worker and team manager (audited)",
)
def child_referrals(request: HttpRequest, child_id: int) -> Status[object]:
    actor = request.auth  # type: ignore[attr-defined]
    found = access_child(actor, child_id)
    if actor.role not in CASE_WORKERS:
        return Status(403, {"detail": "A child's referrals are for their Link Worker and team manager."})
    return Status(
        200,
        Referral.objects.filter(enrolment__child=found)
        .select_related(*REFERRAL_RELATED)
        .prefetch_related(*REFERRAL_PREFETCH),
    )


# Referrals as the service sees them: a delivery partner's system reads the referrals sent to it
# and sends back its answers and sessions; a programme's system reads the referrals it may see.
referrals_router = Router(tags=["referrals"])


class CarerOut(Schema):
    name: str
    relationship: str
    phone: str
    email: str


class SharedDetailsOut(Schema):
    """Only what the referral shared: the child's name, age and school always; a detail not shared is null."""

    child_name: str
    full_name: str
    age: int
    school: str
    carers: list[CarerOut] | None = Field(description="Parents and carers with parental responsibility.")
    needs: list[str] | None
    goal: str | None
    success: str | None = Field(description="What success looks like for the goal.")
    message: str | None


class ReceivedReferralOut(Schema):
    id: int
    service_id: str
    service: str = Field(alias="service.name")
    status: str
    sent_on: date | None
    answered_on: date | None
    started_on: date | None
    ended_on: date | None
    status_reason: str
    shared: SharedDetailsOut

    @staticmethod
    def resolve_shared(referral: Referral) -> SharedDetails:
        return referral_shared_details(referral)


class StatusIn(Schema):
    status: Referral.Status
    on: date = Field(default_factory=date.today)
    reason: str = Field(default="", max_length=500)


class SessionIn(Schema):
    happened_on: date
    attendance: PartnerSession.Attendance
    minutes: int | None = Field(default=None, ge=1, le=600)
    note: str = Field(default="", max_length=500)


class SessionOut(Schema):
    id: int
    referral_id: int
    happened_on: date
    attendance: str
    minutes: int | None
    note: str


@referrals_router.get(
    "", response=list[ReceivedReferralOut], summary="Referrals you may see: for a delivery partner, those sent to it"
)
@paginate(Paged)
def referrals(
    request: HttpRequest,
    status: str = Query(
        "",
        pattern=f"^({'|'.join(Referral.Status.values)})?$",
        description=f"Only referrals with this status: one of {', '.join(Referral.Status.values)}.",
    ),
) -> QuerySet[Referral]:
    found = referrals_visible_to(request.auth).select_related(  # type: ignore[attr-defined]
        "enrolment__child__school", "enrolment__child__family", "goal", "service"
    )
    if status:
        found = found.filter(status=status)
    return found.order_by("-sent_on", "-pk")


@referrals_router.get(
    "/{referral_id}", response=ReceivedReferralOut, summary="One referral, with what it shared (audited)"
)
def referral(request: HttpRequest, referral_id: int) -> Referral:
    return access_referral(request.auth, referral_id)  # type: ignore[attr-defined]


@referrals_router.post(
    "/{referral_id}/status",
    response={200: ReceivedReferralOut, 400: Problem},
    summary="Move a referral on: accepted, declined (with a reason), started, completed; or sent, withdrawn",
)
def referral_status(request: HttpRequest, referral_id: int, payload: StatusIn) -> Status[object]:
    found = access_referral(request.auth, referral_id)  # type: ignore[attr-defined]
    try:
        referral_status_set(
            actor=request.auth,  # type: ignore[attr-defined]
            referral=found,
            status=payload.status,
            on=payload.on,
            reason=payload.reason,
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    return Status(200, found)


@referrals_router.get(
    "/{referral_id}/sessions", response=list[SessionOut], summary="Sessions recorded on a referral (audited)"
)
def referral_sessions(request: HttpRequest, referral_id: int) -> QuerySet[PartnerSession]:
    return access_referral(request.auth, referral_id).sessions.all()  # type: ignore[attr-defined]


@referrals_router.post(
    "/{referral_id}/sessions",
    response={201: SessionOut, 400: Problem},
    summary="Record a session and whether the child came",
)
def referral_session_create(request: HttpRequest, referral_id: int, payload: SessionIn) -> Status[object]:
    found = access_referral(request.auth, referral_id)  # type: ignore[attr-defined]
    try:
        return Status(
            201,
            partner_session_record(actor=request.auth, referral=found, **payload.dict()),  # type: ignore[attr-defined]
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
