"""Joint working in the demo: plans shared both ways with each borough's Early Help practitioner, duplication
found (some of it resolved), team-around-the-family meetings with their actions, and the partnership map.

Made through the app's own services, as the people would: the Link Worker records the family's story and
shares the plan; the Early Help practitioner adds their plan beside it, some of it repeating ours; the two agree
what to do about some of the overlaps; they meet. The headline Link Worker's shared cases come first, so their
sign-in shows it all. Emails are held while loading: the notifications are kept, not sent.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from joinedup.accounts.models import Membership, Organisation, Role, User
from joinedup.cases.models import Enrolment, Goal, Referral
from joinedup.cases.services import family_story_set
from joinedup.core.domains import NeedDomain
from joinedup.demo.generator import DEMO_EMAIL_DOMAIN
from joinedup.joint.comparison import case_findings
from joinedup.joint.models import JointMeeting, PartnerPlan, PlanShare
from joinedup.joint.services import (
    appointment_add,
    comment_add,
    finding_resolve,
    meeting_action_add,
    meeting_action_done,
    meeting_save,
    partner_item_add,
    partner_review_set,
    plan_share_create,
)
from joinedup.notifications.models import Kind, Preference
from joinedup.partnership.models import Forum, PartnerContact, ReferralPathway
from joinedup.sharing.models import SharedCase

# Plans shared with Early Help in each borough, of its shared cases.
_SHARES_PER_BOROUGH = 12
_HEADLINE_LINK_WORKER = f"linkworker@{DEMO_EMAIL_DOMAIN}"
_STORIES = (
    "We moved here two years ago after Dad lost his job. The flat is small and the mornings are a battle. "
    "{name} used to love school; since the move {pronoun} has found it hard to make friends.",
    "It has been hard since Nan died last winter. {name} was very close to her and has been angry and tearful. "
    "We don't want to keep going over it with new people.",
    "We have had help before and it felt like nobody talked to each other. {name} is bright but gets behind "
    "when things at home are difficult. We want one plan that everyone sticks to.",
)
# Early Help's own goals, actions and services: some repeat ours (a finding), some do not.
_THEIR_GOALS = {
    "attendance": ("Mornings that work: the family gets {name} to school on time", "Early Help family worker"),
    "family_support": ("Parents feel confident with routines and boundaries", "Early Help family worker"),
    "housing": ("The family's damp flat is repaired or they move", "Early Help family worker"),
    "finances": ("The family's income is maximised and debts are managed", "Early Help family worker"),
}
_THEIR_ACTIONS = {
    "attendance": "Morning check-in at the school gate, three days a week",
    "family_support": "Weekly home visit to work on routines",
    "housing": "Refer to the council's environmental health team about the damp",
    "finances": "Benefits check with the Citizens Advice adviser",
}


@dataclass(frozen=True)
class JointLoadSummary:
    shares: int
    partner_plans: int
    findings: int
    resolved: int
    meetings: int
    map_entries: int


def demo_joint_loaded() -> bool:
    return PlanShare.objects.exists()


@contextmanager
def _emails_held(users: list[User]) -> Iterator[None]:
    """Keep notifications but send no email while loading: turn emails off for these people, then back on."""
    made = [Preference(user=user, kind=kind, by_email=False) for user in users for kind in Kind.values]
    Preference.objects.bulk_create(made, ignore_conflicts=True)
    try:
        yield
    finally:
        Preference.objects.filter(user__in=users, by_email=False).delete()


def demo_joint_load(*, seed: int, as_of: date) -> JointLoadSummary:
    rng = random.Random(f"joinedup-demo-joint:{seed}")
    professionals = list(
        Membership.objects.filter(role=Role.PARTNER_PROFESSIONAL, organisation__name__icontains="early help")
        .select_related("user", "organisation", "area")
        .order_by("area__name")
    )
    people = list(User.objects.filter(memberships__role__in=[Role.LINK_WORKER, Role.PARTNER_PROFESSIONAL]).distinct())
    shares = findings = resolved = meetings = 0
    with _emails_held(people):
        for professional in professionals:
            for case in _cases(professional):
                share = _share(rng, case, professional, as_of)
                if share is None:
                    continue
                shares += 1
                _their_plan(rng, share, professional, as_of)
                found, agreed = _agree(rng, share)
                findings += found
                resolved += agreed
                if rng.random() < 0.6:
                    _meeting(rng, share, professional, as_of)
                    meetings += 1
    entries = sum(_map(professional, as_of) for professional in professionals)
    return JointLoadSummary(shares, PartnerPlan.objects.count(), findings, resolved, meetings, entries)


def _cases(professional: Membership) -> list[SharedCase]:
    """The borough's shared cases with a plan, the headline Link Worker's first."""
    cases = (
        SharedCase.objects.filter(
            partner_id=professional.organisation_id, agreement__area_id=professional.area_id, ended_at__isnull=True
        )
        .select_related("child__link_worker", "child__family", "child__area")
        .order_by("child__surname", "child__pk")
    )
    ordered = sorted(cases, key=lambda case: getattr(case.child.link_worker, "email", "") != _HEADLINE_LINK_WORKER)
    with_plan = [case for case in ordered if _open_enrolment(case) is not None]
    return with_plan[:_SHARES_PER_BOROUGH]


def _open_enrolment(case: SharedCase) -> Enrolment | None:
    return (
        Enrolment.objects.filter(child=case.child, plan__goals__isnull=False)
        .exclude(stage=Enrolment.Stage.CLOSED)
        .select_related("plan")
        .first()
    )


def _link_worker(case: SharedCase) -> Membership | None:
    child = case.child
    return Membership.objects.filter(
        user=child.link_worker, organisation_id=child.programme_organisation_id, area_id=child.area_id, is_active=True
    ).first()


def _share(rng: random.Random, case: SharedCase, professional: Membership, as_of: date) -> PlanShare | None:
    actor = _link_worker(case)
    if actor is None:
        return None
    child = case.child
    agreed = rng.random() < 0.8
    family_story_set(
        actor=actor,
        child=child,
        story=rng.choice(_STORIES).format(
            name=child.display_name.split(" ")[0], pronoun="she" if child.sex == "F" else "he"
        ),
        told_by=f"{child.family.family_name} family",
        told_on=as_of - timedelta(days=rng.randint(20, 90)),
        share_agreed=agreed,
        share_agreed_by=f"{child.family.family_name} family" if agreed else "",
    )
    # Safeguarding concerns need a safeguarding basis, which the demo's agreements (public task) are not.
    everything = [part for part in PlanShare.Part.values if part != PlanShare.Part.CONCERNS]
    parts = everything if rng.random() < 0.75 else ["goals", "services", "key_dates"]
    if not agreed:
        parts = [part for part in parts if part != PlanShare.Part.STORY]
    return plan_share_create(
        actor=actor,
        child=child,
        shared_with=professional,
        parts=parts,
        purpose="So that Early Help and the Link Worker can check their plans do not duplicate each other, "
        "and the family tells their story once.",
        expires_on=as_of + timedelta(days=rng.choice([5, 60, 90, 120])),
    )


def _their_plan(rng: random.Random, share: PlanShare, professional: Membership, as_of: date) -> None:
    """Early Help's plan beside ours: a goal in one of our areas (overlap), one of their own, services."""
    ours = list(Goal.objects.filter(plan__enrolment__child=share.child, status=Goal.Status.ACTIVE).order_by("pk"))
    name = share.child.display_name.split(" ")[0]
    domains = [goal.domain for goal in ours if goal.domain in _THEIR_GOALS][:1]
    domains.append(rng.choice(["housing", "finances"]))
    for domain in domains:
        goal, owner = _THEIR_GOALS[domain]
        owner_name = f"{professional.user.full_name} ({owner})"
        partner_item_add(
            actor=professional,
            share=share,
            kind="goal",
            values={"domain": domain, "goal": goal.format(name=name), "owner_name": owner_name},
        )
        partner_item_add(
            actor=professional,
            share=share,
            kind="action",
            values={
                "domain": domain,
                "action": _THEIR_ACTIONS[domain],
                "owner_name": professional.user.full_name,
                "due_on": as_of + timedelta(days=rng.randint(7, 45)),
            },
        )
    referral = (
        Referral.objects.filter(enrolment__child=share.child, status__in=["sent", "accepted", "started"])
        .select_related("service__organization")
        .first()
    )
    if referral is not None and rng.random() < 0.5:
        partner_item_add(
            actor=professional,
            share=share,
            kind="service",
            values={
                "domain": "family_support",
                "name": referral.service.name,
                "provider": referral.service.organization.name if referral.service.organization else "",
                "starts_on": as_of + timedelta(days=14),
            },
        )
    partner_item_add(
        actor=professional,
        share=share,
        kind="service",
        values={"domain": "family_support", "name": "Family Hub parenting course", "provider": "Family Hub"},
    )
    visit = timezone.make_aware(datetime.combine(as_of + timedelta(days=rng.randint(2, 12)), time(10)))
    appointment_add(actor=professional, child=share.child, starts_at=visit, minutes=60, what="Home visit")
    if rng.random() < 0.4:
        ours_actor = _link_worker_of(share)
        if ours_actor is not None:
            appointment_add(
                actor=ours_actor,
                child=share.child,
                starts_at=visit + timedelta(minutes=30),
                minutes=45,
                what="Family meeting at school",
            )
    partner_review_set(actor=professional, share=share, next_review_on=as_of + timedelta(days=rng.randint(30, 90)))
    labels = dict(NeedDomain.choices)
    both = domains[0] if len(domains) > 1 else ""
    comment_add(
        actor=professional,
        share=share,
        text=f"Thanks for sharing. I have added our plan: can we agree who leads on {labels[both].lower()}?"
        if both
        else f"Thanks for sharing. I have added our plan, which is mostly about {labels[domains[-1]].lower()}.",
    )


def _link_worker_of(share: PlanShare) -> Membership | None:
    if share.created_by_id is None:
        return None
    return Membership.objects.filter(
        user_id=share.created_by_id, organisation_id=share.child.programme_organisation_id, area_id=share.child.area_id
    ).first()


def _agree(rng: random.Random, share: PlanShare) -> tuple[int, int]:
    """The Link Worker and Early Help agree what to do about about half of the findings."""
    plan = PartnerPlan.objects.select_related("child", "organisation").get(
        child_id=share.child_id, organisation_id=share.partner_id
    )
    found = case_findings([plan])[0].findings
    actor = _link_worker_of(share)
    agreed = 0
    for finding, _ in found:
        if actor is not None and rng.random() < 0.5:
            finding_resolve(
                actor=actor,
                child=share.child,
                partner_id=share.partner_id,
                finding=finding,
                resolution=_RESOLUTIONS.get(finding.kind.value, "Agreed at the team around the family meeting."),
            )
            agreed += 1
    return len(found), agreed


_RESOLUTIONS = {
    "service": "Early Help keeps the referral; the Link Worker has withdrawn ours.",
    "goals": "Early Help leads on this area; the Link Worker supports in school.",
    "duplicate_action": "The Link Worker does it; Early Help has taken it off their plan.",
    "appointments": "Moved the school meeting to the afternoon.",
    "unaddressed_need": "The Link Worker will add a goal at the next review.",
}


def _meeting(rng: random.Random, share: PlanShare, professional: Membership, as_of: date) -> JointMeeting | None:
    actor = _link_worker_of(share)
    if actor is None:
        return None
    held = as_of - timedelta(days=rng.randint(7, 40))
    surname = share.child.family.family_name
    meeting = meeting_save(
        actor=actor,
        child=share.child,
        held_on=held,
        kind="Team around the family meeting",
        place=f"{share.child.school.name}",
        attendees=[actor, professional],
        others_present=f"{surname} parent (parent)\nClass teacher (school)",
        decisions="Early Help leads on the home; the Link Worker leads on school. One plan review together.",
        minutes="The family said mornings are better since the routine chart. Early Help will follow up the "
        "housing repair. Everyone agreed to meet again in six weeks.",
    )
    theirs = meeting_action_add(
        actor=actor,
        meeting=meeting,
        action="Chase the housing repair with the landlord",
        owner=professional,
        owner_name="",
        due_on=held + timedelta(days=21),
    )
    meeting_action_add(
        actor=actor,
        meeting=meeting,
        action="Update the school on the new morning routine",
        owner=actor,
        owner_name="",
        due_on=held + timedelta(days=14),
    )
    meeting_action_add(
        actor=actor,
        meeting=meeting,
        action="Keep the routine chart going",
        owner=None,
        owner_name="Parent",
        due_on=held + timedelta(days=42),
    )
    if rng.random() < 0.5:
        meeting_action_done(actor=professional, action=theirs, on=held + timedelta(days=10))
    return meeting


def _map(professional: Membership, as_of: date) -> int:
    """The borough's partnership map: Early Help's people, the boards, the front doors. Some not confirmed for
    a long time, so the reminders have something to say."""
    area = professional.area
    manager = Membership.objects.filter(area=area, role=Role.TEAM_MANAGER).select_related("user").first()
    if manager is None:
        return 0
    by = manager.user
    long_ago = as_of - timedelta(days=240)
    recently = as_of - timedelta(days=20)
    early_help = professional.organisation
    made = [
        PartnerContact(
            area=area,
            organisation=early_help,
            name=professional.user.full_name,
            role="Early Help practitioner, lead for shared cases",
            email=professional.user.email,
            last_confirmed_on=recently,
            confirmed_by=by,
        ),
        PartnerContact(
            area=area,
            organisation=early_help,
            name="Priya Natarajan",
            role="Head of Early Help",
            notes="Signs off data-sharing agreements; chairs the Early Help partnership board.",
            last_confirmed_on=long_ago,
            confirmed_by=by,
        ),
    ]
    partners = Organisation.objects.filter(areas=area, kind=Organisation.Kind.DELIVERY_PARTNER).order_by("name")[:3]
    for partner in partners:
        made.append(
            PartnerContact(
                area=area,
                organisation=partner,
                name="Referrals team",
                role="Referrals coordinator",
                notes="Takes referrals from Link Workers in Joinedup.",
                last_confirmed_on=recently,
                confirmed_by=by,
            )
        )
    PartnerContact.objects.bulk_create(made)
    forums = [
        Forum(
            area=area,
            name=f"{area.name} Early Help partnership board",
            kind=Forum.Kind.BOARD,
            purpose="Oversees early help across the borough; the programme reports to it each quarter.",
            meets="Quarterly",
            chair="Priya Natarajan, Head of Early Help",
            our_representative=manager.user.full_name,
            last_confirmed_on=recently,
            confirmed_by=by,
        ),
        Forum(
            area=area,
            name=f"{area.name} Safeguarding Children Partnership schools forum",
            kind=Forum.Kind.FORUM,
            purpose="Designated safeguarding leads and partners share learning and concerns about places.",
            meets="Termly",
            last_confirmed_on=long_ago,
            confirmed_by=by,
        ),
    ]
    Forum.objects.bulk_create(forums)
    social_care = Organisation.objects.filter(areas=area, kind=Organisation.Kind.SOCIAL_CARE).first()
    pathways = [
        ReferralPathway(
            area=area,
            name="Early Help front door",
            organisation=early_help,
            how_to_refer="The Early Help request form, with the family's consent.",
            criteria="Families with more than one need, below the threshold for social care.",
            contact="earlyhelp@" + DEMO_EMAIL_DOMAIN,
            last_confirmed_on=recently,
            confirmed_by=by,
        ),
        ReferralPathway(
            area=area,
            name="Children's social care: multi-agency safeguarding hub",
            organisation=social_care or early_help,
            how_to_refer="Phone the hub; follow up in writing within 48 hours.",
            criteria="A child at risk of significant harm. In an emergency, call 999.",
            last_confirmed_on=long_ago,
            confirmed_by=by,
        ),
    ]
    ReferralPathway.objects.bulk_create(pathways)
    return len(made) + len(forums) + len(pathways)
