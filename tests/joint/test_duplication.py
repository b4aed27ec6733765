"""Duplication and gaps: the comparison itself (plain data), on both sides of a share, and the manager's report."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

import joinedup.joint.duplication as duplication_module
from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.joint.duplication import Action, Appointment, Goal, Kind, PlanSide, Service, compare
from joinedup.joint.models import FindingResolution, PlanShare
from joinedup.joint.services import appointment_add, partner_item_add, plan_share_create
from tests.joint.conftest import Joint

MONDAY = dt.datetime(2027, 1, 11, 9, 0, tzinfo=dt.UTC)


def test_the_comparison_imports_nothing_from_django() -> None:
    tree = ast.parse(Path(duplication_module.__file__).read_text(encoding="utf-8"))
    modules = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    modules += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert not [name for name in modules if name.startswith("django")]


def kinds(ours: PlanSide, theirs: PlanSide) -> list[Kind]:
    return [finding.kind for finding in compare(ours, theirs)]


def test_the_same_service_or_provider_twice() -> None:
    ours = PlanSide("Link", services=[Service("r1", "Positive Parenting Course", "Brent Family Hub")])
    same_name = PlanSide("Early Help", services=[Service("p1", "positive parenting course")])
    same_provider = PlanSide("Early Help", services=[Service("p2", "Incredible Years", "Brent Family Hub Ltd")])
    other = PlanSide("Early Help", services=[Service("p3", "Food bank", "Trussell")])
    assert [f.key for f in compare(ours, same_name)] == ["service:course parenting positive"]
    assert [f.key for f in compare(ours, same_provider)] == ["provider:brent hub"]
    assert compare(ours, other) == []


def test_two_goals_in_one_area_and_needs_nobody_addresses() -> None:
    ours = PlanSide(
        "Link",
        goals=[Goal("g1", "attendance", "On time every day", "Sam Link")],
        needs=["attendance", "emotional_wellbeing", "relationships"],
    )
    theirs = PlanSide(
        "Early Help",
        goals=[
            Goal("p1", "attendance", "Better mornings", "Kim Help"),
            Goal("p2", "relationships", "Calmer at home", "Kim Help"),
        ],
    )
    found = compare(ours, theirs, {"attendance": "Attendance", "emotional_wellbeing": "Emotional wellbeing"})
    assert [(f.kind, f.key) for f in found] == [
        (Kind.GOALS, "goals:attendance"),
        (Kind.UNADDRESSED_NEED, "need:emotional_wellbeing"),
    ]
    assert "led by Kim Help, Sam Link" in found[0].summary
    assert found[1].summary.startswith("Emotional wellbeing was identified as a need")


def test_appointments_that_overlap_in_time() -> None:
    ours = PlanSide("Link", appointments=[Appointment("m1", MONDAY, MONDAY + dt.timedelta(hours=1), "Home visit")])
    touching = PlanSide(
        "Early Help",
        appointments=[Appointment("m2", MONDAY + dt.timedelta(hours=1), MONDAY + dt.timedelta(hours=2), "Visit")],
    )
    overlapping = PlanSide(
        "Early Help",
        appointments=[Appointment("m3", MONDAY + dt.timedelta(minutes=30), MONDAY + dt.timedelta(hours=2), "Visit")],
    )
    assert compare(ours, touching) == []
    assert kinds(ours, overlapping) == [Kind.APPOINTMENTS]


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("Refer to the school nurse", "Refer to the school nurse for a health check", [Kind.DUPLICATE_ACTION]),
        ("Stop the breakfast club place", "Start a breakfast club place", [Kind.CONFLICTING_ACTION]),
        ("Reduce screen time in the evenings", "Increase screen time as a reward", [Kind.CONFLICTING_ACTION]),
        ("Morning check-in at the gate", "Apply for free school meals", []),
    ],
)
def test_actions_that_repeat_or_conflict(mine: str, theirs: str, expected: list[Kind]) -> None:
    ours = PlanSide("Link", actions=[Action("a1", "health", mine, "Sam")])
    partner = PlanSide("Early Help", actions=[Action("p1", "health", theirs, "Kim")])
    assert kinds(ours, partner) == expected
    # In different areas, they are not compared.
    assert compare(ours, PlanSide("Early Help", actions=[Action("p1", "housing", theirs, "Kim")])) == []


def add(joint: Joint, found: PlanShare, kind: str, **values: object) -> None:
    partner_item_add(actor=joint.practitioner, share=found, kind=kind, values=values)


def test_both_sides_see_the_findings_and_record_what_was_agreed(joint: Joint) -> None:
    found = plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["goals", "actions", "key_dates"],
        purpose="Check for duplication",
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )
    add(joint, found, "goal", domain="attendance", goal="Better mornings", owner_name="Kim Help")
    add(joint, found, "action", domain="attendance", action="Morning check-in at the school gate", owner_name="Kim")
    add(joint, found, "service", domain="family_support", name="Parenting course", provider="Family Hub")
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=3)
    appointment_add(actor=joint.link_worker, child=joint.child, starts_at=starts, minutes=60, what="Home visit")
    appointment_add(
        actor=joint.practitioner, child=joint.child, starts_at=starts + dt.timedelta(minutes=30), minutes=60, what="TAF"
    )
    ours = joint.client(joint.link_worker).get(f"/joint/shares/{found.pk}/").text
    for label in ("Two goals in one area, with different owners", "The same action twice", "Appointments that overlap"):
        assert label in ours
    partner = joint.client(joint.practitioner)
    theirs = partner.get(f"/joint/shared-plans/{found.pk}/").text
    assert "Two goals in one area" in theirs
    assert "The same action twice" in theirs

    response = partner.post(
        f"/joint/shared-plans/{found.pk}/findings/",
        {"which": "0", "0-key": "goals:attendance", "0-resolution": "Early Help leads on attendance."},
    )
    assert response.status_code == 302
    resolution = FindingResolution.objects.get()
    assert resolution.agreed_by_organisation == joint.early_help
    assert (
        "Agreed:</span> Early Help leads on attendance."
        in joint.client(joint.link_worker).get(f"/joint/shares/{found.pk}/").text
    )
    # An empty resolution, or a finding that is no longer there, changes nothing.
    empty = partner.post(f"/joint/shared-plans/{found.pk}/findings/", {"which": "1", "1-key": "goals:attendance"})
    assert "Say what was agreed." in empty.text
    gone = partner.post(
        f"/joint/shared-plans/{found.pk}/findings/",
        {"which": "0", "0-key": "goals:housing", "0-resolution": "Nothing"},
        follow=True,
    )
    assert "no longer found" in gone.text
    assert FindingResolution.objects.count() == 1


def test_the_partner_sees_findings_only_about_what_was_shared(joint: Joint) -> None:
    found = plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["services"],
        purpose="Check services",
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )
    add(joint, found, "goal", domain="attendance", goal="Better mornings", owner_name="Kim Help")
    theirs = joint.client(joint.practitioner).get(f"/joint/shared-plans/{found.pk}/").text
    assert "Two goals in one area" not in theirs
    assert "Get to school on time" not in theirs
    ours = joint.client(joint.link_worker).get(f"/joint/shares/{found.pk}/").text
    assert "Two goals in one area" in ours


def test_the_manager_report_counts_overlaps_by_kind_and_what_is_resolved(
    joint: Joint, django_assert_max_num_queries: object
) -> None:
    found = plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["goals"],
        purpose="Check for duplication",
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )
    add(joint, found, "goal", domain="attendance", goal="Better mornings", owner_name="Kim Help")
    manager = joint.world.client_for(Role.TEAM_MANAGER)
    page = manager.get("/joint/report/").text
    assert 'Shared cases compared</dt><dd class="govuk-summary-list__value">1' in page
    assert joint.child.display_name in page
    assert AuditEvent.objects.filter(record_type="joint.duplication_report", child_id=joint.child.pk).exists()
    FindingResolution.objects.create(
        child=joint.child,
        partner=joint.early_help,
        key="goals:attendance",
        kind="goals",
        resolution="Agreed",
        agreed_by=joint.link_worker.user,
        agreed_by_organisation=joint.world.programme,
    )
    assert "Nothing left to resolve." in manager.get("/joint/report/").text
    for role in (Role.LINK_WORKER, Role.PARTNER_PROFESSIONAL, Role.COMMISSIONER, Role.SCHOOL_STAFF):
        assert joint.world.client_for(role).get("/joint/report/").status_code == 403


def test_our_appointments_page_adds_and_refuses_bad_times(joint: Joint) -> None:
    client = joint.client(joint.link_worker)
    url = f"/joint/children/{joint.child.pk}/appointments/"
    day = (dt.date.today() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    bad = client.post(url, {"what": "Home visit", "on": day, "at": "25:99", "minutes": "60"})
    assert "Enter a real time, like 14:30." in bad.text
    long = client.post(url, {"what": "Home visit", "on": day, "at": "10:00", "minutes": "900"})
    assert "An appointment lasts at most 10 hours (600 minutes)." in long.text
    assert client.post(url, {"what": "Home visit", "on": day, "at": "10:00", "minutes": "45"}).status_code == 302
    assert "Home visit" in client.get(url).text


def test_an_appointment_in_the_past_is_refused(joint: Joint) -> None:
    client = joint.client(joint.link_worker)
    url = f"/joint/children/{joint.child.pk}/appointments/"
    day = (dt.date.today() - dt.timedelta(days=2)).strftime("%d/%m/%Y")
    response = client.post(url, {"what": "Home visit", "on": day, "at": "10:00", "minutes": "45"})
    assert "An appointment is today or later" in response.text
    impossible = client.post(url, {"what": "Visit", "on": "31/02/2027", "at": "10:00", "minutes": "45"})
    assert "Enter a real date as day, month and year" in impossible.text
