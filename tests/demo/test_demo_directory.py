"""The demo service directory: the same seed gives the same feeds, the feeds are valid ORUK, and they load once."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, time
from io import StringIO

import pytest
from django.core.management import call_command

from joinedup.accounts.models import Organisation
from joinedup.core.domains import NeedDomain
from joinedup.demo.directory import (
    DEMO_FEED_PREFIX,
    SERVICES_PER_BOROUGH,
    DemoDirectory,
    demo_directory_build,
    demo_directory_load,
    demo_directory_loaded,
    district_centres,
)
from joinedup.demo.directory_catalogue import KINDS, PROGRAMMES
from joinedup.demo.generator import DemoData, demo_data_build, demo_data_load
from joinedup.demo.names import BOROUGHS
from joinedup.directory.models import (
    DirectoryFeed,
    DirectoryImport,
    EvidenceLevel,
    SearchEntry,
    Service,
    ServiceProfile,
)
from joinedup.directory.oruk import BundleReader

AS_OF = date(2026, 11, 1)
DISTRICTS_BY_BOROUGH = {borough.name: set(borough.districts) for borough in BOROUGHS}
# Greater London, generously: every demo venue must fall inside.
LONDON = {"latitude": (51.28, 51.70), "longitude": (-0.51, 0.34)}


@pytest.fixture(scope="module")
def data() -> DemoData:
    return demo_data_build(seed=2026, children=1)


@pytest.fixture(scope="module")
def directory(data: DemoData) -> DemoDirectory:
    return demo_directory_build(data, as_of=AS_OF)


def _locations(service: dict) -> list[dict]:
    return [at["location"] for at in service["service_at_locations"]]


# --- The pure build --------------------------------------------------------


def test_same_seed_gives_identical_directory(data: DemoData, directory: DemoDirectory) -> None:
    assert demo_directory_build(data, as_of=AS_OF) == directory


def test_another_seed_gives_another_directory(directory: DemoDirectory) -> None:
    other = demo_directory_build(demo_data_build(seed=7, children=1), as_of=AS_OF)
    assert [s["name"] for _, s in other.services()] != [s["name"] for _, s in directory.services()]


def test_each_borough_has_its_share_of_services_with_unique_ids(directory: DemoDirectory) -> None:
    assert {b.area: len(b.services) for b in directory.boroughs} == {b.name: SERVICES_PER_BOROUGH for b in BOROUGHS}
    assert directory.service_count == 1500
    ids = [service["id"] for _, service in directory.services()]
    assert len(set(ids)) == len(ids)
    assert [row.service_id for row in directory.profiles()] == ids


def test_a_smaller_directory_keeps_the_councils_own_services(data: DemoData) -> None:
    small = demo_directory_build(data, as_of=AS_OF, per_borough=100)
    assert {len(b.services) for b in small.boroughs} == {100}
    names = {s["name"] for _, s in small.services()}
    assert "Child and Adolescent Mental Health Service (CAMHS)" in names
    with pytest.raises(ValueError, match="at least"):
        demo_directory_build(data, per_borough=10)


def test_every_feed_reads_with_no_problems(directory: DemoDirectory) -> None:
    for borough in directory.boroughs:
        reader = BundleReader(namespace=borough.area)
        reader.taxonomy(directory.taxonomy)
        for service in borough.services:
            reader.service(service)
        reader.check_references(set())
        assert reader.bundle.problems == [], (borough.area, reader.bundle.problems[:5])


def test_services_have_the_standard_shape_and_plain_details(directory: DemoDirectory) -> None:
    for _, service in directory.services():
        assert service["status"] in {"active", "temporarily closed"}
        for part in ("description", "eligibility_description", "application_process", "fees_description"):
            assert service[part].strip(), (service["name"], part)
        assert "{" not in service["description"] + service["eligibility_description"], service["name"]
        assert service["organization"]["name"]
        assert service["attributes"][0]["taxonomy_term"]["taxonomy"] == "Joinedup service types"
        low, high = service.get("minimum_age"), service.get("maximum_age")
        assert low is None or high is None or low <= high, service["name"]
        for schedule in service["schedules"]:
            assert time.fromisoformat(schedule["opens_at"]) < time.fromisoformat(schedule["closes_at"])
            assert schedule["description"].endswith(".")


def test_the_mix_looks_like_a_london_borough(directory: DemoDirectory) -> None:
    for borough in directory.boroughs:
        names = " ".join(s["name"] for s in borough.services)
        for expected in ("Family Hub", "CAMHS", "Holiday", "Food bank", "Homework club", "School nursing"):
            assert expected in names, (borough.area, expected)
        terms = Counter(s["attributes"][0]["taxonomy_term"]["code"] for s in borough.services)
        assert len(terms) >= 25, terms
    services = [s for _, s in directory.services()]
    free = sum(1 for s in services if not any(option["amount"] for option in s["cost_options"]))
    assert 0.75 < free / len(services) < 0.97
    remote = sum(1 for s in services if not any(loc.get("latitude") for loc in _locations(s)))
    assert 0.03 < remote / len(services) < 0.15


def test_contact_details_are_in_reserved_ranges(directory: DemoDirectory) -> None:
    for _, service in directory.services():
        assert service["email"].endswith(".example.org")
        for contact in service["contacts"]:
            for phone in contact["phones"]:
                assert re.fullmatch(r"020 7946 0\d{3}", phone["number"]), phone


def test_languages_are_english_first_with_iso_codes(directory: DemoDirectory) -> None:
    seen: set[str] = set()
    for _, service in directory.services():
        codes = [language["code"] for language in service["languages"]]
        assert codes[0] == "en"
        assert all(re.fullmatch(r"[a-z]{2}", code) for code in codes)
        seen.update(codes)
    assert {"ar", "so", "pl", "pt", "es", "gu", "ti", "ro", "bn", "ur"} <= seen


def test_places_are_real_districts_inside_london_near_their_centres(directory: DemoDirectory) -> None:
    centres = district_centres()
    for area, service in directory.services():
        for location in _locations(service):
            if location["location_type"] == "virtual":
                assert "latitude" not in location
                continue
            lat, lon = location["latitude"], location["longitude"]
            assert LONDON["latitude"][0] < lat < LONDON["latitude"][1], location
            assert LONDON["longitude"][0] < lon < LONDON["longitude"][1], location
            district = location["addresses"][0]["postal_code"].split(" ")[0]
            assert district in DISTRICTS_BY_BOROUGH[area], (area, location["addresses"])
            centre = centres[district]
            # Within about 1 km of the district's centre.
            assert abs(lat - centre.latitude) < 0.01, location
            assert abs(lon - centre.longitude) < 0.015, location


def test_need_domains_are_ones_the_rest_of_joinedup_knows(directory: DemoDirectory) -> None:
    known = set(NeedDomain.values)
    for row in directory.profiles():
        assert row.need_domains, row
        assert set(row.need_domains) <= known, row
    for kind in KINDS.values():
        assert set(kind.domains) <= known, kind.key


def test_delivery_partner_services_point_at_delivery_partners(data: DemoData, directory: DemoDirectory) -> None:
    partners = {org.name: org for org in data.organisations if org.kind == Organisation.Kind.DELIVERY_PARTNER}
    offered: set[tuple[str, str]] = set()
    for borough in directory.boroughs:
        for service, row in zip(borough.services, borough.profiles, strict=True):
            assert row.is_delivery_partner == (row.delivery_partner is not None)
            if row.delivery_partner:
                partner = partners[row.delivery_partner]
                assert borough.area in partner.areas
                assert service["organization"]["name"] == partner.name
                assert set(row.works_in_areas) == set(partner.areas)
                offered.add((row.delivery_partner, borough.area))
    assert offered == {(name, area) for name, org in partners.items() for area in org.areas}


def test_evidence_at_every_level_mostly_not_assessed(directory: DemoDirectory) -> None:
    rows = list(directory.profiles())
    levels = Counter(row.evidence_level for row in rows)
    assert set(levels) == set(EvidenceLevel.values)
    assert levels[""] > 0.8 * len(rows)
    assert levels["2"] > levels["3"] > levels["4"] >= 4
    assert levels["NL2"] <= 12
    assert levels["NE"] <= 6
    guidebook = {programme.url: programme for programme in PROGRAMMES.values()}
    for row in rows:
        if row.evidence_level:
            assert guidebook[row.evidence_source_url].level == row.evidence_level
            assert row.evidence_rated_on is not None
        else:
            assert (row.evidence_source_url, row.evidence_rated_on) == ("", None)


def test_school_based_services_name_schools_in_their_borough(data: DemoData, directory: DemoDirectory) -> None:
    schools = {org.name: org.areas[0] for org in data.organisations if org.kind == Organisation.Kind.SCHOOL}
    with_schools = 0
    for borough in directory.boroughs:
        for service, row in zip(borough.services, borough.profiles, strict=True):
            if row.works_with_schools:
                with_schools += 1
                assert 2 <= len(row.works_with_schools) <= 4
                assert {schools[name] for name in row.works_with_schools} == {borough.area}
                assert {loc["name"] for loc in _locations(service)} == set(row.works_with_schools)
    assert with_schools >= 40


def test_most_services_were_verified_in_the_past_year(directory: DemoDirectory) -> None:
    rows = list(directory.profiles())
    recent = [row for row in rows if row.last_verified_at and (AS_OF - row.last_verified_at.date()).days <= 365]
    assert 0.7 < len(recent) / len(rows) < 0.9
    assert all(row.last_verified_by for row in rows if row.last_verified_at)
    assert all(row.last_verified_at is None or row.last_verified_at.date() < AS_OF for row in rows)


# --- Loading ---------------------------------------------------------------


@pytest.fixture
def small(db: None) -> DemoDirectory:
    data = demo_data_build(seed=11, children=20)
    demo_data_load(data)
    return demo_directory_build(data, as_of=AS_OF, per_borough=90)


def test_load_goes_through_a_feed_per_borough(small: DemoDirectory) -> None:
    summary = demo_directory_load(small)

    assert summary.services == Service.objects.count() == 360
    assert summary.services_by_area == {b.name: 90 for b in BOROUGHS}
    feeds = DirectoryFeed.objects.filter(kind=DirectoryFeed.Kind.GENERATED)
    assert sorted(feeds.values_list("source", flat=True)) == sorted(DEMO_FEED_PREFIX + b.name for b in BOROUGHS)
    assert DirectoryImport.objects.filter(status=DirectoryImport.Status.SUCCEEDED).count() == 4
    for feed in feeds:
        assert Service.objects.filter(feed=feed, area=feed.area).count() == 90
    assert demo_directory_loaded()


def test_load_writes_profiles_and_indexes_them(small: DemoDirectory) -> None:
    summary = demo_directory_load(small)

    assert summary.profiles == ServiceProfile.objects.count() == 360
    partner_profiles = ServiceProfile.objects.filter(is_delivery_partner=True).select_related("delivery_partner")
    assert partner_profiles.exists()
    assert {p.delivery_partner.kind for p in partner_profiles} == {Organisation.Kind.DELIVERY_PARTNER}
    assert ServiceProfile.objects.filter(works_with_schools__isnull=False).exists()
    assert ServiceProfile.objects.filter(last_verified_by__isnull=False).exists()
    active = Service.objects.filter(status=Service.Status.ACTIVE).count()
    indexed = SearchEntry.objects.values("service_id").distinct().count()
    assert indexed == active
    # The index was built with the profiles in place: need domains and partners are searchable.
    assert not SearchEntry.objects.filter(need_mask=0).exists()
    assert SearchEntry.objects.filter(is_delivery_partner=True).exists()
    assert summary.search_entries == SearchEntry.objects.count()


def test_loading_again_changes_nothing_and_keeps_local_edits(small: DemoDirectory) -> None:
    demo_directory_load(small)
    edited = ServiceProfile.objects.order_by("pk").first()
    assert edited is not None
    edited.local_notes = "Edited in the demo"
    edited.save()
    counts = (Service.objects.count(), ServiceProfile.objects.count(), SearchEntry.objects.count())

    again = demo_directory_load(small)

    assert again.profiles == 0
    assert counts == (Service.objects.count(), ServiceProfile.objects.count(), SearchEntry.objects.count())
    assert DirectoryImport.objects.order_by("-pk").first().unchanged == 90
    edited.refresh_from_db()
    assert edited.local_notes == "Edited in the demo"


def test_load_needs_the_boroughs_first(db: None, directory: DemoDirectory) -> None:
    with pytest.raises(ValueError, match="load the demo data before its directory"):
        demo_directory_load(directory)
    assert not Service.objects.exists()
    assert not ServiceProfile.objects.exists()


# --- The command -----------------------------------------------------------


def _seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_loads_the_directory_once(db: None) -> None:
    first = _seed_demo("--children", "30", "--seed", "5")
    assert "1,500 services in the directory" in first
    counts = (Service.objects.count(), ServiceProfile.objects.count(), SearchEntry.objects.count())
    assert counts[:2] == (1500, 1500)

    again = _seed_demo("--children", "30", "--seed", "5")

    assert "already loaded" in again
    assert "directory" not in again
    assert counts == (Service.objects.count(), ServiceProfile.objects.count(), SearchEntry.objects.count())
    assert DirectoryFeed.objects.count() == 4


def test_seed_demo_adds_the_directory_to_a_demo_loaded_without_one(db: None) -> None:
    demo_data_load(demo_data_build(seed=5, children=30))
    assert not demo_directory_loaded()

    out = _seed_demo("--children", "30", "--seed", "5")

    assert "Adding the demo service directory" in out
    assert Service.objects.count() == 1500
    assert ServiceProfile.objects.filter(is_delivery_partner=True, delivery_partner__isnull=False).exists()
