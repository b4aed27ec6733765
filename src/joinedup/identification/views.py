"""Identification pages: imports, mappings, the rules, runs, each school's list and the reports."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.access import PURPOSES_BY_ROLE
from joinedup.core.access import actor_of, roles_required
from joinedup.core.jobs import job_start
from joinedup.core.running import interrupted_close
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.core.uploads import upload_keep
from joinedup.identification.access import ADD_ROLES, DECIDE_ROLES, LIST_ROLES, REPORT_ROLES, schools_visible
from joinedup.identification.forms import (
    AddForm,
    CohortFilterForm,
    DecisionForm,
    LockForm,
    MappingForm,
    RulesForm,
    RulesUploadForm,
    RunForm,
    SchoolsForm,
    ScreeningImportForm,
)
from joinedup.identification.models import (
    CohortEntry,
    ColumnMapping,
    IdentificationRun,
    RuleSetVersion,
    SchoolCohort,
    ScreeningImport,
)
from joinedup.identification.selectors import (
    cohort_counts,
    cohort_entries,
    fairness_rows,
    latest_run,
    ready_to_enrol,
    run_school_cohorts,
)
from joinedup.identification.services import (
    cohort_add,
    cohort_decide,
    cohort_lock,
    link_worker_schools_set,
    mapping_save,
    rules_changes,
    rules_current,
    rules_version_save,
)
from joinedup.identification.tasks import identification_run_task, screening_import_task
from joinedup.identification.templatetags.identification import group_name, group_value
from joinedup.rules import DOMAIN_NAMES, rules_report, rules_to_toml
from joinedup.rules.reading import (
    SCHOOL_DATA_COLUMNS,
    SESSION_COLUMNS,
    SURVEY_COLUMNS,
    SURVEY_MATCH_COLUMNS,
)

ALL_ROLES = (*LIST_ROLES, Role.COMMISSIONER)
# A whole year group on one page: schools decide a year group at a time.
PAGE_SIZE = 400


@roles_required(*ALL_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    run = latest_run(actor.area)
    ready = list(ready_to_enrol(actor)[:200]) if actor.role in ADD_ROLES else None
    if ready:
        audit_record(
            action=AuditAction.VIEW,
            actor=actor,
            record_type="identification.ready_to_contact",
            purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
            detail={"pupils_shown": len(ready)},
        )
    return render(
        request,
        "identification/home.html",
        {
            "run": run,
            "schools": run_school_cohorts(run, actor) if run else [],
            "rules": rules_current(actor.area),
            "ready": ready,
            "sees_lists": actor.role in LIST_ROLES,
            "is_data_lead": actor.role == Role.DATA_LEAD,
            "sees_reports": actor.role in REPORT_ROLES,
        },
    )


# -- imports -----------------------------------------------------------------------------------------


@roles_required(Role.DATA_LEAD)
def imports(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    mappings = ColumnMapping.objects.filter(area=actor.area)
    posted = request.method == "POST"
    form = ScreeningImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        mappings=mappings,
        initial={"kind": ColumnMapping.Kind.SCHOOL_DATA},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        upload: UploadedFile[Any] = data["file"]
        job = _import_start(
            actor,
            kind=data["kind"],
            path=str(upload_keep(upload)),
            file_name=Path(upload.name or "upload").name,
            school_year=data["school_year"],
            mapping=data["mapping"],
            accept_valid_rows=data["accept_valid_rows"],
        )
        return redirect("core:job", pk=job.pk)
    interrupted_close()
    history = (
        ScreeningImport.objects.filter(area=actor.area).select_related("started_by").prefetch_related("retries")[:50]
    )
    schools = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, areas=actor.area).order_by("name")
    columns = {
        "school_required": ("upn", "year_group", "school_urn"),
        "school_optional": tuple(
            column
            for column in (*SCHOOL_DATA_COLUMNS, *SESSION_COLUMNS)
            if column not in {"upn", "year_group", "school_urn"}
        ),
        "survey": (*SURVEY_COLUMNS, *SURVEY_MATCH_COLUMNS),
    }
    return render(
        request,
        "identification/imports.html",
        {"form": form, "history": history, "schools": schools, "columns": columns},
    )


def _import_start(
    actor: Membership,
    *,
    kind: str,
    path: str,
    file_name: str,
    school_year: str,
    mapping: ColumnMapping | None,
    accept_valid_rows: bool,
    retry_of: ScreeningImport | None = None,
) -> Any:
    noun = "school data" if kind == ColumnMapping.Kind.SCHOOL_DATA else "survey returns"
    return job_start(
        actor=actor,
        kind="identification_import",
        title=f"Import {noun}: {file_name}",
        task=screening_import_task,
        area_id=actor.area_id,
        file_kind=kind,
        path=path,
        file_name=file_name,
        school_year=school_year,
        user_id=actor.user_id,
        mapping_id=mapping.pk if mapping else None,
        accept_valid_rows=accept_valid_rows,
        retry_of_id=retry_of.pk if retry_of else None,
    )


@roles_required(Role.DATA_LEAD)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = get_object_or_404(ScreeningImport.objects.select_related("started_by", "mapping"), pk=pk, area=actor.area)
    retried = record.retries.order_by("-pk").first()
    can_accept = (
        record.status == ScreeningImport.Status.REJECTED
        and record.problem_count
        and record.valid_rows
        and (retried is None or retried.status == ScreeningImport.Status.FAILED)
    )
    if request.method == "POST" and can_accept:
        job = _import_start(
            actor,
            kind=record.kind,
            path=record.stored_path,
            file_name=record.file_name,
            school_year=record.school_year,
            mapping=record.mapping,
            accept_valid_rows=True,
            retry_of=record,
        )
        return redirect("core:job", pk=job.pk)
    return render(
        request, "identification/import_detail.html", {"record": record, "can_accept": can_accept, "retried": retried}
    )


# -- column mappings ---------------------------------------------------------------------------------


@roles_required(Role.DATA_LEAD)
def mappings(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    saved = ColumnMapping.objects.filter(area=actor.area).select_related("updated_by")
    return render(request, "identification/mappings.html", {"mappings": saved})


@roles_required(Role.DATA_LEAD)
def mapping_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    mapping = get_object_or_404(ColumnMapping, pk=pk, area=actor.area) if pk else None
    kind = mapping.kind if mapping else request.GET.get("kind", ColumnMapping.Kind.SCHOOL_DATA)
    if kind not in ColumnMapping.Kind.values:
        raise Http404("No such kind of file")
    initial = (
        {"name": mapping.name, "attainment_scale": mapping.attainment_scale, **mapping.columns}
        if mapping
        else {"attainment_scale": ColumnMapping.Scale.KS2_SCALED}
    )
    form = MappingForm(request.POST if request.method == "POST" else None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = mapping_save(
                actor=actor,
                name=form.cleaned_data["name"],
                kind=kind,
                columns=form.mapped_columns(),
                attainment_scale=form.cleaned_data.get("attainment_scale") or ColumnMapping.Scale.KS2_SCALED,
                mapping=mapping,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Saved the column mapping ‘{saved.name}’.")
            return redirect("identification:mappings")
    return render(
        request,
        "identification/mapping_edit.html",
        {"form": form, "mapping": mapping, "kind_label": ColumnMapping.Kind(kind).label},
    )


# -- rules -------------------------------------------------------------------------------------------


@roles_required(*ALL_ROLES)
def rules(request: HttpRequest, number: int | None = None) -> HttpResponse:
    actor = actor_of(request)
    current = rules_current(actor.area)
    version = get_object_or_404(RuleSetVersion, area=actor.area, number=number) if number else current
    previous = RuleSetVersion.objects.filter(area=actor.area, number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "identification/rules.html",
        {
            "version": version,
            "current": current,
            "report": rules_report(version.rule_set()),
            "changes": rules_changes(previous, version),
            "previous": previous,
            "versions": RuleSetVersion.objects.filter(area=actor.area).select_related("created_by"),
            "can_edit": actor.role == Role.DATA_LEAD,
        },
    )


@roles_required(*ALL_ROLES)
def rules_toml(request: HttpRequest, number: int) -> HttpResponse:
    actor = actor_of(request)
    version = get_object_or_404(RuleSetVersion, area=actor.area, number=number)
    response = HttpResponse(rules_to_toml(version.rule_set()), content_type="application/toml; charset=utf-8")
    slug = actor.area.name.lower().replace(" ", "-")
    response["Content-Disposition"] = f'attachment; filename="identification-rules-{slug}-v{number}.toml"'
    return response


@roles_required(Role.DATA_LEAD)
def rules_edit(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = rules_current(actor.area)
    form = RulesForm(request.POST if request.method == "POST" else None, rules=current.rule_set())
    upload = RulesUploadForm()
    if request.method == "POST" and form.is_valid():
        return _rules_publish(request, actor, form, form.rule_set, form.cleaned_data["note"])
    return render(request, "identification/rules_edit.html", {"form": form, "upload": upload, "current": current})


@roles_required(Role.DATA_LEAD)
@require_POST
def rules_upload(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    current = rules_current(actor.area)
    upload = RulesUploadForm(request.POST, request.FILES)
    if upload.is_valid():
        return _rules_publish(request, actor, upload, upload.rule_set, upload.cleaned_data["note"])
    form = RulesForm(rules=current.rule_set())
    return render(request, "identification/rules_edit.html", {"form": form, "upload": upload, "current": current})


def _rules_publish(request: HttpRequest, actor: Membership, form: Any, rule_set: Any, note: str) -> HttpResponse:
    try:
        version = rules_version_save(actor=actor, rules=rule_set, note=note)
    except ValidationError as error:
        form.add_service_errors(error)
        current = rules_current(actor.area)
        edit = form if isinstance(form, RulesForm) else RulesForm(rules=current.rule_set())
        upload = form if isinstance(form, RulesUploadForm) else RulesUploadForm()
        return render(request, "identification/rules_edit.html", {"form": edit, "upload": upload, "current": current})
    messages.success(request, f"Published version {version.number} of the rules. The next run uses it.")
    return redirect("identification:rules_version", number=version.number)


def published_rules(request: HttpRequest, ons_code: str) -> HttpResponse:
    """The borough's rules in force, for anyone to read: the criteria are published."""
    if ons_code != ons_code.upper():
        return redirect("published_rules", ons_code=ons_code.upper())
    area = get_object_or_404(Area, ons_code=ons_code)
    version = rules_current(area)
    return render(
        request,
        "identification/published_rules.html",
        {
            "area": area,
            "version": version,
            "report": rules_report(version.rule_set()),
            "versions": RuleSetVersion.objects.filter(area=area),
        },
    )


# -- runs --------------------------------------------------------------------------------------------


@roles_required(*REPORT_ROLES)
def runs(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if actor.role != Role.DATA_LEAD:
            raise PermissionDenied("Only the programme data lead starts identification runs.")
        if form.is_valid():
            year = form.cleaned_data["school_year"]
            job = job_start(
                actor=actor,
                kind="identification_run",
                title=f"Identify children at risk, {actor.area.name} {year}",
                task=identification_run_task,
                area_id=actor.area_id,
                school_year=year,
                user_id=actor.user_id,
            )
            return redirect("core:job", pk=job.pk)
    interrupted_close()
    history = IdentificationRun.objects.filter(area=actor.area).select_related("rules", "started_by")[:50]
    return render(
        request,
        "identification/runs.html",
        {"form": form, "history": history, "can_run": actor.role == Role.DATA_LEAD, "rules": rules_current(actor.area)},
    )


def _run_or_404(actor: Membership, pk: int) -> IdentificationRun:
    return get_object_or_404(IdentificationRun.objects.select_related("rules", "started_by"), pk=pk, area=actor.area)


@roles_required(*ALL_ROLES)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    run = _run_or_404(actor, pk)
    return render(
        request,
        "identification/run_detail.html",
        {"run": run, "schools": run_school_cohorts(run, actor), "sees_reports": actor.role in REPORT_ROLES},
    )


@roles_required(*REPORT_ROLES)
def run_fairness(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    run = _run_or_404(actor, pk)
    rows = fairness_rows(run)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        slug = actor.area.name.lower().replace(" ", "-")
        response["Content-Disposition"] = (
            f'attachment; filename="fairness-{slug}-{run.school_year.replace("/", "-")}-run-{run.pk}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            ["school_year", "run", "rules_version", "group", "value", "screened", "proposed", "rate", "ratio"]
        )
        for row in rows:
            writer.writerow(
                [
                    run.school_year,
                    run.pk,
                    run.rules.number,
                    group_name(row["group"]),
                    # A group's value comes from the schools' files (an ethnicity as written there).
                    spreadsheet_safe(group_value(row["value"], row["group"])),
                    row["screened"],
                    row["identified"],
                    _fixed(row["rate"]),
                    _fixed(row["ratio"]),
                ]
            )
        return response
    return render(
        request,
        "identification/fairness.html",
        {"run": run, "rows": rows, "report": rules_report(run.rules.rule_set())},
    )


def _fixed(value: float | None) -> str:
    return "" if value is None else f"{value:.3f}"


# -- a school's list ---------------------------------------------------------------------------------


def _cohort_or_404(actor: Membership, pk: int) -> SchoolCohort:
    """A school's list the person may see; ``Http404`` alike for missing and forbidden."""
    return get_object_or_404(
        SchoolCohort.objects.select_related("run", "run__rules", "school", "locked_by"),
        pk=pk,
        run__area=actor.area,
        school__in=schools_visible(actor),
    )


@roles_required(*LIST_ROLES)
def cohort(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    found = _cohort_or_404(actor, pk)
    counts = cohort_counts(found)
    rule_set = found.run.rules.rule_set()
    domains = [domain for domain in DOMAIN_NAMES if getattr(rule_set, domain).enabled]
    filters = CohortFilterForm(request.GET, year_groups=counts.year_groups, domains=domains)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    show = chosen.get("show") or "list"
    entries = cohort_entries(
        found,
        show=show,
        year_group=chosen.get("year_group"),
        domain=chosen.get("domain") or "",
        q=chosen.get("q") or "",
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="identification.school_cohort",
        record_id=found.pk,
        purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
        detail={"show": show, "year_group": chosen.get("year_group"), "pupils_shown": len(page.object_list)},
    )
    query = request.GET.copy()
    query.pop("page", None)
    is_current = found.is_current()
    open_to_change = is_current and not found.is_locked
    return render(
        request,
        "identification/cohort.html",
        {
            "cohort": found,
            "is_current": is_current,
            "current_cohort": None if is_current else found.current(),
            "counts": counts,
            "filters": filters,
            "show": show,
            "page": page,
            "query": query.urlencode(),
            "domain_names": DOMAIN_NAMES,
            "can_decide": actor.role in DECIDE_ROLES and open_to_change,
            "can_add": actor.role in ADD_ROLES and open_to_change,
            "can_lock": actor.role in DECIDE_ROLES and open_to_change,
            "lock_form": LockForm(),
            "here": request.get_full_path(),
        },
    )


def _entry_or_404(actor: Membership, pk: int) -> CohortEntry:
    return get_object_or_404(
        CohortEntry.objects.select_related("cohort", "pupil"),
        pk=pk,
        cohort__run__area=actor.area,
        cohort__school__in=schools_visible(actor),
    )


def _back(request: HttpRequest, entry_cohort: SchoolCohort, anchor: str = "") -> HttpResponse:
    target = request.POST.get("next", "")
    if not (target.startswith("/identification/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)):
        target = reverse("identification:cohort", kwargs={"pk": entry_cohort.pk})
    return redirect(target + anchor)


@roles_required(*DECIDE_ROLES)
@require_POST
def entry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm or decline one child. From the page's script, answers with the updated row (and counts)."""
    actor = actor_of(request)
    entry = _entry_or_404(actor, pk)
    form = DecisionForm(request.POST)
    error = ""
    try:
        if not form.is_valid():
            raise ValidationError("Choose confirm or decline.")
        cohort_decide(
            actor=actor, entry=entry, decision=form.cleaned_data["decision"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if request.headers.get("HX-Request"):
        return _entry_row(request, entry, error=error)
    if error:
        messages.error(request, f"{entry.pupil.name}: {error}")
    else:
        verb = "Confirmed" if form.cleaned_data["decision"] == CohortEntry.Decision.CONFIRMED else "Declined"
        messages.success(request, f"{verb} {entry.pupil.name}.")
    return _back(request, entry.cohort, f"#entry-{entry.pk}")


def _entry_row(request: HttpRequest, entry: CohortEntry, *, error: str) -> HttpResponse:
    """The child's row as it now stands, with the list's counts swapped in beside it."""
    cohort = entry.cohort
    fresh = cohort_entries(cohort, show="all").get(pk=entry.pk)
    context = {
        "entry": fresh,
        "can_decide": True,
        "row_error": error,
        "chosen": request.POST.get("decision", "") if error else "",
        "typed_reason": request.POST.get("reason", "") if error else "",
        "here": request.POST.get("next", ""),
        "counts": cohort_counts(cohort),
        "oob": True,
    }
    row = render(request, "identification/cohort.html#entry_row", context).content
    counts = render(request, "identification/cohort.html#counts", context).content
    agree = render(
        request,
        "identification/cohort.html#agree",
        {**context, "cohort": cohort, "can_lock": True, "lock_form": LockForm()},
    ).content
    # In a template element, so that HTML parsing keeps them beside a table row (htmx swaps each by id).
    return HttpResponse(row + b"<template>" + counts + agree + b"</template>")


@roles_required(*ADD_ROLES)
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    entry = _entry_or_404(actor, pk)
    form = AddForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_add(actor=actor, entry=entry, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Added {entry.pupil.name} to the list for the school to confirm.")
            return redirect("identification:cohort", pk=entry.cohort_id)
    audit_record(
        action=AuditAction.VIEW,
        actor=actor,
        record_type="identification.cohort_entry",
        record_id=entry.pk,
        purpose=PURPOSES_BY_ROLE[Role(actor.role)][0],
    )
    return render(request, "identification/entry_add.html", {"entry": entry, "form": form})


@roles_required(*DECIDE_ROLES)
@require_POST
def cohort_lock_view(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    found = _cohort_or_404(actor, pk)
    form = LockForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["agreed_with"]))
        cohort_lock(actor=actor, cohort=found, agreed_with=form.cleaned_data["agreed_with"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The list is agreed and locked. The Link Worker can now contact the families.")
    return redirect("identification:cohort", pk=found.pk)


# -- which schools each Link Worker is based in -------------------------------------------------------


@roles_required(Role.TEAM_MANAGER, Role.DATA_LEAD)
def link_workers(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    schools = schools_visible(actor)
    workers = (
        Membership.objects.filter(
            organisation=actor.organisation, area=actor.area, role=Role.LINK_WORKER, is_active=True
        )
        .select_related("user")
        .prefetch_related("schools")
        .order_by("user__full_name")
    )
    if request.method == "POST":
        membership = get_object_or_404(workers, pk=request.POST.get("membership"))
        form = SchoolsForm(request.POST, schools=schools, prefix=f"w{membership.pk}")
        if form.is_valid():
            link_worker_schools_set(actor=actor, membership=membership, schools=form.cleaned_data["schools"])
            messages.success(request, f"Saved the schools {membership.user.full_name} is based in.")
            return redirect(reverse("identification:link_workers") + f"#worker-{membership.pk}")
    rows = [
        (worker, SchoolsForm(schools=schools, initial={"schools": list(worker.schools.all())}, prefix=f"w{worker.pk}"))
        for worker in workers
    ]
    return render(request, "identification/link_workers.html", {"rows": rows})
