"""Where each concern stands, what is overdue, and the monthly report with small numbers suppressed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.notifications.models import Kind, Notification
from joinedup.safeguarding.models import Concern, Decision, Escalation, Stage, stage_of
from joinedup.safeguarding.selectors import concerns_of_child, monthly_report, my_items, open_items
from joinedup.safeguarding.services import (
    context_create,
    escalation_acknowledge,
    escalation_chase,
    escalation_outcome,
    overdue_remind,
)
from joinedup.safeguarding.timeliness import Overdue
from tests.safeguarding.conftest import TODAY, Team


def fresh(concern: Concern) -> Concern:
    return Concern.objects.get(pk=concern.pk)


def test_stage_of_follows_the_concern_through_each_step(team: Team) -> None:
    concern = team.concern()
    assert stage_of(fresh(concern)) == Stage.AWAITING_DECISION
    team.decide(concern)
    assert stage_of(fresh(concern)) == Stage.TO_ESCALATE
    escalation = team.referral(concern)
    assert stage_of(fresh(concern)) == Stage.AWAITING_ACKNOWLEDGEMENT
    escalation_acknowledge(actor=team.manager, escalation=escalation, acknowledged_on=TODAY)
    assert stage_of(fresh(concern)) == Stage.AWAITING_OUTCOME
    escalation_outcome(actor=team.manager, escalation=escalation, outcome="nfa", outcome_on=TODAY)
    assert stage_of(fresh(concern)) == Stage.CLOSED


@pytest.mark.parametrize("action", [Decision.Action.MONITOR, Decision.Action.SCHOOL_DSL])
def test_a_decision_not_to_refer_closes_the_concern(team: Team, action: str) -> None:
    concern = team.concern()
    team.decide(concern, action=action, level="2")
    assert stage_of(fresh(concern)) == Stage.CLOSED
    assert open_items(team.world.area.pk, team.world.programme.pk) == []


def raised_hours_ago(concern: Concern, hours: float) -> Concern:
    Concern.objects.filter(pk=concern.pk).update(created_at=timezone.now() - dt.timedelta(hours=hours))
    return fresh(concern)


def items(team: Team) -> list:
    return open_items(team.world.area.pk, team.world.programme.pk)


def test_open_items_put_the_overdue_first_then_immediate_risk_then_oldest(team: Team) -> None:
    older = raised_hours_ago(team.concern(what="Older"), 5)
    newer = raised_hours_ago(team.concern(what="Newer"), 2)
    urgent = raised_hours_ago(team.concern(what="Urgent", immediate_risk=True), 1)
    overdue = raised_hours_ago(team.concern(what="Overdue"), 25)
    closed = team.concern(what="Closed")
    team.decide(closed, action=Decision.Action.MONITOR, level="1")
    assert [item.concern.what for item in items(team)] == [overdue.what, urgent.what, older.what, newer.what]
    assert [item.overdue for item in items(team)] == [Overdue.DECISION, None, None, None]


def test_a_decision_is_overdue_a_minute_after_the_limit(team: Team) -> None:
    concern = raised_hours_ago(team.concern(), 23.9)
    assert items(team)[0].overdue is None
    raised_hours_ago(concern, 24.1)
    [item] = items(team)
    assert (item.stage, item.overdue, item.overdue_label) == (
        Stage.AWAITING_DECISION,
        Overdue.DECISION,
        "Decision overdue",
    )


def test_a_referral_not_sent_in_time_after_the_decision_is_overdue(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    assert items(team)[0].overdue is None
    Decision.objects.filter(concern=concern).update(decided_at=timezone.now() - dt.timedelta(hours=25))
    [item] = items(team)
    assert (item.stage, item.overdue) == (Stage.TO_ESCALATE, Overdue.REFERRAL)
    assert item.next_step == "Send the referral."


def sent_days_ago(escalation: Escalation, days: int) -> None:
    Escalation.objects.filter(pk=escalation.pk).update(sent_on=TODAY - dt.timedelta(days=days))


def test_an_unacknowledged_referral_is_to_be_chased_and_a_chaser_starts_the_clock_again(team: Team) -> None:
    escalation = team.referral()
    sent_days_ago(escalation, 2)
    assert items(team)[0].overdue is None
    sent_days_ago(escalation, 3)
    [item] = items(team)
    assert (item.stage, item.overdue) == (Stage.AWAITING_ACKNOWLEDGEMENT, Overdue.CHASE)
    assert item.overdue_key == f"{escalation.pk}:{TODAY - dt.timedelta(days=3)}"
    escalation.refresh_from_db()
    escalation_chase(actor=team.manager, escalation=escalation, chased_on=TODAY)
    [item] = items(team)
    assert item.overdue is None
    assert item.due == f"Acknowledgement expected by {TODAY + dt.timedelta(days=3):%-d %B %Y}"


def test_an_outcome_is_overdue_after_the_outcome_days(team: Team) -> None:
    escalation = team.referral()
    escalation_acknowledge(actor=team.manager, escalation=escalation, acknowledged_on=TODAY)
    sent_days_ago(escalation, 10)
    assert items(team)[0].overdue is None
    sent_days_ago(escalation, 11)
    [item] = items(team)
    assert (item.stage, item.overdue) == (Stage.AWAITING_OUTCOME, Overdue.OUTCOME)


def test_overdue_reminders_go_to_the_leads_once_per_step(team: Team) -> None:
    raised_hours_ago(team.concern(), 30)
    assert overdue_remind() == 1
    assert overdue_remind() == 0
    [reminder] = Notification.objects.filter(kind=Kind.SAFEGUARDING_DUE)
    assert reminder.user == team.manager.user
    assert reminder.subject == "Safeguarding: decision overdue"


def test_other_teams_concerns_are_not_in_the_teams_items(team: Team) -> None:
    other = team.member(Role.LINK_WORKER, "other_org")
    Concern.objects.create(
        area=team.world.area,
        organisation=team.world.other_programme,
        child=team.world.children["other_org"],
        raised_by=other,
        what="x",
        happened_on=TODAY,
        place="x",
        category="neglect",
        immediate_risk=False,
    )
    assert items(team) == []


def test_a_link_worker_sees_only_the_concerns_they_raised(team: Team) -> None:
    mine = team.concern(what="Mine")
    team.concern(actor=team.manager, what="The manager's")
    assert [item.concern for item in my_items(team.link_worker)] == [mine]
    assert {item.concern.what for item in my_items(team.manager)} == {"Mine", "The manager's"}
    assert [item.concern for item in concerns_of_child(team.link_worker, team.child)] == [mine]


def test_a_manager_sees_a_childs_concerns_about_contexts_too(team: Team) -> None:
    context = context_create(
        actor=team.manager, kind="online", name="Group chat", description="", children=[team.child]
    )
    about_context = team.concern(actor=team.manager, context=context)
    about_child = team.concern()
    assert [item.concern for item in concerns_of_child(team.manager, team.child)] == [about_child, about_context]
    assert [item.concern for item in concerns_of_child(team.link_worker, team.child)] == [about_child]


# -- the monthly report ----------------------------------------------------------------------------------------------

OCTOBER = dt.date(2026, 10, 1)


def raised_at(concern: Concern, moment: dt.datetime) -> None:
    Concern.objects.filter(pk=concern.pk).update(created_at=moment)


def in_october(team: Team, count: int, **changes: Any) -> list[Concern]:
    concerns = [team.concern(**changes) for _ in range(count)]
    for concern in concerns:
        raised_at(concern, dt.datetime(2026, 10, 14, 10, 0, tzinfo=dt.UTC))
    return concerns


def test_counts_under_five_are_shown_as_under_five_and_the_next_smallest_hidden(team: Team) -> None:
    in_october(team, 7, category="physical")
    in_october(team, 2, category="neglect", immediate_risk=True)
    report = monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER)
    categories = {row.label: row.count for row in report.categories}
    assert categories["Neglect"] == "<5"
    assert categories["Physical abuse"] == "hidden"
    assert categories["Sexual abuse"] == 0
    assert (report.raised, report.immediate, report.contexts) == (9, "<5", 0)


def test_two_small_counts_need_no_secondary_suppression(team: Team) -> None:
    in_october(team, 6, category="physical")
    in_october(team, 2, category="neglect")
    in_october(team, 1, category="sexual")
    categories = {
        row.label: row.count for row in monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER).categories
    }
    assert (categories["Neglect"], categories["Sexual abuse"], categories["Physical abuse"]) == ("<5", "<5", 6)


def test_decisions_levels_referrals_and_outcomes_are_counted(team: Team) -> None:
    concerns = in_october(team, 6)
    for concern in concerns[:5]:
        escalation = team.referral(concern)
        escalation_outcome(actor=team.manager, escalation=escalation, outcome="nfa", outcome_on=TODAY)
    team.decide(concerns[5], action=Decision.Action.MONITOR, level="2")
    report = monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER)
    actions = {row.label: row.count for row in report.actions}
    assert actions["Refer to children’s social care (MASH)"] == "hidden"
    assert actions["Monitor: no referral now"] == "<5"
    assert actions["Refer to the police"] == 0
    assert {row.label: row.count for row in report.referrals}["Children’s social care (MASH)"] == 5
    assert {row.label: row.count for row in report.outcomes}["No further action"] == 5
    assert {row.label: row.count for row in report.levels}["Level 4: Acute or statutory"] == "hidden"
    # Five referrals and one "monitor" could only be 5 and 1 given the number decided: that total is hidden.
    assert report.timeliness.decided == 6
    assert report.decided == "hidden"
    assert report.referred == 5
    assert ("Referrals sent to", "Children’s social care (MASH)", "5") in report.rows_for_csv


def test_a_month_with_nothing_shows_zero(team: Team) -> None:
    report = monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER)
    assert (report.raised, report.immediate, report.contexts) == (0, 0, 0)
    assert {row.count for row in report.categories} == {0}
    assert report.timeliness.median_hours_to_decision is None


def test_months_begin_and_end_at_midnight_in_london(team: Team) -> None:
    moments = {
        "last minute of September (BST)": dt.datetime(2026, 9, 30, 22, 59, tzinfo=dt.UTC),
        "first minute of October (BST)": dt.datetime(2026, 9, 30, 23, 0, tzinfo=dt.UTC),
        "last minute of October (GMT)": dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC),
        "first minute of November": dt.datetime(2026, 11, 1, 0, 0, tzinfo=dt.UTC),
    }
    for what, moment in moments.items():
        raised_at(team.concern(what=what), moment)
    in_october(team, 3)
    area, programme = team.world.area.pk, team.world.programme.pk
    assert monthly_report(area, programme, OCTOBER).raised == 5
    assert monthly_report(area, programme, dt.date(2026, 9, 15)).raised == "<5"
    assert monthly_report(area, programme, dt.date(2026, 11, 30)).raised == "<5"
    assert monthly_report(area, programme, dt.date(2026, 8, 1)).raised == 0


def test_the_report_is_the_teams_own(team: Team) -> None:
    in_october(team, 5)
    assert monthly_report(team.world.area.pk, team.world.other_programme.pk, OCTOBER).raised == 0
    assert monthly_report(team.world.other_area.pk, team.world.programme.pk, OCTOBER).raised == 0


def test_the_total_does_not_give_away_a_suppressed_count(team: Team) -> None:
    in_october(team, 5, category="physical")
    in_october(team, 1, category="neglect")
    report = monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER)
    shown = {row.label: row.count for row in report.categories}
    assert (shown["Neglect"], shown["Physical abuse"]) == ("<5", "hidden")
    # With the total, the two protected cells could only be 1 and 5: the total is hidden too.
    assert report.raised == "hidden"


def test_a_total_is_shown_when_the_protected_counts_could_be_many_things(team: Team) -> None:
    in_october(team, 7, category="physical")
    in_october(team, 1, category="neglect")
    report = monthly_report(team.world.area.pk, team.world.programme.pk, OCTOBER)
    shown = {row.label: row.count for row in report.categories}
    assert (shown["Neglect"], shown["Physical abuse"], report.raised) == ("<5", "hidden", 8)
    # "<5" is 1 to 4 and "hidden" 5 or more, adding up to 8: (1, 7), (2, 6) or (3, 5).
    possible = [(small, 8 - small) for small in range(1, 5) if 8 - small >= 5]
    assert len(possible) == 3
