"""Two people changing the same plan, referral or shared case at once: the second hears of the first's change
and nothing is silently overwritten."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from joinedup.accounts.models import Role
from joinedup.cases.models import Referral, ReferralEvent
from joinedup.cases.plans import PlanChanged, goal_add
from joinedup.cases.referrals import referral_status_set
from tests.cases.test_coordination import Case
from tests.conftest import World


@pytest.fixture
def case(world: World) -> Case:
    return Case(world)


def test_a_referral_answered_while_the_link_worker_withdraws_it_keeps_the_answer(case: Case) -> None:
    # Both opened the referral while it was sent.
    workers_view = Referral.objects.get(pk=case.referral.pk)
    partners_view = Referral.objects.get(pk=case.referral.pk)
    referral_status_set(actor=case.partner, referral=partners_view, status="accepted", on=date.today())
    with pytest.raises(ValidationError, match=r"changed this referral at \d\d:\d\d since you opened it"):
        referral_status_set(
            actor=case.worker, referral=workers_view, status="withdrawn", on=date.today(), reason="Not needed"
        )
    assert Referral.objects.get(pk=case.referral.pk).status == "accepted"
    assert not ReferralEvent.objects.filter(referral=case.referral, status="withdrawn").exists()


def test_the_page_tells_the_second_person_and_shows_the_referral_as_it_now_is(case: Case) -> None:
    seen = Referral.objects.get(pk=case.referral.pk).modified_at.isoformat()
    partner = case.world.client_for(Role.DELIVERY_PRACTITIONER)
    answered = partner.post(
        f"/partner/referrals/{case.referral.pk}/move/",
        {"move-status": "accepted", "move-on": date.today(), "seen": seen},
        follow=True,
    )
    assert "The referral is now accepted" in answered.text
    worker = case.world.client_for(Role.LINK_WORKER)
    stale = worker.post(
        f"/children/{case.child.pk}/referrals/{case.referral.pk}/move/",
        {"status": "withdrawn", "on": f"{date.today():%d/%m/%Y}", "reason": "Not needed", "seen": seen},
    )
    assert stale.status_code == 200
    assert "Delivery partner practitioner changed this referral at" in stale.text
    assert Referral.objects.get(pk=case.referral.pk).status == "accepted"


def test_a_plan_changed_by_two_people_keeps_both_changes_or_says_why_not(case: Case) -> None:
    version = case.plan.version
    goal_add(
        actor=case.worker, plan=case.plan, seen_version=version, domain="attainment", goal="Times tables", success="All"
    )
    manager = case.world.members[Role.TEAM_MANAGER]
    with pytest.raises(PlanChanged):
        goal_add(
            actor=manager,
            plan=case.plan,
            seen_version=version,
            domain="relationships",
            goal="Read daily",
            success="Daily",
        )
    assert list(case.plan.goals.values_list("goal", flat=True)).count("Times tables") == 1
    assert not case.plan.goals.filter(goal="Read daily").exists()


@pytest.mark.django_db(transaction=True)
def test_two_answers_sent_at_the_same_moment_one_wins_and_the_other_is_told(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; the row lock is PostgreSQL's")
    case = Case(world)
    views = [Referral.objects.get(pk=case.referral.pk) for _ in range(2)]
    moves = [(case.partner, "accepted", ""), (case.worker, "withdrawn", "Not needed")]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def move(index: int) -> None:
        actor, status, reason = moves[index]
        start.wait()
        try:
            referral_status_set(actor=actor, referral=views[index], status=status, on=date.today(), reason=reason)
            outcomes.append(status)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 1
    final = Referral.objects.get(pk=case.referral.pk).status
    assert final in outcomes
    assert ReferralEvent.objects.filter(referral=case.referral).exclude(status__in=["draft", "sent"]).count() == 1
