"""The pages end to end: raising a concern about a child or a context, deciding, referring, recording what came
back, the monthly report and the borough's settings."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from joinedup.accounts.models import Role
from joinedup.safeguarding.models import AreaSafeguarding, Chase, Concern, Context, Decision, Escalation, FrontDoor
from tests.factories import ChildFactory
from tests.safeguarding.conftest import TODAY, Team

DAY = f"{TODAY:%d/%m/%Y}"
TOMORROW = f"{TODAY + dt.timedelta(days=1):%d/%m/%Y}"


def concern_data(**changes: Any) -> dict[str, Any]:
    return {
        "what": "She had a bruise on her arm and flinched.",
        "child_words": "He grabbed me.",
        "happened_on": DAY,
        "happened_time": "",
        "place": "Classroom",
        "present": "Class teacher",
        "category": "physical",
        "immediate_risk": "no",
        **changes,
    }


# -- raising ---------------------------------------------------------------------------------------------------------


def test_a_link_worker_raises_a_concern_from_the_childs_record(team: Team) -> None:
    client = team.client(team.link_worker)
    child_page = client.get(f"/children/{team.child.pk}/")
    assert f"/safeguarding/children/{team.child.pk}/raise/" in child_page.text
    assert client.get(f"/safeguarding/children/{team.child.pk}/raise/").status_code == 200
    response = client.post(f"/safeguarding/children/{team.child.pk}/raise/", concern_data())
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/safeguarding/concerns/{concern.pk}/"
    assert (concern.child, concern.raised_by, concern.immediate_risk) == (team.child, team.link_worker, False)
    page = client.get(response["Location"])
    assert "Concern raised. Your team’s safeguarding leads will decide what happens next." in page.text
    assert "He grabbed me." in page.text


def test_an_immediate_risk_concern_alerts_the_leads_at_once_and_shows_the_emergency_contacts(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    AreaSafeguarding.objects.create(area=team.world.area, emergency_contacts="Brent MASH: 020 8937 4300")
    client = team.client(team.link_worker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/safeguarding/children/{team.child.pk}/raise/", concern_data(immediate_risk="yes"), follow=True
        )
    assert "Your team’s safeguarding leads have been alerted now, by email too." in response.text
    assert "020 8937 4300" in response.text
    assert [email.to for email in mail.outbox] == [[team.manager.user.email]]


def test_raising_with_bad_input_shows_each_error_and_saves_nothing(team: Team) -> None:
    client = team.client(team.link_worker)
    response = client.post(
        f"/safeguarding/children/{team.child.pk}/raise/",
        concern_data(what="", place="", category="", immediate_risk="", happened_on=TOMORROW),
    )
    assert response.status_code == 200
    for message in (
        "Enter what you saw or heard.",
        "Enter where it happened.",
        "Choose the kind of concern that fits best.",
        "Say whether the child is at immediate risk.",
    ):
        assert message in response.text
    assert not Concern.objects.exists()
    future = client.post(f"/safeguarding/children/{team.child.pk}/raise/", concern_data(happened_on=TOMORROW))
    assert "The date it happened cannot be in the future." in future.text
    assert not Concern.objects.exists()


def test_a_link_worker_cannot_raise_about_a_child_they_do_not_work_with(team: Team) -> None:
    other = team.world.children["other_org"]
    response = team.client(team.link_worker).post(f"/safeguarding/children/{other.pk}/raise/", concern_data())
    assert response.status_code == 404
    assert not Concern.objects.exists()


def context_data(children: list[int], **changes: Any) -> dict[str, Any]:
    return {
        **concern_data(category="exploitation"),
        "context_kind": "peer_group",
        "context_name": "The group at the skate park",
        "context_description": "Older boys offering lifts.",
        "children": [str(pk) for pk in children],
        **changes,
    }


def test_a_link_worker_raises_a_concern_about_a_context_of_their_children(team: Team) -> None:
    client = team.client(team.link_worker)
    form = client.get(f"/safeguarding/contexts/raise/?child={team.child.pk}")
    assert form.status_code == 200
    response = client.post("/safeguarding/contexts/raise/", context_data([team.child.pk]))
    concern = Concern.objects.get()
    assert response["Location"] == f"/safeguarding/concerns/{concern.pk}/"
    assert concern.child is None
    assert concern.context is not None
    assert (concern.context.name, list(concern.context.children.all())) == ("The group at the skate park", [team.child])
    assert client.get(response["Location"]).status_code == 200


def test_a_context_cannot_link_a_child_the_person_cannot_see(team: Team) -> None:
    other = team.world.children["other_org"]
    response = team.client(team.link_worker).post("/safeguarding/contexts/raise/", context_data([other.pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Context.objects.exists()
    assert not Concern.objects.exists()


def test_a_manager_raises_a_further_concern_about_a_context_and_links_children(team: Team) -> None:
    sibling = ChildFactory.create(
        forenames="Dami", area=team.world.area, school=team.world.school, programme_organisation=team.world.programme
    )
    client = team.client(team.manager)
    client.post("/safeguarding/contexts/raise/", context_data([team.child.pk]))
    context = Context.objects.get()
    response = client.post(f"/safeguarding/contexts/{context.pk}/raise/", concern_data(what="Seen there again."))
    assert response.status_code == 302
    assert Concern.objects.filter(context=context).count() == 2
    page = client.get(f"/safeguarding/contexts/{context.pk}/")
    assert "Link more children" in page.text
    nobody = client.post(f"/safeguarding/contexts/{context.pk}/", {"children": []})
    assert "Choose at least one child to link." in nobody.text
    far = team.world.children["other_org"]
    invisible = client.post(f"/safeguarding/contexts/{context.pk}/", {"children": [str(far.pk)]})
    assert "Select a valid choice" in invisible.text
    assert list(context.children.all()) == [team.child]
    linked = client.post(f"/safeguarding/contexts/{context.pk}/", {"children": [str(sibling.pk)]})
    assert linked.status_code == 302
    assert set(context.children.all()) == {team.child, sibling}


# -- deciding and referring ------------------------------------------------------------------------------------------


def test_a_manager_decides_from_the_concern_page(team: Team) -> None:
    concern = team.concern()
    client = team.client(team.manager)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert "Record the decision" in page.text
    assert "Level 4: Acute or statutory" in page.text
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/decide/",
        {"level": "4", "action": "social_care", "reasons": "Unexplained injury; the child's words."},
        follow=True,
    )
    assert "Decision recorded: Level 4: Acute or statutory." in response.text
    assert Decision.objects.get().action == "social_care"
    assert "Prepare the referral to Brent MASH" in response.text


def test_a_decision_with_bad_input_shows_the_errors_and_saves_nothing(team: Team) -> None:
    concern = team.concern()
    response = team.client(team.manager).post(
        f"/safeguarding/concerns/{concern.pk}/decide/", {"level": "9", "action": "social_care", "reasons": ""}
    )
    assert response.status_code == 200
    assert "Give the reasons for the decision." in response.text
    assert "Select a valid choice" in response.text
    assert not Decision.objects.exists()


def test_the_link_worker_who_raised_it_reads_it_but_cannot_decide(team: Team) -> None:
    concern = team.concern()
    client = team.client(team.link_worker)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/")
    assert "Record the decision" not in page.text
    assert "Your team’s safeguarding lead will decide what happens next." in page.text
    refused = client.post(
        f"/safeguarding/concerns/{concern.pk}/decide/", {"level": "4", "action": "monitor", "reasons": "x"}
    )
    assert refused.status_code == 403
    assert not Decision.objects.exists()


def test_the_referral_preview_shows_exactly_what_the_front_door_asks_for(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    page = team.client(team.manager).get(f"/safeguarding/concerns/{concern.pk}/refer/")
    assert page.status_code == 200
    for label in ("Child’s full name", "Date of birth", "What was seen or heard", "Reasons for the referral"):
        assert label in page.text
    for label in ("Home address", "Parents and carers", "Services already involved", "Category of concern"):
        assert label not in page.text
    assert "mash@brent.example.org" in page.text


def test_referring_without_a_decision_to_refer_goes_back_with_a_message(team: Team) -> None:
    concern = team.concern()
    response = team.client(team.manager).get(f"/safeguarding/concerns/{concern.pk}/refer/", follow=True)
    assert "Record a decision to refer before sending a referral." in response.text


def test_referring_with_no_front_door_set_up_says_so(team: Team) -> None:
    concern = team.concern()
    team.decide(concern, action=Decision.Action.POLICE)
    client = team.client(team.manager)
    page = client.get(f"/safeguarding/concerns/{concern.pk}/refer/")
    assert "No front door set up" in page.text
    response = client.post(f"/safeguarding/concerns/{concern.pk}/refer/", {"sent_on": DAY, "family_informed": "yes"})
    assert "Brent has no front door of this kind set up yet." in response.text
    assert not Escalation.objects.exists()


def test_a_referral_is_recorded_as_sent_and_kept_as_sent(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    client = team.client(team.manager)
    missing_note = client.post(f"/safeguarding/concerns/{concern.pk}/refer/", {"sent_on": DAY, "family_informed": "no"})
    assert "Say why the family was not told" in missing_note.text
    assert not Escalation.objects.exists()
    response = client.post(
        f"/safeguarding/concerns/{concern.pk}/refer/",
        {"sent_on": DAY, "family_informed": "no", "family_informed_note": "Telling mum puts her at risk."},
    )
    escalation = Escalation.objects.get()
    assert response["Location"] == f"/safeguarding/referrals/{escalation.pk}/"
    page = client.get(response["Location"])
    assert "No: Telling mum puts her at risk." in page.text
    text = client.get(f"/safeguarding/referrals/{escalation.pk}/?format=txt")
    assert text["Content-Disposition"] == f'attachment; filename="referral-{escalation.pk}.txt"'
    assert text.content.decode().startswith("OFFICIAL-SENSITIVE\nReferral to Brent MASH\n")


def step(team: Team, escalation: Escalation, name: str, data: dict[str, str]) -> Any:
    prefixed = {f"referral-{escalation.pk}-{field}": value for field, value in data.items()}
    return team.client(team.manager).post(f"/safeguarding/referrals/{escalation.pk}/{name}/", prefixed)


def test_acknowledgement_chaser_and_outcome_are_recorded_from_the_concern_page(team: Team) -> None:
    escalation = team.referral()
    concern_url = f"/safeguarding/concerns/{escalation.concern_id}/"
    page = team.client(team.manager).get(concern_url)
    assert f'name="referral-{escalation.pk}-acknowledged_on"' in page.text
    assert step(team, escalation, "chase", {"chased_on": DAY, "note": "Phoned."})["Location"] == concern_url
    assert Chase.objects.get().note == "Phoned."
    assert (
        step(team, escalation, "acknowledge", {"acknowledged_on": DAY, "reference": "M-7"})["Location"] == concern_url
    )
    escalation.refresh_from_db()
    assert (escalation.acknowledged_on, escalation.reference) == (TODAY, "M-7")
    response = step(team, escalation, "outcome", {"outcome": "early_help", "outcome_on": DAY, "note": ""})
    assert response["Location"] == concern_url
    escalation.refresh_from_db()
    assert escalation.outcome == "early_help"
    closed = team.client(team.manager).get(concern_url)
    assert "Closed" in closed.text
    assert f'name="referral-{escalation.pk}-outcome"' not in closed.text


def test_a_step_with_bad_input_shows_its_error_on_the_concern_page_and_saves_nothing(team: Team) -> None:
    escalation = team.referral()
    future = step(team, escalation, "acknowledge", {"acknowledged_on": TOMORROW})
    assert future.status_code == 200
    assert "The date of the acknowledgement cannot be in the future." in future.text
    # Without the referral's prefix the form has nothing.
    unprefixed = team.client(team.manager).post(
        f"/safeguarding/referrals/{escalation.pk}/acknowledge/", {"acknowledged_on": DAY}
    )
    assert "Enter the date of the acknowledgement." in unprefixed.text
    other = step(team, escalation, "outcome", {"outcome": "other", "outcome_on": DAY, "note": ""})
    assert "Say what the outcome was." in other.text
    escalation.refresh_from_db()
    assert (escalation.acknowledged_on, escalation.outcome) == (None, "")


def test_the_link_worker_cannot_record_what_came_back(team: Team) -> None:
    escalation = team.referral()
    client = team.client(team.link_worker)
    prefix = f"referral-{escalation.pk}-"
    response = client.post(f"/safeguarding/referrals/{escalation.pk}/acknowledge/", {f"{prefix}acknowledged_on": DAY})
    assert response.status_code == 403
    escalation.refresh_from_db()
    assert escalation.acknowledged_on is None


# -- the report ------------------------------------------------------------------------------------------------------


def test_the_monthly_report_and_its_csv_name_no_child(team: Team) -> None:
    for _ in range(6):
        team.concern(category="physical")
    team.concern(category="neglect")
    month = f"{TODAY:%Y-%m}"
    for role in (Role.TEAM_MANAGER, Role.DATA_LEAD):
        page = team.client(team.world.members[role]).get(f"/safeguarding/report/?month={month}")
        assert page.status_code == 200
        assert team.child.forenames not in page.text
    client = team.client(team.manager)
    download = client.get(f"/safeguarding/report/?month={month}&format=csv")
    assert download["Content-Disposition"] == f'attachment; filename="safeguarding-{month}.csv"'
    rows = list(csv.reader(io.StringIO(download.content.decode())))
    assert rows[0] == ["Section", "Item", "Count"]
    assert ["Concerns", "Raised", "7"] in rows
    assert ["Category", "Neglect", "<5"] in rows
    assert ["Category", "Physical abuse", "hidden"] in rows
    assert ["Category", "Sexual abuse", "0"] in rows
    assert team.child.forenames not in download.content.decode()


def test_a_month_that_is_not_one_is_not_found(team: Team) -> None:
    assert team.client(team.manager).get("/safeguarding/report/?month=2026-13").status_code == 404


# -- settings --------------------------------------------------------------------------------------------------------


def settings_data(**changes: Any) -> dict[str, Any]:
    return {
        "levels": "1 | Universal | Met by universal services\n2 | Early help | Additional needs",
        "emergency_contacts": "MASH 020 0000 0000",
        "decision_within_hours": "12",
        "immediate_decision_within_hours": "2",
        "escalate_within_hours": "24",
        "acknowledge_within_days": "2",
        "outcome_within_days": "10",
        "leads": [],
        **changes,
    }


def test_bad_settings_show_specific_errors_and_save_nothing(team: Team) -> None:
    client = team.client(team.manager)
    response = client.post(
        "/safeguarding/settings/",
        settings_data(levels="1 | Universal\n | No code", decision_within_hours="0", outcome_within_days="91"),
    )
    assert response.status_code == 200
    assert "Line 2 needs a code and a name, separated by |." in response.text
    assert "Enter a number of hours from 1 to 168." in response.text
    assert "Enter a number of days from 1 to 90." in response.text
    duplicate = client.post("/safeguarding/settings/", settings_data(levels="1 | A\n1 | B"))
    assert "Each level needs its own code." in duplicate.text
    assert not AreaSafeguarding.objects.exists()


def test_settings_are_saved_with_the_teams_leads(team: Team) -> None:
    lead = team.member(Role.TEAM_MANAGER)
    client = team.client(team.manager)
    response = client.post("/safeguarding/settings/", settings_data(leads=[str(lead.pk)]))
    assert response.status_code == 302
    settings = AreaSafeguarding.objects.get(area=team.world.area)
    assert [level["code"] for level in settings.levels] == ["1", "2"]
    assert settings.decision_within_hours == 12
    assert list(settings.leads.all()) == [lead]


def test_a_lead_must_be_a_manager_of_the_team(team: Team) -> None:
    response = team.client(team.manager).post(
        "/safeguarding/settings/", settings_data(leads=[str(team.link_worker.pk)])
    )
    assert "Select a valid choice" in response.text
    assert not AreaSafeguarding.objects.exists()


def front_door_data(**changes: Any) -> dict[str, Any]:
    return {
        "name": "Brent Police Child Abuse Investigation Team",
        "organisation": "",
        "channel": "phone",
        "contact": "101",
        "out_of_hours": "999",
        "required_fields": ["child_name", "concern"],
        **changes,
    }


def test_a_front_door_with_bad_input_shows_specific_errors_and_saves_nothing(team: Team) -> None:
    client = team.client(team.manager)
    response = client.post(
        "/safeguarding/settings/front-doors/police/",
        front_door_data(contact="", channel="", required_fields=["child_name", "shoe_size"]),
    )
    assert response.status_code == 200
    assert "Enter where referrals go." in response.text
    assert "Choose how referrals are sent." in response.text
    assert "Select a valid choice. shoe_size is not one of the available choices." in response.text
    none = client.post("/safeguarding/settings/front-doors/police/", front_door_data(required_fields=[]))
    assert "Choose at least one field." in none.text
    assert not FrontDoor.objects.filter(kind="police").exists()


def test_a_front_door_is_saved_and_changed(team: Team) -> None:
    client = team.client(team.manager)
    assert client.get("/safeguarding/settings/front-doors/police/").status_code == 200
    response = client.post("/safeguarding/settings/front-doors/police/", front_door_data())
    assert response["Location"] == "/safeguarding/settings/"
    door = FrontDoor.objects.get(kind="police")
    assert (door.area, door.required_fields) == (team.world.area, ["child_name", "concern"])
    client.post(
        "/safeguarding/settings/front-doors/social_care/", front_door_data(name="MASH", contact="new@example.org")
    )
    team.mash.refresh_from_db()
    assert (team.mash.name, team.mash.contact) == ("MASH", "new@example.org")
    assert FrontDoor.objects.count() == 2


def test_an_unknown_kind_of_front_door_is_not_found(team: Team) -> None:
    assert team.client(team.manager).get("/safeguarding/settings/front-doors/dentist/").status_code == 404


def test_the_home_page_reads_the_same_number_of_queries_however_many_concerns(team: Team) -> None:
    def queries() -> int:
        client = team.client(team.manager)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/safeguarding/").status_code == 200
        return len(captured)

    for _ in range(2):
        team.referral()
    few = queries()
    for _ in range(5):
        team.referral()
    team.concern()
    assert queries() == few
