"""Safeguarding concerns beyond the safeguarding pages. A partner practitioner reads them only inside a plan share that
names them, on a safeguarding basis that is recorded, while that share and basis are in force. The child's
chronology says that a concern was raised, decided, referred and answered, never what it says."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Role
from joinedup.cases.models import Consent
from joinedup.cases.services import consent_withdraw
from joinedup.joint.models import PlanShare
from joinedup.joint.services import plan_share_create, plan_share_revoke
from joinedup.safeguarding.models import Concern, Context, FrontDoor
from joinedup.safeguarding.services import (
    concern_raise,
    context_create,
    decision_record,
    escalation_outcome,
    escalation_send,
)
from tests.joint.conftest import Joint
from tests.sharing.conftest import agreement_make

WHAT = "Bruising on both forearms, noticed at breakfast club"
CONTEXT_WHAT = "Older teenagers waiting outside the gates with gifts"


def concern_about_the_child(joint: Joint) -> Concern:
    return concern_raise(
        actor=joint.link_worker,
        child=joint.child,
        what=WHAT,
        child_words="I fell off my bike",
        happened_on=dt.date.today(),
        place="Breakfast club",
        category="physical",
        immediate_risk=False,
    )


def concern_about_a_context(joint: Joint) -> Concern:
    context: Context = context_create(
        actor=joint.link_worker, kind="peer_group", name="The gate group", description="", children=[joint.child]
    )
    return concern_raise(
        actor=joint.link_worker,
        context=context,
        what=CONTEXT_WHAT,
        happened_on=dt.date.today(),
        place="School gates",
        category="exploitation",
        immediate_risk=False,
    )


def share_concerns(joint: Joint) -> PlanShare:
    return plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["goals", "concerns"],
        purpose="Early Help is assessing the family after the referral",
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )


def safeguarding_decision(joint: Joint) -> Consent:
    """A recorded decision to share with Early Help to protect the child: who decided, and why."""
    return Consent.objects.create(
        child=joint.child,
        purpose="sharing",
        basis="safeguarding",
        basis_reason="Early Help is assessing; the child’s protection outweighs privacy",
        basis_decided_by=joint.world.members[Role.TEAM_MANAGER].user,
        organisation=joint.early_help,
        given_on=dt.date.today(),
    )


def page(joint: Joint, share: PlanShare) -> tuple[int, str]:
    response = joint.client(joint.practitioner).get(f"/joint/shared-plans/{share.pk}/")
    return response.status_code, response.text


def test_concerns_are_not_shared_under_an_agreement_for_public_task(joint: Joint) -> None:
    concern_about_the_child(joint)
    with pytest.raises(ValidationError) as refused:
        share_concerns(joint)
    assert "only on a safeguarding basis" in str(refused.value.message_dict["parts"])
    assert not PlanShare.objects.exists()


def test_a_plan_shared_without_concerns_never_shows_them(joint: Joint) -> None:
    concern_about_the_child(joint)
    share = plan_share_create(
        actor=joint.link_worker,
        child=joint.child,
        shared_with=joint.practitioner,
        parts=["goals", "actions", "services", "key_dates"],
        purpose="To check our plans do not overlap",
        expires_on=dt.date.today() + dt.timedelta(days=30),
    )
    status, text = page(joint, share)
    assert status == 200
    assert WHAT not in text
    assert "Safeguarding concerns" not in text


def test_a_recorded_safeguarding_decision_shares_the_childs_concerns_and_not_a_contexts(joint: Joint) -> None:
    concern_about_the_child(joint)
    concern_about_a_context(joint)
    decision = safeguarding_decision(joint)
    share = share_concerns(joint)
    assert share.consent == decision
    assert share.agreement is None
    status, text = page(joint, share)
    assert status == 200
    assert WHAT in text
    assert "I fell off my bike" in text
    # A context's concerns hold information about other children: never shared with a child's plan.
    assert CONTEXT_WHAT not in text

    consent_withdraw(actor=joint.link_worker, consent=decision, withdrawn_on=dt.date.today(), withdrawn_by="Lead")
    status, text = page(joint, share)
    assert status == 410
    assert WHAT not in text


def test_an_agreement_under_section_11_is_a_safeguarding_basis(joint: Joint) -> None:
    concern_about_the_child(joint)
    section_11 = agreement_make(joint.world, joint.early_help, lawful_basis="children_act_s11", title="Safeguarding")
    share = share_concerns(joint)
    assert share.agreement == section_11
    assert WHAT in page(joint, share)[1]
    plan_share_revoke(actor=joint.link_worker, share=share, reason="Assessment finished")
    status, text = page(joint, share)
    assert status == 410
    assert WHAT not in text


def test_the_chronology_tells_the_steps_of_a_concern_but_not_its_content(joint: Joint) -> None:
    concern = concern_about_the_child(joint)
    decision_record(
        actor=joint.world.members[Role.TEAM_MANAGER],
        concern=concern,
        level="2",
        action="early_help",
        reasons="Needs a whole-family assessment",
    )
    link_worker = joint.client(joint.link_worker).get(f"/children/{joint.child.pk}/chronology/").text
    assert "Safeguarding concern raised" in link_worker
    assert "Safeguarding decision: Level 2: Early help" in link_worker
    assert "Request Early Help" in link_worker
    for private in (WHAT, "I fell off my bike", "Needs a whole-family assessment", "Physical abuse"):
        assert private not in link_worker
    school = joint.world.client_for(Role.SCHOOL_STAFF).get(f"/children/{joint.child.pk}/chronology/").text
    assert "Safeguarding concern raised" not in school


def test_an_outcome_reaches_the_plan_and_chronology_without_its_details(joint: Joint) -> None:
    manager = joint.world.members[Role.TEAM_MANAGER]
    FrontDoor.objects.create(
        area=joint.world.area, kind="early_help", name="Brent Early Help front door", channel="portal", contact="x"
    )
    concern = concern_about_the_child(joint)
    decision_record(actor=manager, concern=concern, level="2", action="early_help", reasons="Whole-family needs")
    escalation = escalation_send(actor=manager, concern=concern, sent_on=dt.date.today(), family_informed=True)
    escalation_outcome(
        actor=manager,
        escalation=escalation,
        outcome="early_help",
        outcome_on=dt.date.today(),
        note="Allocated to a family support worker after a home visit",
    )
    link_worker = joint.client(joint.link_worker).get(f"/children/{joint.child.pk}/chronology/").text
    assert "Outcome of the referral to Brent Early Help front door: early help" in link_worker
    assert manager.user.full_name in link_worker
    assert "home visit" not in link_worker
    # The data lead sees the plan's history: that the review moved, not why.
    data_lead = joint.world.client_for(Role.DATA_LEAD)
    history = data_lead.get(f"/children/{joint.child.pk}/chronology/").text
    assert "Next review brought forward to" in history
    assert "Early Help front door" not in history
