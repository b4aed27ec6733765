from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from joinedup.accounts.models import Membership, Organisation, Role
from joinedup.cases.models import Child, Goal, Plan
from joinedup.cases.plans import action_add, goal_add, plan_start
from joinedup.sharing.models import DataSharingAgreement
from tests.conftest import World
from tests.factories import EnrolmentFactory, verified_login
from tests.sharing.conftest import agreement_make


@dataclass
class Joint:
    """The own child with a plan (one goal and one action), the borough's Early Help team under an agreement in
    force, and its practitioner."""

    world: World
    child: Child
    plan: Plan
    goal: Goal
    early_help: Organisation
    agreement: DataSharingAgreement
    link_worker: Membership
    practitioner: Membership

    def client(self, membership: Membership) -> Client:
        client = Client()
        verified_login(client, membership.user)
        return client


@pytest.fixture
def joint(world: World) -> Joint:
    child = world.children["own"]
    link_worker = world.members[Role.LINK_WORKER]
    enrolment = EnrolmentFactory.create(child=child, start_date=dt.date.today() - dt.timedelta(days=60))
    plan = plan_start(actor=link_worker, enrolment=enrolment)
    goal = goal_add(
        actor=link_worker,
        plan=plan,
        seen_version=plan.version,
        domain="attendance",
        goal="Get to school on time every day",
        success="Attendance above 95% this term",
    )
    plan.refresh_from_db()
    action_add(
        actor=link_worker,
        goal=goal,
        seen_version=plan.version,
        action="Morning check-in at the school gate",
        owner="link_worker",
        due_on=dt.date.today() + dt.timedelta(days=14),
    )
    plan.refresh_from_db()
    practitioner = world.members[Role.PARTNER_PROFESSIONAL]
    early_help = practitioner.organisation
    agreement = agreement_make(world, early_help)
    return Joint(world, child, plan, goal, early_help, agreement, link_worker, practitioner)
