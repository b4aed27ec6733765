"""The case API: enrolments and contacts through the same gate as the pages."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.test import Client

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Consent, Contact, Enrolment
from tests.conftest import World
from tests.factories import EnrolmentFactory


def enrolled(world: World) -> Enrolment:
    child = world.children["own"]
    assert child.link_worker is not None
    Consent.objects.create(child=child, purpose="enrolment", given_by="parent", given_on=date(2026, 9, 1))
    return EnrolmentFactory.create(
        child=child,
        start_date=date(2026, 9, 1),
        at_risk_domains=["attendance", "maths"],
    )


def post(client: Client, url: str, body: dict[str, object]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_a_link_worker_records_and_reads_contacts_through_the_api(world: World) -> None:
    enrolment = enrolled(world)
    child = enrolment.child
    client = world.client_for(Role.LINK_WORKER)
    created = post(client, f"/api/children/{child.pk}/contacts", {"kind": "phone", "happened_on": "2026-11-20"})
    assert created.status_code == 201
    assert created.json()["kind"] == "phone"
    listed = client.get(f"/api/children/{child.pk}/contacts").json()
    assert [item["happened_on"] for item in listed["items"]] == ["2026-11-20"]
    enrolments = client.get(f"/api/children/{child.pk}/enrolments").json()
    assert enrolments[0]["at_risk_domains"] == ["attendance", "maths"]
    assert AuditEvent.objects.filter(record_type="contact", child_id=child.pk).count() == 1


def test_bad_contacts_are_refused_with_the_reason_and_others_are_refused(world: World) -> None:
    enrolment = enrolled(world)
    child = enrolment.child
    client = world.client_for(Role.LINK_WORKER)
    future = post(client, f"/api/children/{child.pk}/contacts", {"kind": "phone", "happened_on": "2099-01-01"})
    assert future.status_code == 400
    assert future.json() == {"detail": "The date cannot be in the future."}
    unknown = post(client, f"/api/children/{child.pk}/contacts", {"kind": "seance", "happened_on": "2026-11-20"})
    assert unknown.status_code == 422
    school = post(
        world.client_for(Role.SCHOOL_STAFF),
        f"/api/children/{child.pk}/contacts",
        {"kind": "phone", "happened_on": "2026-11-20"},
    )
    assert school.status_code == 403
    other = world.children["other_org"]
    assert (
        post(client, f"/api/children/{other.pk}/contacts", {"kind": "phone", "happened_on": "2026-11-20"}).status_code
        == 404
    )
    assert not Contact.objects.exists()
