"""Safeguarding pages: raising a concern (about a child or a context), the concern with its decision and
referrals, the team's open concerns, contexts, the monthly report and the borough's settings.

A child is reached through ``access_child``; a concern, context or referral through the gates in ``access``.
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record_many
from joinedup.cases.access import access_child, children_visible_to
from joinedup.cases.models import Child
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import GovukForm, form_saved
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.safeguarding.access import (
    MANAGERS,
    RAISERS,
    access_concern,
    access_context,
    access_escalation,
    audit_concern_list,
    contexts_visible_to,
    is_manager_of,
)
from joinedup.safeguarding.forms import (
    AcknowledgeForm,
    ChaseForm,
    ConcernForm,
    ContextConcernForm,
    DecisionForm,
    EscalationForm,
    FrontDoorForm,
    LinkChildrenForm,
    OutcomeForm,
    SettingsForm,
)
from joinedup.safeguarding.models import AreaSafeguarding, Concern, Context, Escalation, FrontDoor, Stage
from joinedup.safeguarding.referral import FIELDS, Sent
from joinedup.safeguarding.selectors import (
    concerns_of_child,
    front_doors,
    item_of,
    monthly_report,
    my_items,
    recent_closed,
    report_months,
)
from joinedup.safeguarding.services import (
    concern_raise,
    context_create,
    context_link,
    decision_record,
    escalation_acknowledge,
    escalation_chase,
    escalation_outcome,
    escalation_send,
    front_door_for,
    front_door_save,
    referral_preview,
    settings_save,
)

REPORT_ROLES = frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD})


@roles_required(*RAISERS, Role.DATA_LEAD)
def home(request: HttpRequest) -> HttpResponse:
    """A manager's open concerns (overdue first) and contexts; for a Link Worker, the concerns they raised; a data
    lead, who reads no concern, goes to the monthly report."""
    actor = actor_of(request)
    if actor.role == Role.DATA_LEAD:
        return redirect("safeguarding:report")
    every = my_items(actor)
    counts = Counter(item.stage for item in every)
    stage = request.GET.get("stage", "")
    items = [item for item in every if item.stage == stage] if stage in counts else every
    closed = recent_closed(actor)
    audit_concern_list(actor, [item.concern for item in items] + closed)
    manager = actor.role in MANAGERS
    return render(
        request,
        "safeguarding/home.html",
        {
            "items": items,
            "stages": [(value, label, counts[value]) for value, label in Stage.choices if value != Stage.CLOSED],
            "stage": stage if stage in counts else "",
            "overdue": [item for item in every if item.overdue],
            "closed": closed,
            "manager": manager,
            "contexts": list(contexts_visible_to(actor).prefetch_related("children")) if manager else [],
            "children": _raise_choices(actor),
        },
    )


#: Above this many children the start page points to the children list's search instead of one long list.
RAISE_LIST_MAX = 60


def _raise_choices(actor: Membership) -> list[Any] | None:
    """The children a concern may be raised about from the start page, or ``None`` when there are too many to list."""
    children = list(
        children_visible_to(actor).only("pk", "forenames", "surname", "preferred_name")[: RAISE_LIST_MAX + 1]
    )
    return None if len(children) > RAISE_LIST_MAX else children


@roles_required(*RAISERS)
def raise_for(request: HttpRequest) -> HttpResponse:
    """The home page's "raise a concern about" choice of child, as a plain form."""
    try:
        pk = int(request.GET.get("child", ""))
    except ValueError:
        messages.error(request, "Choose the child the concern is about.")
        return redirect("safeguarding:home")
    return redirect("safeguarding:raise", pk=pk)


@roles_required(*RAISERS)
def concern_new(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return _raise(request, actor, child=access_child(actor, pk))


def _raise(
    request: HttpRequest, actor: Membership, *, child: Child | None = None, context: Context | None = None
) -> HttpResponse:
    """The concern form, about a child or a context the actor has already been let through to."""
    form = ConcernForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (
        concern := form_saved(
            form, lambda data: concern_raise(actor=actor, child=child, context=context, **form.concern_data())
        )
    ):
        return _raised(request, concern)
    return render(request, "safeguarding/concern_new.html", {"form": form, "child": child, "context": context})


def _raised(request: HttpRequest, concern: Concern) -> HttpResponse:
    if concern.immediate_risk:
        messages.warning(
            request,
            "Concern raised. Your team’s safeguarding leads have been alerted now, by email too. "
            "Use the emergency contacts below if the child is in danger.",
        )
    else:
        messages.success(request, "Concern raised. Your team’s safeguarding leads will decide what happens next.")
    return redirect("safeguarding:concern", pk=concern.pk)


@roles_required(*RAISERS)
def context_concern_new(request: HttpRequest) -> HttpResponse:
    """A concern about a new context: a peer group, place, school setting or online space, and its children."""
    actor = actor_of(request)
    children = list(children_visible_to(actor).select_related("school"))
    initial: dict[str, Any] = {"happened_on": timezone.localdate()}
    if "child" in request.GET:
        initial["children"] = [request.GET["child"]]
    form = ContextConcernForm(request.POST if request.method == "POST" else None, children=children, initial=initial)

    def save(_data: dict[str, Any]) -> Concern:
        context = context_create(actor=actor, **form.context_data())
        return concern_raise(actor=actor, context=context, **form.concern_data())

    if request.method == "POST" and (concern := form_saved(form, save)):
        return _raised(request, concern)
    return render(request, "safeguarding/context_concern_new.html", {"form": form})


@roles_required(*MANAGERS)
def context_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    context = access_context(actor, pk)
    linked = set(context.children.values_list("pk", flat=True))
    others = [child for child in children_visible_to(actor).select_related("school") if child.pk not in linked]
    form = LinkChildrenForm(request.POST if request.method == "POST" else None, children=others)
    if request.method == "POST" and (
        form_saved(form, lambda data: context_link(actor=actor, context=context, children=form.chosen())) is not None
    ):
        messages.success(request, "Children linked to the context.")
        return redirect("safeguarding:context", pk=context.pk)
    settings = AreaSafeguarding.for_area(actor.area_id)
    concerns = context.concerns.select_related("decision", "raised_by__user").prefetch_related("escalations__chases")
    return render(
        request,
        "safeguarding/context.html",
        {
            "context": context,
            "children": context.children.select_related("school").order_by("surname", "forenames"),
            "items": [item_of(concern, settings.limits, timezone.now()) for concern in concerns],
            "form": form,
        },
    )


@roles_required(*MANAGERS)
def context_concern_more(request: HttpRequest, pk: int) -> HttpResponse:
    """A further concern about a context the team already knows."""
    actor = actor_of(request)
    return _raise(request, actor, context=access_context(actor, pk))


STEP_FORMS: dict[str, type[GovukForm]] = {"acknowledge": AcknowledgeForm, "chase": ChaseForm, "outcome": OutcomeForm}


def _step_form(name: str, escalation: Escalation, data: Any = None) -> GovukForm:
    """One referral's form for one step; each referral's forms carry its own prefix, so a page can hold several."""
    today = timezone.localdate()
    initial = {
        "acknowledge": {"acknowledged_on": today, "reference": escalation.reference},
        "chase": {"chased_on": today},
        "outcome": {"outcome_on": today},
    }
    return STEP_FORMS[name](data, prefix=f"referral-{escalation.pk}", initial=initial[name])


def _concern_page(
    request: HttpRequest,
    actor: Membership,
    concern: Concern,
    *,
    decision_form: DecisionForm | None = None,
    failed: tuple[int, str, GovukForm] | None = None,
) -> HttpResponse:
    settings = AreaSafeguarding.for_area(concern.area_id)
    manager = is_manager_of(actor, area_id=concern.area_id, organisation_id=concern.organisation_id)
    escalations = list(concern.escalations.select_related("front_door").prefetch_related("chases"))
    for escalation in escalations:
        escalation.step_forms = {  # type: ignore[attr-defined]
            name: failed[2] if failed and failed[:2] == (escalation.pk, name) else _step_form(name, escalation)
            for name in STEP_FORMS
        }
    decision = getattr(concern, "decision", None)
    doors = front_doors(concern.area_id)
    door = doors.get(decision.front_door_kind) if decision is not None else None
    linked = []
    if concern.context_id is not None:
        visible = children_visible_to(actor).values("pk")
        linked = list(concern.context.children.filter(pk__in=visible).select_related("school"))  # type: ignore[union-attr]
    others = []
    if concern.child is not None:
        others = [item for item in concerns_of_child(actor, concern.child) if item.concern.pk != concern.pk]
    if decision_form is None:
        initial = (
            {"level": decision.level, "action": decision.action, "reasons": decision.reasons} if decision else None
        )
        decision_form = DecisionForm(settings=settings, initial=initial)
    return render(
        request,
        "safeguarding/concern.html",
        {
            "concern": concern,
            "decision": decision,
            "item": item_of(concern, settings.limits, timezone.now()),
            "settings": settings,
            "doors": doors.values(),
            "manager": manager,
            "linked": linked,
            "others": others,
            "escalations": escalations,
            "door": door,
            "can_decide": manager and not escalations,
            # One referral to each front door a concern: something new is a new concern.
            "can_refer": manager
            and door is not None
            and not any(escalation.front_door_id == door.pk for escalation in escalations),
            "decision_form": decision_form,
        },
    )


@roles_required(*RAISERS)
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    return _concern_page(request, actor, access_concern(actor, pk))


@roles_required(*MANAGERS)
@require_POST
def concern_decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    concern = access_concern(actor, pk)
    form = DecisionForm(request.POST, settings=AreaSafeguarding.for_area(concern.area_id))
    if decision := form_saved(form, lambda data: decision_record(actor=actor, concern=concern, **data)):
        messages.success(request, f"Decision recorded: {decision.level_name}. {decision.get_action_display()}.")
        return redirect("safeguarding:concern", pk=concern.pk)
    return _concern_page(request, actor, concern, decision_form=form)


@roles_required(*MANAGERS)
def concern_refer(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral to the front door the decision names: the form it requires, filled from the record, then
    recorded as sent."""
    actor = actor_of(request)
    concern = access_concern(actor, pk)
    decision = getattr(concern, "decision", None)
    if decision is None or not decision.front_door_kind:
        messages.error(request, "Record a decision to refer before sending a referral.")
        return redirect("safeguarding:concern", pk=concern.pk)
    door = front_door_for(concern)
    form = EscalationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and (
        escalation := form_saved(
            form, lambda data: escalation_send(actor=actor, concern=concern, **form.escalation_data())
        )
    ):
        messages.success(request, f"Referral to {escalation.front_door.name} recorded as sent. Keep the form with it.")
        return redirect("safeguarding:referral", pk=escalation.pk)
    preview = referral_preview(concern, door, Sent(True, "")) if door is not None else []
    return render(
        request,
        "safeguarding/refer.html",
        {"concern": concern, "door": door, "preview": preview, "form": form},
    )


@roles_required(*MANAGERS)
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The referral exactly as sent, to print or download, with where it stands."""
    actor = actor_of(request)
    escalation = access_escalation(actor, pk)
    if request.GET.get("format") == "txt":
        lines = [
            "OFFICIAL-SENSITIVE",
            f"Referral to {escalation.front_door.name}",
            f"Sent on {escalation.sent_on:%-d %B %Y}"
            + (f", their reference {escalation.reference}" if escalation.reference else ""),
            "",
        ]
        for label, value in escalation.form_rows():
            lines += [label, value, ""]
        response = HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="referral-{escalation.pk}.txt"'
        return response
    return render(request, "safeguarding/referral.html", {"escalation": escalation, "concern": escalation.concern})


def _referral_step(request: HttpRequest, pk: int, step: str, save: Any, done: str) -> HttpResponse:
    actor = actor_of(request)
    escalation = access_escalation(actor, pk)
    form = _step_form(step, escalation, request.POST)
    if form_saved(form, lambda data: save(actor=actor, escalation=escalation, **data)):
        messages.success(request, done)
        return redirect("safeguarding:concern", pk=escalation.concern.pk)
    return _concern_page(request, actor, escalation.concern, failed=(escalation.pk, step, form))


@roles_required(*MANAGERS)
@require_POST
def referral_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_step(request, pk, "acknowledge", escalation_acknowledge, "Acknowledgement recorded.")


@roles_required(*MANAGERS)
@require_POST
def referral_chase(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_step(request, pk, "chase", escalation_chase, "Chaser recorded.")


@roles_required(*MANAGERS)
@require_POST
def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _referral_step(
        request,
        pk,
        "outcome",
        escalation_outcome,
        "Outcome recorded. The child’s plan is to be reviewed in the light of it.",
    )


# -- the monthly report --------------------------------------------------------------------------------------------


def _month(value: str) -> date:
    if not value:
        return timezone.localdate().replace(day=1)
    try:
        return datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        raise Http404("Choose a month from the list.") from None


@roles_required(*REPORT_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    """The team's concerns of one month, counts under 5 suppressed; no child is named."""
    actor = actor_of(request)
    month = _month(request.GET.get("month", ""))
    if month > timezone.localdate():
        messages.error(request, f"There is no report for {month:%B %Y} yet: choose a month from the list.")
        return redirect("safeguarding:report")
    figures = monthly_report(actor.area_id, actor.organisation_id, month)
    audit_record_many(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="safeguarding.report",
        records=[(f"{month:%Y-%m}", None)],
    )
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="safeguarding-{month:%Y-%m}.csv"'
        writer = csv.writer(response)
        writer.writerow(["Section", "Item", "Count"])
        writer.writerow(["Report", f"Safeguarding concerns raised in {month:%B %Y}", ""])
        writer.writerow(["Report", spreadsheet_safe(f"{actor.organisation.name}, {actor.area.name}"), ""])
        # Labels include names people typed (a service referred to), so each cell is made safe.
        writer.writerows([[spreadsheet_safe(cell) for cell in row] for row in figures.rows_for_csv])
        return response
    return render(
        request,
        "safeguarding/report.html",
        {"report": figures, "months": report_months(actor.area_id, actor.organisation_id), "month": month},
    )


# -- settings ------------------------------------------------------------------------------------------------------


def _team_managers(actor: Membership) -> list[Membership]:
    return list(
        Membership.objects.filter(
            area_id=actor.area_id, organisation_id=actor.organisation_id, role=Role.TEAM_MANAGER, is_active=True
        ).select_related("user")
    )


@roles_required(*MANAGERS)
def settings_edit(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    settings = AreaSafeguarding.for_area(actor.area_id)
    managers = _team_managers(actor)
    initial = {
        "levels": SettingsForm.levels_text(settings.levels),
        "emergency_contacts": settings.emergency_contacts,
        "decision_within_hours": settings.decision_within_hours,
        "immediate_decision_within_hours": settings.immediate_decision_within_hours,
        "escalate_within_hours": settings.escalate_within_hours,
        "acknowledge_within_days": settings.acknowledge_within_days,
        "outcome_within_days": settings.outcome_within_days,
        "leads": [str(member.pk) for member in managers if settings.pk and member in settings.leads.all()],
    }
    form = SettingsForm(request.POST if request.method == "POST" else None, managers=managers, initial=initial)
    doors = front_doors(actor.area_id)

    def save(_data: dict[str, Any]) -> AreaSafeguarding:
        data, leads = form.settings_data()
        return settings_save(actor=actor, data=data, leads=leads)

    if request.method == "POST" and form_saved(form, save) is not None:
        messages.success(request, f"Safeguarding settings for {actor.area} saved.")
        return redirect("safeguarding:settings")
    return render(
        request,
        "safeguarding/settings.html",
        {
            "form": form,
            "settings": settings,
            "doors": [(kind, label, doors.get(kind)) for kind, label in FrontDoor.Kind.choices],
        },
    )


@roles_required(*MANAGERS)
def front_door_edit(request: HttpRequest, kind: str) -> HttpResponse:
    actor = actor_of(request)
    if kind not in FrontDoor.Kind.values:
        raise Http404("No such front door.")
    door = FrontDoor.objects.filter(area_id=actor.area_id, kind=kind).first()
    initial = (
        {
            "name": door.name,
            "organisation": door.organisation_id,
            "channel": door.channel,
            "contact": door.contact,
            "out_of_hours": door.out_of_hours,
            "required_fields": door.required_fields,
        }
        if door
        else {"required_fields": list(FIELDS)}
    )
    form = FrontDoorForm(request.POST if request.method == "POST" else None, area_id=actor.area_id, initial=initial)
    saved = form_saved(form, lambda data: front_door_save(actor=actor, kind=kind, data=data)) if form.is_bound else None
    if saved is not None:
        messages.success(request, f"{FrontDoor.Kind(kind).label} front door saved.")
        return redirect("safeguarding:settings")
    return render(
        request,
        "safeguarding/front_door.html",
        {"form": form, "kind_label": FrontDoor.Kind(kind).label, "door": door},
    )
