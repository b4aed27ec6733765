from __future__ import annotations

import pytest
from django.http import Http404
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.access import Purpose, access_child, children_visible_to
from tests.conftest import World
from tests.factories import ChildFactory


def test_link_worker_sees_only_assigned_children(world: World) -> None:
    actor = world.members[Role.LINK_WORKER]
    unassigned = ChildFactory(area=world.area, school=world.school, programme_organisation=world.programme)
    assert list(children_visible_to(actor)) == [world.children["own"]]
    with pytest.raises(Http404):
        access_child(actor, unassigned.pk)


def test_missing_and_forbidden_children_look_the_same(world: World) -> None:
    actor = world.members[Role.LINK_WORKER]
    with pytest.raises(Http404) as missing:
        access_child(actor, 999_999)
    with pytest.raises(Http404) as forbidden:
        access_child(actor, world.children["other_area"].pk)
    assert str(missing.value) == str(forbidden.value)


def test_refusal_writes_no_view_event(world: World) -> None:
    with pytest.raises(Http404):
        access_child(world.members[Role.LINK_WORKER], world.children["other_org"].pk)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "purpose", "allowed"),
    [
        (Role.LINK_WORKER, Purpose.CASE_WORK, True),
        (Role.LINK_WORKER, Purpose.DATA_MANAGEMENT, False),
        (Role.TEAM_MANAGER, Purpose.OVERSIGHT, True),
        (Role.SCHOOL_STAFF, Purpose.SCHOOL_REVIEW, True),
        (Role.SCHOOL_STAFF, Purpose.CASE_WORK, False),
        (Role.DATA_LEAD, Purpose.DATA_MANAGEMENT, True),
        (Role.COMMISSIONER, Purpose.OVERSIGHT, False),
        (Role.ADMINISTRATOR, Purpose.OVERSIGHT, False),
    ],
)
def test_purpose_must_fit_the_role(world: World, role: Role, purpose: str, allowed: bool) -> None:
    actor = world.members[role]
    child = world.children["own"]
    if allowed:
        assert access_child(actor, child.pk, purpose=purpose) == child
        assert AuditEvent.objects.get().purpose == purpose
    else:
        with pytest.raises(Http404):
            access_child(actor, child.pk, purpose=purpose)


def test_inactive_membership_and_archived_child_are_refused(world: World) -> None:
    actor = world.members[Role.TEAM_MANAGER]
    child = world.children["own"]
    child.archived_at = timezone.now()
    child.archived_reason = "Left the programme"
    child.save()
    with pytest.raises(Http404):
        access_child(actor, child.pk)
    child.archived_at = None
    child.save()
    actor.is_active = False
    actor.save()
    with pytest.raises(Http404):
        access_child(actor, child.pk)


def test_child_page_is_audited_with_the_request_id(world: World) -> None:
    response = world.client_for(Role.LINK_WORKER).get(f"/children/{world.children['own'].pk}/")
    assert response.status_code == 200
    assert "Amara" in response.text
    event = AuditEvent.objects.get(record_type="child")
    assert event.request_id == response["X-Request-ID"]


def test_child_list_query_count_does_not_grow_with_rows(world: World, django_assert_max_num_queries: object) -> None:
    client = world.client_for(Role.TEAM_MANAGER)
    for _ in range(30):
        ChildFactory(
            area=world.area,
            school=world.school,
            programme_organisation=world.programme,
            link_worker=world.members[Role.LINK_WORKER].user,
        )
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/children/")
    assert response.status_code == 200
    assert response.text.count("/children/") > 30


def test_api_child_goes_through_the_gate(world: World) -> None:
    client = world.client_for(Role.LINK_WORKER)
    own = client.get(f"/api/children/{world.children['own'].pk}")
    assert own.status_code == 200
    body = own.json()
    assert body["forenames"] == "Amara"
    assert (body["school"], body["school_urn"], body["area"]) == ("Harrow Road Primary", world.school.urn, "Brent")
    assert body["link_worker"] == "Link Worker"
    assert client.get(f"/api/children/{world.children['other_area'].pk}").status_code == 404
    listed = client.get("/api/children").json()
    assert [item["id"] for item in listed["items"]] == [world.children["own"].pk]
    assert AuditEvent.objects.filter(record_type="child").count() == 1
