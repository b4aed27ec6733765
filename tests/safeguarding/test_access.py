"""Who reaches a concern, a context and a referral: the team's managers, and the person who raised the concern;
nobody else. Every reading is audited against each child the record is about."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

import pytest
from django.http import Http404

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditEvent
from joinedup.safeguarding.access import access_concern, access_context, concerns_visible_to, contexts_visible_to
from joinedup.safeguarding.models import Concern, Context
from joinedup.safeguarding.services import context_create
from tests.factories import ChildFactory
from tests.safeguarding.conftest import Team

Who = Callable[[Team], Membership]

REFUSED: dict[str, Who] = {
    "another link worker of the team": lambda team: team.member(Role.LINK_WORKER),
    "a manager of another programme in the borough": lambda team: team.member(Role.TEAM_MANAGER, "other_org"),
    "a manager of the programme in another borough": lambda team: team.member(Role.TEAM_MANAGER, "other_area"),
    "the child's school staff": lambda team: team.world.members[Role.SCHOOL_STAFF],
    "the team's data lead": lambda team: team.world.members[Role.DATA_LEAD],
    "a delivery practitioner": lambda team: team.world.members[Role.DELIVERY_PRACTITIONER],
    "a partner professional": lambda team: team.world.members[Role.PARTNER_PROFESSIONAL],
    "a commissioner": lambda team: team.world.members[Role.COMMISSIONER],
    "an administrator": lambda team: team.world.members[Role.ADMINISTRATOR],
}
ALLOWED: dict[str, Who] = {
    "the link worker who raised it": lambda team: team.link_worker,
    "the team manager": lambda team: team.manager,
    "another team manager of the team": lambda team: team.member(Role.TEAM_MANAGER),
}


def concern_views(team: Team, who: Membership) -> int:
    return team.client(who).get(f"/safeguarding/concerns/{team.concern().pk}/").status_code


def safeguarding_reads(membership: Membership) -> list[tuple[str, int | None]]:
    return list(
        AuditEvent.objects.filter(user=membership.user, purpose="safeguarding", action="view")
        .order_by("seq")
        .values_list("record_type", "child_id")
    )


@pytest.mark.parametrize("who", list(REFUSED.values()), ids=list(REFUSED))
def test_nobody_else_reaches_a_concern_and_nothing_is_read(team: Team, who: Who) -> None:
    membership = who(team)
    concern = team.concern()
    assert team.client(membership).get(f"/safeguarding/concerns/{concern.pk}/").status_code in (403, 404)
    assert not concerns_visible_to(membership).exists()
    with pytest.raises(Http404):
        access_concern(membership, concern.pk)
    assert safeguarding_reads(membership) == []


@pytest.mark.parametrize("who", list(ALLOWED.values()), ids=list(ALLOWED))
def test_the_raiser_and_the_teams_managers_read_the_concern_and_it_is_audited(team: Team, who: Who) -> None:
    membership = who(team)
    concern = team.concern()
    response = team.client(membership).get(f"/safeguarding/concerns/{concern.pk}/")
    assert response.status_code == 200
    assert concern.what in response.text
    assert ("safeguarding.concern", team.child.pk) in safeguarding_reads(membership)


def test_a_link_worker_who_raised_a_concern_loses_it_when_their_membership_ends(team: Team) -> None:
    concern = team.concern()
    team.link_worker.is_active = False
    team.link_worker.save()
    assert not concerns_visible_to(team.link_worker).exists()
    with pytest.raises(Http404):
        access_concern(team.link_worker, concern.pk)


def test_a_missing_and_a_forbidden_concern_answer_alike(team: Team) -> None:
    other = team.member(Role.LINK_WORKER)
    concern = team.concern()
    client = team.client(other)
    forbidden = client.get(f"/safeguarding/concerns/{concern.pk}/")
    missing = client.get(f"/safeguarding/concerns/{concern.pk + 100}/")
    assert forbidden.status_code == missing.status_code == 404
    # Alike but for the tokens that differ on every page.
    tokens = re.compile(r'(nonce|value)="[^"]*"')
    assert tokens.sub("", forbidden.text) == tokens.sub("", missing.text)


def two_children_context(team: Team) -> Context:
    sibling = ChildFactory.create(
        forenames="Dami", area=team.world.area, school=team.world.school, programme_organisation=team.world.programme
    )
    return context_create(
        actor=team.manager,
        kind="peer_group",
        name="The group at the park",
        description="",
        children=[team.child, sibling],
    )


def test_every_view_of_a_concern_about_a_context_is_audited_against_each_child(team: Team) -> None:
    context = two_children_context(team)
    concern = team.concern(actor=team.manager, context=context)
    children = set(context.children.values_list("pk", flat=True))
    client = team.client(team.manager)
    for _ in range(2):
        assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    reads = [child for kind, child in safeguarding_reads(team.manager) if kind == "safeguarding.concern"]
    assert Counter(reads) == dict.fromkeys(children, 2)


def test_a_context_page_is_the_managers_and_its_reading_is_audited_against_each_child(team: Team) -> None:
    context = two_children_context(team)
    assert team.client(team.manager).get(f"/safeguarding/contexts/{context.pk}/").status_code == 200
    reads = [child for kind, child in safeguarding_reads(team.manager) if kind == "safeguarding.context"]
    assert Counter(reads) == dict.fromkeys(context.children.values_list("pk", flat=True), 1)


def test_a_link_worker_is_refused_context_pages_even_of_their_own_concern(team: Team) -> None:
    context = two_children_context(team)
    concern = team.concern(context=context)
    client = team.client(team.link_worker)
    assert client.get(f"/safeguarding/concerns/{concern.pk}/").status_code == 200
    assert client.get(f"/safeguarding/contexts/{context.pk}/").status_code == 403
    assert client.get(f"/safeguarding/contexts/{context.pk}/raise/").status_code == 403
    assert not contexts_visible_to(team.link_worker).exists()
    with pytest.raises(Http404):
        access_context(team.link_worker, context.pk)


def test_a_link_worker_sees_only_the_children_of_a_context_they_work_with(team: Team) -> None:
    context = two_children_context(team)
    concern = team.concern(context=context)
    response = team.client(team.link_worker).get(f"/safeguarding/concerns/{concern.pk}/")
    assert team.child.forenames in response.text
    assert "Dami" not in response.text


@pytest.mark.parametrize(
    "who",
    [
        lambda team: team.member(Role.TEAM_MANAGER, "other_org"),
        lambda team: team.member(Role.TEAM_MANAGER, "other_area"),
    ],
)
def test_managers_of_other_teams_reach_no_context(team: Team, who: Who) -> None:
    context = two_children_context(team)
    assert team.client(who(team)).get(f"/safeguarding/contexts/{context.pk}/").status_code == 404


def test_a_referral_is_for_the_teams_managers_only(team: Team) -> None:
    escalation = team.referral()
    url = f"/safeguarding/referrals/{escalation.pk}/"
    assert team.client(team.manager).get(url).status_code == 200
    assert team.client(team.link_worker).get(url).status_code == 403
    assert team.client(team.member(Role.TEAM_MANAGER, "other_org")).get(url).status_code == 404
    assert ("safeguarding.concern", team.child.pk) in safeguarding_reads(team.manager)


def test_the_list_of_concerns_is_audited_and_holds_only_what_the_person_may_read(team: Team) -> None:
    mine = team.concern(what="Seen by the link worker")
    theirs = team.concern(actor=team.manager, what="Raised by the manager")
    response = team.client(team.link_worker).get("/safeguarding/")
    assert response.status_code == 200
    assert f"/safeguarding/concerns/{mine.pk}/" in response.text
    assert f"/safeguarding/concerns/{theirs.pk}/" not in response.text
    assert safeguarding_reads(team.link_worker) == [("safeguarding.concern", team.child.pk)]
    assert Concern.objects.count() == 2
