"""The delivery partner's pages: the referrals sent to their organisation, answered and followed in Joinedup.

A delivery practitioner never reaches the child's record. They see the referrals sent to their organisation
in their borough (``referrals_for_partner``), each through ``access_referral`` (audited), and on each only
what the Link Worker chose to share (``Referral.shared``), with the sessions they record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import Purpose, access_referral, referrals_for_partner
from joinedup.cases.models import PartnerSession, Referral
from joinedup.cases.referral_forms import PartnerSessionForm, ReferralMoveForm
from joinedup.cases.referral_views import moves_offered
from joinedup.cases.referrals import partner_session_record, referral_status_set
from joinedup.cases.selectors import AttendanceSummary, referral_events, referral_sessions, referral_shared_details
from joinedup.core.access import actor_of, roles_required
from joinedup.core.concurrency import seen_in

Status = Referral.Status

# The list's filters: what each shows, in the partner's words.
FILTERS: dict[str, tuple[str, tuple[str, ...]]] = {
    "new": ("New", (Status.SENT,)),
    "active": ("Active", (Status.ACCEPTED, Status.STARTED)),
    "closed": ("Closed", (Status.DECLINED, Status.COMPLETED, Status.WITHDRAWN)),
}
PAGE_SIZE = 50


@roles_required(Role.DELIVERY_PRACTITIONER)
def referrals(request: HttpRequest) -> HttpResponse:
    """The referrals sent to the practitioner's organisation, newest first, by status, with counts."""
    actor = actor_of(request)
    chosen = request.GET.get("status", "")
    chosen = chosen if chosen in FILTERS else ""
    sent = referrals_for_partner(actor)
    counts = sent.aggregate(
        all=Count("pk"), **{key: Count("pk", filter=Q(status__in=statuses)) for key, (_, statuses) in FILTERS.items()}
    )
    rows = (
        (sent.filter(status__in=FILTERS[chosen][1]) if chosen else sent)
        .select_related("enrolment__child__school", "service")
        .annotate(
            sessions_total=Count("sessions"),
            sessions_attended=Count("sessions", filter=Q(sessions__attendance=PartnerSession.Attendance.ATTENDED)),
        )
        .order_by("-sent_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # One event for the list: which referrals (so which children) were on the page this person saw.
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="partner_referral_list",
        purpose=Purpose.DELIVERY,
        detail={"status": chosen, "referrals": [referral.pk for referral in page]},
    )
    filters = [("", "All", counts["all"])] + [(key, label, counts[key]) for key, (label, _) in FILTERS.items()]
    return render(
        request,
        "partner/referrals.html",
        {
            "page": page,
            "filters": filters,
            "chosen": chosen,
            "query": f"status={chosen}" if chosen else "",
            "today": date.today(),
        },
    )


@roles_required(Role.DELIVERY_PRACTITIONER)
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    found = access_referral(actor, pk)
    return _page(request, actor, found, move_form=_move_form(None), session_form=_session_form(None))


@roles_required(Role.DELIVERY_PRACTITIONER)
@require_POST
def referral_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept, decline (with a reason) or mark completed."""
    actor = actor_of(request)
    found = access_referral(actor, pk)
    form = _move_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            referral_status_set(
                actor=actor,
                referral=found,
                status=data["status"],
                on=data["on"],
                reason=data["reason"],
                seen=seen_in(request),
            )
        except ValidationError as error:
            found.refresh_from_db()
            form.add_service_errors(error)
        else:
            messages.success(request, f"The referral is now {found.get_status_display().lower()}.")
            return redirect("partner:referral", pk=found.pk)
    return _page(request, actor, found, move_form=form, session_form=_session_form(None))


@roles_required(Role.DELIVERY_PRACTITIONER)
@require_POST
def session_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session; from htmx, answers with the sessions section (and the status, out of band)."""
    actor = actor_of(request)
    found = access_referral(actor, pk)
    form = _session_form(request.POST)
    saved: PartnerSession | None = None
    if form.is_valid():
        try:
            saved = partner_session_record(actor=actor, referral=found, **form.cleaned_data)
        except ValidationError as error:
            found.refresh_from_db()
            form.add_service_errors(error)
    htmx = bool(request.headers.get("HX-Request"))
    if saved is not None and not htmx:
        messages.success(request, _saved_message(saved))
        return redirect("partner:referral", pk=found.pk)
    if saved is not None:
        form = _session_form(None)
    context = _context(actor, found, move_form=_move_form(None), session_form=form)
    context["saved"] = _saved_message(saved) if saved else ""
    if htmx:
        return render(request, "partner/_sessions_saved.html", context)
    return render(request, "partner/referral.html", context)


def _saved_message(session: PartnerSession) -> str:
    return f"Recorded the session on {session.happened_on:%-d %B %Y}: {session.get_attendance_display().lower()}."


def _move_form(data: Any) -> ReferralMoveForm:
    form = ReferralMoveForm(data, initial={"on": date.today()}, prefix="move")
    form.error_anchor = "id_move-reason"  # type: ignore[attr-defined]
    return form


def _session_form(data: Any) -> PartnerSessionForm:
    return PartnerSessionForm(data, initial=PartnerSessionForm.initial_for(date.today()), prefix="session")


def _page(
    request: HttpRequest,
    actor: Membership,
    found: Referral,
    *,
    move_form: ReferralMoveForm,
    session_form: PartnerSessionForm,
) -> HttpResponse:
    return render(
        request,
        "partner/referral.html",
        _context(actor, found, move_form=move_form, session_form=session_form),
    )


def _context(
    actor: Membership, found: Referral, *, move_form: ReferralMoveForm, session_form: PartnerSessionForm
) -> dict[str, Any]:
    """Only what the referral shared: the child's name, age and school always; the rest as chosen."""
    sessions = referral_sessions(found)
    return {
        "referral": found,
        "shared": referral_shared_details(found),
        # The draft is the programme's own: the partner's history starts when it was sent.
        "events": list(referral_events(found).exclude(status=Status.DRAFT)),
        "sessions": sessions,
        "attendance": AttendanceSummary.of(sessions),
        # The first attended session starts the referral, so "started" is not a button here.
        "moves": [move for move in moves_offered(actor, found) if move[0] != Status.STARTED],
        "can_record_sessions": found.status in (Status.ACCEPTED, Status.STARTED),
        "move_form": move_form,
        "session_form": session_form,
        "today": date.today(),
        # The page title says "(error)" when either form has one.
        "form": move_form if move_form.errors else session_form,
    }
