"""Reading a feed: an ORUK API, a JSON file, or a folder of HSDS CSV files, into ORUK 3.0 services.

Whatever the source, the result is ``FeedContent``: services as nested ORUK 3.0 dicts, exactly
as ``GET /services/{id}`` returns them, and the problems met while reading. Checking fields
and writing are the importer's work (``oruk.BundleReader``, ``services.content_import``), so
every source is checked by the same rules.

- An API (``https://…``): ``GET /`` for its version, every page of ``GET /services``, then
  ``GET /services/{id}`` for each service (as the national ORUK validator does), and
  ``GET /taxonomies`` when it exists. ORUK 1.0 APIs are converted to the 3.0 shape.
- A JSON file: one service, a list of services, or a page of a list (``{"contents": [...]}``).
- A folder (or zip) of HSDS 3.0 CSV files, nested by their ``*_id`` columns.
"""

from __future__ import annotations

import codecs
import copy
import csv
import http.client
import io
import ipaddress
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from joinedup.core.addresses import address_forbidden, host_forbidden_address
from joinedup.core.jobs import Progress
from joinedup.directory.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    Language,
    Location,
    Organization,
    OrganizationIdentifier,
    OrukRecord,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from joinedup.directory.oruk import BundleReader, FieldError, Problem

__all__ = [
    "FeedContent",
    "FeedUnusable",
    "feed_read",
    "is_oruk1_service",
    "oruk1_service_convert",
    "url_check",
]


class FeedUnusable(Exception):
    """The feed cannot be read at all (unreachable, not JSON, not ORUK). The message is for the person importing."""


class ApiStatusError(FeedUnusable):
    """The API answered with an HTTP error; ``status`` says which, for callers that can live with some."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class FeedContent:
    format: str
    services: list[dict[str, Any]] = field(default_factory=list)
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def feed_read(source: str, *, progress: Progress | None = None) -> FeedContent:
    """Read everything a feed holds. ``source`` is an API base URL, a JSON file, or a folder or zip of CSV files."""
    source = source.strip()
    # Anything that looks like a URL goes to the API reader, whose check refuses file://, ftp:// and the rest.
    if "://" in source:
        return api_read(source, progress=progress)
    path = Path(source).expanduser()
    if path.is_dir():
        return csv_folder_read(path)
    if path.is_file():
        return csv_zip_read(path) if zipfile.is_zipfile(path) else json_file_read(path)
    raise FeedUnusable(
        f"There is no file or folder at {source}. Give an ORUK API's address (https://…), "
        "a JSON file, or a folder of HSDS CSV files."
    )


# -- fetching safely -------------------------------------------------------------------------

USER_AGENT = "Joinedup directory import"
TIMEOUT = 30
# Waits before each retry of a request that failed in a way that may pass (tests set them to 0).
RETRY_DELAYS: tuple[float, ...] = (1.0, 3.0)
PER_PAGE = 100
WORKERS = 8
MAX_RESPONSE_BYTES = 50 * 1024 * 1024
_TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


def _private_allowed() -> bool:
    return bool(getattr(settings, "DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS", False))


def _forbidden_message(host: str, address: str) -> str:
    named = f"{host} ({address})" if host != address else address
    return (
        f"Joinedup will not fetch from {named}: it is a private or local address. Use the directory's public address."
    )


def url_check(url: str) -> None:
    """Refuse a URL that a feed must not make Joinedup fetch: not http(s), carrying credentials, or
    naming a host that resolves to a private or local address (unless DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FeedUnusable(f"Joinedup fetches feeds only over https or http, not {parts.scheme or 'this'}: {url}")
    if parts.username is not None or parts.password is not None:
        raise FeedUnusable(
            "The address contains a user name or password. Joinedup does not send credentials in addresses; "
            "use the directory's public address."
        )
    host = parts.hostname
    if not host:
        raise FeedUnusable(f"{url} has no host name.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FeedUnusable(f"{url} has an invalid port.") from None
    if _private_allowed():
        return
    try:
        forbidden = host_forbidden_address(host, port)
    except LookupError:
        raise FeedUnusable(f"Could not find {host}: check the address.") from None
    if forbidden is not None:
        raise FeedUnusable(_forbidden_message(host, forbidden))


def _peer_check(connection: http.client.HTTPConnection) -> None:
    # The host was checked before the request, but a name can resolve differently a moment later
    # (DNS rebinding), so the address actually connected to is checked too.
    if _private_allowed() or connection.sock is None:
        return
    address = str(connection.sock.getpeername()[0])
    if address_forbidden(ipaddress.ip_address(address)):
        connection.close()
        raise FeedUnusable(_forbidden_message(connection.host, address))


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _peer_check(self)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def connect(self) -> None:
        super().connect()
        _peer_check(self)


def _direct(request: urllib.request.Request) -> bool:
    # Through a proxy the socket goes to the proxy (often a private address) and the proxy's own rules
    # apply; url_check has still vetted the target.
    return not request.has_proxy() and not getattr(request, "_tunnel_host", None)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_CheckedHTTPConnection if _direct(req) else http.client.HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = _CheckedHTTPSConnection if _direct(req) else http.client.HTTPSConnection
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows redirects only to addresses that pass ``url_check``, so a feed cannot bounce us inside."""

    max_redirections = 5

    def http_error_302(self, req: Any, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            try:
                url_check(urllib.parse.urljoin(req.full_url, location))
            except FeedUnusable:
                fp.close()
                raise
        return super().http_error_302(req, fp, code, msg, headers)

    # The base class binds these to its own method, so they are bound again to the checking one.
    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Api:
    """GETs JSON from one ORUK API, with the checks, timeout and retries every request needs."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        # Only the handlers an API needs: no file:, ftp: or data: handlers for a redirect to reach.
        self.opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(),
            urllib.request.UnknownHandler(),
            _HTTPHandler(),
            _HTTPSHandler(),
            urllib.request.HTTPDefaultErrorHandler(),
            _RedirectHandler(),
            urllib.request.HTTPErrorProcessor(),
        ):
            self.opener.add_handler(handler)
        url_check(self.base)

    def url(self, path: str, **query: Any) -> str:
        return self.base + path + ("?" + urllib.parse.urlencode(query) if query else "")

    def get(self, path: str, **query: Any) -> Any:
        url = self.url(path, **query)
        body, content_type = self._download(url)
        try:
            return _without_nul(json.loads(body), url)
        except ValueError:
            sample = body[:60].decode("utf-8", "replace").strip()
            raise FeedUnusable(
                f"{url} did not return JSON (it sent {content_type}: ‘{sample}’). Give the base address of an ORUK "
                "API, such as https://example.org/api/v3, whose /services lists the services."
            ) from None

    def _download(self, url: str) -> tuple[bytes, str]:
        # url_check has vetted the scheme of the base and of every redirect.
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})  # noqa: S310
        tries = len(RETRY_DELAYS) + 1
        for attempt in range(tries):
            if attempt:
                time.sleep(RETRY_DELAYS[attempt - 1])
            last = attempt == tries - 1
            try:
                with self.opener.open(request, timeout=TIMEOUT) as response:
                    body: bytes = response.read(MAX_RESPONSE_BYTES + 1)
                    if len(body) > MAX_RESPONSE_BYTES:
                        raise FeedUnusable(f"{url} sent more than {MAX_RESPONSE_BYTES // 2**20} MB; stopped reading.")
                    return body, response.headers.get_content_type()
            except urllib.error.HTTPError as error:
                error.close()
                if error.code not in _TRANSIENT_STATUSES or last:
                    raise ApiStatusError(_status_message(url, error.code, error.reason, tries), error.code) from None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
                if last:
                    reason = getattr(error, "reason", None) or error
                    raise FeedUnusable(
                        f"Could not reach {url} ({reason}), after {tries} tries. Check the address, or try again later."
                    ) from None
        raise AssertionError("unreachable")


def _status_message(url: str, status: int, reason: str, tries: int) -> str:
    said = f"{url} answered {status} {reason}".rstrip()
    if status in _TRANSIENT_STATUSES:
        return f"{said}, {tries} times. The directory's API is failing; try again later, or tell its publisher."
    if status in (401, 403):
        return f"{said}. The API refused Joinedup; ask its publisher whether it needs a key."
    if status in (404, 410):
        return f"{said}. Check the API's base address: Joinedup reads its /services."
    return f"{said}."


# -- an ORUK API -----------------------------------------------------------------------------


def api_read(base: str, *, progress: Progress | None = None) -> FeedContent:
    """Walk an ORUK 3.0 (or 1.0) API: its description, every page of services, each service in full."""
    warnings: list[str] = []
    problems: list[Problem] = []
    if base.rstrip("/").endswith("/services"):
        # A common slip: pasting the list's address rather than the API's.
        base = base.rstrip("/").removesuffix("/services")
        warnings.append(f"Read the API at {base}: its base address, without /services.")
    api = _Api(base)
    version = _api_version(api, warnings)

    ids: list[str] = []
    seen: set[str] = set()
    oruk1_envelope = False
    for number, (items, envelope) in enumerate(_pages(api, "/services"), start=1):
        oruk1_envelope = oruk1_envelope or ("content" in envelope and "contents" not in envelope)
        if number == 1 and progress:
            total = envelope.get("total_items", envelope.get("totalElements"))
            progress(0, total if isinstance(total, int) else None)
        for index, item in enumerate(items, start=1):
            service_id = item.get("id") if isinstance(item, dict) else None
            if service_id in (None, ""):
                problems.append(Problem(f"/services page {number}, item {index}", "id", "is missing"))
            elif str(service_id) not in seen:
                seen.add(str(service_id))
                ids.append(str(service_id))

    services = _service_details(api, ids, problems, progress)
    if version is not None:
        oruk1 = version == 1
    else:
        oruk1 = oruk1_envelope or any(is_oruk1_service(service) for service in services)
    if oruk1:
        return FeedContent(
            format="ORUK 1.0 API",
            services=[oruk1_service_convert(service) for service in services],
            problems=problems,
            warnings=warnings,
        )
    return FeedContent(
        format="ORUK 3.0 API",
        services=services,
        taxonomies=_taxonomies(api, warnings),
        problems=problems,
        warnings=warnings,
    )


def _api_version(api: _Api, warnings: list[str]) -> int | None:
    """The major ORUK version the API declares at ``GET /`` (its api_details), or None if it says nothing."""
    try:
        details = api.get("/")
    except ApiStatusError as error:
        if error.status not in (404, 410):
            raise
        warnings.append(
            f"{api.base}/ does not describe the API (it answered {error.status}); read its services anyway."
        )
        return None
    version = details.get("version") if isinstance(details, dict) else None
    found = re.search(r"\d+", version) if isinstance(version, str) else None
    if found is None:
        warnings.append(f"{api.base}/ does not say which ORUK version the API follows; read it as ORUK 3.0.")
        return None
    major = int(found.group())
    if major not in (1, 3):
        warnings.append(f"{api.base}/ says the API follows version ‘{version}’; Joinedup read it as ORUK 3.0.")
        return 3
    return major


def _pages(api: _Api, path: str) -> Iterator[tuple[list[Any], dict[str, Any]]]:
    """Each page of an ORUK list (3.0's envelope, 1.0's, or a bare list) with its envelope, up to the last."""
    page, previous = 1, None
    while True:
        url = api.url(path, page=page, per_page=PER_PAGE)
        data = api.get(path, page=page, per_page=PER_PAGE)
        if isinstance(data, list):
            yield data, {}
            return
        items = data.get("contents", data.get("content")) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise FeedUnusable(
                f'{url} is not an ORUK list (one comes as {{"contents": [...], "total_pages": …}}). '
                f"Is {api.base} the API's base address?"
            )
        # A server that ignores ?page= sends page 1 again and again.
        if items == previous:
            return
        yield items, data
        total_pages = data.get("total_pages", data.get("totalPages"))
        if not items or data.get("last_page", data.get("last")) is True:
            return
        if isinstance(total_pages, int) and page >= total_pages:
            return
        page, previous = page + 1, items


def _service_details(
    api: _Api, ids: list[str], problems: list[Problem], progress: Progress | None
) -> list[dict[str, Any]]:
    """``GET /services/{id}`` for every id, a few at a time, in the order the list gave them."""
    found: dict[int, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        paths = [f"/services/{urllib.parse.quote(service_id, safe='')}" for service_id in ids]
        futures = {pool.submit(api.get, path): index for index, path in enumerate(paths)}
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                index = futures[future]
                record = f"service {ids[index]}"
                try:
                    data = future.result()
                except ApiStatusError as error:
                    # One missing service is the publisher's problem with that record, not the whole feed's.
                    if not 400 <= error.status < 500:
                        raise
                    problems.append(Problem(record, "", f"is listed in /services, but {error}"))
                else:
                    if isinstance(data, dict):
                        found[index] = data
                    else:
                        problems.append(Problem(record, "", f"{api.url(paths[index])} did not return a service"))
                if progress:
                    progress(done, len(ids))
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [found[index] for index in sorted(found)]


def _taxonomies(api: _Api, warnings: list[str]) -> list[dict[str, Any]]:
    """The API's taxonomies, if it publishes them; services carry their own terms, so this is a bonus."""
    try:
        return [item for items, _ in _pages(api, "/taxonomies") for item in items if isinstance(item, dict)]
    except ApiStatusError as error:
        if error.status in (404, 405, 501):
            return []
        warnings.append(f"Skipped the API's taxonomies: {error}")
    except FeedUnusable as error:
        warnings.append(f"Skipped the API's taxonomies: {error}")
    return []


# -- a JSON file -----------------------------------------------------------------------------


def _without_nul(data: Any, where: str) -> Any:
    """``data`` if no text in it holds a NUL character (``\\u0000``), which no database column can store."""
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                raise FeedUnusable(
                    f"{where} has a NUL character (\\u0000) in its text, which cannot be stored: remove it and import "
                    "again."
                )
        elif isinstance(value, dict):
            pending.extend(value)
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return data


def json_file_read(path: Path) -> FeedContent:
    """One service, a list of services, a page of a list, or ``{"services": [...], "taxonomies": [...]}``."""
    try:
        # Windows tools often start a UTF-8 file with a byte-order mark, which JSON does not allow.
        data = _without_nul(json.loads(path.read_bytes().removeprefix(codecs.BOM_UTF8)), path.name)
    except json.JSONDecodeError as error:
        raise FeedUnusable(
            f"{path.name} is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
        ) from None
    except UnicodeDecodeError:
        raise FeedUnusable(f"{path.name} is not text in UTF-8, as a JSON file must be. Save it as UTF-8.") from None
    except RecursionError:
        # Python's parser recurses once per level: a file nested thousands deep is no directory.
        raise FeedUnusable(f"{path.name} is nested too deeply to be an ORUK feed.") from None
    except OSError as error:
        raise FeedUnusable(f"Could not read {path}: {error}.") from None
    taxonomies: list[Any] = []
    page = data.get("contents", data.get("content")) if isinstance(data, dict) else None
    if isinstance(data, list):
        services = data
    elif isinstance(page, list):
        services = page
    elif isinstance(data, dict) and isinstance(data.get("services"), list):
        services = data["services"]
        taxonomies = data.get("taxonomies") or []
    elif isinstance(data, dict) and "id" in data and "name" in data:
        services = [data]
    else:
        raise FeedUnusable(
            f"{path.name} holds no ORUK services: expected one service, a list of services, "
            'or a page of a list ({"contents": [...]}).'
        )
    if any(is_oruk1_service(service) for service in services):
        return FeedContent(format="ORUK 1.0 JSON file", services=[oruk1_service_convert(s) for s in services])
    return FeedContent(format="ORUK 3.0 JSON file", services=services, taxonomies=taxonomies)


# -- a folder of HSDS 3.0 CSV files ----------------------------------------------------------

# The files read, and the model whose fields type their columns.
_CSV_MODELS: dict[str, type[OrukRecord] | None] = {
    "services.csv": Service,
    "organizations.csv": Organization,
    "organization_identifiers.csv": OrganizationIdentifier,
    "locations.csv": Location,
    "addresses.csv": Address,
    "accessibility.csv": Accessibility,
    "service_at_location.csv": ServiceAtLocation,
    "schedules.csv": Schedule,
    "service_areas.csv": ServiceArea,
    "languages.csv": Language,
    "funding.csv": Funding,
    "cost_options.csv": CostOption,
    "contacts.csv": Contact,
    "phones.csv": Phone,
    "required_documents.csv": None,
    "taxonomies.csv": Taxonomy,
    "taxonomy_terms.csv": TaxonomyTerm,
    "attributes.csv": Attribute,
}

# What an id column (or an attribute's link_entity) names, and the file that holds it.
_ENTITY_FILES = {
    "service": "services.csv",
    "organization": "organizations.csv",
    "location": "locations.csv",
    "service_at_location": "service_at_location.csv",
    "contact": "contacts.csv",
    "phone": "phones.csv",
    "schedule": "schedules.csv",
    "service_area": "service_areas.csv",
    "language": "languages.csv",
    "funding": "funding.csv",
    "cost_option": "cost_options.csv",
    "address": "addresses.csv",
    "accessibility": "accessibility.csv",
    "organization_identifier": "organization_identifiers.csv",
    "required_document": "required_documents.csv",
}

# Where each file's rows go in the nested tree: the list they join in their parent, and the columns that
# may name the parent, most specific first. A row joins the first parent it names; its other id
# columns stay on it as plain fields (the importer keeps them in ``extra``).
_CSV_NESTING: dict[str, tuple[str, tuple[str, ...]]] = {
    "service_at_location.csv": ("service_at_locations", ("service_id",)),
    "schedules.csv": ("schedules", ("service_id", "service_at_location_id", "location_id")),
    "service_areas.csv": ("service_areas", ("service_id", "service_at_location_id")),
    "languages.csv": ("languages", ("service_id", "phone_id", "location_id")),
    "funding.csv": ("funding", ("service_id", "organization_id")),
    "cost_options.csv": ("cost_options", ("service_id",)),
    "required_documents.csv": ("required_documents", ("service_id",)),
    "contacts.csv": ("contacts", ("service_id", "organization_id", "location_id", "service_at_location_id")),
    "phones.csv": (
        "phones",
        ("contact_id", "service_id", "location_id", "organization_id", "service_at_location_id"),
    ),
    "addresses.csv": ("addresses", ("location_id",)),
    "accessibility.csv": ("accessibility", ("location_id",)),
    "organization_identifiers.csv": ("organization_identifiers", ("organization_id",)),
}


@dataclass
class _Table:
    name: str
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)

    def where(self, row_id: str) -> str:
        return f"{self.name} row {self.numbers[row_id]}"


def csv_folder_read(folder: Path) -> FeedContent:
    if not any(folder.iterdir()):
        raise FeedUnusable(f"The folder {folder} is empty. Put the HSDS CSV files (services.csv and the rest) in it.")
    files = {path.name.lower(): path.read_bytes() for path in folder.glob("*.[cC][sS][vV]") if path.is_file()}
    return _csv_read(files, where=f"The folder {folder}", label="HSDS 3.0 CSV folder")


def csv_zip_read(path: Path) -> FeedContent:
    try:
        with zipfile.ZipFile(path) as archive:
            # Files may sit in a folder inside the zip; only their names matter.
            files = {
                Path(member.filename).name.lower(): archive.read(member)
                for member in archive.infolist()
                if member.filename.lower().endswith(".csv") and not member.filename.startswith("__MACOSX/")
            }
    except (zipfile.BadZipFile, OSError) as error:
        raise FeedUnusable(f"Could not open the zip file {path.name}: {error}.") from None
    return _csv_read(files, where=f"The zip file {path.name}", label="HSDS 3.0 CSV zip")


def _csv_read(files: dict[str, bytes], *, where: str, label: str) -> FeedContent:
    if "services.csv" not in files:
        found = ", ".join(sorted(files)) or "no CSV files"
        raise FeedUnusable(
            f"{where} has no services.csv (it has {found}). A folder of HSDS 3.0 CSV files needs services.csv, "
            "with organizations.csv, locations.csv and the others beside it."
        )
    content = FeedContent(format=label)
    tables = {
        name: _csv_table(name, _decode(name, data, content.warnings), content.problems)
        for name, data in files.items()
        if name in _CSV_MODELS
    }

    def table(name: str) -> _Table:
        return tables.get(name) or _Table(name)

    for name, (key, columns) in _CSV_NESTING.items():
        child_table = table(name)
        for row_id, row in child_table.rows.items():
            parent = _csv_parent(child_table, row_id, columns, table, content.problems)
            if parent is not None:
                parent.setdefault(key, []).append(row)

    locations = table("locations.csv")
    service_at_locations = table("service_at_location.csv")
    for row_id, row in service_at_locations.rows.items():
        location_id = str(row.get("location_id", "")).strip()
        if location_id in locations.rows:
            # The nested location says which it is, as in the API's JSON.
            del row["location_id"]
            row["location"] = locations.rows[location_id]
        else:
            message = f"names location ‘{location_id}’, which locations.csv does not include"
            if not location_id:
                message = "is empty; say where the service is offered"
            content.problems.append(Problem(service_at_locations.where(row_id), "location_id", message))

    terms = table("taxonomy_terms.csv")
    _csv_attributes(table("attributes.csv"), terms, table, content.problems)

    # A service's organization and a term's taxonomy may be ones an earlier import brought in, so an
    # id naming neither row is left for the importer to check against the directory.
    organizations = table("organizations.csv")
    for row in table("services.csv").rows.values():
        organization = organizations.rows.get(str(row.get("organization_id", "")).strip())
        if organization is not None:
            row["organization"] = organization
    taxonomies = table("taxonomies.csv")
    for term in terms.rows.values():
        taxonomy = taxonomies.rows.get(str(term.get("taxonomy_id", "")).strip())
        if taxonomy is not None:
            taxonomy.setdefault("taxonomy_terms", []).append(term)

    content.services = list(table("services.csv").rows.values())
    content.taxonomies = list(taxonomies.rows.values())
    return content


def _decode(name: str, data: bytes, warnings: list[str]) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's "CSV (Comma delimited)" writes Windows-1252.
        warnings.append(f"{name} is not UTF-8; read it as Windows-1252. Check accented letters and £ signs.")
        return data.decode("cp1252", errors="replace")


def _csv_table(name: str, text: str, problems: list[Problem]) -> _Table:
    """A file's rows by id. Empty cells are left out; cells of the standard's number fields become
    numbers (as an API would send them); a cell the standard's type refuses is a problem naming its row."""
    model = _CSV_MODELS[name]
    parsers = BundleReader.parsers(model) if model else {}
    table = _Table(name)
    reader = csv.DictReader(io.StringIO(text))
    try:
        reader.fieldnames = [column.strip() for column in reader.fieldnames or []]
        # Rows are counted as a spreadsheet shows them: the header is row 1.
        rows = list(enumerate(reader, start=2))
    except csv.Error as error:
        raise FeedUnusable(f"{name} could not be read as CSV ({error}). Check it was saved as CSV.") from None
    for number, cells in rows:
        where = f"{name} row {number}"
        row: dict[str, Any] = {}
        for column, cell in cells.items():
            if column is None:
                problems.append(Problem(where, "", "has more cells than the header has columns; check the quoting"))
            elif isinstance(cell, str) and cell.strip():
                value = _csv_value(cell, parsers.get(column), where, column, problems)
                if value is not None:
                    row[column] = value
        row_id = str(row.get("id", "")).strip()
        if not row_id:
            problems.append(Problem(where, "id", "is empty; every row needs an id"))
        elif row_id in table.rows:
            problems.append(Problem(where, "id", f"repeats the id of row {table.numbers[row_id]}"))
        else:
            table.rows[row_id] = row
            table.numbers[row_id] = number
    return table


def _csv_value(cell: str, parser: Any, where: str, column: str, problems: list[Problem]) -> Any:
    if parser is None:
        return cell
    try:
        value = parser(cell)
    except FieldError as error:
        problems.append(Problem(where, column, str(error)))
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    return value if isinstance(value, int) else cell


def _csv_parent(
    child: _Table, row_id: str, columns: tuple[str, ...], table: Callable[[str], _Table], problems: list[Problem]
) -> dict[str, Any] | None:
    row = child.rows[row_id]
    for column in columns:
        if column in row:
            kind = column.removesuffix("_id")
            parent_file = _ENTITY_FILES[kind]
            parent: dict[str, Any] | None = table(parent_file).rows.get(str(row[column]).strip())
            if parent is None:
                problems.append(
                    Problem(
                        child.where(row_id),
                        column,
                        f"names {kind.replace('_', ' ')} ‘{row[column]}’, which {parent_file} does not include",
                    )
                )
            return parent
    kinds = [column.removesuffix("_id").replace("_", " ") for column in columns]
    which = ", ".join(kinds[:-1]) + " or " + kinds[-1] if len(kinds) > 1 else kinds[0]
    problems.append(Problem(child.where(row_id), columns[0], f"is empty; say which {which} this row belongs to"))
    return None


def _csv_attributes(attributes: _Table, terms: _Table, table: Callable[[str], _Table], problems: list[Problem]) -> None:
    """Attributes join the record their link_entity and link_id name, with their term when the folder has it."""
    for row_id, row in attributes.rows.items():
        # Nesting says what an attribute belongs to, as in the API's JSON, so link_entity is not kept.
        entity = str(row.pop("link_entity", "")).strip().lower()
        link_id = str(row.get("link_id", "")).strip()
        if entity not in _ENTITY_FILES:
            message = f"expected one of {', '.join(_ENTITY_FILES)}, got ‘{entity}’" if entity else "is empty"
            problems.append(Problem(attributes.where(row_id), "link_entity", message))
            continue
        target = table(_ENTITY_FILES[entity]).rows.get(link_id)
        if target is None:
            message = f"names {entity.replace('_', ' ')} ‘{link_id}’, which {_ENTITY_FILES[entity]} does not include"
            problems.append(Problem(attributes.where(row_id), "link_id", message if link_id else "is empty"))
            continue
        term = terms.rows.get(str(row.get("taxonomy_term_id", "")).strip())
        if term is not None:
            row["taxonomy_term"] = term
        target.setdefault("attributes", []).append(row)


# -- ORUK 1.0 --------------------------------------------------------------------------------

# Keys only an ORUK 1.0 service has.
_ORUK1_KEYS = frozenset({"regular_schedules", "holiday_schedules", "service_taxonomys", "eligibilitys", "fundings"})
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def is_oruk1_service(service: Any) -> bool:
    """Whether a service is in the ORUK 1.0 shape (``regular_schedules``, ``physical_addresses``…)."""
    if not isinstance(service, dict):
        return False
    if _ORUK1_KEYS & service.keys():
        return True
    return any(
        isinstance(item, dict) and isinstance(item.get("location"), dict) and "physical_addresses" in item["location"]
        for item in _items(service.get("service_at_locations"))
    )


def oruk1_service_convert(service: Any) -> Any:
    """An ORUK 1.0 service, as its ``/services/{id}`` returns it, in the ORUK 3.0 shape.

    Renamed: regular_schedules → schedules (weekday → byday, freq WEEKLY), service_taxonomys →
    attributes (taxonomy → taxonomy_term, vocabulary → taxonomy, parent → parent_id), eligibilitys →
    minimum_age, maximum_age and eligibility_description, languages' language → name, fundings →
    funding, physical_addresses → addresses (address_type physical, country GB),
    accessibility_for_disabilities → accessibility, organization url → website. Every other field
    is kept as it was, so the importer keeps it. Pure: the argument is not changed. For example::

        >>> oruk1_service_convert({"id": "1", "regular_schedules": [{"id": "7", "weekday": "Monday"}]})
        {'id': '1', 'schedules': [{'id': '7', 'byday': 'MO', 'freq': 'WEEKLY'}]}
    """
    if not isinstance(service, dict):
        return service  # the importer reports it
    result: dict[str, Any] = copy.deepcopy(service)
    if "regular_schedules" in result:
        result["schedules"] = [_schedule_from_oruk1(item) for item in _items(result.pop("regular_schedules"))]
    if "service_taxonomys" in result:
        result["attributes"] = [_attribute_from_oruk1(item) for item in _items(result.pop("service_taxonomys"))]
    if "eligibilitys" in result:
        _eligibility_from_oruk1(result, [e for e in _items(result.pop("eligibilitys")) if isinstance(e, dict)])
    if "fundings" in result:
        result["funding"] = result.pop("fundings")
    for language in _items(result.get("languages")):
        if isinstance(language, dict) and "language" in language:
            language.setdefault("name", language.pop("language"))
    organization = result.get("organization")
    if isinstance(organization, dict) and "url" in organization and "website" not in organization:
        organization["website"] = organization.pop("url")
    for item in _items(result.get("service_at_locations")):
        if isinstance(item, dict) and isinstance(item.get("location"), dict):
            _location_from_oruk1(item["location"])
    return result


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _byday(weekday: Any) -> str | None:
    """RFC 5545's day code for a 1.0 weekday: a name ("Monday", "mon", "MO") or an ISO number (1 is Monday)."""
    text = str(weekday).strip().lower()
    if text.isdigit() and 1 <= int(text) <= 7:
        return _DAYS[int(text) - 1]
    for code, name in zip(_DAYS, _DAY_NAMES, strict=True):
        if text in (name, name[:3], code.lower()):
            return code
    return None


def _clock(value: Any) -> Any:
    # Some 1.0 feeds (.NET ones) write a time as a date-time, "0001-01-01T09:30:00"; the time is what they mean.
    if isinstance(value, str) and "T" in value:
        return value.split("T", 1)[1]
    return value


def _schedule_from_oruk1(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    schedule = dict(item)
    for key in ("opens_at", "closes_at"):
        if key in schedule:
            schedule[key] = _clock(schedule[key])
    day = _byday(schedule.get("weekday")) if schedule.get("weekday") not in (None, "") else None
    if day is not None:
        # An unrecognised weekday stays as it was (kept in extra) rather than becoming a wrong day.
        del schedule["weekday"]
        # 1.0 feeds usually send these as null beside the weekday.
        for key, value in (("byday", day), ("freq", "WEEKLY")):
            if schedule.get(key) in (None, ""):
                schedule[key] = value
    return schedule


def _attribute_from_oruk1(item: Any) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("taxonomy"), dict):
        return item  # the importer reports the missing term
    attribute = dict(item)
    taxonomy = attribute.pop("taxonomy")
    term = {key: value for key, value in taxonomy.items() if key not in ("vocabulary", "parent")}
    if taxonomy.get("vocabulary") not in (None, ""):
        term["taxonomy"] = taxonomy["vocabulary"]
    parent = taxonomy.get("parent")
    parent = parent.get("id") if isinstance(parent, dict) else parent
    if parent not in (None, ""):
        term["parent_id"] = parent
    attribute["taxonomy_term"] = term
    return attribute


def _eligibility_from_oruk1(service: dict[str, Any], eligibilities: list[dict[str, Any]]) -> None:
    """The widest age range the eligibilities give, and their descriptions, unless the service has its own."""
    for key, widest in (("minimum_age", min), ("maximum_age", max)):
        ages = [e[key] for e in eligibilities if e.get(key) not in (None, "")]
        if ages and key not in service:
            try:
                service[key] = widest(ages, key=float)
            except (TypeError, ValueError):
                service[key] = ages[0]  # not a number: the importer reports it against the field
    texts = [str(e["eligibility"]) for e in eligibilities if e.get("eligibility") not in (None, "")]
    if texts and "eligibility_description" not in service:
        service["eligibility_description"] = "; ".join(texts)


def _location_from_oruk1(location: dict[str, Any]) -> None:
    location.setdefault("location_type", "physical")
    if "physical_addresses" in location:
        location["addresses"] = [_address_from_oruk1(item) for item in _items(location.pop("physical_addresses"))]
    if "accessibility_for_disabilities" in location:
        location["accessibility"] = [
            _accessibility_from_oruk1(item) for item in _items(location.pop("accessibility_for_disabilities"))
        ]


def _accessibility_from_oruk1(item: Any) -> Any:
    # 1.0's "accessibility" text is 3.0's "description".
    if not isinstance(item, dict) or "accessibility" not in item:
        return item
    result = {key: value for key, value in item.items() if key != "accessibility"}
    result.setdefault("description", item["accessibility"])
    return result


def _address_from_oruk1(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    # ORUK 1.0 is UK only; 3.0 wants an ISO country code where 1.0 feeds wrote "England" or nothing.
    country = str(item.get("country", "")).strip().upper()
    country = "GB" if country in ("", "UK") or not re.fullmatch(r"[A-Z]{2}", country) else country
    return {**item, "address_type": "physical", "country": country}
