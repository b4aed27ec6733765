"""Outcomes pages: a child's progress and measurements, the impact report, outcomes contracts and their claims, the
borough's measures, and reading the next year's school data.

A child is reached only through ``access_child``. The impact report and the claims are for the programme's team
managers and data leads and for the borough's commissioners; they name no child (a claim line names an enrolment
number, which the programme's own people can open).
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import access_child
from joinedup.core.access import actor_of, roles_required
from joinedup.core.forms import form_saved
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.identification.models import ScreenedPupil
from joinedup.impact import table_rows
from joinedup.outcomes.forms import ContractForm, ContractRateForm, MeasureForm, MeasurementForm, ThresholdsForm
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement
from joinedup.outcomes.selectors import (
    GROUPINGS,
    child_progress,
    contract_claim,
    contract_periods,
    impact_report,
    measures_in_use,
    submitted_claim,
)
from joinedup.outcomes.services import (
    KEEPERS,
    RECORDERS,
    claim_submit,
    contract_rate_remove,
    contract_rate_save,
    contract_save,
    default_evidence,
    measure_save,
    measurement_record,
    measurement_remove,
    measures_ensure,
    school_data_pull,
)

#: Who reads the borough's impact figures and contracts: never a child's identity.
REPORT_ROLES = frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER})
#: Who sees which child a claim line is about.
PROGRAMME_ROLES = frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD})
EVENT_NAMES = dict(ContractRate.Event.choices)


@roles_required(*REPORT_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    measures_ensure(actor.area)
    contracts = Contract.objects.filter(area=actor.area)
    return render(request, "outcomes/home.html", {"contracts": contracts, "keeper": actor.role in KEEPERS})


# A child's progress --------------------------------------------------------------------------------------------


def child_outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """The child's progress on each measure, with every reading; case workers and data leads add readings.

    No role check before the gate: ``access_child`` answers "not found" to every role that may not see the child,
    as the child's record does, so the page never tells anyone that a child exists."""
    actor = actor_of(request)
    child = access_child(actor, pk)
    records = actor.role in RECORDERS
    measures = measures_in_use(child.area_id)
    if not measures.exists():
        measures_ensure(child.area)
    form = MeasurementForm(
        request.POST if request.method == "POST" else None,
        measures=measures,
        initial={"taken_on": timezone.localdate(), "occasion": Measurement.Occasion.REVIEW},
    )
    if request.method == "POST":
        if not records:
            raise Http404("No child found.")

        def save(data: dict[str, Any]) -> tuple[Measurement, float | None]:
            measure = data["measure"]
            respondent = data["respondent"] if measure.asks_respondent else ""
            same = Measurement.objects.filter(
                child=child, measure=measure, taken_on=data["taken_on"], respondent=respondent
            ).first()
            reading = measurement_record(
                actor=actor,
                child=child,
                measure=measure,
                value=data["value"],
                taken_on=data["taken_on"],
                respondent=respondent,
                occasion=data["occasion"],
                note=data["note"],
            )
            return reading, same.value if same else None

        saved = form_saved(form, save)
        if saved is not None:
            reading, before = saved
            measure = reading.measure
            if before is None:
                messages.success(request, f"Recorded {measure.name}: {measure.shown(reading.value)}.")
            else:
                messages.success(
                    request,
                    f"Replaced the {measure.name} reading of {reading.taken_on:%-d %B %Y}: it was "
                    f"{measure.shown(before).lower()}, it is now {measure.shown(reading.value).lower()}.",
                )
            return redirect("outcomes:child", pk=child.pk)
    return render(
        request,
        "outcomes/child.html",
        {"child": child, "rows": child_progress(child), "form": form, "records": records},
    )


@require_POST
@roles_required(*RECORDERS)
def measurement_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    reading = Measurement.objects.select_related("measure").filter(pk=pk).first()
    if reading is None:
        raise Http404("No measurement found.")
    child = access_child(actor, reading.child_id)
    try:
        measurement_remove(actor=actor, reading=reading)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"Removed the {reading.measure.name} reading of {reading.taken_on:%-d %B %Y}.")
    return redirect("outcomes:child", pk=child.pk)


# The impact report ---------------------------------------------------------------------------------------------


@roles_required(*REPORT_ROLES)
def impact(request: HttpRequest) -> HttpResponse:
    """The borough's impact report by school, delivery partner or cohort year, with small numbers suppressed."""
    actor = actor_of(request)
    measures_ensure(actor.area)
    by = request.GET.get("by", "school")
    year = request.GET.get("year", "")
    report = impact_report(area=actor.area, by=by, cohort_year=year)
    if year and year not in report.years:
        messages.error(request, f"No children started in {year}: choose a cohort year from the list.")
        return redirect("outcomes:impact")
    audit_record(
        action=AuditAction.EXPORT if request.GET.get("format") == "csv" else AuditAction.VIEW,
        actor=actor,
        record_type="outcomes.impact",
        record_id=f"{report.by}:{year or 'all'}",
    )
    names = {measure.key: measure.name for measure in report.measures}
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        label = year.replace("/", "-") if year else "all-years"
        response["Content-Disposition"] = f'attachment; filename="impact-{report.by}-{label}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [f"Impact report, {actor.area.name}", f"By {GROUPINGS[report.by].lower()}", year or "All years"]
        )
        writer.writerow(
            ["Counts from 0 to 4 are shown as <5; 'hidden' stops a small count being worked out by subtraction."]
        )
        writer.writerows(_applicable(table_rows(report.table, names), report.measures))
        return response
    return render(
        request,
        "outcomes/impact.html",
        {"report": report, "groupings": GROUPINGS, "names": names, "year": year},
    )


#: The columns of a measure's figures that need its at-risk threshold, and those that need its reliable change amount.
_NEEDS_THRESHOLD = ("at risk at baseline", "no longer at risk", "comparison group", "difference from comparison group")
_NEEDS_RELIABLE_CHANGE = ("reliable change judged", "reliably improved", "reliably worse")


def _applicable(rows: list[list[str]], measures: list[Measure]) -> list[list[str]]:
    """The report's CSV rows, with "n/a" where a figure cannot be had: no threshold, or no reliable change amount
    (the counts there are nought, which the table would otherwise show as "<5")."""
    blank = set()
    for column, title in enumerate(rows[0]):
        for measure in measures:
            if not title.startswith(f"{measure.name}: "):
                continue
            figure = title.removeprefix(f"{measure.name}: ")
            if (not measure.has_threshold and figure.startswith(_NEEDS_THRESHOLD)) or (
                measure.reliable_change is None and figure.startswith(_NEEDS_RELIABLE_CHANGE)
            ):
                blank.add(column)
    return [
        [cell if index == 0 or column not in blank else "n/a" for column, cell in enumerate(row)] if index else row
        for index, row in enumerate([[spreadsheet_safe(cell) for cell in row] for row in rows])
    ]


# Measures ------------------------------------------------------------------------------------------------------


@roles_required(Role.TEAM_MANAGER, Role.DATA_LEAD)
def measures(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    found = measures_ensure(actor.area)
    found.sort(key=lambda measure: (not measure.active, measure.order, measure.name))
    return render(request, "outcomes/measures.html", {"measures": found, "keeper": actor.role in KEEPERS})


def _measure(actor: Membership, pk: int) -> Measure:
    measure = Measure.objects.filter(pk=pk, area=actor.area).first()
    if measure is None:
        raise Http404("No measure found.")
    return measure


@roles_required(*KEEPERS)
def measure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Define a measure, or change one: its threshold, reliable change, range, or whether it is in use."""
    actor = actor_of(request)
    measure = _measure(actor, pk) if pk else Measure(area=actor.area, kind=Measure.Kind.CUSTOM, order=99)
    data = request.POST if request.method == "POST" else None
    form = MeasureForm(data, instance=measure)
    respondents = ThresholdsForm(data, initial=measure.thresholds_by_respondent) if measure.asks_respondent else None
    if request.method == "POST":
        valid = respondents.is_valid() if respondents else True

        def save(_data: dict[str, Any]) -> Measure:
            if respondents is not None:
                form.instance.thresholds_by_respondent = respondents.cleaned_data
            return measure_save(actor=actor, measure=form.instance)

        saved = form_saved(form, save) if valid else None
        if saved is not None:
            messages.success(request, f"Saved {saved.name}. Every child's progress on it has been worked out again.")
            return redirect("outcomes:measures")
    return render(request, "outcomes/measure_edit.html", {"form": form, "respondents": respondents, "measure": measure})


# Reading the next year's school data ----------------------------------------------------------------------------


@roles_required(*KEEPERS)
def school_data(request: HttpRequest) -> HttpResponse:
    """Read a school year's school data and survey files (imported for identification) into outcomes."""
    actor = actor_of(request)
    years = sorted(
        set(ScreenedPupil.objects.filter(area=actor.area).values_list("school_year", flat=True).distinct()),
        reverse=True,
    )
    result = None
    error = ""
    if request.method == "POST":
        year = request.POST.get("school_year", "")
        if year not in years:
            error = "Choose a school year whose school data has been imported."
        else:
            try:
                result = school_data_pull(actor=actor, school_year=year)
            except ValidationError as refused:
                error = refused.messages[0]
    return render(request, "outcomes/school_data.html", {"years": years, "result": result, "error": error})


# Outcomes contracts and claims ----------------------------------------------------------------------------------


def _contract(actor: Membership, pk: int) -> Contract:
    contract = Contract.objects.filter(pk=pk, area=actor.area).first()
    if contract is None:
        raise Http404("No contract found.")
    return contract


@roles_required(*REPORT_ROLES)
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    order = list(ContractRate.Event.values)
    rates = sorted(
        contract.rates.select_related("measure"),
        key=lambda rate: (order.index(rate.event), rate.measure.order if rate.measure else 0),
    )
    periods = contract_periods(contract)
    today = timezone.localdate()
    return render(
        request,
        "outcomes/contract.html",
        {
            "contract": contract,
            "rates": rates,
            "periods": [period for period in periods if period.starts <= today],
            "sent": dict(contract.submitted_claims.values_list("starts", "submitted_at")),
            "today": today,
            "keeper": actor.role in KEEPERS,
            # Sign-up and high engagement have one rate each; outcomes one per measure.
            "events": {
                event: label
                for event, label in EVENT_NAMES.items()
                if event == ContractRate.Event.OUTCOME or all(rate.event != event for rate in rates)
            },
        },
    )


@roles_required(*KEEPERS)
def contract_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk) if pk else Contract(area=actor.area)
    form = ContractForm(request.POST if request.method == "POST" else None, instance=contract)
    if request.method == "POST":
        saved = form_saved(form, lambda _data: contract_save(actor=actor, contract=form.instance))
        if saved is not None:
            messages.success(request, f"Saved the contract “{saved.name}”.")
            return redirect("outcomes:contract", pk=saved.pk)
    return render(request, "outcomes/contract_edit.html", {"form": form, "contract": contract})


@roles_required(*KEEPERS)
def rate_edit(request: HttpRequest, pk: int, rate_pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    rate = contract.rates.filter(pk=rate_pk).first() if rate_pk else ContractRate(contract=contract)
    if rate is None:
        raise Http404("No rate found.")
    event = request.GET.get("event", ContractRate.Event.OUTCOME)
    initial = {} if rate_pk else {"event": event, "evidence": default_evidence(event) if event in EVENT_NAMES else ""}
    form = ContractRateForm(
        request.POST if request.method == "POST" else None,
        instance=rate,
        initial=initial,
        measures=measures_in_use(actor.area_id),
    )
    if request.method == "POST":
        saved = form_saved(form, lambda _data: contract_rate_save(actor=actor, rate=form.instance))
        if saved is not None:
            messages.success(request, f"Saved the rate: {saved}.")
            return redirect("outcomes:contract", pk=contract.pk)
    return render(request, "outcomes/rate_edit.html", {"form": form, "contract": contract, "rate": rate})


@require_POST
@roles_required(*KEEPERS)
def rate_remove(request: HttpRequest, pk: int, rate_pk: int) -> HttpResponse:
    actor = actor_of(request)
    contract = _contract(actor, pk)
    rate = contract.rates.filter(pk=rate_pk).first()
    if rate is None:
        raise Http404("No rate found.")
    contract_rate_remove(actor=actor, rate=rate)
    messages.success(request, f"Removed the rate: {rate}.")
    return redirect("outcomes:contract", pk=contract.pk)


@roles_required(*REPORT_ROLES)
def claim_detail(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """The claim for one term: the summary a funder pays on, and each event with the evidence behind it."""
    actor = actor_of(request)
    contract = _contract(actor, pk)
    found = next((item for item in contract_periods(contract) if item.slug == period), None)
    if found is None or found.starts > timezone.localdate():
        raise Http404("No claim period found.")
    result = contract_claim(contract, found)
    # A claim sent to the funder is shown as it was sent; the records as they are today are set beside it.
    sent = submitted_claim(contract, found)
    shown = sent[1] if sent else result.claim
    csv_wanted = request.GET.get("format") == "csv"
    audit_record(
        action=AuditAction.EXPORT if csv_wanted else AuditAction.VIEW,
        actor=actor,
        record_type="outcomes.claim",
        record_id=f"{contract.pk}:{found.slug}",
    )
    if csv_wanted:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="claim-{contract.pk}-{found.slug}.csv"'
        writer = csv.writer(response)
        writer.writerow(["Reference", "Event", "Measure", "Date", "Payable", "Price", "Reason not payable", "Evidence"])
        for line in shown.lines:
            item = line.achievement
            writer.writerow(
                [
                    item.child,
                    EVENT_NAMES[item.event],
                    spreadsheet_safe(item.measure),
                    item.on.isoformat(),
                    "yes" if line.payable else "no",
                    f"{line.price:.2f}",
                    line.reason,
                    spreadsheet_safe(" ".join(item.evidence)),
                ]
            )
        return response
    ended = found.ends < timezone.localdate()
    return render(
        request,
        "outcomes/claim.html",
        {
            "contract": contract,
            "period": found,
            "claim": shown,
            "children": result.children,
            "sent": sent[0] if sent else None,
            "today_total": result.claim.total,
            "can_submit": actor.role in KEEPERS and ended and not sent,
            "ended": ended,
            "events": EVENT_NAMES,
            "measure_names": {measure.key: measure.name for measure in measures_in_use(actor.area_id)},
            "programme": actor.role in PROGRAMME_ROLES,
        },
    )


@require_POST
@roles_required(*KEEPERS)
def claim_submit_view(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    """Freeze the term's claim as sent to the funder."""
    actor = actor_of(request)
    contract = _contract(actor, pk)
    found = next((item for item in contract_periods(contract) if item.slug == period), None)
    if found is None:
        raise Http404("No claim period found.")
    try:
        sent = claim_submit(actor=actor, contract=contract, period=found)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(request, f"The claim for {found.name} is recorded as sent: £{sent.total:,.2f}.")
    return redirect("outcomes:claim", pk=contract.pk, period=found.slug)
