"""The outcomes API: a partner system or a signed-in person reads a borough's measures and a child's readings and
progress, and records a reading through the same rules as the page."""

from __future__ import annotations

import json

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.outcomes.models import Measurement
from tests.outcomes.conftest import Programme


def post(programme: Programme, role: str, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = programme.client(role).post(
        f"/api/outcomes/children/{programme.child.pk}/measurements", json.dumps(body), content_type="application/json"
    )
    return response.status_code, response.json()


def test_a_reading_sent_through_the_api_is_recorded_and_marked_so(programme: Programme) -> None:
    status, body = post(
        programme, Role.LINK_WORKER, {"measure": "maths", "value": "expected", "taken_on": "2026-03-02"}
    )
    assert status == 201
    assert body["measure"] == "maths"
    assert body["value"] == 1.0
    assert Measurement.objects.get(pk=int(str(body["id"]))).source == Measurement.Source.API


def test_a_reading_the_measure_cannot_take_is_refused_with_the_reason_and_nothing_saved(programme: Programme) -> None:
    before = Measurement.objects.count()
    status, body = post(programme, Role.LINK_WORKER, {"measure": "maths", "value": "7", "taken_on": "2026-03-02"})
    assert (status, body) == (400, {"detail": "Maths: enter working towards, at or above expected, not “7”."})
    status, body = post(programme, Role.LINK_WORKER, {"measure": "shoe_size", "value": "3", "taken_on": "2026-03-02"})
    assert status == 400
    assert "No measure “shoe_size” in the child's borough. Use one of: attendance," in str(body["detail"])
    status, body = post(programme, Role.LINK_WORKER, {"measure": "sdq_peer", "value": "4", "taken_on": "2026-03-02"})
    assert status == 400
    assert "Say who answered the SDQ peer problems questionnaire" in str(body["detail"])
    assert Measurement.objects.count() == before


def test_school_staff_read_a_childs_progress_but_do_not_record(programme: Programme) -> None:
    status, body = post(programme, Role.SCHOOL_STAFF, {"measure": "maths", "value": "above", "taken_on": "2026-03-02"})
    assert (status, body) == (403, {"detail": "Your role cannot record measurements."})
    progress = programme.client(Role.SCHOOL_STAFF).get(f"/api/outcomes/children/{programme.child.pk}/progress")
    assert progress.status_code == 200
    attendance = next(row for row in progress.json() if row["measure"] == "attendance")
    assert (attendance["at_risk_at_baseline"], attendance["at_risk_now"], attendance["no_longer_at_risk"]) == (
        True,
        False,
        True,
    )


def test_every_read_of_a_childs_readings_is_audited(programme: Programme) -> None:
    client = programme.client(Role.TEAM_MANAGER)
    before = AuditEvent.objects.filter(child_id=programme.child.pk, action="view").count()
    assert client.get(f"/api/outcomes/children/{programme.child.pk}/measurements").status_code == 200
    assert client.get(f"/api/outcomes/children/{programme.child.pk}/progress").status_code == 200
    assert AuditEvent.objects.filter(child_id=programme.child.pk, action="view").count() == before + 2


def test_a_commissioner_never_reads_a_child_through_the_api(programme: Programme) -> None:
    client = programme.client(Role.COMMISSIONER)
    assert client.get(f"/api/outcomes/children/{programme.child.pk}/measurements").status_code == 404
    assert client.get(f"/api/outcomes/children/{programme.child.pk}/progress").status_code == 404
    measures = client.get("/api/outcomes/measures").json()
    assert [measure["key"] for measure in measures][:2] == ["attendance", "reading"]
