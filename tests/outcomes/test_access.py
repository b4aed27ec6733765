"""Who is refused the outcomes pages, and what a refusal leaves: the child's outcomes are behind the child's gate
(audited on every view, "not found" to everyone else), and a borough's figures and contracts stay in the borough.
The full route x role x scope matrix is in tests/test_permission_matrix.py."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.test import Client

from joinedup.accounts.models import Organisation, Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Referral
from joinedup.directory.models import Service
from joinedup.outcomes.models import Measurement
from tests.factories import MembershipFactory, verified_login
from tests.outcomes.conftest import Programme


def child_url(programme: Programme) -> str:
    return f"/outcomes/children/{programme.child.pk}/"


def views_of(programme: Programme) -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(action="view", record_type="child", child_id=programme.child.pk)
        .order_by("seq")
        .values_list("role", "purpose")
    )


def refer_to_partner(programme: Programme) -> None:
    """The child is working with the borough's delivery partner: its practitioner has a reason to see the referral,
    and still none to see the child's outcomes."""
    partner = Organisation.objects.get(name="Counselling Partner")
    Referral.objects.create(
        enrolment=programme.enrolment,
        service=Service.objects.create(id=str(uuid.uuid4()), name="Counselling", area=programme.world.area),
        partner_organisation=partner,
        status=Referral.Status.STARTED,
        reason="Worries.",
        shared=["child"],
        sent_on=dt.date(2025, 10, 1),
    )


@pytest.mark.parametrize(
    "role", [Role.DELIVERY_PRACTITIONER, Role.PARTNER_PROFESSIONAL, Role.COMMISSIONER, Role.ADMINISTRATOR]
)
def test_those_who_may_not_open_the_childs_record_get_not_found(programme: Programme, role: Role) -> None:
    refer_to_partner(programme)
    client = programme.client(role)
    before = Measurement.objects.count()
    assert client.get(child_url(programme)).status_code == 404
    posted = client.post(
        child_url(programme),
        {"measure": programme.measures["attendance"].pk, "value": "95", "taken_on": "1/6/2026", "occasion": "review"},
    )
    assert posted.status_code == 404
    # The same answer as for a child who does not exist.
    assert client.get("/outcomes/children/999999/").status_code == 404
    assert Measurement.objects.count() == before
    assert views_of(programme) == []


def test_a_missing_child_and_a_forbidden_one_look_alike(programme: Programme) -> None:
    client = programme.client(Role.LINK_WORKER)
    other = programme.world.children["other_org"]
    forbidden = client.get(f"/outcomes/children/{other.pk}/")
    missing = client.get("/outcomes/children/999999/")
    assert forbidden.status_code == missing.status_code == 404
    # The same page but for the per-request nonce and form token: nothing says the child exists.
    varying = re.compile(rb'(nonce|value)="[^"]*"')
    assert varying.sub(b"", forbidden.content) == varying.sub(b"", missing.content)
    assert other.forenames not in forbidden.content.decode()


def test_every_view_of_the_childs_outcomes_is_audited_with_its_purpose(programme: Programme) -> None:
    for role in (Role.LINK_WORKER, Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF):
        assert programme.client(role).get(child_url(programme)).status_code == 200
    assert views_of(programme) == [
        ("link_worker", "case_work"),
        ("link_worker", "case_work"),
        ("team_manager", "oversight"),
        ("data_lead", "data_management"),
        ("school_staff", "school_review"),
    ]


def test_recording_a_reading_is_audited_as_a_view_and_a_change(programme: Programme) -> None:
    programme.client(Role.LINK_WORKER).post(
        child_url(programme),
        {"measure": programme.measures["attendance"].pk, "value": "95", "taken_on": "1/6/2026", "occasion": "review"},
    )
    actions = list(
        AuditEvent.objects.filter(child_id=programme.child.pk).order_by("seq").values_list("action", "record_type")
    )
    assert actions[-2:] == [("view", "child"), ("create", "measurement")]


@pytest.mark.parametrize("scope", ["other_org", "other_area"])
@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF])
def test_another_programmes_or_boroughs_child_is_not_found(programme: Programme, role: Role, scope: str) -> None:
    child = programme.world.children[scope]
    assert programme.client(role).get(f"/outcomes/children/{child.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="view", child_id=child.pk).exists()


def test_a_reading_is_removed_only_by_those_who_record_for_that_child(programme: Programme) -> None:
    reading = Measurement.objects.filter(child=programme.child).first()
    assert reading is not None
    url = f"/outcomes/measurements/{reading.pk}/remove/"
    other_user = programme.world.children["other_org"].link_worker
    assert other_user is not None
    other_worker = Client()
    verified_login(other_worker, other_user)
    for client in (
        programme.client(Role.SCHOOL_STAFF),
        programme.client(Role.COMMISSIONER),
        programme.client(Role.DELIVERY_PRACTITIONER),
        other_worker,
    ):
        assert client.post(url).status_code in (403, 404)
    assert Measurement.objects.filter(pk=reading.pk).exists()
    # Removing is a change made with a form: never by following a link.
    assert programme.client(Role.LINK_WORKER).get(url).status_code == 405
    assert Measurement.objects.filter(pk=reading.pk).exists()


def test_another_boroughs_commissioner_sees_nothing_of_this_borough(programme: Programme) -> None:
    far = MembershipFactory.create(
        organisation=programme.world.programme, area=programme.world.other_area, role=Role.COMMISSIONER
    )
    client = Client()
    verified_login(client, far.user)
    contract = programme.contract
    assert client.get(f"/outcomes/contracts/{contract.pk}/").status_code == 404
    assert client.get(f"/outcomes/contracts/{contract.pk}/claims/2025-09-01/").status_code == 404
    assert client.get(f"/outcomes/contracts/{contract.pk}/claims/2025-09-01/?format=csv").status_code == 404
    home = client.get("/outcomes/").content.decode()
    assert contract.name not in home
    impact = client.get("/outcomes/impact/").content.decode()
    assert "Harrow Road Primary" not in impact
    assert "Westminster" in impact


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.SCHOOL_STAFF, Role.DELIVERY_PRACTITIONER])
def test_the_borough_figures_are_not_for_case_workers_or_partners(programme: Programme, role: Role) -> None:
    client = programme.client(role)
    for url in (
        "/outcomes/",
        "/outcomes/impact/",
        "/outcomes/impact/?format=csv",
        f"/outcomes/contracts/{programme.contract.pk}/",
        f"/outcomes/contracts/{programme.contract.pk}/claims/2025-09-01/?format=csv",
    ):
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.COMMISSIONER])
def test_only_the_data_lead_changes_measures_contracts_and_rates(programme: Programme, role: Role) -> None:
    client = programme.client(role)
    contract = programme.contract
    rate = contract.rates.get(event="sign_up")
    attendance = programme.measures["attendance"]
    for url in (
        f"/outcomes/measures/{attendance.pk}/",
        "/outcomes/measures/new/",
        "/outcomes/school-data/",
        "/outcomes/contracts/new/",
        f"/outcomes/contracts/{contract.pk}/edit/",
        f"/outcomes/contracts/{contract.pk}/rates/new/",
        f"/outcomes/contracts/{contract.pk}/rates/{rate.pk}/",
        f"/outcomes/contracts/{contract.pk}/rates/{rate.pk}/remove/",
    ):
        assert client.post(url, {"name": "Taken over", "threshold": "1", "price": "1"}).status_code == 403, url
    attendance.refresh_from_db()
    contract.refresh_from_db()
    rate.refresh_from_db()
    assert (attendance.threshold, contract.name, str(rate.price)) == (90, "Brent Life Chances", "500.00")


def test_a_claim_names_no_child_of_the_borough(programme: Programme) -> None:
    names = [child.forenames for child in programme.world.children.values()]
    for role in (Role.TEAM_MANAGER, Role.DATA_LEAD, Role.COMMISSIONER):
        client = programme.client(role)
        for url in (
            f"/outcomes/contracts/{programme.contract.pk}/claims/{slug}/" for slug in ("2025-09-01", "2026-01-01")
        ):
            for content in (client.get(url).content.decode(), client.get(f"{url}?format=csv").content.decode()):
                assert not any(name in content for name in names)
