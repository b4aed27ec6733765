"""What a busy safeguarding lead relies on: sooner decisions for immediate risk, the open list by what is due, the
child's other concerns beside this one, a referral form that says what the front door needs, the report a data lead
can reach, and alert emails that say they are always sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.safeguarding.models import Concern
from joinedup.safeguarding.selectors import open_items
from joinedup.safeguarding.services import context_create, escalation_send
from joinedup.safeguarding.timeliness import Overdue
from tests.safeguarding.conftest import TODAY, Team


def raised_hours_ago(concern: Concern, hours: float) -> None:
    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours))


def test_a_concern_cannot_have_happened_before_the_child_was_born(team: Team) -> None:
    with pytest.raises(ValidationError) as refused:
        team.concern(happened_on=team.child.date_of_birth - dt.timedelta(days=1))
    assert "before the child was born" in refused.value.message_dict["happened_on"][0]
    assert not Concern.objects.exists()


def test_immediate_risk_is_to_be_decided_within_two_hours(team: Team) -> None:
    urgent = team.concern(immediate_risk=True)
    usual = team.concern()
    for concern in (urgent, usual):
        raised_hours_ago(concern, 3)
    overdue = {item.concern.pk: item.overdue for item in open_items(team.world.area.pk, team.world.programme.pk)}
    assert overdue == {urgent.pk: Overdue.DECISION, usual.pk: None}


def test_the_open_list_puts_what_is_due_soonest_first(team: Team) -> None:
    later = team.concern(what="Raised an hour ago")
    sooner = team.concern(what="Raised twenty hours ago")
    raised_hours_ago(later, 1)
    raised_hours_ago(sooner, 20)
    referred = team.referral()
    items = open_items(team.world.area.pk, team.world.programme.pk)
    # Decisions due in 4 and 23 hours come before an acknowledgement expected in three days.
    assert [item.concern.pk for item in items] == [sooner.pk, later.pk, referred.concern.pk]


def test_the_concern_page_lists_the_childs_other_concerns(team: Team) -> None:
    first = team.concern(what="Hungry at breakfast club", category="neglect")
    second = team.concern(what="Bruised again")
    page = team.client(team.manager).get(f"/safeguarding/concerns/{second.pk}/").text
    assert f"Other concerns about {team.child.display_name}" in page
    assert f'href="/safeguarding/concerns/{first.pk}/"' in page


def test_the_referral_form_names_the_context_and_says_what_has_been_done(team: Team) -> None:
    team.mash.required_fields = ["child_name", "context", "actions_taken", "family_informed"]
    team.mash.save()
    context = context_create(
        actor=team.manager,
        kind="peer_group",
        name="The skate park group",
        description="Older teenagers giving vapes to Year 6 pupils.",
        children=[team.child],
    )
    concern = team.concern(actor=team.manager, context=context)
    team.decide(concern)
    escalation = escalation_send(
        actor=team.manager,
        concern=concern,
        sent_on=TODAY,
        family_informed=False,
        family_informed_note="The families are being told by the school today.",
        actions_taken="The school's designated safeguarding lead has spoken to each child.",
    )
    form = dict(escalation.form_rows())
    assert form["Peer group, place, school setting or online space"] == (
        "Peer group: The skate park group. Older teenagers giving vapes to Year 6 pupils."
    )
    assert form["What has been done to keep the child safe"] == (
        "The school's designated safeguarding lead has spoken to each child."
    )
    download = team.client(team.manager).get(f"/safeguarding/referrals/{escalation.pk}/", {"format": "txt"})
    assert download.content.decode().startswith("OFFICIAL-SENSITIVE\n")


def test_the_data_lead_is_taken_to_the_report(team: Team) -> None:
    response = team.world.client_for(Role.DATA_LEAD).get("/safeguarding/")
    assert response.status_code == 302
    assert response["Location"] == "/safeguarding/report/"


def test_a_report_for_a_month_to_come_is_refused_clearly(team: Team) -> None:
    client = team.client(team.manager)
    next_year = f"{TODAY.year + 1}-01"
    response = client.get("/safeguarding/report/", {"month": next_year}, follow=True)
    assert f"There is no report for January {TODAY.year + 1} yet" in response.text


def test_the_report_csv_says_what_it_is_and_how_long_steps_took(team: Team) -> None:
    team.concern()
    rows = team.client(team.manager).get("/safeguarding/report/", {"format": "csv"}).content.decode().splitlines()
    assert rows[1] == f"Report,Safeguarding concerns raised in {TODAY:%B %Y},"
    assert rows[2] == f'Report,"{team.world.programme.name}, {team.world.area.name}",'
    assert "Timeliness,Median hours from concern to decision,fewer than 5" in rows


def test_an_immediate_risk_alert_says_it_is_always_emailed(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        team.concern(immediate_risk=True)
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "always emailed" in body
    assert "You can choose which notifications" not in body
    assert team.child.surname not in body


def test_the_number_decided_is_hidden_when_the_undecided_would_be_few(team: Team) -> None:
    from joinedup.safeguarding.selectors import monthly_report

    concerns = [team.concern() for _ in range(7)]
    for concern in concerns[:5]:
        team.decide(concern, action="monitor", level="1")
    report = monthly_report(team.world.area.pk, team.world.programme.pk, TODAY)
    # Seven raised and five decided would leave two awaiting a decision.
    assert report.raised == 7
    assert report.decided == "hidden"


def test_an_overdue_review_is_not_moved_later_by_an_outcome(team: Team) -> None:
    from joinedup.cases.models import Plan
    from joinedup.cases.plans import plan_start
    from joinedup.safeguarding.services import escalation_outcome
    from tests.factories import EnrolmentFactory

    plan = plan_start(actor=team.link_worker, enrolment=EnrolmentFactory.create(child=team.child))
    overdue = TODAY - dt.timedelta(days=60)
    Plan.objects.filter(pk=plan.pk).update(next_review_on=overdue)
    escalation_outcome(actor=team.manager, escalation=team.referral(), outcome="nfa", outcome_on=TODAY)
    plan.refresh_from_db()
    assert plan.next_review_on == overdue
    assert plan.versions.count() == 1


def test_the_decision_says_how_long_after_the_concern_it_came(team: Team) -> None:
    concern = team.concern()
    raised_hours_ago(concern, 5)
    team.decide(concern)
    page = team.client(team.manager).get(f"/safeguarding/concerns/{concern.pk}/").text
    assert "5\xa0hours after the concern was raised" in page


def test_children_to_link_are_listed_school_by_school(team: Team) -> None:
    page = team.client(team.link_worker).get("/safeguarding/contexts/raise/", {"child": team.child.pk}).text
    school = team.child.school.name
    # The child the concern started from is ticked, and their school's list starts open.
    assert '<details class="govuk-details govuk-!-margin-bottom-2" open>' in page
    assert f"{school} (" in page
    assert f'value="{team.child.pk}" checked' in page
