"""Directory pages: search, service pages, the public "find support" pages, management and the gap report."""

from __future__ import annotations

import csv
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from joinedup.accounts.models import Role
from joinedup.cases.access import CASE_WORKERS, access_child
from joinedup.cases.models import Child
from joinedup.cases.selectors import open_enrolment
from joinedup.core.access import actor_of, roles_required
from joinedup.core.domains import IDENTIFICATION_DOMAINS, RISK_AREA_NEEDS, NeedDomain
from joinedup.core.jobs import job_start
from joinedup.core.running import interrupted_close
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.core.uploads import MAX_UPLOAD_BYTES, upload_keep
from joinedup.directory.forms import GapReportForm, ImportForm, ServiceProfileForm, ServiceSearchForm
from joinedup.directory.models import DirectoryFeed, DirectoryImport, Service
from joinedup.directory.selectors import (
    AGE_BANDS,
    MANAGE_FILTERS,
    SchoolGaps,
    SearchResults,
    manageable_services,
    provision_gaps,
    service_detail,
    service_search,
    service_terms,
)
from joinedup.directory.services import profile_for, service_profile_update, service_verify
from joinedup.directory.tasks import directory_import_task

GAP_ROLES = (Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER)
DEFAULT_BAND = "8-11"  # most of the programme's children are in primary school


def _search_page(request: HttpRequest, *, template: str, form: ServiceSearchForm, **context: object) -> HttpResponse:
    results: SearchResults | None = None
    page_number = _page_number(request)
    if form.is_valid():
        actor = getattr(request, "actor", None)
        results = service_search(form.query(area=actor.area if actor else None), page=page_number)
    page = Paginator(range(results.total if results else 0), 20).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    # htmx asks for the same page and swaps in the filters and results together, so errors show too.
    return render(
        request,
        template,
        {"form": form, "results": results, "page": page, "query": query.urlencode(), **context},
    )


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


def search(request: HttpRequest) -> HttpResponse:
    """The practitioner's search. From a child's record it starts with the child's age and postcode."""
    actor = actor_of(request)
    data = request.GET.copy()
    child = None
    refer: dict[str, object] = {}
    if "child" in data:
        child = access_child(actor, data.pop("child")[0])
        if "postcode" not in data and "need" not in data:
            # Arriving from the record (not a search already made): start from the areas at risk too.
            # From a goal on the plan, the goal's need comes with it instead.
            data.setlist("need", _child_needs(child))
        data.setdefault("age", str(child.age_on(date.today())))
        data.setdefault("postcode", child.home_postcode)
        if actor.role in CASE_WORKERS and open_enrolment(child) is not None:
            # From the plan, a goal comes along to the referral form.
            goal = data.pop("goal", [""])[0]
            refer = {"child": child, "goal": goal if goal.isdigit() else ""}
    form = ServiceSearchForm(data)
    return _search_page(request, template="directory/search.html", form=form, child=child, refer=refer)


def _child_needs(child: Child) -> list[str]:
    """The needs a child's open enrolment starts from: its areas at risk, as need domains."""
    enrolment = open_enrolment(child)
    domains = enrolment.at_risk_domains if enrolment else []
    needs = {RISK_AREA_NEEDS[domain].value for domain in domains if domain in RISK_AREA_NEEDS}
    needs |= {domain for domain in domains if domain in NeedDomain.values}
    return sorted(needs)


def service(request: HttpRequest, pk: str) -> HttpResponse:
    actor = actor_of(request)
    found = _service_or_404(pk)
    return render(
        request,
        "directory/service.html",
        {
            "service": found,
            "profile": profile_for(found),
            "terms": service_terms(found),
            "can_manage": actor.role == Role.DATA_LEAD and found.area_id == actor.area_id,
            "back": _back_to_search(request, reverse("directory:search")),
        },
    )


def _service_or_404(pk: str) -> Service:
    try:
        return service_detail(pk)
    except Service.DoesNotExist:
        raise Http404("No service with that id") from None


def find_support(request: HttpRequest) -> HttpResponse:
    """The families' search: no sign-in, the same services, plain words."""
    form = ServiceSearchForm(request.GET, public=True)
    return _search_page(request, template="directory/find_support.html", form=form)


def find_support_service(request: HttpRequest, pk: str) -> HttpResponse:
    found = _service_or_404(pk)
    if found.status != Service.Status.ACTIVE or found.removed_from_feed_at:
        raise Http404("This service is no longer listed")
    return render(
        request,
        "directory/find_support_service.html",
        {
            "service": found,
            "profile": profile_for(found),
            "back": _back_to_search(request, reverse("find_support:search")),
        },
    )


def _back_to_search(request: HttpRequest, search_path: str) -> str:
    """The search the person came from, with its postcode, needs and page, when they came from one."""
    came_from = urlsplit(request.headers.get("Referer", ""))
    if came_from.netloc == request.get_host() and came_from.path == search_path and came_from.query:
        return f"{search_path}?{came_from.query}"
    return search_path


# -- management (data leads, their own borough) ------------------------------------------------


@roles_required(Role.DATA_LEAD)
def manage(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    show = request.GET.get("show", "")
    search_text = request.GET.get("q", "").strip()[:100]
    services = manageable_services(actor.area, show=show, text=search_text)
    page = Paginator(services, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/manage.html",
        {"page": page, "show": show, "search": search_text, "query": query.urlencode(), "filters": MANAGE_FILTERS},
    )


@roles_required(Role.DATA_LEAD)
def service_edit(request: HttpRequest, pk: str) -> HttpResponse:
    actor = actor_of(request)
    found = get_object_or_404(Service, pk=pk, area=actor.area)
    profile = profile_for(found)
    initial = {
        "evidence_level": profile.evidence_level,
        "evidence_source_url": profile.evidence_source_url,
        "evidence_rated_on": profile.evidence_rated_on,
        "need_domains": profile.need_domains,
        "is_delivery_partner": profile.is_delivery_partner,
        "delivery_partner": profile.delivery_partner_id,
        "local_notes": profile.local_notes,
    }
    if profile.pk and not profile._state.adding:
        initial["works_in_areas"] = list(profile.works_in_areas.all())
        initial["works_with_schools"] = list(profile.works_with_schools.all())
    form = ServiceProfileForm(request.POST if request.method == "POST" else None, initial=initial, area=actor.area)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_profile_update(
            actor=actor,
            service=found,
            evidence_level=data["evidence_level"],
            evidence_source_url=data["evidence_source_url"],
            evidence_rated_on=data["evidence_rated_on"],
            need_domains=data["need_domains"],
            is_delivery_partner=data["is_delivery_partner"],
            delivery_partner=data["delivery_partner"],
            works_in_areas=data["works_in_areas"],
            works_with_schools=data["works_with_schools"],
            local_notes=data["local_notes"],
        )
        messages.success(request, f"Saved the local details of {found.name}.")
        return redirect("directory:service", pk=found.pk)
    return render(request, "directory/service_edit.html", {"service": found, "form": form})


@require_POST
@roles_required(Role.DATA_LEAD)
def service_verify_view(request: HttpRequest, pk: str) -> HttpResponse:
    actor = actor_of(request)
    found = get_object_or_404(Service, pk=pk, area=actor.area)
    service_verify(actor=actor, service=found)
    messages.success(request, f"Marked {found.name} as checked today.")
    # Back to the management list when the button was pressed there; never to an address from elsewhere.
    target = request.POST.get("next", "")
    if target.startswith("/directory/manage/"):
        return redirect(target)
    return redirect("directory:service", pk=found.pk)


@roles_required(Role.DATA_LEAD)
def imports(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            source = form.cleaned_data["url"] or _saved_upload(upload)
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            job = job_start(
                actor=actor,
                kind="directory_import",
                title=f"Import the {actor.area.name} directory",
                task=directory_import_task,
                source=source,
                area_id=actor.area_id,
                user_id=actor.user_id,
                feed_name=f"Uploaded: {form.cleaned_data['source_name'].strip()}" if upload else None,
            )
            return redirect("core:job", pk=job.pk)
    interrupted_close()
    history = DirectoryImport.objects.filter(feed__area=actor.area).select_related("feed", "started_by")[:50]
    upload_names = [
        source.removeprefix("Uploaded: ")
        for source in DirectoryFeed.objects.filter(area=actor.area, source__startswith="Uploaded: ")
        .order_by("source")
        .values_list("source", flat=True)
    ]
    return render(request, "directory/imports.html", {"form": form, "history": history, "upload_names": upload_names})


def _saved_upload(upload: UploadedFile[Any] | None) -> str:
    """Keep the uploaded file where the worker can read it; a zip is unpacked into its own folder."""
    assert upload is not None
    if upload.size and upload.size > MAX_UPLOAD_BYTES:
        raise ValueError("The file is larger than 200 MB. Split it, or import from the API address instead.")
    saved = upload_keep(upload)
    folder = saved.parent
    if saved.suffix != ".zip":
        return str(saved)
    unpacked = folder / "csv"
    unpacked.mkdir()
    try:
        with zipfile.ZipFile(saved) as archive:
            # Sizes as the zip declares them; reading stops at the declared size, so a lie cannot get past.
            wanted = [member for member in archive.infolist() if Path(member.filename).name.lower().endswith(".csv")]
            if sum(member.file_size for member in wanted) > MAX_UPLOAD_BYTES:
                raise ValueError("The files in the zip unpack to more than 200 MB. Split the export into parts.")
            for member in archive.infolist():
                member_name = Path(member.filename).name
                # Only the CSV files themselves, flattened: no paths from inside the zip are trusted.
                if member.is_dir() or not member_name.lower().endswith(".csv"):
                    continue
                if member.file_size > MAX_UPLOAD_BYTES:
                    raise ValueError(f"{member_name} in the zip is larger than 200 MB.")
                (unpacked / member_name).write_bytes(archive.read(member))
    except zipfile.BadZipFile:
        raise ValueError(
            "The file is not a readable .zip. Check it opens on your computer, then upload again."
        ) from None
    except RuntimeError:  # zipfile's refusal of an encrypted member
        raise ValueError("The zip is protected by a password. Zip the CSV files again without one.") from None
    except NotImplementedError:  # a compression method zipfile does not read
        raise ValueError("The zip uses a kind of compression Joinedup cannot read. Zip the files again.") from None
    if not any(unpacked.iterdir()):
        raise ValueError("The zip has no CSV files in it. It should hold services.csv, organizations.csv and so on.")
    return str(unpacked)


@roles_required(Role.DATA_LEAD)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_of(request)
    record = get_object_or_404(
        DirectoryImport.objects.select_related("feed", "started_by"), pk=pk, feed__area=actor.area
    )
    return render(request, "directory/import_detail.html", {"record": record})


# -- provision gaps ----------------------------------------------------------------------------------


@roles_required(*GAP_ROLES)
def gaps(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    bands = [(key, label) for key, label, _low, _high in AGE_BANDS]
    form = GapReportForm(request.GET, bands=bands, default_band=DEFAULT_BAND)
    data = form.cleaned_data if form.is_valid() else {}
    miles = data.get("miles") or 2.0
    domains = list(NeedDomain.values) if data.get("domains") == "all" else [str(d) for d in IDENTIFICATION_DOMAINS]
    band_key = data.get("band") or DEFAULT_BAND
    if request.GET.get("format") == "csv":
        return _gaps_csv(actor.area.name, provision_gaps(area=actor.area, miles=miles, domains=domains), domains, miles)
    band = next(band for band in AGE_BANDS if band[0] == band_key)
    rows = provision_gaps(area=actor.area, miles=miles, domains=domains, bands=[band])
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "directory/gaps.html",
        {
            "form": form,
            "rows": rows,
            "domains": [(domain, NeedDomain(domain).label) for domain in domains],
            "band": band,
            "miles": miles,
            "csv_query": query.urlencode(),
            "by_district": any(row.located and row.precision == "district" for row in rows),
        },
    )


def _gaps_csv(area_name: str, rows: list[SchoolGaps], domains: list[str], miles: float) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="provision-gaps-{area_name.lower().replace(" ", "-")}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["school", "urn", "postcode", "need", "age_band", "miles", "services", "evidence_level_3_plus", "gap"]
    )
    for row in rows:
        for domain in domains:
            for key, _label, _low, _high in AGE_BANDS:
                cell = row.cells.get((domain, key))
                services = cell.services if cell else ""
                strong = cell.evidence_based if cell else ""
                writer.writerow(
                    [
                        spreadsheet_safe(row.school.name),
                        spreadsheet_safe(row.school.urn or ""),
                        spreadsheet_safe(row.place),
                        NeedDomain(domain).label,
                        key,
                        f"{miles:g}",
                        services,
                        strong,
                        "no services" if cell and not cell.services else ("" if cell else "school not located"),
                    ]
                )
    return response
