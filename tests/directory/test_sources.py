"""Reading feeds: an ORUK API served from 127.0.0.1, JSON files, folders of HSDS CSV files, ORUK 1.0."""

from __future__ import annotations

import copy
import csv
import doctest
import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.core import addresses
from joinedup.directory import sources
from joinedup.directory.models import DirectoryImport, Schedule, Service
from joinedup.directory.oruk import BundleReader, Problem
from joinedup.directory.services import ImportRejected, directory_import
from joinedup.directory.sources import FeedUnusable, feed_read, oruk1_service_convert
from tests.conftest import World
from tests.directory.feeds import CSV_EXAMPLES, contains, example_service, exported, variant
from tests.directory.oruk_server import OrukApiServer, generated_services

ORUK1_SERVICE = Path(__file__).parent / "data" / "oruk1" / "service.json"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "RETRY_DELAYS", (0.0, 0.0))


@pytest.fixture
def api() -> Iterator[OrukApiServer]:
    with OrukApiServer(generated_services(7)) as server:
        yield server


def _nothing_written() -> bool:
    history = DirectoryImport.objects.get()
    return not Service.objects.exists() and history.status == DirectoryImport.Status.REJECTED


# -- an ORUK 3.0 API -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_api_is_walked_and_imported(world: World, api: OrukApiServer) -> None:
    reported: list[tuple[int, int | None]] = []

    report = directory_import(
        source=api.base, area=world.area, progress=lambda done, total: reported.append((done, total))
    )

    assert (report.format, report.services, report.created) == ("ORUK 3.0 API", 7, 7)
    pages = sorted(path for path in api.requests if path.startswith("/api/services?"))
    assert pages == [f"/api/services?page={n}&per_page={sources.PER_PAGE}" for n in (1, 2, 3)]
    details = {path.removeprefix("/api/services/") for path in api.requests if path.startswith("/api/services/")}
    assert details == set(api.services)
    assert api.user_agents == {"Joinedup directory import"}
    assert (7, 7) in reported
    assert set(Service.objects.values_list("id", flat=True)) == set(api.services)
    first = next(iter(api.services))
    assert contains(api.services[first], exported(first)) == []


@pytest.mark.django_db
def test_services_come_in_the_order_the_list_gives_them(api: OrukApiServer) -> None:
    content = feed_read(api.base)

    assert [service["id"] for service in content.services] == list(api.services)
    assert content.taxonomies == [{"id": "t1", "name": "Needs"}]
    assert content.problems == []
    assert content.warnings == []


@pytest.mark.django_db
def test_a_passing_failure_is_retried(world: World, api: OrukApiServer) -> None:
    first = next(iter(api.services))
    api.flaky[f"/api/services/{first}"] = [503, 500]

    report = directory_import(source=api.base, area=world.area)

    assert report.created == 7
    assert api.requests.count(f"/api/services/{first}") == 3


@pytest.mark.django_db
def test_a_failing_service_rejects_the_feed_after_retries_and_writes_nothing(world: World, api: OrukApiServer) -> None:
    broken = list(api.services)[4]
    api.fail[f"/api/services/{broken}"] = 500

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=api.base, area=world.area)

    message = str(rejected.value)
    assert f"{api.base}/services/{broken} answered 500 Internal Server Error, 3 times" in message
    assert "try again later" in message
    assert api.requests.count(f"/api/services/{broken}") == 3
    assert _nothing_written()
    assert DirectoryImport.objects.get().message == message


@pytest.mark.django_db
def test_a_listed_service_that_is_not_found_is_a_problem_with_that_record(world: World, api: OrukApiServer) -> None:
    missing = list(api.services)[2]
    api.fail[f"/api/services/{missing}"] = 404

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=api.base, area=world.area)

    [problem] = rejected.value.problems
    assert problem.record == f"service {missing}"
    assert problem.message.startswith(f"is listed in /services, but {api.base}/services/{missing} answered 404")
    assert _nothing_written()


@pytest.mark.django_db
def test_a_root_that_is_not_json_is_a_clear_error(world: World, api: OrukApiServer) -> None:
    api.root = "<!doctype html><title>Our directory</title>"

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=api.base, area=world.area)

    assert str(rejected.value).startswith(f"{api.base}/ did not return JSON (it sent text/html: ‘<!doctype html>")
    assert "Give the base address of an ORUK API" in str(rejected.value)
    assert _nothing_written()


@pytest.mark.django_db
def test_an_api_without_a_description_is_read_with_a_warning(api: OrukApiServer) -> None:
    api.root = None
    api.taxonomies = None

    content = feed_read(api.base)

    assert len(content.services) == 7
    assert content.taxonomies == []
    assert content.warnings == [f"{api.base}/ does not describe the API (it answered 404); read its services anyway."]


@pytest.mark.django_db
def test_the_services_address_is_taken_for_the_base_address(api: OrukApiServer) -> None:
    content = feed_read(api.base + "/services/")

    assert len(content.services) == 7
    assert content.warnings == [f"Read the API at {api.base}: its base address, without /services."]


@pytest.mark.django_db
def test_a_list_that_is_not_oruk_is_a_clear_error(api: OrukApiServer) -> None:
    api.redirects["/api/services"] = "/api/services/" + next(iter(api.services))

    with pytest.raises(FeedUnusable, match=r"is not an ORUK list .* Is http://127\.0\.0\.1:\d+/api the API's base"):
        feed_read(api.base)


@pytest.mark.django_db
def test_an_unreachable_api_is_a_clear_error() -> None:
    with OrukApiServer([]) as server:
        base = server.base
    with pytest.raises(FeedUnusable, match=r"Could not reach http://127\.0\.0\.1:\d+/api/ \(.*\), after 3 tries"):
        feed_read(base)


# -- addresses Joinedup must not fetch -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "{base}",
            "Joinedup will not fetch from 127.0.0.1: it is a private or local address. "
            "Use the directory's public address.",
        ),
        ("http://localhost:{port}/api", "Joinedup will not fetch from localhost (127.0.0.1): it is a private"),
        ("http://10.1.2.3/api", "Joinedup will not fetch from 10.1.2.3: it is a private or local address."),
        ("http://169.254.169.254/latest/meta-data", "Joinedup will not fetch from 169.254.169.254: it is a private"),
        ("http://[::1]:{port}/api", "Joinedup will not fetch from ::1: it is a private or local address."),
        ("http://[::ffff:192.168.0.1]/api", "Joinedup will not fetch from ::ffff:192.168.0.1: it is a private"),
        ("file:///etc/passwd", "Joinedup fetches feeds only over https or http, not file: file:///etc/passwd"),
        ("ftp://example.org/feed.json", "Joinedup fetches feeds only over https or http, not ftp"),
        ("https://user:secret@example.org/api", "The address contains a user name or password."),
    ],
)
def test_private_addresses_and_other_schemes_are_refused(
    world: World, api: OrukApiServer, settings: Any, source: str, expected: str
) -> None:
    settings.DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS = False
    port = api.server.server_address[1]

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=source.format(base=api.base, port=port), area=world.area)

    assert str(rejected.value).startswith(expected)
    assert api.requests == []
    assert _nothing_written()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://10.0.0.1/api/services", "Joinedup will not fetch from 10.0.0.1: it is a private or local address."),
        ("http://169.254.169.254/latest/meta-data", "Joinedup will not fetch from 169.254.169.254"),
        ("file:///etc/passwd", "Joinedup fetches feeds only over https or http, not file"),
        ("ftp://example.org/services", "Joinedup fetches feeds only over https or http, not ftp"),
    ],
)
def test_a_redirect_to_an_address_joinedup_must_not_fetch_is_refused(
    world: World, api: OrukApiServer, settings: Any, monkeypatch: pytest.MonkeyPatch, target: str, expected: str
) -> None:
    settings.DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS = False
    # The test server stands in for a public directory: its loopback address alone is let through.
    checked = addresses.address_forbidden

    def lenient(address: addresses.Address) -> bool:
        return not address.is_loopback and checked(address)

    monkeypatch.setattr(addresses, "address_forbidden", lenient)
    monkeypatch.setattr(sources, "address_forbidden", lenient)
    api.redirects["/api/services"] = target

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=api.base, area=world.area)

    assert str(rejected.value).startswith(expected)
    assert api.requests[-1].startswith("/api/services?")
    assert _nothing_written()


def test_the_address_actually_connected_to_is_checked_too(
    api: OrukApiServer, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DIRECTORY_IMPORT_ALLOW_PRIVATE_URLS = False
    # As if the name had resolved to a public address when checked, and to 127.0.0.1 a moment later.
    monkeypatch.setattr(sources, "url_check", lambda url: None)

    with pytest.raises(FeedUnusable, match=r"^Joinedup will not fetch from 127\.0\.0\.1: it is a private"):
        feed_read(api.base)
    assert api.requests == []


# -- JSON files ------------------------------------------------------------------------------


def _write(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("shape", "count"),
    [
        (lambda services: services[0], 1),
        (lambda services: services, 2),
        (lambda services: {"total_items": 2, "total_pages": 1, "page_number": 1, "contents": services}, 2),
        (lambda services: {"services": services, "taxonomies": [{"id": "t1", "name": "Needs"}]}, 2),
    ],
    ids=["one service", "a list", "a page of a list", "services and taxonomies"],
)
def test_json_file_forms(world: World, tmp_path: Path, shape: Any, count: int) -> None:
    services = generated_services(2)
    source = _write(tmp_path / "feed.json", shape(services))

    content = feed_read(source)
    report = directory_import(source=source, area=world.area)

    assert (content.format, content.services) == ("ORUK 3.0 JSON file", services[:count])
    assert (report.format, report.created) == ("ORUK 3.0 JSON file", count)
    assert contains(services[0], exported(services[0]["id"])) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{not json", r"feed\.json is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('{"message": "hello"}', r"feed\.json holds no ORUK services: expected one service, a list of services"),
    ],
)
def test_a_json_file_that_is_not_a_feed_is_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    (tmp_path / "feed.json").write_text(text)

    with pytest.raises(FeedUnusable, match=expected):
        feed_read(str(tmp_path / "feed.json"))


def test_a_json_file_may_start_with_a_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_bytes(json.dumps([example_service()]).encode("utf-8-sig"))

    assert len(feed_read(str(tmp_path / "feed.json")).services) == 1


def test_a_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FeedUnusable, match=r"There is no file or folder at .*nowhere\.json\. Give an ORUK API"):
        feed_read(str(tmp_path / "nowhere.json"))


# -- folders of HSDS 3.0 CSV files -----------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        return list(reader.fieldnames or []), list(reader)


def _csv_edit(folder: Path, name: str, row: int, **changes: str) -> None:
    """Change cells of one data row (row 2 is the first, as a spreadsheet shows it), or add that row."""
    columns, rows = _csv_rows(folder / name)
    if row - 2 == len(rows):
        rows.append(dict(rows[-1]))
    rows[row - 2].update(changes)
    with (folder / name).open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def csv_folder(tmp_path: Path) -> Path:
    """The HSDS example, made importable: a London location, and its attribute linked to the service."""
    folder = tmp_path / "hsds"
    shutil.copytree(CSV_EXAMPLES, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    _csv_edit(folder, "locations.csv", 2, latitude="51.5362", longitude="-0.2034")
    _csv_edit(folder, "attributes.csv", 2, link_entity="service", link_id="ac148810-d857-441c-9679-408f346de14b")
    return folder


@pytest.mark.django_db
def test_the_csv_example_imports_and_round_trips(world: World, csv_folder: Path) -> None:
    content = feed_read(str(csv_folder))
    report = directory_import(source=str(csv_folder), area=world.area)

    assert (content.format, content.problems) == ("HSDS 3.0 CSV folder", [])
    [service] = content.services
    assert (report.format, report.created) == ("HSDS 3.0 CSV folder", 1)
    assert contains(service, exported(service["id"])) == []
    published = exported(service["id"])
    assert published["minimum_age"] == 12
    assert published["organization"]["name"] == "Example Organization Inc."
    assert "languages" not in published["contacts"][0]["phones"][0]  # the language row names the service first
    assert published["languages"][0]["name"] == "Urdu"
    assert published["service_at_locations"][0]["location"]["addresses"][0]["address_2"] == "MyVillage"
    assert published["schedules"][0]["byday"] == "TH,FR"
    assert published["schedules"][0]["opens_at"] == "10:00:00"
    assert published["attributes"][0]["taxonomy_term"]["code"] == "code"
    assert "link_entity" not in service["attributes"][0]
    assert published["required_documents"][0]["document"].startswith("Any official identification document")
    assert [taxonomy["name"] for taxonomy in content.taxonomies] == ["name"]

    again = directory_import(source=str(csv_folder), area=world.area)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


@pytest.mark.django_db
def test_a_row_joins_the_first_parent_it_names(world: World, csv_folder: Path) -> None:
    _csv_edit(csv_folder, "languages.csv", 2, service_id="")  # so the phone is the first it names
    _csv_edit(csv_folder, "attributes.csv", 2, link_entity="Location", link_id="3a19ff88-4620-4d17-9830-ac1d859eb5d5")

    [service] = feed_read(str(csv_folder)).services
    directory_import(source=str(csv_folder), area=world.area)

    published = exported(service["id"])
    assert published["languages"] == []
    assert published["contacts"][0]["phones"][0]["languages"][0]["name"] == "Urdu"
    assert published["attributes"] == []
    location = published["service_at_locations"][0]["location"]
    assert location["attributes"][0]["taxonomy_term"]["name"] == "name"


@pytest.mark.django_db
def test_the_csv_example_as_published_is_rejected_with_its_two_faults(world: World) -> None:
    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=str(CSV_EXAMPLES), area=world.area)

    fields = {(problem.record.split(" ")[0], problem.field) for problem in rejected.value.problems}
    assert fields == {("attributes.csv", "link_entity"), ("location", "latitude")}
    assert _nothing_written()


@pytest.mark.django_db
def test_csv_problems_name_the_file_row_and_column_and_nothing_is_written(world: World, csv_folder: Path) -> None:
    _csv_edit(csv_folder, "services.csv", 2, minimum_age="twelve")
    _csv_edit(csv_folder, "schedules.csv", 3, id="d5b0f0a2-0000-4000-8000-000000000003", service_id="no-such-service")
    _csv_edit(csv_folder, "funding.csv", 3, source="More funding")

    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=str(csv_folder), area=world.area)

    missing = "names service ‘no-such-service’, which services.csv does not include"
    assert set(rejected.value.problems) == {
        Problem("services.csv row 2", "minimum_age", "expected a number, got ‘twelve’"),
        Problem("schedules.csv row 3", "service_id", missing),
        Problem("funding.csv row 3", "id", "repeats the id of row 2"),
    }
    assert _nothing_written()
    assert {"record": "schedules.csv row 3", "field": "service_id", "message": missing} in (
        DirectoryImport.objects.get().errors
    )


def test_a_row_naming_no_parent_says_which_it_needs(csv_folder: Path) -> None:
    _csv_edit(csv_folder, "cost_options.csv", 2, service_id="")

    content = feed_read(str(csv_folder))

    assert content.problems == [
        Problem("cost_options.csv row 2", "service_id", "is empty; say which service this row belongs to")
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, r"The folder .* is empty\. Put the HSDS CSV files"),
        ({"organizations.csv": "id,name\n"}, r"The folder .* has no services\.csv \(it has organizations\.csv\)"),
        ({"notes.txt": "hello"}, r"has no services\.csv \(it has no CSV files\)"),
    ],
)
def test_a_folder_without_services_is_a_clear_error(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)

    with pytest.raises(FeedUnusable, match=expected):
        feed_read(str(tmp_path))


def test_a_file_that_is_not_csv_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "services.csv").write_text("id,name\n1," + "x" * 200_000 + "\n")

    with pytest.raises(FeedUnusable, match=r"^services\.csv could not be read as CSV \(field larger than field limit"):
        feed_read(str(tmp_path))


def test_a_zip_of_the_csv_files_reads_as_the_folder_does(csv_folder: Path, tmp_path: Path) -> None:
    archive = tmp_path / "hsds.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in csv_folder.iterdir():
            zipped.write(path, f"export/{path.name}")

    from_zip, from_folder = feed_read(str(archive)), feed_read(str(csv_folder))

    assert from_zip.format == "HSDS 3.0 CSV zip"
    assert from_zip.services == from_folder.services
    assert from_zip.problems == []


def test_a_windows_1252_file_is_read_with_a_warning(csv_folder: Path) -> None:
    _csv_edit(csv_folder, "services.csv", 2, fees="£5 a session")
    path = csv_folder / "services.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1252"))

    content = feed_read(str(csv_folder))

    assert content.services[0]["fees"] == "£5 a session"
    assert content.warnings == [
        "services.csv is not UTF-8; read it as Windows-1252. Check accented letters and £ signs."
    ]


# -- ORUK 1.0 --------------------------------------------------------------------------------


def _oruk1_service(number: int) -> dict[str, Any]:
    service = variant(json.loads(ORUK1_SERVICE.read_text()), number, name=f"Stay and Play {number}")
    return service


@pytest.mark.django_db
def test_an_oruk1_api_is_converted_and_imported(world: World) -> None:
    with OrukApiServer([_oruk1_service(n) for n in range(1, 6)], oruk1=True, per_page=2) as api:
        report = directory_import(source=api.base, area=world.area)

    assert (report.format, report.created) == ("ORUK 1.0 API", 5)
    assert report.warnings == [f"{api.base}/ does not describe the API (it answered 404); read its services anyway."]
    published = exported(_oruk1_service(3)["id"])
    assert published["name"] == "Stay and Play 3"
    assert [(s["byday"], s["opens_at"], s["closes_at"]) for s in published["schedules"]] == [
        ("MO", "09:30:00", "11:30:00"),
        ("TH", "13:00:00", "15:00:00"),
    ]
    assert (published["minimum_age"], published["maximum_age"]) == (0, 5)
    assert [language["name"] for language in published["languages"]] == ["English", "Polish"]
    address = published["service_at_locations"][0]["location"]["addresses"][0]
    assert (address["address_type"], address["country"], address["state_province"]) == ("physical", "GB", "")
    terms = {attribute["taxonomy_term"]["name"]: attribute["taxonomy_term"] for attribute in published["attributes"]}
    assert terms["Children"]["taxonomy"] == "BCC Age Groups"
    assert published["organization"]["website"] == "https://example.org/harlesden"
    assert published["deliverable_type"] == "Information"  # kept, though 3.0 has no such field


@pytest.mark.django_db
def test_an_oruk1_json_file_is_converted(world: World, tmp_path: Path) -> None:
    source = _write(tmp_path / "oruk1.json", {"content": [_oruk1_service(1)], "totalElements": 1})

    report = directory_import(source=source, area=world.area)

    assert (report.format, report.created) == ("ORUK 1.0 JSON file", 1)
    assert Schedule.objects.filter(byday="TH", opens_at=time(13)).exists()


def test_converting_does_not_change_the_service_given() -> None:
    service = json.loads(ORUK1_SERVICE.read_text())
    before = copy.deepcopy(service)

    converted = oruk1_service_convert(service)

    assert service == before
    assert converted != before


def test_the_converters_documented_example_holds() -> None:
    assert doctest.testmod(sources).failed == 0


_WEEKDAYS = st.one_of(
    st.sampled_from(["Monday", "tuesday", "WEDNESDAY", "thu", "Fri", "sa", "SU"]),
    st.integers(min_value=1, max_value=7),
    st.integers(min_value=1, max_value=7).map(str),
)
_CLOCK_FORMATS = ["%H:%M", "%H:%M:%S", "0001-01-01T%H:%M:%S", "1900-01-01T%H:%M:%SZ"]


@given(
    weekday=_WEEKDAYS,
    opens=st.times(),
    closes=st.times(),
    formats=st.tuples(st.sampled_from(_CLOCK_FORMATS), st.sampled_from(_CLOCK_FORMATS)),
    extra=st.fixed_dictionaries(
        {},
        optional={
            "valid_from": st.dates().map(str),
            "valid_to": st.none(),
            "freq": st.none(),
            "byday": st.none(),
            "interval": st.one_of(st.none(), st.integers(1, 4)),
            "description": st.text(max_size=40),
        },
    ),
)
def test_any_oruk1_regular_schedule_becomes_a_schedule_the_reader_accepts(
    weekday: Any, opens: time, closes: time, formats: tuple[str, str], extra: dict[str, Any]
) -> None:
    schedule = {"id": "7", "weekday": weekday, "opens_at": opens.strftime(formats[0])}
    schedule |= {"closes_at": closes.strftime(formats[1]), **extra}
    service = {"id": "1", "name": "Stay and Play", "status": "active", "regular_schedules": [schedule]}

    reader = BundleReader(namespace="E09000005")
    reader.service(oruk1_service_convert(service))

    assert reader.bundle.problems == []
    [row] = reader.bundle.rows[Schedule].values()
    day = str(weekday).lower()
    expected = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][
        int(day) - 1 if day.isdigit() else ["mo", "tu", "we", "th", "fr", "sa", "su"].index(day[:2])
    ]
    assert (row["byday"], row["freq"]) == (expected, "WEEKLY")
    seconds = "%S" in formats[0]
    assert row["opens_at"] == opens.replace(microsecond=0, second=opens.second if seconds else 0)
