"""Our plan and a partner's plan summary as ``duplication.PlanSide``s, compared, with agreed resolutions.

For one shared case (a child and a partner organisation with a plan summary) or for every shared case a manager
oversees at once: each kind of row is one query for all the children, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from joinedup.cases.models import OPEN_REFERRAL_STATUSES, Child, Enrolment, Goal, PlanAction, Referral
from joinedup.cases.selectors import at_risk_needs
from joinedup.core.domains import NeedDomain
from joinedup.joint import duplication
from joinedup.joint.models import (
    Appointment,
    FindingResolution,
    PartnerAction,
    PartnerGoal,
    PartnerPlan,
    PartnerService,
    PlanShare,
    start_of_today,
)

LABELS: dict[str, str] = {value: str(label) for value, label in NeedDomain.choices}
SENT_STATUSES = tuple(status for status in OPEN_REFERRAL_STATUSES if status != Referral.Status.DRAFT)


@dataclass(frozen=True)
class CaseFindings:
    """The findings of one shared case, each with its agreed resolution if one was recorded."""

    child: Child
    plan: PartnerPlan
    findings: list[tuple[duplication.Finding, FindingResolution | None]]

    @property
    def open_count(self) -> int:
        return sum(1 for _, resolution in self.findings if resolution is None)


@dataclass(frozen=True)
class _Ours:
    """Our open enrolment of a child, as the comparison needs it."""

    enrolment_id: int
    organisation_id: int
    organisation: str
    link_worker: str
    at_risk: list[str]


def _sides(
    plans: list[PartnerPlan], parts: Iterable[str] | None = None
) -> list[tuple[duplication.PlanSide, duplication.PlanSide]]:
    """Ours and theirs for each partner plan. ``parts``: only what a share shows of ours (for the partner's view).

    Reads plain values, one query per kind of row, so thousands of cases cost no model instances."""
    shown = set(PlanShare.Part.values if parts is None else parts)
    child_ids = {plan.child_id for plan in plans}
    ours: dict[int, _Ours] = {
        child_id: _Ours(pk, organisation_id, organisation, link_worker, at_risk or [])
        for pk, child_id, organisation_id, organisation, link_worker, at_risk in Enrolment.objects.filter(
            child_id__in=child_ids
        )
        .exclude(stage=Enrolment.Stage.CLOSED)
        .values_list(
            "pk",
            "child_id",
            "programme_organisation_id",
            "programme_organisation__name",
            "link_worker__full_name",
            "at_risk_domains",
        )
    }
    child_of = {found.enrolment_id: child_id for child_id, found in ours.items()}
    goals: dict[int, list[duplication.Goal]] = defaultdict(list)
    actions: dict[int, list[duplication.Action]] = defaultdict(list)
    services: dict[int, list[duplication.Service]] = defaultdict(list)
    appointments: dict[tuple[int, int], list[duplication.Appointment]] = defaultdict(list)
    # A need whose goal was achieved is not one nobody addresses.
    achieved: dict[int, set[str]] = defaultdict(set)
    if PlanShare.Part.GOALS in shown:
        goal_rows = Goal.objects.filter(
            plan__enrolment_id__in=child_of, status__in=[Goal.Status.ACTIVE, Goal.Status.ACHIEVED]
        ).values_list("pk", "plan__enrolment_id", "domain", "goal", "status")
        for pk, enrolment_id, domain, text, status in goal_rows:
            child_id = child_of[enrolment_id]
            if status == Goal.Status.ACHIEVED:
                achieved[child_id].add(domain)
            else:
                goals[child_id].append(duplication.Goal(f"g{pk}", domain, text, ours[child_id].link_worker))
    if PlanShare.Part.ACTIONS in shown:
        owners = dict(PlanAction.Owner.choices)
        action_rows = PlanAction.objects.filter(plan__enrolment_id__in=child_of, done_on__isnull=True).values_list(
            "pk", "plan__enrolment_id", "goal__domain", "action", "owner", "owner_name", "due_on"
        )
        for pk, enrolment_id, domain, text, owner, owner_name, due_on in action_rows:
            owner_label = owner_name or str(owners.get(owner, owner))
            actions[child_of[enrolment_id]].append(duplication.Action(f"a{pk}", domain, text, owner_label, due_on))
    if PlanShare.Part.SERVICES in shown:
        referral_rows = Referral.objects.filter(enrolment_id__in=child_of, status__in=SENT_STATUSES).values_list(
            "pk", "enrolment_id", "service__name", "service__organization__name"
        )
        for pk, enrolment_id, name, provider in referral_rows:
            services[child_of[enrolment_id]].append(duplication.Service(f"r{pk}", name, provider or ""))
    appointment_rows = Appointment.objects.filter(child_id__in=child_ids, starts_at__gte=start_of_today()).values_list(
        "pk", "child_id", "organisation_id", "starts_at", "minutes", "what"
    )
    for pk, child_id, organisation_id, starts_at, minutes, what in appointment_rows:
        ends = starts_at + timedelta(minutes=minutes)
        appointments[(child_id, organisation_id)].append(duplication.Appointment(f"m{pk}", starts_at, ends, what))
    theirs_goals: dict[int, list[duplication.Goal]] = defaultdict(list)
    for pk, plan_id, domain, text, owner in PartnerGoal.objects.filter(plan__in=plans).values_list(
        "pk", "plan_id", "domain", "goal", "owner_name"
    ):
        theirs_goals[plan_id].append(duplication.Goal(f"pg{pk}", domain, text, owner))
    theirs_actions: dict[int, list[duplication.Action]] = defaultdict(list)
    for pk, plan_id, domain, text, owner, due_on in PartnerAction.objects.filter(
        plan__in=plans, done_on__isnull=True
    ).values_list("pk", "plan_id", "domain", "action", "owner_name", "due_on"):
        theirs_actions[plan_id].append(duplication.Action(f"pa{pk}", domain, text, owner, due_on))
    theirs_services: dict[int, list[duplication.Service]] = defaultdict(list)
    for pk, plan_id, name, provider in PartnerService.objects.filter(plan__in=plans).values_list(
        "pk", "plan_id", "name", "provider"
    ):
        theirs_services[plan_id].append(duplication.Service(f"ps{pk}", name, provider))
    sides = []
    for plan in plans:
        found = ours.get(plan.child_id)
        needs = (
            [need.value for need in at_risk_needs(found.at_risk)[0] if need.value not in achieved[plan.child_id]]
            if found is not None and PlanShare.Part.GOALS in shown
            else []
        )
        mine = duplication.PlanSide(
            organisation=found.organisation if found else "the programme",
            goals=goals[plan.child_id],
            actions=actions[plan.child_id],
            services=services[plan.child_id],
            appointments=appointments[(plan.child_id, found.organisation_id)]
            if found is not None and PlanShare.Part.KEY_DATES in shown
            else [],
            needs=needs,
        )
        theirs = duplication.PlanSide(
            organisation=plan.organisation.name,
            goals=theirs_goals[plan.pk],
            actions=theirs_actions[plan.pk],
            services=theirs_services[plan.pk],
            appointments=appointments[(plan.child_id, plan.organisation_id)],
        )
        sides.append((mine, theirs))
    return sides


def _resolutions(plans: list[PartnerPlan], *, full: bool) -> dict[tuple[int, int, str], FindingResolution]:
    """The agreed resolutions of these plans' shared cases: one query, by child and partner. ``full``: with who
    agreed them (for a page showing each); otherwise only which findings they resolve (for counting)."""
    cases = {(plan.child_id, plan.organisation_id) for plan in plans}
    rows = FindingResolution.objects.filter(
        child_id__in={child for child, _ in cases}, partner_id__in={partner for _, partner in cases}
    )
    rows = (
        rows.select_related("agreed_by", "agreed_by_organisation")
        if full
        else rows.only("child_id", "partner_id", "key")
    )
    return {(row.child_id, row.partner_id, row.key): row for row in rows if (row.child_id, row.partner_id) in cases}


def case_findings(
    plans: list[PartnerPlan], parts: Iterable[str] | None = None, *, full: bool = True
) -> list[CaseFindings]:
    """The findings of each partner plan against ours (``parts``: only what a share shows of ours; ``full``: each
    resolution with who agreed it, for a page that shows them)."""
    resolutions = _resolutions(plans, full=full)
    results = []
    for plan, (ours, theirs) in zip(plans, _sides(plans, parts), strict=True):
        findings = duplication.compare(ours, theirs, LABELS)
        results.append(
            CaseFindings(
                plan.child,
                plan,
                [
                    (finding, resolutions.get((plan.child_id, plan.organisation_id, finding.key)))
                    for finding in findings
                ],
            )
        )
    return results
