"""Our Open Referral UK 3.0 API, checked against the standard's own JSON schemas.

The schemas' ``$ref``s are URLs on openreferraluk.org; they resolve to the copies in
``standard/schema/`` through a ``referencing.Registry``, so the tests never touch the network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator
from pytest_django import DjangoAssertNumQueries
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from joinedup.directory import oruk_api
from joinedup.directory.models import DirectoryFeed, Organization, Service
from joinedup.directory.oruk import PROFILE, VERSION
from joinedup.directory.services import content_import
from joinedup.directory.sources import FeedContent
from joinedup.geodata.models import Postcode
from tests.directory.feeds import ORUK, example_service, variant
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

SCHEMA_BASE = "https://openreferraluk.org/specifications/3.0/schema/"

# -- the standard's schemas ------------------------------------------------------------------


@cache
def registry() -> Registry[Any]:
    """Every schema in standard/schema/, under the URL the others use to refer to it."""
    return Registry().with_resources(
        (SCHEMA_BASE + path.name, Resource.from_contents(json.loads(path.read_text()), DRAFT202012))
        for path in sorted((ORUK / "schema").glob("*.json"))
    )


def schema_errors(data: Any, schema_name: str) -> list[str]:
    schema = json.loads((ORUK / "schema" / schema_name).read_text())
    validator = Draft202012Validator(schema, registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(data)]


def assert_valid(data: Any, schema_name: str) -> None:
    errors = schema_errors(data, schema_name)
    assert not errors, f"Not a valid {schema_name}:\n" + "\n".join(errors[:20])


# -- a directory to read ---------------------------------------------------------------------

TAX_NEEDS = "7a000000-0000-4000-8000-000000000001"
TAX_AGES = "7a000000-0000-4000-8000-000000000002"
TAX_SETTINGS = "7a000000-0000-4000-8000-000000000003"
PARENTING = "7e000000-0000-4000-8000-000000000001"
SLEEP = "7e000000-0000-4000-8000-000000000002"  # under Parenting
MONEY = "7e000000-0000-4000-8000-000000000003"
UNDER_FIVES = "7e000000-0000-4000-8000-000000000004"
ONLINE = "7e000000-0000-4000-8000-000000000005"

WORDS = ("Art", "Baby", "Cooking", "Debt", "Energy")
SAME_NAME = "Zumba for families"  # three services share it, so order falls to their ids
CENTRE = (51.5, -0.2)  # where NW10 4AB is placed in these tests
DEGREE_IN_METRES = 111_195  # one degree of latitude on the sphere geo.distance uses
PUBLISHED = range(1, 24)  # services 1 to 23; service 24 was dropped from the feed


def _term(term_id: str, name: str, taxonomy_id: str, taxonomy: str, parent_id: str | None = None) -> dict[str, Any]:
    term = {"id": term_id, "name": name, "description": f"{name}.", "taxonomy_id": taxonomy_id, "taxonomy": taxonomy}
    return term | ({"parent_id": parent_id} if parent_id else {})


TAXONOMIES = [
    {
        "id": TAX_NEEDS,
        "name": "Needs",
        "description": "What families ask for help with.",
        "taxonomy_terms": [
            _term(PARENTING, "Parenting", TAX_NEEDS, "Needs"),
            _term(SLEEP, "Sleep", TAX_NEEDS, "Needs", parent_id=PARENTING),
            _term(MONEY, "Money", TAX_NEEDS, "Needs"),
        ],
    },
    {
        "id": TAX_AGES,
        "name": "Ages",
        "description": "Who a service is for.",
        "taxonomy_terms": [_term(UNDER_FIVES, "Under fives", TAX_AGES, "Ages")],
    },
    {
        "id": TAX_SETTINGS,
        "name": "Settings",
        "description": "Where a service happens.",
        "taxonomy_terms": [_term(ONLINE, "Online", TAX_SETTINGS, "Settings")],
    },
]


def _attributes(number: int, terms: list[str], start: int = 0) -> list[dict[str, Any]]:
    return [
        {"id": f"a{number:07d}-0000-4000-8000-{start + index:012d}", "taxonomy_term_id": term}
        for index, term in enumerate(terms)
    ]


def numbered_service(number: int) -> dict[str, Any]:
    """Service ``number``: its own ids, a name that does not sort like its number, a day of
    January 2025 as its last change, and a location ``number`` hundredths of a degree north of
    the centre (about 1.1 km each)."""
    terms = [
        term
        for term, wanted in ((PARENTING, number % 3 == 0), (SLEEP, number % 4 == 0), (UNDER_FIVES, number % 5 == 0))
        if wanted
    ]
    name = SAME_NAME if number >= 21 else f"{WORDS[number * 7 % 5]} group {number:02d}"
    service = variant(
        example_service(),
        number,
        name=name,
        last_modified=f"2025-01-{number:02d}T09:00:00.000Z",
        attributes=_attributes(number, terms),
    )
    location = service["service_at_locations"][0]["location"]
    location["latitude"], location["longitude"] = CENTRE[0] + number / 100, CENTRE[1]
    if number == 3:
        service["description"] = "Help with sleep for BABIES and toddlers."
    if number == 5:
        service["organization"]["name"] = "Brent Family Hub"
    if number == 6:
        del location["latitude"], location["longitude"]
    if number == 7:
        location["attributes"] = _attributes(number, [ONLINE], start=100)
    if number == 1:
        service["organization"]["attributes"] = _attributes(number, [MONEY], start=200)
    return service


@dataclass
class Directory:
    services: dict[int, dict[str, Any]]  # as the feed sent them, by number

    def id(self, number: int) -> str:
        return str(self.services[number]["id"])

    def organization_id(self, number: int) -> str:
        return str(self.services[number]["organization"]["id"])

    def service_at_location_id(self, number: int) -> str:
        return str(self.services[number]["service_at_locations"][0]["id"])

    def numbers_in_order(self, numbers: Any = PUBLISHED) -> list[int]:
        """The numbers of these services as the API orders them: by name, then id."""
        return sorted(numbers, key=lambda n: (self.services[n]["name"], self.services[n]["id"]))

    def number_of(self, service_id: str) -> int:
        return next(n for n, data in self.services.items() if data["id"] == service_id)


@pytest.fixture
def directory() -> Directory:
    area = AreaFactory.create(name="Brent", ons_code="E09000005")
    feed = DirectoryFeed.objects.create(area=area, source="https://directory.example.org/api", kind="api")
    services = {number: numbered_service(number) for number in range(1, 25)}
    content_import(
        content=FeedContent(format="ORUK 3.0", services=list(services.values()), taxonomies=TAXONOMIES), feed=feed
    )
    # The next import leaves out service 24 (and so its organization): both are no longer published.
    published = [services[number] for number in PUBLISHED]
    content_import(content=FeedContent(format="ORUK 3.0", services=published, taxonomies=TAXONOMIES), feed=feed)
    Postcode.objects.create(postcode="NW10 4AB", latitude=CENTRE[0], longitude=CENTRE[1])
    return Directory(services)


def get(path_name: str, *args: str, **params: Any) -> Any:
    """The JSON an anonymous visitor gets (from any web page: the CORS header is checked too)."""
    response = Client().get(reverse(f"oruk:{path_name}", args=args), params)
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def refused(path_name: str, *args: str, status: int = 400, **params: Any) -> dict[str, Any]:
    response = Client().get(reverse(f"oruk:{path_name}", args=args), params)
    assert response.status_code == status, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    body: dict[str, Any] = json.loads(response.content)
    assert body["status"] == status
    return body


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["contents"]]


# -- the meta endpoint and the description ----------------------------------------------------


def test_the_root_says_which_standard_and_where_its_description_is() -> None:
    details = get("root")
    assert_valid(details, "api_details.json")
    assert details == {
        "version": VERSION,
        "profile": PROFILE,
        "openapi_url": "http://testserver/api/oruk/openapi.json",
    }
    response = Client().get("/api/oruk/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    published = response.json()
    standard = json.loads((ORUK / "openapi.json").read_text())
    # The standard's paths and components unchanged; its template placeholders filled in.
    assert published["paths"] == standard["paths"]
    assert published["components"] == standard["components"]
    assert published["servers"] == [{"url": "http://testserver/api/oruk"}]
    assert "HERE" not in json.dumps(published["info"])


# -- every list and every record against the standard -----------------------------------------

# (path name, extra parameters, per_page giving at least three pages, list schema, schema of each item)
LISTS = [
    ("services", {}, 5, "service_list.json", None),
    ("services", {"full": "true"}, 5, "service_list.json", "service.json"),
    ("service_at_locations", {}, 5, "service_at_location_list.json", None),
    ("service_at_locations", {"full": "true"}, 5, "service_at_location_list.json", "service_at_location.json"),
    ("organizations", {}, 5, "organization_list.json", None),
    ("organizations", {"full": "true"}, 5, "organization_list.json", "organization.json"),
    ("organizations", {"full_service": "true"}, 5, "organization_list.json", "organization.json"),
    ("taxonomies", {}, 1, "taxonomy_list.json", "taxonomy.json"),
    ("taxonomy_terms", {}, 2, "taxonomy_term_list.json", "taxonomy_term.json"),
]


@pytest.mark.parametrize(("path_name", "params", "per_page", "list_schema", "item_schema"), LISTS)
def test_first_middle_and_last_pages_of_every_list_match_the_standard(
    directory: Directory,
    path_name: str,
    params: dict[str, str],
    per_page: int,
    list_schema: str,
    item_schema: str | None,
) -> None:
    first = get(path_name, **params, per_page=per_page)
    total, pages = first["total_items"], first["total_pages"]
    assert pages >= 3
    assert pages == -(-total // per_page)
    seen: list[str] = []
    for number in range(1, pages + 1):
        page = get(path_name, **params, per_page=per_page, page=number)
        if number in (1, pages // 2 + 1, pages):
            assert_valid(page, list_schema)
            for item in page["contents"]:
                if item_schema:
                    assert_valid(item, item_schema)
        expected_size = per_page if number < pages else total - per_page * (pages - 1)
        assert (page["total_items"], page["total_pages"], page["page_number"]) == (total, pages, number)
        assert (page["size"], len(page["contents"])) == (expected_size, expected_size)
        assert (page["first_page"], page["last_page"], page["empty"]) == (number == 1, number == pages, False)
        seen.extend(ids(page))
    # Together the pages hold every record once.
    assert len(seen) == len(set(seen)) == total

    beyond = get(path_name, **params, per_page=per_page, page=pages + 1)
    assert_valid(beyond, list_schema)
    assert (beyond["size"], beyond["contents"], beyond["empty"], beyond["last_page"]) == (0, [], True, True)


def test_every_record_endpoint_matches_the_standard(directory: Directory) -> None:
    service = get("service", directory.id(7))
    assert_valid(service, "service.json")
    assert service["name"] == directory.services[7]["name"]
    assert service["service_at_locations"][0]["location"]["attributes"][0]["taxonomy_term_id"] == ONLINE

    at_location = get("service_at_location", directory.service_at_location_id(7))
    assert_valid(at_location, "service_at_location.json")
    assert at_location["service_id"] == directory.id(7)
    assert at_location["location"]["attributes"][0]["taxonomy_term"]["name"] == "Online"
    assert at_location["service"]["name"] == directory.services[7]["name"]
    assert "service_at_locations" not in at_location["service"]

    taxonomy = get("taxonomy", TAX_NEEDS)
    assert_valid(taxonomy, "taxonomy.json")
    assert [term["name"] for term in taxonomy["taxonomy_terms"]] == ["Money", "Parenting", "Sleep"]

    term = get("taxonomy_term", SLEEP)
    assert_valid(term, "taxonomy_term.json")
    assert (term["parent_id"], term["taxonomy_id"]) == (PARENTING, TAX_NEEDS)

    organization = get("organization", directory.organization_id(1))
    assert_valid(organization, "organization.json")
    assert organization["attributes"][0]["taxonomy_term_id"] == MONEY
    assert organization["organization_identifiers"][0]["identifier_scheme"] == "GB-COH"
    # Without full_service, its services carry their own fields only.
    assert [item["id"] for item in organization["services"]] == [directory.id(1)]
    assert "schedules" not in organization["services"][0]

    nested = get("organization", directory.organization_id(1), full_service="true")
    assert_valid(nested, "organization.json")
    assert_valid(nested["services"][0], "service.json")
    assert nested["services"][0]["schedules"]


def test_the_schemas_really_are_checked_down_to_nested_records(directory: Directory) -> None:
    """A broken term deep inside a service fails: the registry resolves the schemas' references."""
    service = get("service", directory.id(3))
    del service["attributes"][0]["taxonomy_term"]["name"]
    service["service_at_locations"][0]["location"]["id"] = "not-a-uuid"
    errors = schema_errors(service, "service.json")
    assert any("'name' is a required property" in error for error in errors)
    assert any("is not a 'uuid'" in error for error in errors)


def test_an_organization_without_a_description_still_matches_the_standard(directory: Directory) -> None:
    Organization.objects.filter(id=directory.organization_id(2)).update(description=None)
    assert get("organization", directory.organization_id(2))["description"] == ""
    assert_valid(get("service", directory.id(2)), "service.json")
    assert_valid(get("services", organization_id=directory.organization_id(2)), "service_list.json")


# -- what a list holds, and in what order ------------------------------------------------------


def test_services_are_listed_by_name_then_id_with_their_one_to_one_fields(directory: Directory) -> None:
    page = get("services", per_page=50)
    assert ids(page) == [directory.id(n) for n in directory.numbers_in_order()]
    # Three services share a name; their ids decide.
    tied = [directory.number_of(item_id) for item_id in ids(page)[-3:]]
    assert tied == [21, 22, 23]
    item = page["contents"][0]
    assert item["organization"]["id"] == item["organization_id"]
    assert not {"schedules", "service_at_locations", "contacts", "attributes"} & set(item)
    assert page["contents"][0]["last_modified"].endswith(".000Z")


def test_full_lists_are_as_nested_as_the_record_endpoint(directory: Directory) -> None:
    page = get("services", full="true", per_page=3)
    first = page["contents"][0]
    assert first == get("service", first["id"])

    places = get("service_at_locations", full="true", per_page=3)["contents"]
    assert places[0] == get("service_at_location", places[0]["id"])


def test_dropped_services_and_organizations_are_not_published(directory: Directory) -> None:
    assert Service.objects.get(id=directory.id(24)).removed_from_feed_at is not None
    assert directory.id(24) not in ids(get("services", per_page=500))
    assert get("services")["total_items"] == 23
    assert get("service_at_locations")["total_items"] == 23
    assert get("organizations")["total_items"] == 23
    assert directory.organization_id(24) not in ids(get("organizations", per_page=500))
    refused("service", directory.id(24), status=404)
    refused("service_at_location", directory.service_at_location_id(24), status=404)
    refused("organization", directory.organization_id(24), status=404)


# -- filters ---------------------------------------------------------------------------------


def numbers(directory: Directory, page: dict[str, Any]) -> list[int]:
    return [directory.number_of(item_id) for item_id in ids(page)]


def test_services_can_be_searched_in_name_description_and_organization_ignoring_case(directory: Directory) -> None:
    assert numbers(directory, get("services", search="babies")) == [3]
    assert numbers(directory, get("services", search="family HUB")) == [5]
    assert numbers(directory, get("services", search="group 04")) == [4]
    assert numbers(directory, get("services", search="zumba")) == [21, 22, 23]
    assert get("services", search="nothing like this")["total_items"] == 0


def test_services_are_filtered_by_term_taxonomy_organization_and_change_date(directory: Directory) -> None:
    by_term = get("services", taxonomy_term_id=PARENTING, per_page=50)
    assert sorted(numbers(directory, by_term)) == [n for n in PUBLISHED if n % 3 == 0]
    by_taxonomy = get("services", taxonomy_id=TAX_NEEDS, per_page=50)
    assert sorted(numbers(directory, by_taxonomy)) == [n for n in PUBLISHED if n % 3 == 0 or n % 4 == 0]
    assert numbers(directory, get("services", organization_id=directory.organization_id(8))) == [8]
    # "Modified on or after": service 20 changed at exactly that moment.
    recent = get("services", modified_after="2025-01-20T09:00:00Z")
    assert sorted(numbers(directory, recent)) == [20, 21, 22, 23]
    assert get("services", modified_after="2025-01-20T10:00:00+01:00")["total_items"] == 4
    # A "+" left unencoded in a query string arrives as a space; it is read as the "+" it was.
    assert get("services", modified_after="2025-01-20T10:00:00 01:00")["total_items"] == 4
    assert get("services", modified_after="2025-01-22")["total_items"] == 2
    combined = get("services", taxonomy_term_id=UNDER_FIVES, modified_after="2025-01-10T00:00:00Z")
    assert sorted(numbers(directory, combined)) == [10, 15, 20]


def test_services_at_locations_are_filtered_like_services_and_by_location_terms(directory: Directory) -> None:
    def service_numbers(page: dict[str, Any]) -> list[int]:
        return sorted(directory.number_of(item["service_id"]) for item in page["contents"])

    assert service_numbers(get("service_at_locations", search="babies")) == [3]
    assert service_numbers(get("service_at_locations", taxonomy_term_id=UNDER_FIVES)) == [5, 10, 15, 20]
    assert service_numbers(get("service_at_locations", taxonomy_id=TAX_SETTINGS)) == [7]  # the location's term
    assert service_numbers(get("service_at_locations", organization_id=directory.organization_id(9))) == [9]
    assert service_numbers(get("service_at_locations", modified_after="2025-01-22T00:00:00Z")) == [22, 23]


def test_postcode_and_proximity_find_the_nearest_first_and_stop_at_the_distance(directory: Directory) -> None:
    # Service n is n hundredths of a degree (about 1,112 m) north of the postcode.
    near = get("service_at_locations", postcode="nw10 4ab", proximity="5000")
    assert [directory.number_of(item["service_id"]) for item in near["contents"]] == [1, 2, 3, 4]
    assert near["total_items"] == 4
    assert_valid(near, "service_at_location_list.json")
    # Just beyond and just short of service 5.
    to_five = 5 * DEGREE_IN_METRES / 100
    assert get("service_at_locations", postcode="NW10 4AB", proximity=str(to_five + 5))["total_items"] == 5
    assert get("service_at_locations", postcode="NW10 4AB", proximity=str(to_five - 5))["total_items"] == 4
    # Paged, still nearest first; service 6 has no coordinates, so it is never "near".
    second = get("service_at_locations", postcode="NW10 4AB", proximity="9000", per_page=3, page=2)
    assert [directory.number_of(item["service_id"]) for item in second["contents"]] == [4, 5, 7]
    # Other filters still apply.
    filtered = get("service_at_locations", postcode="NW10 4AB", proximity="20000", taxonomy_term_id=PARENTING)
    assert [directory.number_of(item["service_id"]) for item in filtered["contents"]] == [3, 9, 12, 15]


def test_a_postcode_we_cannot_use_is_refused_with_a_reason(directory: Directory) -> None:
    bad = refused("service_at_locations", postcode="hello", proximity="1000")
    assert bad["parameter"] == "postcode"
    assert bad["message"] == "‘hello’ is not a UK postcode. Enter a postcode like NW10 4AB, or a district like NW10."
    unknown = refused("service_at_locations", postcode="ZZ99 9ZZ", proximity="1000")
    assert unknown["message"].startswith("We could not find ‘ZZ99 9ZZ’.")
    assert refused("service_at_locations", postcode="NW10 4AB")["parameter"] == "proximity"
    assert refused("service_at_locations", proximity="1000")["parameter"] == "postcode"
    for distance in ("far", "0", "-5", "nan", "inf"):
        assert refused("service_at_locations", postcode="NW10 4AB", proximity=distance)["parameter"] == "proximity"


def test_taxonomy_terms_can_be_searched_and_filtered(directory: Directory) -> None:
    def names(page: dict[str, Any]) -> list[str]:
        return [item["name"] for item in page["contents"]]

    assert names(get("taxonomy_terms")) == ["Money", "Online", "Parenting", "Sleep", "Under fives"]
    assert names(get("taxonomy_terms", taxonomy_id=TAX_NEEDS)) == ["Money", "Parenting", "Sleep"]
    assert names(get("taxonomy_terms", top_only="true")) == ["Money", "Online", "Parenting", "Under fives"]
    assert names(get("taxonomy_terms", top_only="true", taxonomy_id=TAX_NEEDS)) == ["Money", "Parenting"]
    assert names(get("taxonomy_terms", parent_id=PARENTING)) == ["Sleep"]
    assert names(get("taxonomy_terms", search="FIVES")) == ["Under fives"]
    assert [item["name"] for item in get("taxonomies", search="ages")["contents"]] == ["Ages"]


def test_organizations_can_be_searched(directory: Directory) -> None:
    found = get("organizations", search="family hub")
    assert ids(found) == [directory.organization_id(5)]
    assert "services" not in found["contents"][0]
    full = get("organizations", search="family hub", full="true")["contents"][0]
    assert [service["id"] for service in full["services"]] == [directory.id(5)]


def test_minimal_lists_only_ids_and_change_dates_all_on_one_page(directory: Directory) -> None:
    page = get("services", minimal="true")
    assert (page["total_items"], page["total_pages"], page["size"]) == (23, 1, 23)
    assert page["contents"][0] == {
        "id": directory.id(directory.numbers_in_order()[0]),
        "last_modified": directory.services[directory.numbers_in_order()[0]]["last_modified"],
    }
    assert all(set(item) == {"id", "last_modified"} for item in page["contents"])
    assert get("services", minimal="true", per_page=5, page=2)["size"] == 5
    assert refused("services", minimal="true", full="true")["parameter"] == "minimal"


# -- ndjson ----------------------------------------------------------------------------------


def ndjson(path_name: str, **params: Any) -> list[dict[str, Any]]:
    response = Client().get(reverse(f"oruk:{path_name}"), {"format": "ndjson", **params})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/x-ndjson"
    assert response["Access-Control-Allow-Origin"] == "*"
    text = b"".join(response.streaming_content).decode()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_ndjson_streams_every_matching_record_in_order_without_an_envelope(
    directory: Directory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of two: a chunk boundary falls among the three services that share a name.
    monkeypatch.setattr(oruk_api, "STREAM_CHUNK", 2)
    lines = ndjson("services", per_page=5)
    assert [line["id"] for line in lines] == [directory.id(n) for n in directory.numbers_in_order()]
    assert all("total_items" not in line and "schedules" not in line for line in lines)

    full = ndjson("services", full="true")
    assert len(full) == 23
    for line in full[:3]:
        assert_valid(line, "service.json")
    assert [line["id"] for line in ndjson("services", taxonomy_term_id=UNDER_FIVES)] == [
        directory.id(n) for n in directory.numbers_in_order([5, 10, 15, 20])
    ]
    assert ndjson("services", minimal="true")[0].keys() == {"id", "last_modified"}
    near = ndjson("service_at_locations", postcode="NW10 4AB", proximity="5000")
    assert [directory.number_of(line["service_id"]) for line in near] == [1, 2, 3, 4]
    assert [line["name"] for line in ndjson("taxonomies")] == ["Ages", "Needs", "Settings"]
    assert len(ndjson("taxonomy_terms")) == 5
    assert len(ndjson("organizations", full="true")) == 23


# -- the web: CORS, methods, errors -----------------------------------------------------------

EVERY_ROUTE = [
    ("root", ()),
    ("openapi", ()),
    ("services", ()),
    ("service_at_locations", ()),
    ("taxonomies", ()),
    ("taxonomy_terms", ()),
    ("organizations", ()),
    ("service", ("no-such-service",)),
    ("service_at_location", ("no-such-place",)),
    ("taxonomy", (TAX_NEEDS,)),
    ("taxonomy_term", (SLEEP,)),
    ("organization", ("no-such-organization",)),
    ("unknown", ("nothing/here",)),
]


@pytest.mark.parametrize(("path_name", "args"), EVERY_ROUTE)
def test_every_response_may_be_read_by_any_web_page(directory: Directory, path_name: str, args: tuple[str]) -> None:
    url = reverse(f"oruk:{path_name}", args=args)
    for response in (Client().get(url), Client().get(url, {"page": "abc"}), Client().head(url)):
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.status_code in (200, 400, 404)

    preflight = Client().options(
        url, headers={"Origin": "https://example.org", "Access-Control-Request-Headers": "accept, x-requested-with"}
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert preflight["Access-Control-Allow-Headers"] == "accept, x-requested-with"

    for method in ("post", "put", "patch", "delete"):
        response = getattr(Client(), method)(url)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD, OPTIONS"
        assert response["Access-Control-Allow-Origin"] == "*"
        assert json.loads(response.content)["message"] == f"This API only reads: use GET, not {method.upper()}."


def test_an_unknown_id_is_a_404_that_says_what_was_missing(directory: Directory) -> None:
    assert refused("service", "123", status=404)["message"] == "There is no published service with id ‘123’."
    for path_name, kind in [
        ("service_at_location", "service at location"),
        ("taxonomy", "taxonomy"),
        ("taxonomy_term", "taxonomy term"),
        ("organization", "organization"),
    ]:
        assert refused(path_name, "x", status=404)["message"] == f"There is no published {kind} with id ‘x’."
    lost = refused("unknown", "servics", status=404)
    assert lost["message"] == (
        "There is no /api/oruk/servics. The endpoints are described at http://testserver/api/oruk/openapi.json."
    )


@pytest.mark.parametrize(
    ("path_name", "params", "parameter", "message"),
    [
        ("services", {"page": "abc"}, "page", "page must be a whole number 1 or more, not ‘abc’."),
        ("services", {"page": "0"}, "page", "page must be a whole number 1 or more, not ‘0’."),
        ("services", {"page": "9" * 5000}, "page", f"page must be a whole number 1 or more, not ‘{'9' * 59}…’."),
        ("services", {"per_page": "0"}, "per_page", "per_page must be a whole number from 1 to 500, not ‘0’."),
        ("services", {"per_page": "501"}, "per_page", "per_page must be a whole number from 1 to 500, not ‘501’."),
        ("taxonomies", {"per_page": "-1"}, "per_page", "per_page must be a whole number from 1 to 500, not ‘-1’."),
        (
            "services",
            {"modified_after": "notadate"},
            "modified_after",
            "modified_after must be a date and time like 2025-09-01T09:30:00Z (or a date like 2025-09-01), "
            "not ‘notadate’.",
        ),
        (
            "services",
            {"modified_after": "0001-01-01T00:00:00+01:00"},
            "modified_after",
            "modified_after must be a date and time like 2025-09-01T09:30:00Z (or a date like 2025-09-01), "
            "not ‘0001-01-01T00:00:00+01:00’.",
        ),
        ("services", {"full": "maybe"}, "full", "full must be true or false, not ‘maybe’."),
        ("taxonomy_terms", {"top_only": "2"}, "top_only", "top_only must be true or false, not ‘2’."),
        ("organizations", {"format": "xml"}, "format", "format must be json or ndjson, not ‘xml’."),
        ("services", {"search": "x" * 201}, "search", "search must be at most 200 characters."),
    ],
)
def test_a_parameter_we_cannot_use_is_a_400_naming_it(
    directory: Directory, path_name: str, params: dict[str, Any], parameter: str, message: str
) -> None:
    assert refused(path_name, **params) == {"status": 400, "parameter": parameter, "message": message}


def test_anyone_may_read_it_signed_in_or_not(directory: Directory) -> None:
    """The sign-in middleware lets /api/ through; these views ask nothing of the session."""
    response = Client().get(reverse("oruk:services"))
    assert response.status_code == 200
    assert json.loads(response.content)["total_items"] == 23


# -- cost ------------------------------------------------------------------------------------

# Queries per page: COUNT, a page of ids, then the records (and, when nested, one query per
# kind of part and one for every attribute on the page), whatever the page size.
BUDGETS = [
    ("services", {}, 3),
    ("services", {"full": "true"}, 16),
    ("services", {"minimal": "true"}, 2),
    ("service_at_locations", {}, 3),
    ("service_at_locations", {"full": "true"}, 17),
    ("service_at_locations", {"postcode": "NW10 4AB", "proximity": "50000"}, 3),
    ("organizations", {}, 3),
    ("organizations", {"full": "true"}, 6),
    ("organizations", {"full_service": "true"}, 19),
    ("taxonomies", {}, 3),
    ("taxonomy_terms", {}, 3),
]


@pytest.mark.parametrize(("path_name", "params", "budget"), BUDGETS)
def test_a_page_costs_a_fixed_number_of_queries(
    directory: Directory,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    path_name: str,
    params: dict[str, str],
    budget: int,
) -> None:
    with django_assert_max_num_queries(budget) as big_page:
        big = get(path_name, **params, per_page=50)
    with django_assert_max_num_queries(budget) as small_page:
        small = get(path_name, **params, per_page=2)
    assert big["size"] >= 3
    assert small["size"] == 2
    # No query per record: a page of two costs what a page of fifty does.
    assert len(small_page) == len(big_page)


def test_a_record_costs_a_fixed_number_of_queries(
    directory: Directory, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_max_num_queries(14):
        get("service", directory.id(7))
    with django_assert_max_num_queries(16):
        get("service_at_location", directory.service_at_location_id(7))
    with django_assert_max_num_queries(6):
        get("organization", directory.organization_id(1))
    with django_assert_max_num_queries(2):
        get("taxonomy", TAX_NEEDS)


def test_the_time_of_a_change_is_kept_to_the_millisecond(directory: Directory) -> None:
    Service.objects.filter(id=directory.id(2)).update(last_modified=datetime(2025, 3, 1, 12, 0, 0, 123000, tzinfo=UTC))
    assert get("service", directory.id(2))["last_modified"] == "2025-03-01T12:00:00.123Z"
    assert get("services", minimal="true", search="group 02")["contents"][0]["last_modified"] == (
        "2025-03-01T12:00:00.123Z"
    )
