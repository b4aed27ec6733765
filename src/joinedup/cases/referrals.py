"""Writes for referrals (closed loop) and the sessions a delivery partner records.

A referral goes draft -> sent -> accepted or declined -> started -> completed, or is withdrawn
while it is open. ``TRANSITIONS`` is the whole life cycle. The programme (the child's Link
Worker or their team manager) sends and withdraws; the service answers: a delivery partner's
practitioners in Joinedup (or their own system, through the API), or, for a service with no
partner in Joinedup, the Link Worker on the service's behalf. Sending needs consent (or another
basis) for a referral to that service, checked by ``consent_check``.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import CASE_WORKERS
from joinedup.cases.consent import consent_check
from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import Consent, Enrolment, Goal, PartnerSession, Referral, ReferralEvent
from joinedup.core.concurrency import unchanged_since
from joinedup.directory.models import Service, ServiceProfile

Status = Referral.Status

# From each status, the statuses it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SENT, Status.WITHDRAWN}),
    Status.SENT: frozenset({Status.ACCEPTED, Status.DECLINED, Status.WITHDRAWN}),
    Status.ACCEPTED: frozenset({Status.STARTED, Status.WITHDRAWN}),
    Status.STARTED: frozenset({Status.COMPLETED, Status.WITHDRAWN}),
}

# Moves the programme makes; the rest are the service's answers.
PROGRAMME_MOVES = frozenset({Status.SENT, Status.WITHDRAWN})
SERVICE_MOVES = frozenset({Status.ACCEPTED, Status.DECLINED, Status.STARTED, Status.COMPLETED})
NEEDS_REASON = frozenset({Status.DECLINED, Status.WITHDRAWN})
PARTNER_ROLES = frozenset({Role.DELIVERY_PRACTITIONER})


def referral_create(
    *,
    actor: Membership,
    enrolment: Enrolment,
    service: Service,
    reason: str,
    shared: list[str],
    goal: Goal | None = None,
    send: bool = False,
) -> Referral:
    """A draft referral from the child's plan; sent at once if ``send`` (and consent allows it)."""
    _check_referral(actor, enrolment, service, reason=reason, shared=shared, goal=goal)
    profile = ServiceProfile.objects.filter(service=service).select_related("delivery_partner").first()
    with transaction.atomic():
        referral = Referral.objects.create(
            enrolment=enrolment,
            service=service,
            partner_organisation=profile.delivery_partner if profile else None,
            goal=goal,
            reason=reason.strip(),
            shared=[item for item in Referral.Shared.values if item in shared],
            created_by=actor.user,
        )
        _event(actor, referral, Status.DRAFT, date.today(), "")
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="referral",
            record_id=referral.pk,
            child_id=enrolment.child_id,
            detail={"service": service.id, "shared": referral.shared},
        )
        if send:
            referral_status_set(actor=actor, referral=referral, status=Status.SENT, on=date.today())
    return referral


def referral_draft_change(
    *,
    actor: Membership,
    referral: Referral,
    reason: str,
    shared: list[str],
    goal: Goal | None = None,
    seen: datetime | None = None,
) -> Referral:
    """Change a draft before it is sent: the message, what to share, the goal. A sent referral is a record.

    ``seen``: when the person opened the draft; a change made by someone else since is not overwritten.
    """
    if referral.status != Status.DRAFT:
        raise ValidationError("Only a draft can be changed; this referral has been sent.")
    _check_referral(actor, referral.enrolment, referral.service, reason=reason, shared=shared, goal=goal)
    with transaction.atomic():
        unchanged_since(referral, seen, noun="referral")
        referral.reason = reason.strip()
        referral.shared = [item for item in Referral.Shared.values if item in shared]
        referral.goal = goal
        referral.modified_by = actor.user
        referral.save(update_fields=["reason", "shared", "goal", "modified_by", "modified_at"])
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="referral",
            record_id=referral.pk,
            child_id=referral.enrolment.child_id,
            detail={"shared": referral.shared},
        )
    return referral


def _check_referral(
    actor: Membership, enrolment: Enrolment, service: Service, *, reason: str, shared: list[str], goal: Goal | None
) -> None:
    """Every problem with a referral's answers at once (``ValidationError``)."""
    errors: dict[str, str] = {}
    if actor.role not in CASE_WORKERS:
        errors["__all__"] = "Only the child's Link Worker or their team manager refers a child."
    if enrolment.stage == Enrolment.Stage.CLOSED:
        errors["__all__"] = "This child's enrolment is closed."
    if not reason.strip():
        errors["reason"] = "Say why this service, and what the child and family hope for from it."
    unknown = [item for item in shared if item not in Referral.Shared.values]
    if unknown or Referral.Shared.CHILD not in shared:
        errors["shared"] = "A referral shares at least the child's name, age and school; choose from the list."
    if goal is not None and goal.plan.enrolment_id != enrolment.pk:
        errors["goal"] = "Choose one of this child's goals."
    if service.status != Service.Status.ACTIVE:
        errors["service"] = "This service is no longer in the directory."
    if errors:
        raise ValidationError(errors)


def referral_status_set(
    *, actor: Membership, referral: Referral, status: str, on: date, reason: str = "", seen: datetime | None = None
) -> Referral:
    """Move a referral on, as its life cycle allows, by whoever may make that move.

    ``seen``: when the person opened the referral; if it has moved on since (the partner answered while the
    Link Worker withdrew it), the second move is refused, not laid over the first.
    """
    with transaction.atomic():
        unchanged_since(referral, seen, noun="referral")
        return _status_set(actor=actor, referral=referral, status=status, on=on, reason=reason)


def _status_set(*, actor: Membership, referral: Referral, status: str, on: date, reason: str) -> Referral:
    current = referral.status
    if status not in TRANSITIONS.get(current, frozenset()):
        allowed = ", ".join(Status(s).label.lower() for s in sorted(TRANSITIONS.get(current, ())))
        raise ValidationError(
            f"A {Status(current).label.lower()} referral cannot become {Status(status).label.lower()}"
            + (f"; it can become {allowed}." if allowed else "; it is finished.")
        )
    _check_mover(actor, referral, status)
    errors: dict[str, str] = {}
    if on > date.today():
        errors["on"] = "The date cannot be in the future."
    elif referral.sent_on is not None and on < referral.sent_on:
        errors["on"] = f"The date is before the referral was sent ({referral.sent_on:%-d %B %Y})."
    if status in NEEDS_REASON and not reason.strip():
        errors["reason"] = f"Give the reason it was {Status(status).label.lower()}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if status == Status.SENT:
            check = consent_check(referral.enrolment.child, Consent.Purpose.REFERRAL, service_id=referral.service_id)
            if not check.ok:
                raise ValidationError(check.missing)
            referral.consent = check.record
            referral.sent_on = on
        elif status in (Status.ACCEPTED, Status.DECLINED):
            referral.answered_on = on
        elif status == Status.STARTED:
            referral.started_on = on
        if status in (Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN):
            referral.ended_on = on
            referral.status_reason = reason.strip()
        referral.status = status
        referral.modified_by = actor.user
        referral.save()
        _event(actor, referral, status, on, reason.strip())
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="referral",
            record_id=referral.pk,
            child_id=referral.enrolment.child_id,
            detail={"from": current, "to": status},
        )
    return referral


def referral_moves(actor: Membership, referral: Referral) -> list[str]:
    """The statuses ``actor`` may move ``referral`` to now, in life-cycle order: the buttons a page offers."""
    moves: list[str] = []
    for status in Status.values:
        if status not in TRANSITIONS.get(referral.status, frozenset()):
            continue
        try:
            _check_mover(actor, referral, status)
        except ValidationError:
            continue
        moves.append(status)
    return moves


def _check_mover(actor: Membership, referral: Referral, status: str) -> None:
    """The programme sends and withdraws; the service, or the Link Worker for a service not in Joinedup, answers."""
    partner = referral.partner_organisation_id
    if status in PROGRAMME_MOVES and actor.role not in CASE_WORKERS:
        raise ValidationError("Only the child's Link Worker or their team manager sends or withdraws a referral.")
    if status in SERVICE_MOVES:
        if partner is not None and not (actor.role in PARTNER_ROLES and actor.organisation_id == partner):
            raise ValidationError(
                "This service's practitioners answer its referrals in Joinedup; they will see it when it is sent."
            )
        if partner is None and actor.role not in CASE_WORKERS:
            raise ValidationError("Only the child's Link Worker records the answer of a service not in Joinedup.")


def partner_session_record(
    *,
    actor: Membership,
    referral: Referral,
    happened_on: date,
    attendance: str,
    minutes: int | None = None,
    note: str = "",
) -> PartnerSession:
    """A session offered to the child under an accepted referral; the first attended one starts the referral."""
    if referral.status not in (Status.ACCEPTED, Status.STARTED):
        raise ValidationError("Sessions are recorded once the referral is accepted, until it ends.")
    _check_mover(actor, referral, Status.STARTED)
    errors: dict[str, str] = {}
    if attendance not in PartnerSession.Attendance.values:
        errors["attendance"] = "Choose whether the child came."
    if happened_on > date.today():
        errors["happened_on"] = "The date cannot be in the future."
    elif referral.sent_on is not None and happened_on < referral.sent_on:
        errors["happened_on"] = f"The date is before the referral was sent ({referral.sent_on:%-d %B %Y})."
    if minutes is not None and not 1 <= minutes <= 600:
        errors["minutes"] = "Give the length in minutes, between 1 and 600."
    elif minutes is not None and attendance != PartnerSession.Attendance.ATTENDED:
        errors["minutes"] = "Only a session the child attended has a length: leave the minutes blank."
    if len(note) > 500:
        errors["note"] = "Keep the note short: 500 characters at most."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        session = PartnerSession.objects.create(
            referral=referral,
            happened_on=happened_on,
            attendance=attendance,
            minutes=minutes,
            note=note.strip(),
            created_by=actor.user,
        )
        audit_record(
            action=AuditAction.CREATE,
            actor=actor,
            record_type="partner_session",
            record_id=session.pk,
            child_id=referral.enrolment.child_id,
            detail={"referral": referral.pk, "attendance": attendance},
        )
        engagement_refresh(enrolment_ids=[referral.enrolment_id])
        if referral.status == Status.ACCEPTED and attendance == PartnerSession.Attendance.ATTENDED:
            referral_status_set(actor=actor, referral=referral, status=Status.STARTED, on=happened_on)
    return session


def _event(actor: Membership, referral: Referral, status: str, on: date, note: str) -> None:
    ReferralEvent.objects.create(
        referral=referral, status=status, on=on, by=actor.user, by_organisation=actor.organisation, note=note
    )
