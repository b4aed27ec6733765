"""Raising a concern and alerting the leads, deciding it, referring it, and recording what came back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.cases.models import Enrolment, Plan, PlanVersion
from joinedup.cases.plans import plan_start
from joinedup.notifications.models import Kind, Notification
from joinedup.notifications.services import preferences_set
from joinedup.safeguarding.models import AreaSafeguarding, Chase, Concern, Context, Decision, Escalation, FrontDoor
from joinedup.safeguarding.services import (
    REVIEW_AFTER_OUTCOME_DAYS,
    context_create,
    context_link,
    decision_record,
    escalation_acknowledge,
    escalation_chase,
    escalation_outcome,
    escalation_send,
)
from tests.factories import ChildFactory, EnrolmentFactory
from tests.safeguarding.conftest import TODAY, Team

YESTERDAY = TODAY - dt.timedelta(days=1)
TOMORROW = TODAY + dt.timedelta(days=1)


def refused(call: Callable[[], object]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


# -- raising ---------------------------------------------------------------------------------------------------------


def test_a_link_worker_raises_a_concern_about_their_child_audited_against_the_child(team: Team) -> None:
    concern = team.concern(what="  A bruise.  ")
    assert (concern.area, concern.organisation) == (team.world.area, team.world.programme)
    assert concern.raised_by == team.link_worker
    assert concern.what == "A bruise."
    assert AuditEvent.objects.filter(
        action="create", record_type="safeguarding.concern", child_id=team.child.pk, purpose="safeguarding"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"what": "   "}, "what", "Enter what you saw or heard."),
        ({"happened_on": TOMORROW}, "happened_on", "The date it happened cannot be in the future."),
    ],
)
def test_raising_refuses_bad_input_and_keeps_nothing(
    team: Team, changes: dict[str, Any], field: str, message: str
) -> None:
    error = refused(lambda: team.concern(**changes))
    assert error.message_dict == {field: [message]}
    assert not Concern.objects.exists()
    assert not Notification.objects.exists()


def test_a_time_later_than_now_today_is_refused_but_the_same_time_yesterday_is_not(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    noon = timezone.make_aware(dt.datetime(2026, 11, 27, 12, 0))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    today = dt.date(2026, 11, 27)
    error = refused(lambda: team.concern(happened_on=today, happened_time=dt.time(12, 1)))
    assert error.message_dict == {"happened_time": ["The time it happened cannot be later than now."]}
    assert team.concern(happened_on=today, happened_time=dt.time(11, 59)).happened_time == dt.time(11, 59)
    assert team.concern(happened_on=dt.date(2026, 11, 26), happened_time=dt.time(12, 1))


def test_a_concern_is_about_one_child_or_one_context_never_both_nor_neither(team: Team) -> None:
    context = context_create(
        actor=team.manager, kind="place", name="The skate park", description="", children=[team.child]
    )
    both = refused(lambda: team.concern(child=team.child, context=context))
    assert both.messages == ["A concern is about one child or one context."]
    assert "one child or one context" in refused(lambda: team.concern(child=None)).messages[0]
    assert not Concern.objects.exists()


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.DATA_LEAD, Role.DELIVERY_PRACTITIONER, Role.COMMISSIONER])
def test_only_link_workers_and_team_managers_raise_concerns_here(team: Team, role: Role) -> None:
    error = refused(lambda: team.concern(actor=team.world.members[role]))
    assert "follow your own organisation’s safeguarding procedure" in error.messages[0]
    assert not Concern.objects.exists()


def test_a_context_of_another_team_is_refused(team: Team) -> None:
    other_manager = team.member(Role.TEAM_MANAGER, "other_org")
    context = context_create(
        actor=other_manager,
        kind="place",
        name="Their park",
        description="",
        children=[team.world.children["other_org"]],
    )
    error = refused(lambda: team.concern(actor=team.manager, context=context))
    assert error.message_dict == {"context": ["Choose a context of your own team."]}


def test_a_context_cannot_link_a_child_of_another_borough(team: Team) -> None:
    far = team.world.children["other_area"]
    error = refused(
        lambda: context_create(actor=team.manager, kind="place", name="Park", description="", children=[far])
    )
    assert "is not a child of Brent" in error.message_dict["children"][0]
    assert not Context.objects.exists()


def test_a_context_cannot_link_a_child_of_another_programme(team: Team) -> None:
    theirs = team.world.children["other_org"]
    error = refused(
        lambda: context_create(actor=team.manager, kind="place", name="Park", description="", children=[theirs])
    )
    assert error.message_dict == {"children": [f"{theirs.display_name} is not a child of Link Programme."]}
    assert not Context.objects.exists()


def test_linking_more_children_to_a_context_leaves_out_other_teams_children(team: Team) -> None:
    context = context_create(actor=team.manager, kind="place", name="Park", description="", children=[team.child])
    for scope in ("other_org", "other_area"):
        link = partial(context_link, actor=team.manager, context=context, children=[team.world.children[scope]])
        error = refused(link)
        assert list(error.message_dict) == ["children"]
    assert list(context.children.all()) == [team.child]
    assert (
        "Only the team’s managers"
        in refused(lambda: context_link(actor=team.link_worker, context=context, children=[team.child])).messages[0]
    )


# -- alerting the leads -----------------------------------------------------------------------------------------------


def test_immediate_risk_alerts_every_team_manager_in_app_and_by_email_even_with_all_email_turned_off(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    second = team.member(Role.TEAM_MANAGER)
    preferences_set(user=team.manager.user, by_email=set())
    team.member(Role.TEAM_MANAGER, "other_org")
    team.member(Role.TEAM_MANAGER, "other_area")
    with django_capture_on_commit_callbacks(execute=True):
        concern = team.concern(immediate_risk=True)
    alerts = Notification.objects.filter(kind=Kind.SAFEGUARDING_ALERT)
    assert {alert.user for alert in alerts} == {team.manager.user, second.user}
    assert {alert.link for alert in alerts} == {f"/safeguarding/concerns/{concern.pk}/"}
    assert sorted(email.to[0] for email in mail.outbox) == sorted([team.manager.user.email, second.user.email])
    assert all(email.subject.startswith("Immediate risk") for email in mail.outbox)
    # Emails never name the child.
    assert all(team.child.forenames not in email.body for email in mail.outbox)


def test_named_safeguarding_leads_are_alerted_and_not_the_other_managers(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    lead = team.member(Role.TEAM_MANAGER)
    settings = AreaSafeguarding.objects.create(area=team.world.area)
    settings.leads.set([lead])
    with django_capture_on_commit_callbacks(execute=True):
        team.concern(immediate_risk=True)
    assert list(Notification.objects.values_list("user", flat=True)) == [lead.user_id]
    assert [email.to for email in mail.outbox] == [[lead.user.email]]


def test_a_named_lead_who_has_left_falls_back_to_every_manager(team: Team) -> None:
    lead = team.member(Role.TEAM_MANAGER)
    AreaSafeguarding.objects.create(area=team.world.area).leads.set([lead])
    lead.is_active = False
    lead.save()
    team.concern()
    assert list(Notification.objects.values_list("user", flat=True)) == [team.manager.user_id]


def test_a_concern_without_immediate_risk_respects_email_preferences(
    team: Team, django_capture_on_commit_callbacks: Any
) -> None:
    emailed = team.member(Role.TEAM_MANAGER)
    preferences_set(user=team.manager.user, by_email={Kind.SAFEGUARDING_DUE})
    with django_capture_on_commit_callbacks(execute=True):
        team.concern(immediate_risk=False)
    assert set(Notification.objects.filter(kind=Kind.CONCERN_RAISED).values_list("user", flat=True)) == {
        team.manager.user_id,
        emailed.user_id,
    }
    assert [email.to for email in mail.outbox] == [[emailed.user.email]]
    assert mail.outbox[0].subject == "A safeguarding concern awaits your decision"


def test_the_raiser_is_not_told_of_their_own_concern(team: Team, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        team.concern(actor=team.manager, immediate_risk=True)
    assert not Notification.objects.exists()
    assert mail.outbox == []


# -- the decision ----------------------------------------------------------------------------------------------------


def test_a_manager_decides_and_the_raiser_is_told(team: Team) -> None:
    concern = team.concern()
    decision = team.decide(concern, level="3", action=Decision.Action.EARLY_HELP)
    assert (decision.level, decision.level_name) == ("3", "Level 3: Complex or targeted")
    assert decision.decided_by == team.manager.user
    assert Notification.objects.filter(user=team.link_worker.user, kind=Kind.CONCERN_UPDATE).count() == 1


def test_a_decision_can_change_until_a_referral_is_sent(team: Team) -> None:
    concern = team.concern()
    team.decide(concern, action=Decision.Action.MONITOR, level="2")
    team.decide(concern, action=Decision.Action.SOCIAL_CARE, level="4")
    assert Decision.objects.get().action == Decision.Action.SOCIAL_CARE
    escalation_send(actor=team.manager, concern=concern, sent_on=TODAY, family_informed=True)
    error = refused(lambda: team.decide(concern, action=Decision.Action.MONITOR, level="1"))
    assert "cannot change" in error.messages[0]
    assert Decision.objects.get().action == Decision.Action.SOCIAL_CARE


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"level": "9"}, "level"),
        ({"action": "ignore"}, "action"),
        ({"reasons": "  "}, "reasons"),
    ],
)
def test_a_decision_refuses_bad_input_and_keeps_nothing(team: Team, changes: dict[str, str], field: str) -> None:
    concern = team.concern()
    values = {"level": "4", "action": Decision.Action.SOCIAL_CARE, "reasons": "Injury.", **changes}
    error = refused(lambda: decision_record(actor=team.manager, concern=concern, **values))
    assert list(error.message_dict) == [field]
    assert not Decision.objects.exists()


def test_a_boroughs_own_levels_are_the_choices(team: Team) -> None:
    AreaSafeguarding.objects.create(
        area=team.world.area, levels=[{"code": "A", "name": "Universal", "description": ""}]
    )
    concern = team.concern()
    assert list(refused(lambda: team.decide(concern, level="4")).message_dict) == ["level"]
    assert team.decide(concern, level="A").level_name == "Universal"


@pytest.mark.parametrize(
    "who",
    [
        lambda team: team.link_worker,
        lambda team: team.world.members[Role.DATA_LEAD],
        lambda team: team.member(Role.TEAM_MANAGER, "other_org"),
        lambda team: team.member(Role.TEAM_MANAGER, "other_area"),
    ],
    ids=["raising link worker", "data lead", "manager of another programme", "manager in another borough"],
)
def test_only_the_teams_managers_decide(team: Team, who: Callable[[Team], Any]) -> None:
    concern = team.concern()
    error = refused(
        lambda: decision_record(
            actor=who(team), concern=concern, level="4", action=Decision.Action.SOCIAL_CARE, reasons="Injury."
        )
    )
    assert error.messages == ["Only the team’s managers and safeguarding leads can do this."]
    assert not Decision.objects.exists()


def test_a_manager_who_has_left_cannot_decide(team: Team) -> None:
    concern = team.concern()
    team.manager.is_active = False
    team.manager.save()
    assert refused(lambda: team.decide(concern))
    assert not Decision.objects.exists()


# -- the referral ----------------------------------------------------------------------------------------------------


def send(team: Team, concern: Concern, **changes: Any) -> Escalation:
    values: dict[str, Any] = {"sent_on": TODAY, "family_informed": True, **changes}
    return escalation_send(actor=team.manager, concern=concern, **values)


def test_a_referral_needs_a_decision_to_refer(team: Team) -> None:
    concern = team.concern()
    assert refused(lambda: send(team, concern)).messages == ["Record a decision to refer before sending a referral."]
    team.decide(concern, action=Decision.Action.MONITOR, level="2")
    assert refused(lambda: send(team, concern)).messages == ["Record a decision to refer before sending a referral."]
    assert not Escalation.objects.exists()


def test_a_referral_with_no_front_door_set_up_says_what_to_do(team: Team) -> None:
    concern = team.concern()
    team.decide(concern, action=Decision.Action.POLICE)
    error = refused(lambda: send(team, concern))
    assert error.messages == [
        "Brent has no Police front door set up. A team manager can add it under Safeguarding settings; until then, "
        "follow the borough’s published procedure."
    ]
    assert not Escalation.objects.exists()


def test_the_front_door_of_another_borough_is_not_used(team: Team) -> None:
    FrontDoor.objects.create(
        area=team.world.other_area, kind="early_help", name="Far Early Help", channel="portal", contact="x"
    )
    concern = team.concern()
    team.decide(concern, action=Decision.Action.EARLY_HELP, level="3")
    assert "Brent has no Early Help front door" in refused(lambda: send(team, concern)).messages[0]


def test_the_form_carries_exactly_the_front_doors_fields_in_the_usual_order(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    escalation = send(team, concern, family_informed=False, family_informed_note="Telling mum could put her at risk.")
    assert [row["code"] for row in escalation.form] == [
        "child_name",
        "date_of_birth",
        "concern",
        "reasons",
        "family_informed",
    ]
    values = {row["code"]: row["value"] for row in escalation.form}
    assert values["child_name"] == f"{team.child.forenames} {team.child.surname}"
    # One child: the value alone; a context's children are named line by line.
    assert values["date_of_birth"] == "4 May 2016"
    assert values["concern"] == concern.what
    assert values["reasons"] == "An unexplained injury."
    assert values["family_informed"] == "No: Telling mum could put her at risk."
    assert escalation.front_door == team.mash


def test_the_form_as_sent_does_not_change_when_the_front_door_does(team: Team) -> None:
    escalation = team.referral()
    team.mash.required_fields = ["category"]
    team.mash.save()
    escalation.refresh_from_db()
    assert [row["code"] for row in escalation.form] == [
        "child_name",
        "date_of_birth",
        "concern",
        "reasons",
        "family_informed",
    ]


def test_a_referral_about_a_context_lists_each_child(team: Team) -> None:
    other = ChildFactory.create(
        forenames="Dami",
        surname="Ade",
        area=team.world.area,
        school=team.child.school,
        programme_organisation=team.world.programme,
    )
    context = context_create(
        actor=team.manager, kind="peer_group", name="Group", description="", children=[team.child, other]
    )
    concern = team.concern(actor=team.manager, context=context, child=None)
    team.decide(concern)
    escalation = send(team, concern)
    names = next(row["value"] for row in escalation.form if row["code"] == "child_name")
    assert set(names.splitlines()) == {"Amara Okafor", "Dami Ade"}
    births = next(row["value"] for row in escalation.form if row["code"] == "date_of_birth")
    assert set(births.splitlines()) == {"Amara Okafor: 4 May 2016", "Dami Ade: 4 May 2016"}


def test_a_family_not_told_needs_the_reason(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    error = refused(lambda: send(team, concern, family_informed=False, family_informed_note=" "))
    assert list(error.message_dict) == ["family_informed_note"]
    assert not Escalation.objects.exists()


@pytest.mark.parametrize(("sent_on", "message"), [(TOMORROW, "in the future"), (YESTERDAY, "cannot be before")])
def test_a_referral_is_sent_between_the_decision_and_today(team: Team, sent_on: dt.date, message: str) -> None:
    concern = team.concern()
    team.decide(concern)
    assert message in refused(lambda: send(team, concern, sent_on=sent_on)).message_dict["sent_on"][0]
    assert not Escalation.objects.exists()


def test_one_referral_per_front_door_even_once_answered(team: Team) -> None:
    escalation = team.referral()
    error = refused(lambda: send(team, escalation.concern))
    assert "referred to Brent MASH already" in error.messages[0]
    record_outcome(team, escalation)
    assert "raise a new concern" in refused(lambda: send(team, escalation.concern)).messages[0]
    assert Escalation.objects.count() == 1


def test_only_the_teams_managers_refer(team: Team) -> None:
    concern = team.concern()
    team.decide(concern)
    error = refused(
        lambda: escalation_send(actor=team.link_worker, concern=concern, sent_on=TODAY, family_informed=True)
    )
    assert "Only the team’s managers" in error.messages[0]
    assert not Escalation.objects.exists()


# -- acknowledgement, chasers and outcome ---------------------------------------------------------------------------


def sent_days_ago(team: Team, days: int) -> Escalation:
    escalation = team.referral()
    Escalation.objects.filter(pk=escalation.pk).update(sent_on=TODAY - dt.timedelta(days=days))
    escalation.refresh_from_db()
    return escalation


def test_acknowledgement_is_recorded_once_between_sending_and_today(team: Team) -> None:
    escalation = sent_days_ago(team, 3)
    sent = escalation.sent_on
    ack = escalation_acknowledge
    before = refused(lambda: ack(actor=team.manager, escalation=escalation, acknowledged_on=sent - dt.timedelta(1)))
    assert before.message_dict == {
        "acknowledged_on": [f"The date of the acknowledgement cannot be before {sent:%-d %B %Y}."]
    }
    future = refused(lambda: ack(actor=team.manager, escalation=escalation, acknowledged_on=TOMORROW))
    assert list(future.message_dict) == ["acknowledged_on"]
    ack(actor=team.manager, escalation=escalation, acknowledged_on=sent, reference=" MASH-1 ")
    escalation.refresh_from_db()
    assert (escalation.acknowledged_on, escalation.reference) == (sent, "MASH-1")
    twice = refused(lambda: ack(actor=team.manager, escalation=escalation, acknowledged_on=TODAY))
    assert "already recorded" in twice.messages[0]
    escalation.refresh_from_db()
    assert escalation.acknowledged_on == sent


def test_a_chaser_is_between_sending_and_today_and_only_until_acknowledged(team: Team) -> None:
    escalation = sent_days_ago(team, 5)
    chase = escalation_chase
    early = escalation.sent_on - dt.timedelta(days=1)
    assert list(refused(lambda: chase(actor=team.manager, escalation=escalation, chased_on=early)).message_dict) == [
        "chased_on"
    ]
    assert list(refused(lambda: chase(actor=team.manager, escalation=escalation, chased_on=TOMORROW)).message_dict) == [
        "chased_on"
    ]
    assert not Chase.objects.exists()
    chase(actor=team.manager, escalation=escalation, chased_on=TODAY, note="Phoned the MASH.")
    chase(actor=team.manager, escalation=escalation, chased_on=TODAY)
    assert Chase.objects.count() == 2
    escalation_acknowledge(actor=team.manager, escalation=escalation, acknowledged_on=TODAY)
    assert (
        "nothing to chase"
        in refused(lambda: chase(actor=team.manager, escalation=escalation, chased_on=TODAY)).messages[0]
    )


def test_only_the_teams_managers_record_what_came_back(team: Team) -> None:
    escalation = team.referral()
    other = team.member(Role.TEAM_MANAGER, "other_org")
    for actor in (team.link_worker, other):
        refused(partial(escalation_acknowledge, actor=actor, escalation=escalation, acknowledged_on=TODAY))
        refused(partial(escalation_chase, actor=actor, escalation=escalation, chased_on=TODAY))
        refused(partial(escalation_outcome, actor=actor, escalation=escalation, outcome="nfa", outcome_on=TODAY))
    escalation.refresh_from_db()
    assert (escalation.acknowledged_on, escalation.outcome) == (None, "")
    assert not Chase.objects.exists()


def record_outcome(team: Team, escalation: Escalation, **changes: Any) -> Escalation:
    values: dict[str, Any] = {"outcome": "child_in_need", "outcome_on": TODAY, **changes}
    return escalation_outcome(actor=team.manager, escalation=escalation, **values)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"outcome": "lost"}, "outcome"),
        ({"outcome": "other", "note": " "}, "note"),
        ({"outcome_on": TOMORROW}, "outcome_on"),
        ({"outcome_on": TODAY - dt.timedelta(days=3)}, "outcome_on"),
    ],
)
def test_an_outcome_refuses_bad_input(team: Team, changes: dict[str, Any], field: str) -> None:
    escalation = sent_days_ago(team, 2)
    assert list(refused(lambda: record_outcome(team, escalation, **changes)).message_dict) == [field]
    escalation.refresh_from_db()
    assert escalation.outcome == ""


def test_an_outcome_is_recorded_once_and_acknowledges_the_referral(team: Team) -> None:
    escalation = sent_days_ago(team, 2)
    record_outcome(team, escalation, note=" Allocated a social worker. ")
    escalation.refresh_from_db()
    assert (escalation.outcome, escalation.outcome_on, escalation.acknowledged_on) == ("child_in_need", TODAY, TODAY)
    assert escalation.outcome_note == "Allocated a social worker."
    assert "already recorded" in refused(lambda: record_outcome(team, escalation, outcome="nfa")).messages[0]
    assert Notification.objects.filter(user=team.link_worker.user, key__endswith=f"outcome:{escalation.pk}").exists()


def enrol_with_plan(team: Team, next_review_on: dt.date | None = None) -> Plan:
    enrolment = EnrolmentFactory.create(child=team.child, start_date=TODAY - dt.timedelta(days=30))
    plan = plan_start(actor=team.link_worker, enrolment=enrolment)
    if next_review_on:
        Plan.objects.filter(pk=plan.pk).update(next_review_on=next_review_on)
    return plan


def test_an_outcome_brings_the_plan_review_forward_as_a_new_version(team: Team) -> None:
    plan = enrol_with_plan(team, next_review_on=TODAY + dt.timedelta(days=90))
    escalation = team.referral()
    record_outcome(team, escalation)
    plan.refresh_from_db()
    review_by = TODAY + dt.timedelta(days=REVIEW_AFTER_OUTCOME_DAYS)
    assert plan.next_review_on == review_by
    version = PlanVersion.objects.get(plan=plan, number=plan.version)
    assert version.number == 2
    # Others who see the child (school staff, data leads) read plan versions: it says what changed, not why.
    assert version.summary == f"Next review brought forward to {review_by:%-d %B %Y}"
    assert version.changed_by == team.manager.user


def test_an_outcome_keeps_a_review_that_is_already_sooner(team: Team) -> None:
    soon = TODAY + dt.timedelta(days=3)
    plan = enrol_with_plan(team, next_review_on=soon)
    record_outcome(team, team.referral())
    plan.refresh_from_db()
    assert plan.next_review_on == soon
    # Nothing in the plan changed, so it has no new version.
    assert plan.versions.count() == 1


def test_an_outcome_leaves_a_closed_enrolments_plan_alone(team: Team) -> None:
    plan = enrol_with_plan(team)
    Enrolment.objects.filter(pk=plan.enrolment_id).update(stage=Enrolment.Stage.CLOSED)
    record_outcome(team, team.referral())
    assert plan.versions.count() == 1


def test_an_outcome_for_a_child_with_no_plan_is_still_recorded(team: Team) -> None:
    escalation = record_outcome(team, team.referral())
    assert escalation.outcome == "child_in_need"
    assert not PlanVersion.objects.exists()
