from __future__ import annotations

import csv
from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from joinedup.accounts.models import Membership, Organisation, Role, User
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import CASE_WORKERS, CHILD_ROLES, PURPOSES_BY_ROLE, access_child, children_visible_to
from joinedup.cases.forms import (
    CaseSettingsForm,
    ConsentForm,
    ContactForm,
    EnrolForm,
    EnrolmentForm,
    WithdrawForm,
)
from joinedup.cases.models import CaseSettings, Child, Consent, Contact, Enrolment
from joinedup.cases.selectors import (
    CHRONOLOGY_KINDS,
    caseload,
    child_list,
    chronology,
    chronology_kinds,
    consents_described,
    engagement,
    link_workers,
    open_enrolment,
    record_enrolments,
    team_caseloads,
)
from joinedup.cases.services import (
    Agreement,
    Household,
    consent_record,
    consent_withdraw,
    contact_record,
    enrol_from_cohort,
    enrolment_update,
)
from joinedup.core.access import actor_of, roles_required
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.identification.access import schools_visible
from joinedup.identification.models import CohortEntry
from joinedup.sharing.models import AGREEMENT_ROLES


@roles_required(*CHILD_ROLES)
def children(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    search = request.GET.get("q", "").strip()[:100]
    page = Paginator(child_list(actor, search=search), 50).get_page(request.GET.get("page"))
    template = "cases/child_list.html#results" if request.headers.get("HX-Request") else "cases/child_list.html"
    return render(request, template, {"page": page, "search": search, "today": date.today()})


def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = access_child(getattr(request, "actor", None), pk)
    # Only the siblings this person may see themselves are listed.
    siblings = children_visible_to(request.actor).filter(family_id=child.family_id).exclude(pk=child.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "cases/child_detail.html",
        {
            "child": child,
            "members": child.family.members.all(),
            "siblings": siblings,
            "enrolments": record_enrolments(child),
            "consents": consents_described(child),
            "works_case": request.actor.role in CASE_WORKERS,  # type: ignore[attr-defined]
            # Those who work the case, and those who decide the matches that make shared cases.
            "sees_shared_cases": request.actor.role in CASE_WORKERS | AGREEMENT_ROLES,  # type: ignore[attr-defined]
            "engagement": engagement(child),
            "prepares_subject_access": request.actor.role == Role.DATA_LEAD,  # type: ignore[attr-defined]
            "today": date.today(),
        },
    )


@roles_required(*CASE_WORKERS)
def enrol(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Record the family's consent and enrol a child confirmed on an agreed school list."""
    actor = actor_of(request)
    entry = get_object_or_404(
        CohortEntry.objects.select_related("pupil", "cohort__school", "cohort__run__area"),
        pk=entry_pk,
        cohort__run__area=actor.area,
        cohort__school__in=schools_visible(actor),
        decision=CohortEntry.Decision.CONFIRMED,
    )
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="identification.cohort_entry",
        record_id=entry.pk,
        purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
    )
    pupil = entry.pupil
    initial = {
        "sex": pupil.sex if pupil.sex in Child.Sex.values else "",
        "postcode": pupil.postcode,
        "given_on": date.today(),
        "start_date": date.today(),
        "link_worker": actor.user if actor.role == Role.LINK_WORKER else None,
        "town": "London",
        "given_by": Consent.GivenBy.PARENT,
        "obtained": Consent.Obtained.IN_PERSON,
        "parental_responsibility": True,
    }
    form = EnrolForm(
        request.POST if request.method == "POST" else None, link_workers=link_workers(actor), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = enrol_from_cohort(
                actor=actor,
                entry=entry,
                link_worker=data["link_worker"],
                start_date=data["start_date"],
                preferred_name=data["preferred_name"],
                sex=data["sex"],
                household=Household(
                    **{name: data[name] for name in Household.__dataclass_fields__},
                ),
                agreement=Agreement(**{name: data[name] for name in Agreement.__dataclass_fields__}),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"Enrolled {enrolment.child.display_name}. Their plan starts from their areas at risk."
            )
            return redirect("cases:child_detail", pk=enrolment.child_id)
    return render(request, "cases/enrol.html", {"entry": entry, "form": form})


@roles_required(*CASE_WORKERS)
def consent_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a consent, or another lawful basis, for a child."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    organisations = Organisation.objects.filter(areas=child.area_id).order_by("name")
    initial = {"given_on": date.today(), "basis": Consent.Basis.CONSENT, "purpose": request.GET.get("purpose", "")}
    form = ConsentForm(request.POST if request.method == "POST" else None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = data["organisation"]
        try:
            consent_record(
                actor=actor,
                child=child,
                purpose=data["purpose"],
                basis=data["basis"],
                given_by=data["given_by"],
                given_by_name=data["given_by_name"],
                child_view=data["child_view"],
                organisation_id=organisation.pk if organisation else None,
                practitioner=data["practitioner"],
                scope=data["scope"],
                obtained=data["obtained"],
                given_on=data["given_on"],
                expires_on=data["expires_on"],
                basis_reason=data["basis_reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Recorded.")
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/consent_new.html", {"child": child, "form": form})


@roles_required(*CASE_WORKERS)
def consent_withdraw_view(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    actor = actor_of(request)
    child = access_child(actor, pk)
    consent = get_object_or_404(Consent, pk=consent_pk, child=child)
    form = WithdrawForm(request.POST if request.method == "POST" else None, initial={"withdrawn_on": date.today()})
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(
                actor=actor,
                consent=consent,
                withdrawn_on=form.cleaned_data["withdrawn_on"],
                withdrawn_by=form.cleaned_data["withdrawn_by"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            purpose = consent.get_purpose_display().lower()
            messages.success(request, f"Recorded that consent to {purpose} was withdrawn.")
            return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/consent_withdraw.html", {"child": child, "consent": consent, "form": form})


@roles_required(*CASE_WORKERS)
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the stage of a child's enrolment, or transfer it to another Link Worker."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    enrolment = open_enrolment_or_404(child)
    form = EnrolmentForm(
        request.POST if request.method == "POST" else None,
        link_workers=link_workers(actor),
        initial={"stage": enrolment.stage, "link_worker": enrolment.link_worker},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment_update(
                actor=actor,
                enrolment=enrolment,
                stage=data["stage"],
                link_worker=data["link_worker"],
                closure_reason=data["closure_reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Saved the enrolment.")
            if access_still(actor, child.pk):
                return redirect("cases:child_detail", pk=child.pk)
            return redirect("cases:child_list")
    return render(request, "cases/enrolment_edit.html", {"child": child, "enrolment": enrolment, "form": form})


def open_enrolment_or_404(child: Child) -> Enrolment:
    """The child's open enrolment, for a page that works on it; 404 if the child has none."""
    enrolment = open_enrolment(child)
    if enrolment is None:
        raise Http404("This child has no open enrolment.")
    return enrolment


def access_still(actor: Membership, child_id: int) -> bool:
    """After a transfer, whether the person still sees the child (a Link Worker who handed over does not)."""
    return children_visible_to(actor).filter(pk=child_id).exists()


@roles_required(*CASE_WORKERS)
def caseload_view(request: HttpRequest) -> HttpResponse:
    """A Link Worker's caseload; for a team manager, the team's caseloads, and any one of them."""
    actor = actor_of(request)
    worker: User | None = actor.user if actor.role == Role.LINK_WORKER else None
    if actor.role == Role.TEAM_MANAGER and request.GET.get("worker"):
        worker = get_object_or_404(link_workers(actor), pk=request.GET.get("worker"))
    if worker is None:
        return render(request, "cases/team_caseloads.html", {"rows": team_caseloads(actor)})
    stage = request.GET.get("stage", "")
    stage = stage if stage in Enrolment.Stage.values else ""
    order = request.GET.get("order", "name")
    overdue_only = request.GET.get("overdue") == "1"
    shared_only = request.GET.get("shared") == "1"
    settings = CaseSettings.for_area(actor.area_id)
    rows = caseload(
        actor,
        worker_id=worker.pk,
        stage=stage,
        overdue_only=overdue_only,
        shared_only=shared_only,
        order=order,
        settings=settings,
    )
    return render(
        request,
        "cases/caseload.html",
        {
            "worker": worker,
            "rows": rows,
            "stage": stage,
            "order": order,
            "overdue_only": overdue_only,
            "shared_only": shared_only,
            "stages": Enrolment.Stage.choices,
            "kinds": Contact.Kind.choices,
            "today": date.today(),
            "settings": settings,
            "is_own": worker == actor.user,
        },
    )


@roles_required(*CASE_WORKERS)
def contact_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a session or contact; from the caseload's quick form, answers with the child's updated row."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    enrolment = open_enrolment_or_404(child)
    form = ContactForm(request.POST if request.method == "POST" else None, initial={"happened_on": date.today()})
    saved: Contact | None = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = contact_record(actor=actor, enrolment=enrolment, **form.cleaned_data)
        except ValidationError as refused:
            form.add_service_errors(refused)
    if request.method == "POST" and request.headers.get("HX-Request"):
        # The caseload's row, with what was saved, or with the answers kept and each problem at its field.
        [row] = caseload(actor, worker_id=enrolment.link_worker_id, enrolment_id=enrolment.pk)
        context = {
            "row": row,
            "kinds": Contact.Kind.choices,
            "today": date.today(),
            "row_form": None if saved else form,
            "row_saved": saved,
            # Focus goes to the first answer with a problem (one element only may have autofocus).
            "row_first_error": next((name for name in form.fields if name in form.errors), ""),
        }
        return render(request, "cases/caseload.html#row", context)
    if saved is not None:
        messages.success(request, f"Recorded the contact with {child.display_name}.")
        return redirect("cases:child_detail", pk=child.pk)
    return render(request, "cases/contact_new.html", {"child": child, "form": form})


@roles_required(Role.TEAM_MANAGER, Role.DATA_LEAD)
def case_settings(request: HttpRequest) -> HttpResponse:
    """The borough's case-coordination settings: target caseload, contact frequency, review cadence."""
    actor = actor_of(request)
    current = CaseSettings.for_area(actor.area_id)
    form = CaseSettingsForm(request.POST if request.method == "POST" else None, instance=current)
    for field in form.fields.values():
        field.widget.attrs["class"] = "govuk-input govuk-input--width-4"
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="case_settings",
            record_id=saved.pk,
            detail={name: form.cleaned_data[name] for name in form.fields},
        )
        messages.success(request, "Saved the case settings.")
        return redirect("cases:settings")
    return render(request, "cases/settings.html", {"form": form})


def chronology_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's chronology, filterable by kind; as CSV, an export written to the audit log."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    kinds = chronology_kinds(actor.role)
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else ""
    events = chronology(child, kind=kind, viewer_role=actor.role)
    if request.GET.get("format") == "csv":
        audit_record(
            action=AuditAction.EXPORT,
            actor=actor,
            record_type="chronology",
            record_id=child.pk,
            child_id=child.pk,
            purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
            detail={"kind": kind, "events": len(events)},
        )
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="chronology-{child.pk}.csv"'
        writer = csv.writer(response)
        writer.writerow(["date", "kind", "what", "detail", "recorded_by"])
        for event in events:
            writer.writerow(
                [
                    event.on.isoformat(),
                    CHRONOLOGY_KINDS[event.kind],
                    *map(spreadsheet_safe, (event.title, event.detail, event.by)),
                ]
            )
        return response
    return render(request, "cases/chronology.html", {"child": child, "events": events, "kind": kind, "kinds": kinds})
