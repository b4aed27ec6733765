"""Referral pages for the child's Link Worker and their team manager: refer from the directory or the plan,
follow the referral until the loop is closed.

Each page goes through the gate: ``access_child`` for a new referral, ``access_referral`` for one that exists
(both audited, both the same 404 for a missing or a forbidden record).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership
from joinedup.cases.access import CASE_WORKERS, access_child, access_referral
from joinedup.cases.consent import ConsentCheck, consent_check
from joinedup.cases.models import Child, Consent, Enrolment, Goal, Referral
from joinedup.cases.referral_forms import FamilyConsentForm, ReferralForm, ReferralMoveForm
from joinedup.cases.referrals import referral_create, referral_draft_change, referral_moves, referral_status_set
from joinedup.cases.selectors import AttendanceSummary, referral_events, referral_sessions
from joinedup.cases.services import consent_record
from joinedup.cases.views import open_enrolment_or_404
from joinedup.core.access import actor_of, roles_required
from joinedup.core.concurrency import seen_in
from joinedup.directory.models import Service, ServiceProfile

Status = Referral.Status

# The button for each move, in the words of the person pressing it.
MOVE_LABELS: dict[str, str] = {
    Status.SENT: "Send the referral",
    Status.ACCEPTED: "Accept",
    Status.DECLINED: "Decline",
    Status.STARTED: "Mark as started",
    Status.COMPLETED: "Mark as completed",
    Status.WITHDRAWN: "Withdraw",
}


def moves_offered(actor: Membership, referral: Referral) -> list[tuple[str, str]]:
    """The buttons for the moves this person may make now: (status, label)."""
    return [(status, MOVE_LABELS[status]) for status in referral_moves(actor, referral)]


def consent_initial() -> dict[str, Any]:
    """What the family's consent fields start from: a parent, in person, today."""
    return {"given_by": Consent.GivenBy.PARENT, "obtained": Consent.Obtained.IN_PERSON, "given_on": date.today()}


@dataclass
class ReferralFormPage:
    """The referral form (new or a draft) with what it needs: the child's goals and the consent on record."""

    child: Child
    enrolment: Enrolment
    service: Service
    form: ReferralForm
    check: ConsentCheck
    goals: QuerySet[Goal]
    referral: Referral | None = None

    @classmethod
    def build(
        cls,
        request: HttpRequest,
        *,
        child: Child,
        enrolment: Enrolment,
        service: Service,
        initial: dict[str, Any],
        referral: Referral | None = None,
    ) -> ReferralFormPage:
        goals = Goal.objects.filter(plan__enrolment=enrolment, status=Goal.Status.ACTIVE)
        check = consent_check(child, Consent.Purpose.REFERRAL, service_id=service.id)
        form = ReferralForm(
            request.POST if request.method == "POST" else None,
            goals=goals,
            initial={**consent_initial(), **initial},
        )
        if not check.ok:
            # The refusal to send is about consent: the error summary leads to where it is recorded.
            form.error_anchor = "id_record_consent"  # type: ignore[attr-defined]
        return cls(child, enrolment, service, form, check, goals, referral)

    def render(self, request: HttpRequest) -> HttpResponse:
        profile = ServiceProfile.objects.filter(service=self.service).select_related("delivery_partner").first()
        return render(
            request,
            "cases/referral_new.html",
            {
                "child": self.child,
                "enrolment": self.enrolment,
                "service": self.service,
                "profile": profile,
                "form": self.form,
                "consent": self.check,
                "referral": self.referral,
                "today": date.today(),
            },
        )


# -- pages -----------------------------------------------------------------------------------


@roles_required(*CASE_WORKERS)
def referral_new(request: HttpRequest, pk: int, service_id: str) -> HttpResponse:
    """Refer the child to a directory service: the message, what to share, draft or send now.

    When the family's consent to a referral to this service is not on record, the form says so and takes it,
    recorded in the same transaction as the referral, so a refused send leaves nothing behind.
    """
    actor = actor_of(request)
    child = access_child(actor, pk)
    enrolment = open_enrolment_or_404(child)
    service = get_object_or_404(Service.objects.select_related("organization"), pk=service_id)
    initial: dict[str, Any] = {"shared": [Referral.Shared.MESSAGE]}
    page = ReferralFormPage.build(request, child=child, enrolment=enrolment, service=service, initial=initial)
    goal_id = request.GET.get("goal", "")
    if request.method != "POST" and goal_id.isdigit() and page.goals.filter(pk=goal_id).exists():
        page.form.initial.update(goal=int(goal_id), shared=[Referral.Shared.GOAL, Referral.Shared.MESSAGE])
    form = page.form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                _consent_take(actor, child, service, form, page.check, shared=form.shared_items)
                referral = referral_create(
                    actor=actor,
                    enrolment=enrolment,
                    service=service,
                    reason=data["reason"],
                    shared=form.shared_items,
                    goal=data["goal"],
                    send=form.send,
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if referral.status == Status.SENT:
                partner = referral.partner_organisation
                messages.success(request, f"Sent the referral to {partner.name if partner else service.name}.")
            else:
                messages.success(request, f"Saved the referral to {service.name} as a draft. It has not been sent.")
            return redirect("cases:referral", pk=child.pk, referral_pk=referral.pk)
    return page.render(request)


@roles_required(*CASE_WORKERS)
def referral_edit(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """Change a draft referral (the message, what to share, the goal), then save it or send it."""
    actor, referral = _child_referral(request, pk, referral_pk)
    if referral.status != Status.DRAFT:
        messages.info(request, "This referral has been sent, so it no longer changes.")
        return redirect("cases:referral", pk=pk, referral_pk=referral.pk)
    child = referral.enrolment.child
    service = referral.service
    initial: dict[str, Any] = {
        "goal": referral.goal_id,
        "reason": referral.reason,
        "shared": [item for item in referral.shared if item != Referral.Shared.CHILD],
    }
    page = ReferralFormPage.build(
        request, child=child, enrolment=referral.enrolment, service=service, initial=initial, referral=referral
    )
    form, check = page.form, page.check
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                referral_draft_change(
                    actor=actor,
                    referral=referral,
                    reason=data["reason"],
                    shared=form.shared_items,
                    goal=data["goal"],
                    seen=seen_in(request),
                )
                if form.send:
                    _consent_take(actor, child, service, form, check, shared=form.shared_items)
                    referral_status_set(actor=actor, referral=referral, status=Status.SENT, on=date.today())
        except ValidationError as error:
            referral.refresh_from_db()
            form.add_service_errors(error)
        else:
            messages.success(request, "Sent the referral." if form.send else "Saved the draft. It has not been sent.")
            return redirect("cases:referral", pk=pk, referral_pk=referral.pk)
    return page.render(request)


def _consent_take(
    actor: Membership,
    child: Child,
    service: Service,
    form: FamilyConsentForm,
    check: ConsentCheck,
    *,
    shared: list[str],
) -> Consent | None:
    """Record the family's consent typed into the form, when none is on record; inside the caller's transaction."""
    arguments = form.consent_arguments()
    if check.ok or arguments is None:
        return None
    labels = "; ".join(str(Referral.Shared(item).label).lower() for item in shared)
    return consent_record(
        actor=actor,
        child=child,
        purpose=Consent.Purpose.REFERRAL,
        basis=Consent.Basis.CONSENT,
        service_id=service.id,
        scope=f"Referral to {service.name}, sharing {labels}"[:500],
        **arguments,
    )


def _child_referral(request: HttpRequest, pk: int, referral_pk: int) -> tuple[Membership, Referral]:
    """The referral, through the gate (audited), if it is about the child in the address."""
    actor = actor_of(request)
    referral = access_referral(actor, referral_pk)
    if referral.enrolment.child_id != pk:
        raise Http404("No referral found.")
    return actor, referral


@roles_required(*CASE_WORKERS)
def referral_detail(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    actor, referral = _child_referral(request, pk, referral_pk)
    return _detail_page(request, actor, referral, _move_form(None))


@roles_required(*CASE_WORKERS)
@require_POST
def referral_move(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    """Move the referral on (send, withdraw, or record a service's answer); errors show on the referral page."""
    actor, referral = _child_referral(request, pk, referral_pk)
    form = _move_form(request.POST)
    child = referral.enrolment.child
    check = consent_check(child, Consent.Purpose.REFERRAL, service_id=referral.service_id)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if data["status"] == Status.SENT:
                    _consent_take(actor, child, referral.service, form, check, shared=referral.shared)
                referral_status_set(
                    actor=actor,
                    referral=referral,
                    status=data["status"],
                    on=data["on"],
                    reason=data["reason"],
                    seen=seen_in(request),
                )
        except ValidationError as error:
            # The referral object may hold the refused values; the page shows it as stored.
            referral.refresh_from_db()
            form.add_service_errors(error)
        else:
            messages.success(request, f"The referral is now {referral.get_status_display().lower()}.")
            return redirect("cases:referral", pk=child.pk, referral_pk=referral.pk)
    return _detail_page(request, actor, referral, form)


def _move_form(data: Any) -> ReferralMoveForm:
    form = ReferralMoveForm(
        data,
        initial={
            "on": date.today(),
            **consent_initial(),
        },
    )
    form.error_anchor = "id_reason"  # type: ignore[attr-defined]
    return form


def _detail_page(request: HttpRequest, actor: Membership, referral: Referral, form: ReferralMoveForm) -> HttpResponse:
    child = referral.enrolment.child
    sessions = referral_sessions(referral)
    check = None
    if referral.status == Status.DRAFT:
        check = consent_check(child, Consent.Purpose.REFERRAL, service_id=referral.service_id)
        if not check.ok:
            form.error_anchor = "id_record_consent"  # type: ignore[attr-defined]
    return render(
        request,
        "cases/referral_detail.html",
        {
            "child": child,
            "referral": referral,
            "events": referral_events(referral),
            "sessions": sessions,
            "attendance": AttendanceSummary.of(sessions),
            "shared": [Referral.Shared(item).label for item in referral.shared if item in Referral.Shared.values],
            "moves": moves_offered(actor, referral),
            "consent": check,
            "form": form,
            "today": date.today(),
        },
    )
