"""The synthetic demo data: the same seed gives the same data, and the data hangs together."""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError

from joinedup.accounts.models import Area, Membership, Organisation, Role, User
from joinedup.cases.models import Child, Family, FamilyMember
from joinedup.core.models import Job
from joinedup.demo.generator import (
    CASELOAD,
    DEMO_PASSWORD,
    REFERENCE_DATE,
    DemoData,
    DemoDataConflict,
    demo_data_build,
    demo_data_load,
    demo_logins,
)
from joinedup.demo.names import BOROUGHS
from tests.factories import OrganisationFactory, UserFactory

POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")
DISTRICTS_CSV = Path("/work/shared/data/postcode_districts.csv")
DISTRICTS_BY_BOROUGH = {borough.name: set(borough.districts) for borough in BOROUGHS}


@pytest.fixture(scope="module")
def data() -> DemoData:
    return demo_data_build(seed=2026, children=400)


@pytest.fixture
def loaded(db: None) -> DemoData:
    data = demo_data_build(seed=11, children=200)
    demo_data_load(data)
    return data


def _district(postcode: str) -> str:
    return postcode.split(" ")[0]


def _year_group(born: date) -> int:
    """Year group in the school year starting on the reference date (Reception is 0)."""
    school_year_of_birth = born.year if born.month >= 9 else born.year - 1
    return REFERENCE_DATE.year - 5 - school_year_of_birth


# --- The pure build --------------------------------------------------------


def test_same_seed_gives_identical_rows() -> None:
    assert demo_data_build(seed=7, children=300) == demo_data_build(seed=7, children=300)


def test_another_seed_gives_other_children() -> None:
    first, second = demo_data_build(seed=7, children=300), demo_data_build(seed=8, children=300)
    assert [c for _, c in first.children()] != [c for _, c in second.children()]


def test_schools_and_streets_do_not_move_when_the_number_of_children_changes() -> None:
    small, large = demo_data_build(seed=7, children=50), demo_data_build(seed=7, children=500)
    assert small.organisations == large.organisations


def test_exactly_the_children_asked_for_in_households_of_one_to_three(data: DemoData) -> None:
    assert data.child_count == 400
    assert {len(family.children) for family in data.families} <= {1, 2, 3}


def test_at_least_one_child_is_needed() -> None:
    with pytest.raises(ValueError, match="at least one child"):
        demo_data_build(seed=1, children=0)


def test_ages_and_school_phase_match(data: DemoData) -> None:
    schools = {org.name: org for org in data.organisations}
    for _, child in data.children():
        assert 4 <= child.age_on(REFERENCE_DATE) <= 14, child
        phase = schools[child.school].school_phase
        assert (_year_group(child.date_of_birth) <= 6) == (phase == Organisation.SchoolPhase.PRIMARY), child


def test_every_postcode_is_valid_and_in_its_borough(data: DemoData) -> None:
    for family in data.families:
        assert POSTCODE.match(family.postcode), family.postcode
        assert _district(family.postcode) in DISTRICTS_BY_BOROUGH[family.area], family
    for org in data.organisations:
        assert POSTCODE.match(org.postcode), org
        if org.kind == Organisation.Kind.SCHOOL:
            assert _district(org.postcode) in DISTRICTS_BY_BOROUGH[org.areas[0]], org


def test_every_district_used_is_a_real_postcode_district(data: DemoData) -> None:
    if not DISTRICTS_CSV.exists():
        pytest.skip(f"{DISTRICTS_CSV} is not on this machine")
    with DISTRICTS_CSV.open(newline="") as handle:
        real = {row["district"] for row in csv.DictReader(handle)}
    used = {_district(f.postcode) for f in data.families} | {_district(o.postcode) for o in data.organisations}
    used |= {district for borough in BOROUGHS for district in borough.districts}
    assert used <= real, sorted(used - real)


def test_school_urns_are_synthetic_and_unique(data: DemoData) -> None:
    urns = [org.urn for org in data.organisations if org.kind == Organisation.Kind.SCHOOL]
    assert len(urns) == 40
    assert len(set(urns)) == len(urns)
    assert all(urn is not None and re.fullmatch(r"9\d{5}", urn) for urn in urns)
    assert all(org.urn is None for org in data.organisations if org.kind != Organisation.Kind.SCHOOL)


def test_contact_details_are_in_reserved_ranges(data: DemoData) -> None:
    for family in data.families:
        for adult in family.adults:
            assert adult.phone == "" or adult.phone.startswith(("07700 900", "020 7946 0")), adult
            assert adult.email == "" or adult.email.endswith(("@example.org", "@example.com")), adult


def test_every_household_has_an_adult_with_parental_responsibility(data: DemoData) -> None:
    for family in data.families:
        assert any(adult.parental_responsibility for adult in family.adults), family


def test_every_membership_is_in_a_borough_its_organisation_works_in(data: DemoData) -> None:
    organisations = {org.name: org for org in data.organisations}
    for user in data.users:
        for membership in user.memberships:
            assert membership.area in organisations[membership.organisation].areas, (user.email, membership)


def test_link_workers_are_local_and_caseloads_are_bounded(data: DemoData) -> None:
    link_worker_area = {
        user.email: m.area for user in data.users for m in user.memberships if m.role == Role.LINK_WORKER
    }
    caseloads: dict[str, int] = defaultdict(int)
    for family, child in data.children():
        if child.link_worker is not None:
            assert link_worker_area[child.link_worker] == family.area
            caseloads[child.link_worker] += 1
    assert max(caseloads.values()) <= CASELOAD
    assigned = sum(caseloads.values())
    assert 0.8 * data.child_count <= assigned < data.child_count  # most, not all


def test_demo_logins_cover_every_role_once() -> None:
    labels = [label for label, _ in demo_logins()]
    assert sorted(labels) == sorted(str(role.label) for role in Role)
    assert all(email.endswith("@demo.joinedup.test") for _, email in demo_logins())


# --- Loaded into the database ----------------------------------------------


def test_load_writes_every_row(loaded: DemoData) -> None:
    assert Area.objects.count() == 4
    assert Organisation.objects.count() == len(loaded.organisations)
    assert User.objects.count() == len(loaded.users)
    assert Family.objects.count() == len(loaded.families)
    assert FamilyMember.objects.count() == sum(len(f.adults) for f in loaded.families)
    assert Child.objects.count() == 200
    programme = Organisation.objects.get(kind=Organisation.Kind.PROGRAMME)
    assert not Child.objects.exclude(programme_organisation=programme).exists()


def test_every_role_has_a_user(loaded: DemoData) -> None:
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)


def test_headline_logins_sign_in_with_the_demo_password(loaded: DemoData) -> None:
    for label, email in demo_logins():
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        assert {str(m.get_role_display()) for m in user.memberships.all()} == {label}


def test_headline_link_worker_has_children(loaded: DemoData) -> None:
    link_worker = User.objects.get(email="linkworker@demo.joinedup.test")
    children = Child.objects.filter(link_worker=link_worker)
    assert children.exists()
    assert set(children.values_list("area__name", flat=True)) == {"Brent"}


def test_siblings_share_surname_address_and_postcode(loaded: DemoData) -> None:
    for family in Family.objects.prefetch_related("children"):
        children = list(family.children.all())
        assert children, family
        assert {child.surname for child in children} == {family.family_name}
        assert {child.home_postcode for child in children} == {family.postcode}
        assert {child.area_id for child in children} == {family.area_id}


def test_each_school_is_in_one_borough_and_pupils_live_there(loaded: DemoData) -> None:
    for school in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL).prefetch_related("areas"):
        assert len(school.areas.all()) == 1, school
    for child in Child.objects.select_related("school").prefetch_related("school__areas"):
        assert [area.pk for area in child.school.areas.all()] == [child.area_id], child


def test_the_load_leaves_a_marker_with_the_seed(loaded: DemoData) -> None:
    marker = Job.objects.get(kind="demo.seed")
    assert marker.result["seed"] == 11
    assert marker.result["children"] == 200


def test_a_clash_leaves_nothing_behind(db: None) -> None:
    UserFactory.create(email="manager@demo.joinedup.test")
    with pytest.raises(DemoDataConflict, match=re.escape("manager@demo.joinedup.test")):
        demo_data_load(demo_data_build(seed=3, children=20))
    assert not Organisation.objects.exists()
    assert not Child.objects.exists()


# --- The command -----------------------------------------------------------


def _seed_demo(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_twice_does_not_duplicate(db: None) -> None:
    first = _seed_demo("--children", "200", "--seed", "5")
    assert "200 children" in first
    counts = (Organisation.objects.count(), User.objects.count(), Family.objects.count(), Child.objects.count())

    again = _seed_demo("--children", "200", "--seed", "5")
    assert "already loaded (seed 5, 200 children)" in again
    other_seed = _seed_demo("--children", "200", "--seed", "6")
    assert "already loaded" in other_seed
    assert "start from an empty database" in other_seed
    assert counts == (Organisation.objects.count(), User.objects.count(), Family.objects.count(), Child.objects.count())


def test_seed_demo_will_not_mix_demo_children_into_other_data_without_force(db: None) -> None:
    OrganisationFactory.create(name="A real programme")
    with pytest.raises(CommandError, match="not demo data"):
        _seed_demo("--children", "20")
    assert not Child.objects.exists()

    assert "20 children" in _seed_demo("--children", "20", "--force")
    assert Child.objects.count() == 20
