"""Our directory as an Open Referral UK 3.0 API, at ``/api/oruk/``.

Open to everyone, without signing in, from any web page (every response carries
``Access-Control-Allow-Origin: *`` and preflight requests are answered), and read-only.
Shapes follow ``standard/openapi.json`` and its schemas; ``tests/directory/test_oruk_api.py``
validates every endpoint against them.

Choices the standard leaves open:

- Lists hold each record's one-to-one fields, as the standard's list schemas describe;
  ``full=true`` nests everything, as ``/services/{id}`` does.
- ``per_page`` is 50 unless asked, at most 500; ``minimal=true`` returns only ``id`` and
  ``last_modified`` and, as the standard asks, the whole directory in one page (up to 100,000).
- ``format=ndjson`` streams every matching record, one JSON object a line, in the list's order
  and with the list's shape (so ``full=true&format=ndjson`` is the whole directory, nested).
- ``modified_after`` includes that moment ("modified on or after", as the standard says).
- ``postcode`` and ``proximity`` (metres) go together: records whose location is within that
  distance of the postcode, nearest first. We cannot test a postcode against service areas,
  so ``postcode`` alone is refused rather than ignored.
- An organization the feed sent without a description gets an empty one: the standard
  requires the field.

A page costs a fixed number of queries however long it is: a COUNT, one page of ids in a
stable order (name, then id), then the records for those ids with everything they need.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, partial, wraps
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from joinedup.directory.models import Organization, Service, ServiceAtLocation, Taxonomy, TaxonomyTerm
from joinedup.directory.oruk import (
    PROFILE,
    VERSION,
    organization_to_oruk,
    oruk_fields,
    service_summary_to_oruk,
    taxonomy_term_to_oruk,
    taxonomy_to_oruk,
)
from joinedup.directory.oruk_selectors import (
    NAME_ORDER,
    SERVICE_AT_LOCATION_ORDER,
    SERVICE_ORDER,
    attributes_for,
    id_chunks,
    id_page,
    in_order,
    organizations_matching,
    organizations_nested_for,
    published_organizations,
    published_service_at_locations,
    published_services,
    service_at_locations_for_list,
    service_at_locations_matching,
    service_at_locations_near,
    services_for_list,
    services_matching,
    services_nested,
    services_nested_for,
    services_of_organizations,
    services_to_oruk,
    taxonomies_matching,
    taxonomy_terms_matching,
    terms_of_taxonomy,
)
from joinedup.geo.postcodes import PostcodeError, quoted
from joinedup.geodata.selectors import postcode_point

OPENAPI = Path(__file__).parent / "standard" / "openapi.json"

PER_PAGE = 50
PER_PAGE_MAX = 500
# "When using this parameter aim to return all services within one page."
MINIMAL_PER_PAGE = 100_000
# Records per query while streaming ndjson: big enough that queries are few, small enough
# that memory stays flat and the first line leaves quickly.
STREAM_CHUNK = 200
SEARCH_MAX_CHARACTERS = 200

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
ONE_DAY = 24 * 60 * 60


class ApiError(Exception):
    """A request we cannot answer. The message says what was wrong and what would work."""

    def __init__(self, status: int, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.parameter = parameter


# -- responses -----------------------------------------------------------------------------


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _json(data: Any, status: int = 200) -> HttpResponse:
    return HttpResponse(_dumps(data), status=status, content_type="application/json")


def _error(status: int, message: str, parameter: str | None = None) -> HttpResponse:
    body: dict[str, Any] = {"status": status, "message": message}
    if parameter is not None:
        body["parameter"] = parameter
    return _json(body, status=status)


def _ndjson(chunks: Iterator[list[dict[str, Any]]]) -> StreamingHttpResponse:
    """Every record, one JSON object a line, produced a chunk at a time as the client reads."""

    def lines() -> Iterator[bytes]:
        for chunk in chunks:
            yield "".join(_dumps(item) + "\n" for item in chunk).encode()

    return StreamingHttpResponse(lines(), content_type="application/x-ndjson")


def oruk_endpoint(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Open to any web page (CORS), read-only, with errors as JSON."""

    @csrf_exempt  # never changes anything, and answers only GET, HEAD and OPTIONS
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response: HttpResponseBase
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = request.headers.get("Access-Control-Request-Headers", "*")
            response["Access-Control-Max-Age"] = str(ONE_DAY)
        elif request.method not in ("GET", "HEAD"):
            response = _error(405, f"This API only reads: use GET, not {request.method}.")
        else:
            try:
                response = view(request, *args, **kwargs)
            except ApiError as error:
                response = _error(error.status, error.message, error.parameter)
        if response.status_code in (204, 405):
            response["Allow"] = ALLOWED_METHODS
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapper


# -- parameters ----------------------------------------------------------------------------

# Nine digits at most: a page past a billion is a mistake, and a huge number would not convert.
_WHOLE = re.compile(r"[0-9]{1,9}")
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}
# A "+" in a query string arrives as a space: "2025-09-01T09:30:00 01:00" meant "+01:00".
_SPACED_OFFSET = re.compile(r"(T[0-9:.]+) ([0-9]{2}(:?[0-9]{2})?)$")


def _shown(value: str) -> str:
    """A value as typed, in quotes, cut short if long, for an error message."""
    return quoted(value if len(value) <= 60 else value[:59] + "…")


class Parameters:
    """The query string, read strictly: a value we cannot use is an error naming the parameter."""

    def __init__(self, request: HttpRequest) -> None:
        self.query = request.GET

    def text(self, name: str) -> str | None:
        value = self.query.get(name, "").strip()
        return value or None

    def boolean(self, name: str) -> bool:
        value = self.query.get(name, "").strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE or not value:
            return False
        raise ApiError(400, f"{name} must be true or false, not {_shown(value)}.", parameter=name)

    def whole(self, name: str, *, default: int, maximum: int | None = None) -> int:
        value = self.query.get(name, "").strip()
        if not value:
            return default
        if not _WHOLE.fullmatch(value) or int(value) < 1 or (maximum is not None and int(value) > maximum):
            limit = f"from 1 to {maximum:,}" if maximum is not None else "1 or more"
            raise ApiError(400, f"{name} must be a whole number {limit}, not {_shown(value)}.", parameter=name)
        return int(value)

    def moment(self, name: str) -> datetime | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(_SPACED_OFFSET.sub(r"\1+\2", value))
            # In UTC now, so that a moment at the very edge of the calendar fails here, not in the query.
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        except (ValueError, OverflowError):
            raise ApiError(
                400,
                f"{name} must be a date and time like 2025-09-01T09:30:00Z (or a date like 2025-09-01), "
                f"not {_shown(value)}.",
                parameter=name,
            ) from None

    def metres(self, name: str) -> float | None:
        value = self.text(name)
        if value is None:
            return None
        try:
            metres = float(value)
        except ValueError:
            metres = math.nan
        if not math.isfinite(metres) or metres <= 0:
            raise ApiError(
                400,
                f"{name} must be a distance in metres, more than 0, like 5000; not {_shown(value)}.",
                parameter=name,
            )
        return metres

    def search(self) -> str | None:
        value = self.text("search")
        if value is not None and len(value) > SEARCH_MAX_CHARACTERS:
            raise ApiError(400, f"search must be at most {SEARCH_MAX_CHARACTERS} characters.", parameter="search")
        return value

    def streamed(self) -> bool:
        value = (self.text("format") or "json").lower()
        if value not in ("json", "ndjson"):
            raise ApiError(400, f"format must be json or ndjson, not {_shown(value)}.", parameter="format")
        return value == "ndjson"


# -- lists ---------------------------------------------------------------------------------

Render = Callable[[list[str]], list[dict[str, Any]]]


@dataclass
class Listing:
    """How one list finds its records (``records`` in ``order``, or ids already ranked) and renders them."""

    render: Render
    records: QuerySet[Any] | None = None
    order: Sequence[str] = ()
    ranked: list[str] | None = None
    # For lists whose page is cheaper read in one query than as ids and then records.
    page_rows: Callable[[int, int], list[dict[str, Any]]] | None = None

    def count(self) -> int:
        if self.ranked is not None:
            return len(self.ranked)
        assert self.records is not None
        return self.records.count()

    def page(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if self.page_rows is not None:
            return self.page_rows(offset, limit)
        if self.ranked is not None:
            ids = self.ranked[offset : offset + limit]
        else:
            assert self.records is not None
            ids = id_page(self.records, self.order, offset=offset, limit=limit)
        return self.render(ids) if ids else []

    def chunks(self) -> Iterator[list[dict[str, Any]]]:
        if self.ranked is not None:
            ranked = self.ranked
            id_lists: Iterator[list[str]] = (
                ranked[start : start + STREAM_CHUNK] for start in range(0, len(ranked), STREAM_CHUNK)
            )
        else:
            assert self.records is not None
            id_lists = id_chunks(self.records, self.order, size=STREAM_CHUNK)
        for ids in id_lists:
            yield self.render(ids)


def _list_response(
    request: HttpRequest, listing: Listing, *, per_page: int = PER_PAGE, per_page_max: int = PER_PAGE_MAX
) -> HttpResponseBase:
    """A page of the list in the standard's envelope, or every record as ndjson."""
    parameters = Parameters(request)
    if parameters.streamed():
        return _ndjson(listing.chunks())
    page = parameters.whole("page", default=1)
    size = parameters.whole("per_page", default=per_page, maximum=per_page_max)
    total = listing.count()
    offset = (page - 1) * size
    contents = listing.page(offset, size) if offset < total else []
    total_pages = math.ceil(total / size)
    return _json(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not contents,
            "contents": contents,
        }
    )


# -- records as the standard writes them ---------------------------------------------------


def _organization_fields(data: dict[str, Any]) -> dict[str, Any]:
    # The standard requires a description; a feed may have left it out.
    data.setdefault("description", "")
    return data


def _full_service(data: dict[str, Any]) -> dict[str, Any]:
    if isinstance(data.get("organization"), dict):
        _organization_fields(data["organization"])
    return data


def _service_item(service: Service) -> dict[str, Any]:
    """A service in a list: its one-to-one fields and its organization's."""
    organization = service.organization
    return oruk_fields(
        service,
        organization_id=service.organization_id,
        organization=_organization_fields(oruk_fields(organization)) if organization else None,
    )


def _services_list(ids: list[str]) -> list[dict[str, Any]]:
    return [_service_item(service) for service in services_for_list(ids)]


def _services_full(ids: list[str]) -> list[dict[str, Any]]:
    return [_full_service(data) for data in services_to_oruk(services_nested_for(ids))]


def _minimal(service_id: str, last_modified: datetime | None) -> dict[str, Any]:
    if last_modified is None:
        return {"id": service_id}
    # Written as oruk.py writes every date and time: UTC, to the millisecond.
    return {
        "id": service_id,
        "last_modified": last_modified.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


def _services_minimal(ids: list[str]) -> list[dict[str, Any]]:
    found = dict(Service.objects.filter(id__in=ids).values_list("id", "last_modified"))
    return [_minimal(service_id, found[service_id]) for service_id in ids]


def _service_at_location_item(item: ServiceAtLocation) -> dict[str, Any]:
    return oruk_fields(
        item,
        service_id=item.service_id,
        location_id=item.location_id,
        location=oruk_fields(item.location),
        service=_service_item(item.service),
    )


def _service_at_locations_list(ids: list[str]) -> list[dict[str, Any]]:
    return [_service_at_location_item(item) for item in service_at_locations_for_list(ids)]


def _service_at_locations_full(ids: list[str]) -> list[dict[str, Any]]:
    """Each with its location and its service fully nested, built from the services' own nesting
    (which already holds each service at location with its location and attributes)."""
    links = {
        item_id: (service_id, location_id)
        for item_id, service_id, location_id in published_service_at_locations()
        .filter(id__in=ids)
        .values_list("id", "service_id", "location_id")
    }
    if not links:
        return []
    services = {data["id"]: data for data in _services_full(list(dict.fromkeys(s for s, _ in links.values())))}
    result = []
    for item_id in ids:
        if item_id not in links:
            continue
        service_id, location_id = links[item_id]
        service = services[service_id]
        nested = next(item for item in service["service_at_locations"] if item["id"] == item_id)
        result.append(
            dict(
                nested,
                service_id=service_id,
                location_id=location_id,
                # The service without its places: this record is one of them.
                service={key: value for key, value in service.items() if key != "service_at_locations"},
            )
        )
    return result


def _organizations_list(ids: list[str]) -> list[dict[str, Any]]:
    organizations = in_order(Organization.objects.filter(id__in=ids), ids)
    return [_organization_fields(oruk_fields(organization)) for organization in organizations]


def _organizations_full(ids: list[str], *, full_service: bool) -> list[dict[str, Any]]:
    """Organizations with identifiers, attributes and their published services (one-to-one
    fields, or fully nested with ``full_service``)."""
    organizations = organizations_nested_for(ids)
    attributes = attributes_for(organizations=organizations)
    services = services_of_organizations(ids, nested=full_service)
    rendered = (
        [_full_service(data) for data in services_to_oruk(services)]
        if full_service
        else [service_summary_to_oruk(service) for service in services]
    )
    by_organization: dict[str, list[dict[str, Any]]] = {}
    for data in rendered:
        by_organization.setdefault(data["organization_id"], []).append(data)
    return [
        dict(
            _organization_fields(
                organization_to_oruk(organization, attributes.get(("organization", organization.id), ()))
            ),
            services=by_organization.get(organization.id, []),
        )
        for organization in organizations
    ]


def _taxonomies_list(ids: list[str]) -> list[dict[str, Any]]:
    return [taxonomy_to_oruk(taxonomy) for taxonomy in in_order(Taxonomy.objects.filter(id__in=ids), ids)]


def _taxonomy_terms_list(ids: list[str]) -> list[dict[str, Any]]:
    return [taxonomy_term_to_oruk(term) for term in in_order(TaxonomyTerm.objects.filter(id__in=ids), ids)]


def _not_found(kind: str, record_id: str) -> ApiError:
    return ApiError(404, f"There is no published {kind} with id {_shown(record_id)}.")


def _only(items: list[dict[str, Any]], kind: str, record_id: str) -> HttpResponse:
    if not items:
        raise _not_found(kind, record_id)
    return _json(items[0])


def _full_or_minimal(parameters: Parameters) -> tuple[bool, bool]:
    full, minimal = parameters.boolean("full"), parameters.boolean("minimal")
    if full and minimal:
        raise ApiError(400, "Ask for full or minimal, not both.", parameter="minimal")
    return full, minimal


# -- endpoints -----------------------------------------------------------------------------


@cache
def _openapi() -> dict[str, Any]:
    description: dict[str, Any] = json.loads(OPENAPI.read_bytes())
    return description


@oruk_endpoint
def api_details(request: HttpRequest) -> HttpResponseBase:
    return _json(
        {"version": VERSION, "profile": PROFILE, "openapi_url": request.build_absolute_uri(reverse("oruk:openapi"))}
    )


@oruk_endpoint
def openapi(request: HttpRequest) -> HttpResponseBase:
    """The standard's own description of this API, with the blanks its template leaves (summary, contact)
    filled in for this directory and its address as the server."""
    description = dict(_openapi())
    description["info"] = {
        **description["info"],
        "summary": "The Joinedup service directory, published to the Open Referral UK standard.",
        "contact": {"name": "Joinedup", "url": request.build_absolute_uri(reverse("core:about"))},
    }
    description["servers"] = [{"url": request.build_absolute_uri(reverse("oruk:root")).rstrip("/")}]
    return _json(description)


@oruk_endpoint
def services(request: HttpRequest) -> HttpResponseBase:
    parameters = Parameters(request)
    full, minimal = _full_or_minimal(parameters)
    records = services_matching(
        search=parameters.search(),
        taxonomy_term_id=parameters.text("taxonomy_term_id"),
        taxonomy_id=parameters.text("taxonomy_id"),
        organization_id=parameters.text("organization_id"),
        modified_after=parameters.moment("modified_after"),
    )
    if minimal:
        listing = Listing(
            render=_services_minimal,
            records=records,
            order=SERVICE_ORDER,
            page_rows=lambda offset, limit: [
                _minimal(*row)
                for row in records.order_by(*SERVICE_ORDER).values_list("id", "last_modified")[offset : offset + limit]
            ],
        )
        return _list_response(request, listing, per_page=MINIMAL_PER_PAGE, per_page_max=MINIMAL_PER_PAGE)
    listing = Listing(render=_services_full if full else _services_list, records=records, order=SERVICE_ORDER)
    return _list_response(request, listing)


@oruk_endpoint
def service(request: HttpRequest, service_id: str) -> HttpResponseBase:
    found = services_to_oruk(services_nested(published_services().filter(id=service_id)))
    return _only([_full_service(data) for data in found], "service", service_id)


@oruk_endpoint
def service_at_locations(request: HttpRequest) -> HttpResponseBase:
    parameters = Parameters(request)
    records = service_at_locations_matching(
        search=parameters.search(),
        taxonomy_term_id=parameters.text("taxonomy_term_id"),
        taxonomy_id=parameters.text("taxonomy_id"),
        organization_id=parameters.text("organization_id"),
        modified_after=parameters.moment("modified_after"),
    )
    render = _service_at_locations_full if parameters.boolean("full") else _service_at_locations_list
    postcode, proximity = parameters.text("postcode"), parameters.metres("proximity")
    if postcode is None and proximity is None:
        return _list_response(request, Listing(render=render, records=records, order=SERVICE_AT_LOCATION_ORDER))
    if postcode is None:
        raise ApiError(400, "proximity needs a postcode to measure from, like postcode=NW10 4AB.", parameter="postcode")
    if proximity is None:
        raise ApiError(
            400,
            "Give proximity, a distance in metres, with postcode, like proximity=5000. "
            "We cannot check a postcode against service areas, so we do not filter by postcode alone.",
            parameter="proximity",
        )
    try:
        centre = postcode_point(postcode).point
    except PostcodeError as error:
        raise ApiError(400, str(error), parameter="postcode") from None
    near = service_at_locations_near(records, centre=centre, metres=proximity)
    return _list_response(request, Listing(render=render, ranked=[item_id for _, item_id in near]))


@oruk_endpoint
def service_at_location(request: HttpRequest, service_at_location_id: str) -> HttpResponseBase:
    found = _service_at_locations_full([service_at_location_id])
    return _only(found, "service at location", service_at_location_id)


@oruk_endpoint
def taxonomies(request: HttpRequest) -> HttpResponseBase:
    records = taxonomies_matching(search=Parameters(request).search())
    return _list_response(request, Listing(render=_taxonomies_list, records=records, order=NAME_ORDER))


@oruk_endpoint
def taxonomy(request: HttpRequest, taxonomy_id: str) -> HttpResponseBase:
    found = Taxonomy.objects.filter(id=taxonomy_id).first()
    if found is None:
        raise _not_found("taxonomy", taxonomy_id)
    return _json(taxonomy_to_oruk(found, terms_of_taxonomy(found.id)))


@oruk_endpoint
def taxonomy_terms(request: HttpRequest) -> HttpResponseBase:
    parameters = Parameters(request)
    records = taxonomy_terms_matching(
        search=parameters.search(),
        taxonomy_id=parameters.text("taxonomy_id"),
        top_only=parameters.boolean("top_only"),
        parent_id=parameters.text("parent_id"),
    )
    return _list_response(request, Listing(render=_taxonomy_terms_list, records=records, order=NAME_ORDER))


@oruk_endpoint
def taxonomy_term(request: HttpRequest, taxonomy_term_id: str) -> HttpResponseBase:
    found = TaxonomyTerm.objects.filter(id=taxonomy_term_id).first()
    if found is None:
        raise _not_found("taxonomy term", taxonomy_term_id)
    return _json(taxonomy_term_to_oruk(found))


@oruk_endpoint
def organizations(request: HttpRequest) -> HttpResponseBase:
    parameters = Parameters(request)
    records = organizations_matching(search=parameters.search())
    full_service = parameters.boolean("full_service")
    render: Render = _organizations_list
    if full_service or parameters.boolean("full"):
        render = partial(_organizations_full, full_service=full_service)
    return _list_response(request, Listing(render=render, records=records, order=NAME_ORDER))


@oruk_endpoint
def organization(request: HttpRequest, organization_id: str) -> HttpResponseBase:
    found = list(published_organizations().filter(id=organization_id).values_list("id", flat=True))
    full_service = Parameters(request).boolean("full_service")
    return _only(
        _organizations_full(found, full_service=full_service) if found else [], "organization", organization_id
    )


@oruk_endpoint
def unknown(request: HttpRequest, rest: str) -> HttpResponseBase:
    raise ApiError(
        404,
        f"There is no {request.path}. The endpoints are described at "
        f"{request.build_absolute_uri(reverse('oruk:openapi'))}.",
    )
