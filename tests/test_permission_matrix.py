"""Every route x every role x own / other organisation / other borough.

The test walks the URL configuration, so a new route that is not listed in
``ROUTES`` fails here until someone decides who may use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.directory.models import DirectoryFeed, DirectoryImport, Service
from joinedup.sharing.access import PARTNER_ROLES
from tests.conftest import World
from tests.factories import EnrolmentFactory, MembershipFactory

ALL = frozenset(Role)
NONE: frozenset[Role] = frozenset()
CHILD_ROLES = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF})
ADMIN = frozenset({Role.ADMINISTRATOR})
SCOPES = ("own", "other_org", "other_area")


@dataclass(frozen=True)
class Route:
    """Who may use a route. ``allowed`` maps a scope to the roles allowed there."""

    kwargs: Callable[[World, str], dict[str, object]] = lambda world, scope: {}
    allowed: dict[str, frozenset[Role]] = field(default_factory=dict)
    method: str = "get"
    public: bool = False
    api: bool = False
    # For an API write: the JSON sent. Reaching the route then means 200, 201, or a 400 from the service
    # (the gate let the caller through); a refusal is still 403 or 404.
    body: dict[str, object] | None = None
    # What reaching the route looks like, when it is not the usual 200 or redirect (a page that is open to
    # everyone but refuses a request it did not expect, as the return from single sign-on does).
    reached: tuple[int, ...] = ()


def same_everywhere(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return dict.fromkeys(SCOPES, roles)


def only_own(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return {"own": roles, "other_org": NONE, "other_area": NONE}


def child_kwargs(key: str) -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {key: world.children[scope].pk}


def organisation_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": {"own": world.programme, "other_org": world.other_programme, "other_area": _far_org(world)}[scope].pk}


def _far_org(world: World) -> object:
    return world.children["other_area"].school


def person_kwargs(world: World, scope: str) -> dict[str, object]:
    user = {
        "own": world.members[Role.LINK_WORKER].user,
        "other_org": world.children["other_org"].link_worker,
        "other_area": world.children["other_area"].link_worker,
    }[scope]
    return {"pk": user.pk}


def membership_kwargs(world: World, scope: str) -> dict[str, object]:
    """The role of the person whose child is in that scope (the Link Worker's own for "own")."""
    user = world.children[scope].link_worker
    return {"pk": user.memberships.get().pk}


def api_token_kwargs(world: World, scope: str) -> dict[str, object]:
    """A partner system's token: the borough's delivery partner's ("own"), another organisation's in the
    borough ("other_org"), or one acting in another borough ("other_area")."""
    from joinedup.accounts.models import ApiToken, Membership, User

    area = world.other_area if scope == "other_area" else world.area
    organisation = {
        "own": world.members[Role.DELIVERY_PRACTITIONER].organisation,
        "other_org": world.other_programme,
        "other_area": world.programme,
    }[scope]
    account = User.objects.create_user(f"api-{scope}@tokens.invalid", full_name=f"API: {scope}")
    membership = Membership.objects.create(
        user=account, organisation=organisation, area=area, role=Role.PARTNER_PROFESSIONAL
    )
    token = ApiToken.objects.create(
        membership=membership,
        name=f"System {scope}",
        prefix="jdu_test",
        key_hash=scope.rjust(64, "0"),
        created_by=world.members[Role.ADMINISTRATOR].user,
    )
    return {"pk": token.pk}


def job_kwargs(world: World, scope: str) -> dict[str, object]:
    admin = world.members[Role.ADMINISTRATOR]
    starter = admin.user if scope == "own" else world.children[scope].link_worker
    assert starter is not None
    job = Job.objects.create(kind="audit_verify", title="Check", started_by=starter, organisation=admin.organisation)
    return {"pk": job.pk}


def service_kwargs(world: World, scope: str) -> dict[str, object]:
    """A service in the borough's directory ("own" and "other_org": directories are per borough) or another's."""
    area = world.other_area if scope == "other_area" else world.area
    service, _ = Service.objects.get_or_create(
        id=f"00000000-0000-4000-8000-{area.pk:012d}", defaults={"name": f"Service in {area.name}", "area": area}
    )
    return {"pk": service.pk}


def import_kwargs(world: World, scope: str) -> dict[str, object]:
    area = world.other_area if scope == "other_area" else world.area
    feed, _ = DirectoryFeed.objects.get_or_create(area=area, source="feed.json", defaults={"kind": "json"})
    return {"pk": DirectoryImport.objects.create(feed=feed).pk}


DATA_LEAD = frozenset({Role.DATA_LEAD})
BOROUGH_DATA_LEAD = {"own": DATA_LEAD, "other_org": DATA_LEAD, "other_area": NONE}


def oruk_kwargs(kind: str) -> Callable[[World, str], dict[str, object]]:
    """The id of a published directory record, for the open ORUK API (the same in every scope)."""

    def kwargs(world: World, scope: str) -> dict[str, object]:
        return {f"{kind}_id": _oruk_directory()[kind]}

    return kwargs


def _oruk_directory() -> dict[str, str]:
    """One published service at one location, with its organization, a taxonomy and a term."""
    from joinedup.directory.models import (
        Location,
        Organization,
        Service,
        ServiceAtLocation,
        Taxonomy,
        TaxonomyTerm,
    )

    organization, _ = Organization.objects.get_or_create(
        id="0a000000-0000-4000-8000-000000000001", defaults={"name": "Open Door", "description": "Family support."}
    )
    service, _ = Service.objects.get_or_create(
        id="0b000000-0000-4000-8000-000000000001", defaults={"name": "Parent support", "organization": organization}
    )
    location, _ = Location.objects.get_or_create(id="0c000000-0000-4000-8000-000000000001")
    at_location, _ = ServiceAtLocation.objects.get_or_create(
        id="0d000000-0000-4000-8000-000000000001", defaults={"service": service, "location": location}
    )
    taxonomy, _ = Taxonomy.objects.get_or_create(
        id="0e000000-0000-4000-8000-000000000001", defaults={"name": "Needs", "description": "Needs."}
    )
    term, _ = TaxonomyTerm.objects.get_or_create(
        id="0f000000-0000-4000-8000-000000000001",
        defaults={"name": "Parenting", "description": "Parenting.", "taxonomy_id": taxonomy.id},
    )
    return {
        "organization": organization.id,
        "service": service.id,
        "service_at_location": at_location.id,
        "taxonomy": taxonomy.id,
        "taxonomy_term": term.id,
    }


def _identification(world: World) -> dict[str, dict[str, int]]:
    """One screening per scope: the own school, another school in the borough, a school in another borough.

    Each has an import, a mapping, a run with its school list, one proposed pupil and one not.
    The Link Worker is based at the own school only.
    """
    cached: dict[str, dict[str, int]] | None = getattr(world, "identification", None)
    if cached is not None:
        return cached
    from joinedup.identification.models import ColumnMapping, ScreenedPupil, ScreeningImport
    from joinedup.identification.services import identification_run

    lead = world.members[Role.DATA_LEAD].user
    schools = {
        "own": world.school,
        "other_org": world.children["other_org"].school,
        "other_area": world.children["other_area"].school,
    }
    found: dict[str, dict[str, int]] = {}
    for scope, school in schools.items():
        area = world.other_area if scope == "other_area" else world.area
        record = ScreeningImport.objects.create(
            area=area, kind="school_data", school_year="2026/27", file_name="s.csv", stored_path="", started_by=lead
        )
        mapping = ColumnMapping.objects.create(area=area, name=f"Export {scope}", kind="school_data", updated_by=lead)
        for n, (fsm, attendance) in enumerate(((True, 80.0), (False, 99.0))):
            ScreenedPupil.objects.create(
                area=area,
                school=school,
                school_year="2026/27",
                upn=f"{scope}-{n}",
                year_group=5,
                fsm=fsm,
                attendance_pct=attendance,
                reading="below" if fsm else "above",
                school_data_import=record,
            )
        found[scope] = {"import": record.pk, "mapping": mapping.pk}
    for area in (world.area, world.other_area):
        run = identification_run(area=area, school_year="2026/27", started_by=lead)
        for scope, school in schools.items():
            cohort = run.school_cohorts.filter(school=school).first()
            if cohort is None:
                continue
            found[scope].update(
                run=run.pk,
                cohort=cohort.pk,
                proposed=cohort.entries.get(proposed=True).pk,
                not_proposed=cohort.entries.get(proposed=False).pk,
            )
    # A rules version only the other borough has, so its number is not found in the first.
    from joinedup.identification.models import RuleSetVersion

    RuleSetVersion.objects.create(area=world.other_area, number=9, rules={}, note="Other borough only")
    for scope in ("own", "other_org"):
        found[scope]["rules"] = 1
    found["other_area"]["rules"] = 9
    world.members[Role.LINK_WORKER].schools.add(world.school)
    world.identification = found
    return found


def enrolment_kwargs(world: World, scope: str) -> dict[str, object]:
    """The child in that scope, with an open enrolment."""
    from datetime import date

    child = world.children[scope]
    assert child.link_worker is not None
    EnrolmentFactory.create(
        child=child,
        start_date=date(2026, 9, 1),
    )
    return {"pk": child.pk}


def plan_kwargs(world: World, scope: str) -> dict[str, object]:
    """The child in that scope, enrolled, with a plan."""
    from joinedup.cases.models import Plan

    enrolment_kwargs(world, scope)
    child = world.children[scope]
    Plan.objects.create(enrolment=child.enrolments.get())
    return {"child_id": child.pk}


def consent_kwargs(world: World, scope: str) -> dict[str, object]:
    """A consent on record for the child in that scope."""
    from datetime import date

    from joinedup.cases.models import Consent

    child = world.children[scope]
    consent = Consent.objects.create(child=child, purpose="enrolment", given_by="parent", given_on=date(2026, 9, 1))
    return {"pk": child.pk, "consent_pk": consent.pk}


def plan_page_kwargs(key: str = "") -> Callable[[World, str], dict[str, object]]:
    """The child in that scope, enrolled, with a plan holding one goal with one action; with ``key``
    ("goal_pk", "action_pk" or "number"), the goal, the action or the plan's first version too."""

    def kwargs(world: World, scope: str) -> dict[str, object]:
        from joinedup.cases.models import Goal, PlanAction
        from joinedup.cases.plans import plan_start

        found = enrolment_kwargs(world, scope)
        enrolment = world.children[scope].enrolments.get()
        plan = plan_start(actor=world.members[Role.LINK_WORKER], enrolment=enrolment)
        goal = Goal.objects.create(plan=plan, domain="attendance", goal="On time", success="Four days in five")
        action = PlanAction.objects.create(plan=plan, goal=goal, action="Call school", owner="school")
        extra = {"goal_pk": goal.pk, "action_pk": action.pk, "number": 1}
        return {**found, key: extra[key]} if key else found

    return kwargs


def _matrix_referral(world: World, scope: str) -> object:
    """A sent referral of the child in that scope (enrolled). Sent to the world's delivery partner, the
    practitioner's own organisation, for "own" and "other_area" (a child of another borough); for "other_org",
    to another delivery partner."""
    from datetime import date

    from joinedup.accounts.models import Organisation
    from joinedup.cases.models import Referral

    child = world.children[scope]
    enrolment_kwargs(world, scope)
    partner = world.members[Role.DELIVERY_PRACTITIONER].organisation
    if scope == "other_org":
        partner = Organisation.objects.create(name="Other Partner", kind=Organisation.Kind.DELIVERY_PARTNER)
    service = Service.objects.create(
        id=f"0a100000-0000-4000-8000-{child.pk:012d}", name=f"Mentoring for {scope}", area=child.area
    )
    return Referral.objects.create(
        enrolment=child.enrolments.get(),
        service=service,
        partner_organisation=partner,
        status=Referral.Status.SENT,
        reason="Friendships.",
        shared=["child"],
        sent_on=date.today(),
    )


def referral_new_kwargs(world: World, scope: str) -> dict[str, object]:
    referral: Any = _matrix_referral(world, scope)
    return {"pk": referral.enrolment.child_id, "service_id": referral.service_id}


def child_referral_kwargs(world: World, scope: str) -> dict[str, object]:
    referral: Any = _matrix_referral(world, scope)
    return {"pk": referral.enrolment.child_id, "referral_pk": referral.pk}


def api_referral_kwargs(world: World, scope: str) -> dict[str, object]:
    referral: Any = _matrix_referral(world, scope)
    return {"referral_id": referral.pk}


REFERRAL_READERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DELIVERY_PRACTITIONER})


def partner_referral_kwargs(world: World, scope: str) -> dict[str, object]:
    referral: Any = _matrix_referral(world, scope)
    return {"pk": referral.pk}


def confirmed_entry_kwargs(world: World, scope: str) -> dict[str, object]:
    """A child confirmed on an agreed list in that scope's school, ready to enrol."""
    from django.utils import timezone

    from joinedup.identification.models import CohortEntry, SchoolCohort

    pk = _identification(world)[scope]["proposed"]
    CohortEntry.objects.filter(pk=pk).update(decision="confirmed")
    SchoolCohort.objects.filter(entries__pk=pk).update(locked_at=timezone.now())
    return {"entry_pk": pk}


def identification_kwargs(key: str, name: str = "pk") -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {name: _identification(world)[scope][key]}


def _sharing(world: World, scope: str) -> dict[str, int]:
    """An agreement per scope (the programme's in the borough; another programme's; the programme's in another
    borough), each with a run holding one pair, of that scope's child. Results are for the data lead and team
    manager; only the data lead may run matches."""
    from datetime import date, timedelta

    from django.utils import timezone

    from joinedup.accounts.models import Organisation
    from joinedup.sharing.models import DataSharingAgreement, MatchPair, MatchRun

    child = world.children[scope]
    partner = Organisation.objects.create(name=f"Early Help {scope}", kind=Organisation.Kind.EARLY_HELP)
    partner.areas.add(child.area)
    agreement = DataSharingAgreement.objects.create(
        area=child.area,
        organisation=child.programme_organisation,
        partner=partner,
        title=f"Agreement {scope}",
        purpose="Shared cases.",
        lawful_basis="public_task",
        fields_we_send=["forenames", "surname", "date_of_birth"],
        fields_we_receive=["record_id", "forenames", "surname", "date_of_birth"],
        run_roles=["data_lead"],
        result_roles=["data_lead", "team_manager"],
        starts_on=date.today() - timedelta(days=1),
        expires_on=date.today() + timedelta(days=300),
        signed_off_name="A. Officer",
        signed_off_role="Data protection officer",
        signed_off_at=timezone.now(),
    )
    run = MatchRun.objects.create(
        agreement=agreement,
        file_name="list.csv",
        status=MatchRun.Status.FINISHED,
        started_by=world.members[Role.DATA_LEAD].user,
    )
    pair = MatchPair.objects.create(
        run=run,
        child=child,
        partner_record_id="P1",
        partner_details={"record_id": "P1", "forenames": child.forenames, "surname": child.surname},
        match_probability=0.9,
        match_weight=5.0,
        band=MatchPair.Band.REVIEW,
    )
    return {"agreement": agreement.pk, "run": run.pk, "pair": pair.pk}


def sharing_kwargs(key: str) -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {"pk": _sharing(world, scope)[key]}


def _plan_share(world: World, scope: str) -> int:
    """A share of the scope's child's plan with a partner practitioner: for "own", the borough's partner
    professional (Brent Early Help); otherwise someone else's practitioner, under an agreement in force."""
    from datetime import date, timedelta

    from joinedup.joint.models import PlanShare
    from joinedup.sharing.models import DataSharingAgreement

    sharing = _sharing(world, scope)
    agreement = DataSharingAgreement.objects.get(pk=sharing["agreement"])
    child = world.children[scope]
    if scope == "own":
        practitioner = world.members[Role.PARTNER_PROFESSIONAL]
        agreement.partner = practitioner.organisation
        agreement.save(update_fields=["partner"])
    else:
        practitioner = MembershipFactory.create(
            organisation=agreement.partner, area=child.area, role=Role.PARTNER_PROFESSIONAL
        )
    return PlanShare.objects.create(
        child=child,
        shared_with=practitioner,
        partner=practitioner.organisation,
        parts=["goals", "actions"],
        purpose="Joint working",
        expires_on=date.today() + timedelta(days=30),
        agreement=agreement,
    ).pk


def plan_share_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": _plan_share(world, scope)}


def _forum(world: World, scope: str) -> int:
    """A board on the partnership map of the scope's borough (the map is per borough, whatever the programme)."""
    from datetime import date

    from joinedup.partnership.models import Forum

    area = world.other_area if scope == "other_area" else world.area
    return Forum.objects.create(
        area=area,
        name=f"Board {scope}",
        kind="board",
        purpose="Oversight",
        last_confirmed_on=date.today(),
        confirmed_by=world.members[Role.TEAM_MANAGER].user,
    ).pk


def forum_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"kind": "forum", "pk": _forum(world, scope)}


def _meeting(world: World, scope: str) -> tuple[int, int]:
    """A joint meeting about the scope's child, attended by its Link Worker and the partner practitioner its plan
    is shared with (for "own", the borough's partner professional), with one action the practitioner owns."""
    from datetime import date

    from joinedup.joint.models import JointAction, JointMeeting, PlanShare

    share = PlanShare.objects.get(pk=_plan_share(world, scope))
    child = world.children[scope]
    link_worker = child.link_worker.memberships.get()
    meeting = JointMeeting.objects.create(child=child, held_on=date.today(), decisions="Decided", minutes="Minutes")
    meeting.attendees.set([link_worker, share.shared_with])
    action = JointAction.objects.create(meeting=meeting, action="Visit", owner=share.shared_with, due_on=date.today())
    return meeting.pk, action.pk


def meeting_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": _meeting(world, scope)[0]}


def joint_action_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": _meeting(world, scope)[1]}


def _concern(world: World, scope: str, *, context: bool = False) -> Any:
    """A concern in that scope's team (its programme in its borough), raised by the scope's child's Link Worker:
    about that child, or with ``context``, about a context of the team linked to that child."""
    from datetime import date

    from joinedup.safeguarding.models import Concern, Context

    child = world.children[scope]
    raiser = child.link_worker.memberships.get()
    about: dict[str, object] = {"child": child}
    if context:
        linked = Context.objects.create(
            area=child.area, organisation=child.programme_organisation, kind="place", name=f"Skate park {scope}"
        )
        linked.children.set([child])
        about = {"context": linked}
    return Concern.objects.create(
        area=child.area,
        organisation=child.programme_organisation,
        raised_by=raiser,
        what="Bruise on the arm.",
        happened_on=date.today(),
        place="Playground",
        category="physical",
        immediate_risk=False,
        created_by=raiser.user,
        **about,
    )


def concern_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": _concern(world, scope).pk}


def context_kwargs(world: World, scope: str) -> dict[str, object]:
    return {"pk": _concern(world, scope, context=True).context_id}


def escalation_kwargs(world: World, scope: str) -> dict[str, object]:
    """A referral to the scope's borough's MASH, sent today on a decision to refer the scope's concern."""
    from datetime import date

    from django.utils import timezone

    from joinedup.safeguarding.models import Decision, Escalation, FrontDoor

    concern = _concern(world, scope)
    manager = world.members[Role.TEAM_MANAGER].user
    Decision.objects.create(
        concern=concern,
        level="4",
        level_name="Level 4: Acute or statutory",
        action=Decision.Action.SOCIAL_CARE,
        reasons="Unexplained injury.",
        decided_by=manager,
        decided_at=timezone.now(),
    )
    door, _ = FrontDoor.objects.get_or_create(
        area=concern.area,
        kind=FrontDoor.Kind.SOCIAL_CARE,
        defaults={"name": f"MASH of {concern.area.name}", "channel": "secure_email", "contact": "mash@example.org"},
    )
    escalation = Escalation.objects.create(
        concern=concern, front_door=door, form=[], family_informed=True, sent_on=date.today(), created_by=manager
    )
    return {"pk": escalation.pk}


def _outcomes(world: World, scope: str) -> dict[str, object]:
    """Outcomes in that scope's borough (contracts and measures are per borough, so "own" and "other_org" share the
    first borough's): its attendance measure, a contract from September 2025 with one rate, and a reading of the
    scope's child."""
    from datetime import date
    from decimal import Decimal

    from joinedup.outcomes.models import Contract, ContractRate, Measurement
    from joinedup.outcomes.services import measures_ensure

    child = world.children[scope]
    attendance = next(measure for measure in measures_ensure(child.area) if measure.key == "attendance")
    contract = Contract.objects.create(
        area=child.area,
        name=f"Contract {scope}",
        funder="The council",
        starts_on=date(2025, 9, 1),
        ends_on=date(2028, 8, 31),
        changed_by=world.members[Role.DATA_LEAD].user,
    )
    rate = ContractRate.objects.create(contract=contract, event="sign_up", price=Decimal("500"), evidence="Enrolment")
    reading = Measurement.objects.create(
        child=child, measure=attendance, value=80, taken_on=date(2025, 9, 10), occasion="baseline", source="entered"
    )
    return {"measure": attendance.pk, "contract": contract.pk, "rate": rate.pk, "measurement": reading.pk}


def outcomes_kwargs(key: str) -> Callable[[World, str], dict[str, object]]:
    return lambda world, scope: {"pk": _outcomes(world, scope)[key]}


def rate_kwargs(world: World, scope: str) -> dict[str, object]:
    found = _outcomes(world, scope)
    return {"pk": found["contract"], "rate_pk": found["rate"]}


def claim_kwargs(world: World, scope: str) -> dict[str, object]:
    """The contract's first term, Autumn 2025 (begun, so its claim can be opened)."""
    return {"pk": _outcomes(world, scope)["contract"], "period": "2025-09-01"}


IDENTIFICATION = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD, Role.SCHOOL_STAFF, Role.COMMISSIONER})
REPORTS = frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER})
MANAGERS = frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER})
CASE_WORKERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})
BOROUGH_MANAGERS = {"own": MANAGERS, "other_org": MANAGERS, "other_area": NONE}
PARTNER_PROFESSIONAL = frozenset({Role.PARTNER_PROFESSIONAL})
SCHOOL_STAFF = frozenset({Role.SCHOOL_STAFF})


def in_borough(roles: frozenset[Role]) -> dict[str, frozenset[Role]]:
    return {"own": roles, "other_org": roles, "other_area": NONE}


# Safeguarding: a concern is the team's (programme and borough): its managers, and whoever raised it (here the own
# Link Worker, about their own child). Contexts, decisions and referrals are the team managers' only.
TEAM_MANAGER = frozenset({Role.TEAM_MANAGER})
SAFEGUARDING_REPORTS = frozenset({Role.TEAM_MANAGER, Role.DATA_LEAD})


# Outcomes: who records a child's measurements (of the children they may see).
OUTCOME_RECORDERS = frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD})

# The open Open Referral UK API: everyone, signed in or not, reads the published directory.
OPEN = same_everywhere(ALL)

ROUTES: dict[str, Route] = {
    "healthz": Route(public=True, allowed=same_everywhere(ALL)),
    "favicon": Route(public=True, allowed=same_everywhere(ALL), reached=(302,)),
    "accounts:sign_in": Route(public=True, allowed=same_everywhere(ALL)),
    "accounts:single_sign_on": Route(public=True, allowed=same_everywhere(ALL)),
    # Without a sign-in started in this session, the return from the organisation's sign-in says so (400).
    "accounts:single_sign_on_return": Route(public=True, allowed=same_everywhere(ALL), reached=(400,)),
    "manage:home": Route(allowed=same_everywhere(ADMIN)),
    "manage:organisation_single_sign_on": Route(kwargs=organisation_kwargs, allowed=in_borough(ADMIN)),
    "manage:organisation_single_sign_on_check": Route(
        method="post", kwargs=organisation_kwargs, allowed=in_borough(ADMIN)
    ),
    "accounts:sign_in_code": Route(allowed=same_everywhere(ALL)),
    "accounts:two_factor_setup": Route(allowed=same_everywhere(ALL)),
    "accounts:sign_out": Route(method="post", allowed=same_everywhere(ALL)),
    "accounts:acting_as": Route(allowed=same_everywhere(ALL)),
    "accounts:account": Route(allowed=same_everywhere(ALL)),
    "accounts:password_reset": Route(public=True, allowed=same_everywhere(ALL)),
    # A made-up link shows the "expired" page to anyone; a real link is for its owner only.
    "accounts:password_set": Route(
        public=True, kwargs=lambda world, scope: {"uidb64": "MQ", "token": "not-a-token"}, allowed=same_everywhere(ALL)
    ),
    "core:home": Route(allowed=same_everywhere(ALL)),
    "core:about": Route(public=True, allowed=same_everywhere(ALL)),
    "core:accessibility": Route(public=True, allowed=same_everywhere(ALL)),
    # Jobs are seen only by the person who started them ("own": the administrator's job).
    "core:job": Route(kwargs=job_kwargs, allowed=only_own(ADMIN)),
    "core:job_progress": Route(kwargs=job_kwargs, allowed=only_own(ADMIN)),
    "cases:child_list": Route(allowed=same_everywhere(CHILD_ROLES)),
    "cases:child_detail": Route(kwargs=child_kwargs("pk"), allowed=only_own(CHILD_ROLES)),
    # Consent is recorded by those who work with the child: their Link Worker and the team manager.
    "cases:consent_new": Route(
        kwargs=child_kwargs("pk"), allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:consent_withdraw": Route(
        kwargs=consent_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:settings": Route(allowed=same_everywhere(MANAGERS)),
    "cases:chronology": Route(kwargs=child_kwargs("pk"), allowed=only_own(CHILD_ROLES)),
    "cases:caseload": Route(allowed=same_everywhere(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))),
    "cases:contact_new": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # An open enrolment's stage and Link Worker: the child's Link Worker and the team manager.
    "cases:enrolment_edit": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # Enrolling a confirmed child: the Link Worker based at that school, and the programme's managers.
    "cases:enrol": Route(
        kwargs=confirmed_entry_kwargs,
        allowed={
            "own": frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}),
            "other_org": frozenset({Role.TEAM_MANAGER}),
            "other_area": NONE,
        },
    ),
    # The plan: read by everyone who may see the child; changed by their Link Worker and the team manager.
    "cases:plan": Route(kwargs=enrolment_kwargs, allowed=only_own(CHILD_ROLES)),
    "cases:plan_history": Route(kwargs=plan_page_kwargs(), allowed=only_own(CHILD_ROLES)),
    "cases:plan_version": Route(kwargs=plan_page_kwargs("number"), allowed=only_own(CHILD_ROLES)),
    "cases:plan_print": Route(kwargs=plan_page_kwargs(), allowed=only_own(CHILD_ROLES)),
    "cases:plan_goal_new": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:plan_goal_edit": Route(
        kwargs=plan_page_kwargs("goal_pk"),
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})),
    ),
    "cases:plan_action_new": Route(
        kwargs=plan_page_kwargs("goal_pk"),
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})),
    ),
    "cases:plan_action_edit": Route(
        kwargs=plan_page_kwargs("action_pk"),
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})),
    ),
    "cases:plan_words": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:plan_review": Route(
        kwargs=enrolment_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # Referrals: the child's Link Worker and the team manager refer and follow them; a delivery practitioner
    # sees only those sent to their organisation in their borough, and never the child's record.
    "cases:referral_new": Route(
        kwargs=referral_new_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:referral": Route(
        kwargs=child_referral_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # A draft, before it is sent: the child's Link Worker and the team manager (a sent one redirects to its page).
    "cases:referral_edit": Route(
        kwargs=child_referral_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    "cases:referral_move": Route(
        method="post",
        kwargs=child_referral_kwargs,
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER})),
    ),
    "partner:referrals": Route(allowed=same_everywhere(frozenset({Role.DELIVERY_PRACTITIONER}))),
    "partner:referral": Route(
        kwargs=partner_referral_kwargs, allowed=only_own(frozenset({Role.DELIVERY_PRACTITIONER}))
    ),
    "partner:referral_move": Route(
        method="post", kwargs=partner_referral_kwargs, allowed=only_own(frozenset({Role.DELIVERY_PRACTITIONER}))
    ),
    "partner:session_new": Route(
        method="post", kwargs=partner_referral_kwargs, allowed=only_own(frozenset({Role.DELIVERY_PRACTITIONER}))
    ),
    "audit:search": Route(allowed=same_everywhere(ADMIN)),
    "audit:verify": Route(method="post", allowed=same_everywhere(ADMIN)),
    "manage:organisations": Route(allowed=same_everywhere(ADMIN)),
    # Administrators manage organisations and people in their own borough only.
    "manage:organisation_two_factor": Route(
        method="post",
        kwargs=organisation_kwargs,
        allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE},
    ),
    "manage:people": Route(allowed=same_everywhere(ADMIN)),
    "manage:person_add": Route(allowed=same_everywhere(ADMIN)),
    "manage:person_two_factor_reset": Route(
        method="post", kwargs=person_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    "manage:membership_end": Route(
        method="post", kwargs=membership_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    "manage:person_unlock": Route(
        method="post", kwargs=person_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    # API tokens for partner systems: administrators manage those acting in their own borough.
    "manage:api_tokens": Route(allowed=same_everywhere(ADMIN)),
    "manage:api_token_add": Route(allowed=same_everywhere(ADMIN)),
    "manage:api_token_revoke": Route(
        method="post", kwargs=api_token_kwargs, allowed={"own": ADMIN, "other_org": ADMIN, "other_area": NONE}
    ),
    # The directory is open to every role; its management is for the borough's data lead.
    "directory:search": Route(allowed=same_everywhere(ALL)),
    "directory:service": Route(kwargs=service_kwargs, allowed=same_everywhere(ALL)),
    "directory:service_edit": Route(kwargs=service_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:service_verify": Route(method="post", kwargs=service_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:manage": Route(allowed=same_everywhere(DATA_LEAD)),
    "directory:imports": Route(allowed=same_everywhere(DATA_LEAD)),
    "directory:import_detail": Route(kwargs=import_kwargs, allowed=BOROUGH_DATA_LEAD),
    "directory:gaps": Route(allowed=same_everywhere(frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER, Role.COMMISSIONER}))),
    # Identification: school lists by school; reports and rules by borough; imports for the data lead.
    "identification:home": Route(allowed=same_everywhere(IDENTIFICATION)),
    "identification:imports": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:import_detail": Route(kwargs=identification_kwargs("import"), allowed=BOROUGH_DATA_LEAD),
    "identification:mappings": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:mapping_new": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:mapping_edit": Route(kwargs=identification_kwargs("mapping"), allowed=BOROUGH_DATA_LEAD),
    "identification:rules": Route(allowed=same_everywhere(IDENTIFICATION)),
    "identification:rules_edit": Route(allowed=same_everywhere(DATA_LEAD)),
    "identification:rules_upload": Route(method="post", allowed=same_everywhere(DATA_LEAD)),
    "identification:rules_version": Route(
        kwargs=identification_kwargs("rules", "number"), allowed=in_borough(IDENTIFICATION)
    ),
    "identification:rules_toml": Route(
        kwargs=identification_kwargs("rules", "number"), allowed=in_borough(IDENTIFICATION)
    ),
    "identification:runs": Route(allowed=same_everywhere(REPORTS)),
    "identification:run": Route(kwargs=identification_kwargs("run"), allowed=in_borough(IDENTIFICATION)),
    "identification:fairness": Route(kwargs=identification_kwargs("run"), allowed=in_borough(REPORTS)),
    # The own school's list: its staff, the Link Worker based there, and the programme's managers.
    "identification:cohort": Route(
        kwargs=identification_kwargs("cohort"),
        allowed={"own": CHILD_ROLES, "other_org": MANAGERS, "other_area": NONE},
    ),
    "identification:cohort_lock": Route(
        method="post", kwargs=identification_kwargs("cohort"), allowed=only_own(SCHOOL_STAFF)
    ),
    "identification:entry_decide": Route(
        method="post", kwargs=identification_kwargs("proposed"), allowed=only_own(SCHOOL_STAFF)
    ),
    "identification:entry_add": Route(
        kwargs=identification_kwargs("not_proposed"),
        allowed={
            "own": frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}),
            "other_org": frozenset({Role.TEAM_MANAGER}),
            "other_area": NONE,
        },
    ),
    "identification:link_workers": Route(allowed=same_everywhere(MANAGERS)),
    # Sharing: agreements are the programme's data lead's and team manager's in their borough; each agreement
    # says who may run a match (here the data lead) and see its results (here both). Partner professionals
    # see the children shared with their organisation.
    "sharing:home": Route(allowed=same_everywhere(frozenset({Role.DATA_LEAD, Role.TEAM_MANAGER, *PARTNER_ROLES}))),
    "sharing:agreements": Route(allowed=same_everywhere(MANAGERS)),
    "sharing:agreement_new": Route(allowed=same_everywhere(MANAGERS)),
    "sharing:agreement": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(MANAGERS)),
    "sharing:agreement_edit": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(MANAGERS)),
    "sharing:agreement_sign_off": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(MANAGERS)),
    "sharing:agreement_end": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(MANAGERS)),
    "sharing:run_new": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(DATA_LEAD)),
    "sharing:run_new_encoded": Route(kwargs=sharing_kwargs("agreement"), allowed=only_own(DATA_LEAD)),
    "sharing:run": Route(kwargs=sharing_kwargs("run"), allowed=only_own(MANAGERS)),
    "sharing:pair": Route(kwargs=sharing_kwargs("pair"), allowed=only_own(MANAGERS)),
    "sharing:pair_decide": Route(method="post", kwargs=sharing_kwargs("pair"), allowed=only_own(MANAGERS)),
    "sharing:pair_lead": Route(method="post", kwargs=sharing_kwargs("pair"), allowed=only_own(MANAGERS)),
    "sharing:shared_with_me": Route(allowed=same_everywhere(PARTNER_ROLES)),
    # Joint working: our side is the case workers' (through the child); a shared plan is read and answered only by
    # the practitioner it names.
    "joint:story": Route(kwargs=child_kwargs("pk"), allowed=only_own(CASE_WORKERS)),
    "joint:share_new": Route(kwargs=child_kwargs("pk"), allowed=only_own(CASE_WORKERS)),
    "joint:share": Route(kwargs=plan_share_kwargs, allowed=only_own(CASE_WORKERS)),
    "joint:meeting_new": Route(kwargs=child_kwargs("pk"), allowed=only_own(CASE_WORKERS)),
    # The minutes are for those who attended (here the Link Worker and the partner professional); the team manager
    # works the case, so sees the meeting without them.
    "joint:meeting": Route(
        kwargs=meeting_kwargs, allowed=only_own(frozenset({*CASE_WORKERS, Role.PARTNER_PROFESSIONAL}))
    ),
    "joint:meeting_edit": Route(kwargs=meeting_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER}))),
    "joint:meeting_action_new": Route(
        method="post", kwargs=meeting_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER}))
    ),
    "joint:action_done": Route(
        method="post",
        kwargs=joint_action_kwargs,
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.PARTNER_PROFESSIONAL})),
    ),
    "joint:action_remove": Route(
        method="post", kwargs=joint_action_kwargs, allowed=only_own(frozenset({Role.LINK_WORKER}))
    ),
    "joint:tasks": Route(allowed=same_everywhere(frozenset({*CASE_WORKERS, *PARTNER_ROLES}))),
    # Everyone signed in has their own notifications.
    "notifications:list": Route(allowed=same_everywhere(ALL)),
    # The partnership map: the programme's people in the borough read it; its managers and data leads keep it.
    "partnership:map": Route(allowed=same_everywhere(frozenset({Role.LINK_WORKER, *MANAGERS}))),
    "partnership:settings": Route(method="post", allowed=same_everywhere(MANAGERS)),
    "partnership:entry_new": Route(kwargs=lambda world, scope: {"kind": "contact"}, allowed=same_everywhere(MANAGERS)),
    "partnership:entry_edit": Route(kwargs=forum_kwargs, allowed=BOROUGH_MANAGERS),
    "partnership:entry_change": Route(method="post", kwargs=forum_kwargs, allowed=BOROUGH_MANAGERS),
    "joint:appointments": Route(kwargs=child_kwargs("pk"), allowed=only_own(CASE_WORKERS)),
    "joint:report": Route(allowed=same_everywhere(MANAGERS)),
    "joint:share_resolve": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(CASE_WORKERS)),
    "joint:shared_plan_resolve": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(PARTNER_PROFESSIONAL)),
    "joint:share_revoke": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(CASE_WORKERS)),
    "joint:share_extend": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(CASE_WORKERS)),
    "joint:share_comment": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(CASE_WORKERS)),
    "joint:shared_plan": Route(kwargs=plan_share_kwargs, allowed=only_own(PARTNER_PROFESSIONAL)),
    "joint:shared_plan_comment": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(PARTNER_PROFESSIONAL)),
    "joint:partner_plan": Route(kwargs=plan_share_kwargs, allowed=only_own(PARTNER_PROFESSIONAL)),
    "joint:partner_plan_change": Route(method="post", kwargs=plan_share_kwargs, allowed=only_own(PARTNER_PROFESSIONAL)),
    # The data lead's way in is to the monthly report.
    "safeguarding:home": Route(allowed=same_everywhere(frozenset({*CASE_WORKERS, Role.DATA_LEAD}))),
    # Without a child chosen it sends the person back home; with one, to that child's page (gated there).
    "safeguarding:raise_for": Route(allowed=same_everywhere(CASE_WORKERS)),
    "safeguarding:raise": Route(kwargs=child_kwargs("pk"), allowed=only_own(CASE_WORKERS)),
    "safeguarding:raise_context": Route(allowed=same_everywhere(CASE_WORKERS)),
    "safeguarding:context": Route(kwargs=context_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:raise_context_more": Route(kwargs=context_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:concern": Route(kwargs=concern_kwargs, allowed=only_own(CASE_WORKERS)),
    "safeguarding:decide": Route(method="post", kwargs=concern_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:refer": Route(kwargs=concern_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:referral": Route(kwargs=escalation_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:acknowledge": Route(method="post", kwargs=escalation_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:chase": Route(method="post", kwargs=escalation_kwargs, allowed=only_own(TEAM_MANAGER)),
    "safeguarding:outcome": Route(method="post", kwargs=escalation_kwargs, allowed=only_own(TEAM_MANAGER)),
    # Aggregate figures of one's own team, with small numbers suppressed.
    "safeguarding:report": Route(allowed=same_everywhere(SAFEGUARDING_REPORTS)),
    "safeguarding:settings": Route(allowed=same_everywhere(TEAM_MANAGER)),
    "safeguarding:front_door": Route(
        kwargs=lambda world, scope: {"kind": "social_care"}, allowed=same_everywhere(TEAM_MANAGER)
    ),
    # Outcomes: the impact report, contracts and claims are the borough's (its team managers, data leads and
    # commissioners; another borough's contract is not found); they name no child. The measures are read by the
    # programme's managers and kept, with contracts and school data, by the data lead. A child's outcomes are for
    # those who may open the child's record (never a commissioner); a reading is removed by those who record them.
    # Data protection: the data lead's, for their borough; a subject access export only of a child they may see.
    "privacy:home": Route(allowed=same_everywhere(DATA_LEAD)),
    "privacy:retention_apply": Route(method="post", allowed=same_everywhere(DATA_LEAD)),
    "privacy:subject_access": Route(kwargs=child_kwargs("pk"), allowed=only_own(DATA_LEAD)),
    "privacy:subject_access_download": Route(method="post", kwargs=child_kwargs("pk"), allowed=only_own(DATA_LEAD)),
    "outcomes:home": Route(allowed=same_everywhere(REPORTS)),
    "outcomes:impact": Route(allowed=same_everywhere(REPORTS)),
    "outcomes:child": Route(kwargs=child_kwargs("pk"), allowed=only_own(CHILD_ROLES)),
    "outcomes:measurement_remove": Route(
        method="post", kwargs=outcomes_kwargs("measurement"), allowed=only_own(OUTCOME_RECORDERS)
    ),
    "outcomes:measures": Route(allowed=same_everywhere(MANAGERS)),
    "outcomes:measure_new": Route(allowed=same_everywhere(DATA_LEAD)),
    "outcomes:measure": Route(kwargs=outcomes_kwargs("measure"), allowed=BOROUGH_DATA_LEAD),
    "outcomes:school_data": Route(allowed=same_everywhere(DATA_LEAD)),
    "outcomes:contract_new": Route(allowed=same_everywhere(DATA_LEAD)),
    "outcomes:contract": Route(kwargs=outcomes_kwargs("contract"), allowed=in_borough(REPORTS)),
    "outcomes:contract_edit": Route(kwargs=outcomes_kwargs("contract"), allowed=BOROUGH_DATA_LEAD),
    "outcomes:rate_new": Route(kwargs=outcomes_kwargs("contract"), allowed=BOROUGH_DATA_LEAD),
    "outcomes:rate": Route(kwargs=rate_kwargs, allowed=BOROUGH_DATA_LEAD),
    "outcomes:rate_remove": Route(method="post", kwargs=rate_kwargs, allowed=BOROUGH_DATA_LEAD),
    "outcomes:claim": Route(kwargs=claim_kwargs, allowed=in_borough(REPORTS)),
    "outcomes:claim_submit": Route(method="post", kwargs=claim_kwargs, allowed=BOROUGH_DATA_LEAD),
    "published_rules": Route(
        public=True, kwargs=lambda world, scope: {"ons_code": world.area.ons_code}, allowed=same_everywhere(ALL)
    ),
    "find_support:search": Route(public=True, allowed=same_everywhere(ALL)),
    "find_support:service": Route(public=True, kwargs=service_kwargs, allowed=same_everywhere(ALL)),
    "oruk:root": Route(public=True, allowed=OPEN),
    "oruk:openapi": Route(public=True, allowed=OPEN),
    "oruk:services": Route(public=True, allowed=OPEN),
    "oruk:service": Route(public=True, kwargs=oruk_kwargs("service"), allowed=OPEN),
    "oruk:service_at_locations": Route(public=True, allowed=OPEN),
    "oruk:service_at_location": Route(public=True, kwargs=oruk_kwargs("service_at_location"), allowed=OPEN),
    "oruk:taxonomies": Route(public=True, allowed=OPEN),
    "oruk:taxonomy": Route(public=True, kwargs=oruk_kwargs("taxonomy"), allowed=OPEN),
    "oruk:taxonomy_terms": Route(public=True, allowed=OPEN),
    "oruk:taxonomy_term": Route(public=True, kwargs=oruk_kwargs("taxonomy_term"), allowed=OPEN),
    "oruk:organizations": Route(public=True, allowed=OPEN),
    "oruk:organization": Route(public=True, kwargs=oruk_kwargs("organization"), allowed=OPEN),
    # Any other path under /api/oruk/ is a JSON 404 for everyone.
    "oruk:unknown": Route(
        public=True, kwargs=lambda world, scope: {"rest": "no-such-endpoint"}, allowed=same_everywhere(NONE)
    ),
    "api:openapi-json": Route(public=True, api=True, allowed=same_everywhere(ALL)),
    "api:openapi-view": Route(public=True, api=True, allowed=same_everywhere(ALL)),
    # The API's root has no operation of its own: 404 for everyone.
    "api:api-root": Route(public=True, api=True, allowed=same_everywhere(NONE)),
    "api:me": Route(api=True, allowed=same_everywhere(ALL)),
    "api:children": Route(api=True, allowed=same_everywhere(ALL)),
    "api:child": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:enrolments": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:contacts": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    # The same path as api:contacts (its GET); who may POST is tested in tests/cases/test_api.py.
    "api:contact_create": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:plan": Route(api=True, kwargs=plan_kwargs, allowed=only_own(CHILD_ROLES)),
    "api:child_referrals": Route(
        api=True, kwargs=child_kwargs("child_id"), allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER}))
    ),
    # Referrals by themselves: those of the children a person may see, or, for a delivery partner (person or
    # system), those sent to it in its borough. Which moves each may make is tested in tests/cases.
    "api:referrals": Route(api=True, allowed=same_everywhere(ALL)),
    "api:referral": Route(api=True, kwargs=api_referral_kwargs, allowed=only_own(REFERRAL_READERS)),
    "api:referral_status": Route(
        api=True, kwargs=api_referral_kwargs, body={"status": "accepted"}, allowed=only_own(REFERRAL_READERS)
    ),
    "api:referral_sessions": Route(api=True, kwargs=api_referral_kwargs, allowed=only_own(REFERRAL_READERS)),
    "api:referral_session_create": Route(
        api=True,
        kwargs=api_referral_kwargs,
        body={"happened_on": "2026-11-20", "attendance": "attended"},
        allowed=only_own(REFERRAL_READERS),
    ),
    # A borough's measures name no child: any signed-in person may read them.
    "api:measures": Route(api=True, allowed=same_everywhere(ALL)),
    "api:measurements": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    "api:progress": Route(api=True, kwargs=child_kwargs("child_id"), allowed=only_own(CHILD_ROLES)),
    # Readings are written by those who work the case and the data lead; school staff read them.
    "api:measurement_create": Route(
        api=True,
        method="post",
        kwargs=child_kwargs("child_id"),
        body={"measure": "attendance", "value": "91.5", "taken_on": "2026-11-20"},
        allowed=only_own(frozenset({Role.LINK_WORKER, Role.TEAM_MANAGER, Role.DATA_LEAD})),
    ),
}


def all_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                walk(pattern.url_patterns, inner or "")
            elif pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_matrix() -> None:
    missing = all_route_names() - set(ROUTES)
    assert not missing, f"Add these routes to ROUTES with who may use them: {sorted(missing)}"
    stale = set(ROUTES) - all_route_names()
    assert not stale, f"These routes no longer exist: {sorted(stale)}"


def request(client: Client, route: Route, url: str) -> int:
    if route.body is not None:
        response = client.post(url, json.dumps(route.body), content_type="application/json")
    else:
        response = client.post(url) if route.method == "post" else client.get(url)
    if response.status_code == 302:
        # Being sent to sign in again is a refusal, not a success.
        assert not response["Location"].startswith(reverse("accounts:sign_in")) or route.method == "post"
    return response.status_code


CASES = [(name, role, scope) for name in sorted(ROUTES) for role in Role for scope in SCOPES]


@pytest.fixture
def world(shared_world: World) -> World:
    """Built once for the thousands of cases here; each case's writes are rolled back."""
    return shared_world


@pytest.mark.parametrize(("name", "role", "scope"), CASES)
def test_matrix(world: World, name: str, role: Role, scope: str) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world, scope))
    status = request(world.client_for(role), route, url)
    reached = route.reached or ((200, 302) if route.body is None else (200, 201, 400))
    if role in route.allowed[scope]:
        assert status in reached, f"{role.label} should reach {name} ({scope}) but got {status}"
    else:
        assert status in (403, 404), f"{role.label} must be refused {name} ({scope}) but got {status}"


def request_anonymous(route: Route, url: str) -> Any:
    if route.body is not None:
        return Client().post(url, json.dumps(route.body), content_type="application/json")
    return Client().post(url) if route.method == "post" else Client().get(url)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_is_refused_everything_but_public_routes(world: World, name: str) -> None:
    route = ROUTES[name]
    url = reverse(name, kwargs=route.kwargs(world, "own"))
    response = request_anonymous(route, url)
    if route.public:
        assert response.status_code in (route.reached or (200 if route.allowed["own"] else 404,))
    elif route.api:
        assert response.status_code == 401
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))


# A share's partner routes once the share has ended: revoked, past its date, or its agreement ended.
PARTNER_SHARE_ROUTES = sorted(
    name
    for name, route in ROUTES.items()
    if route.kwargs is plan_share_kwargs and Role.PARTNER_PROFESSIONAL in route.allowed["own"]
)


def _share_ended(pk: int, how: str) -> None:
    from datetime import date, timedelta

    from django.utils import timezone

    from joinedup.joint.models import PlanShare
    from joinedup.sharing.models import DataSharingAgreement

    shares = PlanShare.objects.filter(pk=pk)
    if how == "revoked":
        shares.update(revoked_at=timezone.now(), revoked_reason="No longer needed")
    elif how == "expired":
        shares.update(expires_on=date.today() - timedelta(days=1))
    else:
        DataSharingAgreement.objects.filter(plan_shares__pk=pk).update(ended_at=timezone.now(), ended_reason="Ended")


@pytest.mark.parametrize("how", ["revoked", "expired", "agreement_ended"])
@pytest.mark.parametrize("name", PARTNER_SHARE_ROUTES)
def test_a_share_that_has_ended_is_refused_to_the_partner_on_every_route(world: World, name: str, how: str) -> None:
    route = ROUTES[name]
    kwargs = route.kwargs(world, "own")
    client = world.client_for(Role.PARTNER_PROFESSIONAL)
    # In force, the partner reaches it; once ended, every route refuses (410: the page says the share has ended).
    assert request(client, route, reverse(name, kwargs=kwargs)) in (200, 302)
    _share_ended(int(str(kwargs["pk"])), how)
    assert request(client, route, reverse(name, kwargs=kwargs)) in (403, 404, 410)
