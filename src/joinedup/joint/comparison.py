"""Our plan and a partner's plan summary as ``duplication.PlanSide``s, compared, with agreed resolutions.

For one shared case (a child and a partner organisation with a plan summary) or for every shared case a manager
oversees at once: each kind of row is one query for all the children, whatever their number.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Q
from django.utils import timezone

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


def _from_now() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time.min))


def _appointments(rows: Iterable[Appointment]) -> list[duplication.Appointment]:
    return [duplication.Appointment(f"m{row.pk}", row.starts_at, row.ends_at, row.what) for row in rows]


def _sides(
    plans: list[PartnerPlan], parts: Iterable[str] | None = None
) -> list[tuple[duplication.PlanSide, duplication.PlanSide]]:
    """Ours and theirs for each partner plan. ``parts``: only what a share shows of ours (for the partner's view)."""
    shown = set(PlanShare.Part.values if parts is None else parts)
    child_ids = {plan.child_id for plan in plans}
    enrolments = {
        enrolment.child_id: enrolment
        for enrolment in Enrolment.objects.filter(child_id__in=child_ids)
        .exclude(stage=Enrolment.Stage.CLOSED)
        .select_related("programme_organisation", "link_worker")
    }
    plan_children = {enrolment.pk: child_id for child_id, enrolment in enrolments.items()}
    goals: dict[int, list[duplication.Goal]] = defaultdict(list)
    actions: dict[int, list[duplication.Action]] = defaultdict(list)
    services: dict[int, list[duplication.Service]] = defaultdict(list)
    appointments: dict[tuple[int, int], list[Appointment]] = defaultdict(list)
    if PlanShare.Part.GOALS in shown:
        for goal in Goal.objects.filter(plan__enrolment_id__in=plan_children, status=Goal.Status.ACTIVE).select_related(
            "plan"
        ):
            child_id = plan_children[goal.plan.enrolment_id]
            owner = enrolments[child_id].link_worker.full_name
            goals[child_id].append(duplication.Goal(f"g{goal.pk}", goal.domain, goal.goal, owner))
    if PlanShare.Part.ACTIONS in shown:
        for action in PlanAction.objects.filter(
            plan__enrolment_id__in=plan_children, done_on__isnull=True
        ).select_related("goal", "plan"):
            owner = action.owner_name or action.get_owner_display()
            actions[plan_children[action.plan.enrolment_id]].append(
                duplication.Action(f"a{action.pk}", action.goal.domain, action.action, owner, action.due_on)
            )
    if PlanShare.Part.SERVICES in shown:
        for referral in Referral.objects.filter(
            enrolment_id__in=plan_children, status__in=SENT_STATUSES
        ).select_related("service__organization"):
            provider = referral.service.organization.name if referral.service.organization else ""
            services[plan_children[referral.enrolment_id]].append(
                duplication.Service(f"r{referral.pk}", referral.service.name, provider)
            )
    for appointment in Appointment.objects.filter(child_id__in=child_ids, starts_at__gte=_from_now()):
        appointments[(appointment.child_id, appointment.organisation_id)].append(appointment)
    theirs_goals: dict[int, list[duplication.Goal]] = defaultdict(list)
    for partner_goal in PartnerGoal.objects.filter(plan__in=plans):
        theirs_goals[partner_goal.plan_id].append(
            duplication.Goal(f"pg{partner_goal.pk}", partner_goal.domain, partner_goal.goal, partner_goal.owner_name)
        )
    theirs_actions: dict[int, list[duplication.Action]] = defaultdict(list)
    for partner_action in PartnerAction.objects.filter(plan__in=plans, done_on__isnull=True):
        theirs_actions[partner_action.plan_id].append(
            duplication.Action(
                f"pa{partner_action.pk}",
                partner_action.domain,
                partner_action.action,
                partner_action.owner_name,
                partner_action.due_on,
            )
        )
    theirs_services: dict[int, list[duplication.Service]] = defaultdict(list)
    for partner_service in PartnerService.objects.filter(plan__in=plans):
        theirs_services[partner_service.plan_id].append(
            duplication.Service(f"ps{partner_service.pk}", partner_service.name, partner_service.provider)
        )
    sides = []
    for plan in plans:
        enrolment = enrolments.get(plan.child_id)
        ours_org = enrolment.programme_organisation_id if enrolment else None
        needs = (
            [need.value for need in at_risk_needs(enrolment.at_risk_domains)[0]]
            if enrolment is not None and PlanShare.Part.GOALS in shown
            else []
        )
        ours = duplication.PlanSide(
            organisation=enrolment.programme_organisation.name if enrolment else "the programme",
            goals=goals[plan.child_id],
            actions=actions[plan.child_id],
            services=services[plan.child_id],
            appointments=_appointments(appointments[(plan.child_id, ours_org or 0)])
            if PlanShare.Part.KEY_DATES in shown
            else [],
            needs=needs,
        )
        theirs = duplication.PlanSide(
            organisation=plan.organisation.name,
            goals=theirs_goals[plan.pk],
            actions=theirs_actions[plan.pk],
            services=theirs_services[plan.pk],
            appointments=_appointments(appointments[(plan.child_id, plan.organisation_id)]),
        )
        sides.append((ours, theirs))
    return sides


def _resolutions(plans: list[PartnerPlan]) -> dict[tuple[int, int, str], FindingResolution]:
    wanted = Q(pk__in=[])
    for plan in plans:
        wanted |= Q(child_id=plan.child_id, partner_id=plan.organisation_id)
    return {
        (row.child_id, row.partner_id, row.key): row
        for row in FindingResolution.objects.filter(wanted).select_related("agreed_by", "agreed_by_organisation")
    }


def case_findings(plans: list[PartnerPlan], parts: Iterable[str] | None = None) -> list[CaseFindings]:
    """The findings of each partner plan against ours (``parts``: only what a share shows of ours)."""
    resolutions = _resolutions(plans)
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
