"""A safeguarding team: the world's programme in Brent, its Link Worker and team manager, the Link Worker's child,
and the borough's MASH front door; with helpers to raise, decide and refer a concern."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.cases.models import Child
from joinedup.safeguarding.models import Concern, Decision, Escalation, FrontDoor
from joinedup.safeguarding.services import concern_raise, decision_record, escalation_send
from tests.conftest import World
from tests.factories import MembershipFactory, verified_login

TODAY = dt.date.today()
#: What the borough's MASH asks for, deliberately not in the form's usual order.
MASH_FIELDS = ["reasons", "child_name", "concern", "family_informed", "date_of_birth"]


@dataclass
class Team:
    world: World
    child: Child
    link_worker: Membership
    manager: Membership
    mash: FrontDoor

    def client(self, membership: Membership) -> Client:
        client = Client()
        verified_login(client, membership.user)
        return client

    def member(self, role: Role, scope: str = "own") -> Membership:
        """A new member of the team ("own"), of another programme in the borough ("other_org"), or of the same
        programme in another borough ("other_area")."""
        world = self.world
        organisation = world.other_programme if scope == "other_org" else world.programme
        area = world.other_area if scope == "other_area" else world.area
        return MembershipFactory.create(organisation=organisation, area=area, role=role)

    def concern(self, actor: Membership | None = None, **changes: Any) -> Concern:
        values: dict[str, Any] = {
            "actor": actor or self.link_worker,
            "what": "A bruise on her upper arm; she flinched when touched.",
            "child_words": "Mum's boyfriend grabbed me.",
            "happened_on": TODAY,
            "place": "Classroom",
            "category": "physical",
            "immediate_risk": False,
            **changes,
        }
        if "context" not in values:
            values.setdefault("child", self.child)
        return concern_raise(**values)

    def decide(self, concern: Concern, action: str = Decision.Action.SOCIAL_CARE, level: str = "4") -> Decision:
        return decision_record(
            actor=self.manager, concern=concern, level=level, action=action, reasons="An unexplained injury."
        )

    def referral(self, concern: Concern | None = None, sent_on: dt.date = TODAY) -> Escalation:
        concern = concern or self.concern()
        self.decide(concern)
        return escalation_send(actor=self.manager, concern=concern, sent_on=sent_on, family_informed=True)


@pytest.fixture
def team(world: World) -> Team:
    mash = FrontDoor.objects.create(
        area=world.area,
        kind=FrontDoor.Kind.SOCIAL_CARE,
        name="Brent MASH",
        channel=FrontDoor.Channel.SECURE_EMAIL,
        contact="mash@brent.example.org",
        required_fields=MASH_FIELDS,
    )
    return Team(
        world,
        world.children["own"],
        world.members[Role.LINK_WORKER],
        world.members[Role.TEAM_MANAGER],
        mash,
    )


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
