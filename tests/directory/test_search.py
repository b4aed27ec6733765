from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from joinedup.accounts.models import Role
from joinedup.directory.models import Service
from joinedup.directory.selectors import ServiceQuery, service_search
from joinedup.geo.distance import Point
from tests.conftest import World
from tests.directory.conftest import NEAR

pytestmark = pytest.mark.django_db

KILBURN = Point(*NEAR)


def _names(query: ServiceQuery) -> list[str]:
    return [match.service.name for match in service_search(query).matches if match.service]


def test_need_and_age_filter_and_rank_with_reasons(directory: dict[str, Service]) -> None:
    results = service_search(
        ServiceQuery(domains=("emotional_wellbeing", "attendance"), age=12, origin=KILBURN, origin_label="NW6 7AB")
    )

    assert [m.service.name for m in results.matches if m.service] == ["Step Up Mentoring", "Community Counselling"]
    mentoring = results.matches[0]
    assert "Helps with attendance and emotional wellbeing" in mentoring.reasons
    assert any(reason.endswith("miles from NW6 7AB") for reason in mentoring.reasons)
    assert "A commissioned delivery partner: the programme can broker a place" in mentoring.reasons
    assert "Evidence level 3 (Foundations Guidebook)" in results.matches[1].reasons


def test_radius_cuts_off_far_services(directory: dict[str, Service]) -> None:
    assert "Maths Tutoring Club" not in _names(ServiceQuery(origin=KILBURN, miles=1, include_remote=False))
    assert "Maths Tutoring Club" in _names(ServiceQuery(origin=KILBURN, miles=5, include_remote=False))


def test_text_free_evidence_and_partner_filters(directory: dict[str, Service]) -> None:
    assert _names(ServiceQuery(text="maths tutoring")) == ["Maths Tutoring Club"]
    assert _names(ServiceQuery(text="MATHS")) == ["Maths Tutoring Club"]
    assert _names(ServiceQuery(free_only=True)) == ["Maths Tutoring Club"]
    assert _names(ServiceQuery(min_evidence=3)) == ["Community Counselling"]
    assert _names(ServiceQuery(partners_only=True)) == ["Step Up Mentoring"]
    assert _names(ServiceQuery(age=5)) == []


def test_day_and_time_come_from_schedules(directory: dict[str, Service]) -> None:
    # The standard's example runs on Thursdays and Fridays, 10:00 to 18:00.
    assert len(_names(ServiceQuery(day=3))) == 3
    assert _names(ServiceQuery(day=0)) == []
    assert len(_names(ServiceQuery(time="after_school"))) == 3
    assert _names(ServiceQuery(time="evening")) == []


def test_inactive_services_are_not_found(directory: dict[str, Service]) -> None:
    from joinedup.directory.search_index import search_entries_rebuild

    Service.objects.filter(pk=directory["tutoring"].pk).update(status="inactive")
    search_entries_rebuild(service_ids=[directory["tutoring"].pk])
    assert "Maths Tutoring Club" not in _names(ServiceQuery())


def test_search_page_shows_results_and_reasons(world: World, directory: dict[str, Service]) -> None:
    page = world.client_for(Role.LINK_WORKER).get(
        "/directory/", {"postcode": "nw6", "need": ["emotional_wellbeing"], "age": "12"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    assert "Step Up Mentoring" in text
    assert "Why it is here:" in text
    assert "Helps with emotional wellbeing" in text


def test_search_page_explains_a_bad_postcode_and_age(world: World, directory: dict[str, Service]) -> None:
    page = world.client_for(Role.LINK_WORKER).get("/directory/", {"postcode": "ZZ99", "age": "nine"})
    text = page.content.decode()
    assert "There is a problem" in text
    assert "We could not find" in text
    assert "Enter the child&#x27;s age in years, like 9" in text


def test_search_from_a_child_record_prefills_age_and_postcode(world: World, directory: dict[str, Service]) -> None:
    child = world.children["own"]
    page = world.client_for(Role.LINK_WORKER).get("/directory/", {"child": child.pk})
    assert page.status_code == 200
    assert child.home_postcode in page.content.decode()
    assert f'value="{child.age_on(date.today())}"' in page.content.decode()


def test_search_for_a_child_you_cannot_see_is_not_found(world: World, directory: dict[str, Service]) -> None:
    page = world.client_for(Role.LINK_WORKER).get("/directory/", {"child": world.children["other_area"].pk})
    assert page.status_code == 404


def test_families_can_search_without_signing_in(client: object, directory: dict[str, Service]) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    page = client.get("/find-support/", {"q": "mentoring"})
    assert page.status_code == 200
    assert "Step Up Mentoring" in page.content.decode()
    service = client.get(f"/find-support/services/{directory['mentoring'].pk}/")
    assert service.status_code == 200
    assert "Delivery partner" not in service.content.decode()


def test_distances_from_a_district_say_so(world: World, directory: dict[str, Service]) -> None:
    text = world.client_for(Role.LINK_WORKER).get("/directory/", {"postcode": "NW6"}).text
    assert "Distances are measured from the centre of the NW6 area, not the exact address." in text
    assert "miles from the centre of NW6" in text


def test_back_to_search_keeps_the_search(world: World, directory: dict[str, Service]) -> None:
    client = world.client_for(Role.LINK_WORKER)
    url = f"/directory/services/{directory['tutoring'].pk}/"
    came_from = "http://testserver/directory/?postcode=NW6&age=9&page=2"
    assert 'href="/directory/?postcode=NW6&amp;age=9&amp;page=2"' in client.get(url, HTTP_REFERER=came_from).text
    elsewhere = client.get(url, HTTP_REFERER="https://elsewhere.example/directory/?q=x").text
    assert '<a href="/directory/" class="govuk-back-link">' in elsewhere


def test_the_families_page_speaks_plainly(client: object, directory: dict[str, Service]) -> None:
    from django.test import Client

    assert isinstance(client, Client)
    text = client.get("/find-support/").text
    assert "Feelings, worries and mental health" in text
    assert "Your postcode" in text
    assert "Economic disadvantage" not in text
    assert "strength of its evidence" not in text


def test_filters_are_given_as_reasons(directory: dict[str, Service]) -> None:
    match = service_search(ServiceQuery(day=3, time="after_school")).matches[0]
    assert {"Runs on Thursdays", "Open after school"} <= set(match.reasons)


def test_directory_pages_cost_a_fixed_number_of_queries(
    world: World, directory: dict[str, Service], django_assert_max_num_queries: Any
) -> None:
    """The search, the management list and the gap report read their rows in bulk, not one by one."""
    link_worker = world.client_for(Role.LINK_WORKER)
    link_worker.get("/directory/")  # the language list is cached after the first search
    with django_assert_max_num_queries(12):
        assert link_worker.get("/directory/", {"postcode": "NW6", "need": ["emotional_wellbeing"]}).status_code == 200
    data_lead = world.client_for(Role.DATA_LEAD)
    with django_assert_max_num_queries(12):
        assert data_lead.get("/directory/manage/").status_code == 200
    # The service page: the person and their role, the service, then one query per kind of part it shows.
    with django_assert_max_num_queries(22):
        assert data_lead.get("/directory/services/" + directory["counselling"].pk + "/").status_code == 200
