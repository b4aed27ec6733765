"""Reads for joint working, already scoped: what a practitioner sees of a plan shared with them, and who can
see what of a child's plan right now."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Prefetch, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.cases.access import children_visible_to
from joinedup.cases.models import Child, Enrolment, FamilyStory, Goal, Plan, PlanAction, Referral
from joinedup.joint import duplication
from joinedup.joint.comparison import CaseFindings, case_findings
from joinedup.joint.models import PartnerPlan, PlanShare, ShareComment, appointments_to_come, shares_in_force
from joinedup.safeguarding.models import Concern


@dataclass
class SharedPlan:
    """Exactly what a share lets its practitioner see of the child's plan: each part empty unless shared."""

    share: PlanShare
    enrolment: Enrolment | None
    plan: Plan | None
    goals: list[Goal] = field(default_factory=list)
    actions: list[PlanAction] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    story: FamilyStory | None = None
    story_withheld: str = ""
    key_dates: list[tuple[date, str]] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)

    @property
    def changed_since_seen(self) -> bool:
        return bool(self.plan and self.share.seen_version and self.plan.version > self.share.seen_version)


def current_enrolment(child: Child) -> Enrolment | None:
    """The open enrolment, or else the latest closed one, with its plan."""
    enrolments = list(child.enrolments.select_related("plan").order_by("-start_date", "-pk"))
    open_ones = [enrolment for enrolment in enrolments if enrolment.stage != Enrolment.Stage.CLOSED]
    chosen = open_ones or enrolments
    return chosen[0] if chosen else None


def _plan_of(enrolment: Enrolment | None) -> Plan | None:
    if enrolment is None:
        return None
    try:
        return enrolment.plan
    except Plan.DoesNotExist:
        return None


def shared_plan(share: PlanShare) -> SharedPlan:
    """The parts of the child's current plan the share names, read now: the practitioner sees updates."""
    enrolment = current_enrolment(share.child)
    plan = _plan_of(enrolment)
    shown = SharedPlan(share=share, enrolment=enrolment, plan=plan)
    if plan is not None:
        actions = PlanAction.objects.order_by(F("due_on").asc(nulls_last=True), "pk")
        if share.shares(PlanShare.Part.GOALS):
            goals = plan.goals.order_by("pk")
            if share.shares(PlanShare.Part.ACTIONS):
                goals = goals.prefetch_related(Prefetch("actions", queryset=actions))
            shown.goals = list(goals)
        elif share.shares(PlanShare.Part.ACTIONS):
            shown.actions = list(actions.filter(plan=plan).select_related("goal"))
    if enrolment is not None and share.shares(PlanShare.Part.SERVICES):
        shown.referrals = list(
            enrolment.referrals.exclude(status=Referral.Status.DRAFT)
            .select_related("service__organization")
            .order_by("-created_at", "-pk")
        )
    if share.shares(PlanShare.Part.STORY):
        story = family_story(share.child)
        if story is not None and story.share_agreed:
            shown.story = story
        else:
            shown.story_withheld = "The family has not agreed to their story being shared, so it is not shown."
    if enrolment is not None and share.shares(PlanShare.Part.KEY_DATES):
        dates = [(enrolment.start_date, "Joined the programme"), (enrolment.planned_end_date, "Planned end")]
        if enrolment.closed_on:
            dates.append((enrolment.closed_on, "Left the programme"))
        if plan is not None and plan.next_review_on:
            dates.append((plan.next_review_on, "Next review of the plan"))
        for appointment in appointments_to_come(share.child_id, share.child.programme_organisation_id):
            at = timezone.localtime(appointment.starts_at)
            place = f", {appointment.place}" if appointment.place else ""
            label = f"Appointment: {appointment.what}, {at:%H:%M} for {appointment.minutes} minutes{place}"
            dates.append((at.date(), label))
        shown.key_dates = sorted(dates, key=lambda row: row[0])
    if share.shares(PlanShare.Part.CONCERNS):
        # Concerns about the child alone: a context's concerns hold information about other children.
        shown.concerns = list(
            Concern.objects.filter(child_id=share.child_id)
            .select_related("decision")
            .prefetch_related("escalations__front_door")
            .order_by("-created_at", "-pk")
        )
    return shown


def share_comments(share: PlanShare) -> QuerySet[ShareComment]:
    return share.comments.select_related("author", "organisation")


def partner_plan_for(child_id: int, organisation_id: int) -> PartnerPlan | None:
    return (
        PartnerPlan.objects.filter(child_id=child_id, organisation_id=organisation_id)
        .select_related("organisation", "modified_by")
        .prefetch_related("goals", "actions", "services")
        .first()
    )


@dataclass(frozen=True)
class ShareRow:
    share: PlanShare
    refusal: str

    @property
    def in_force(self) -> bool:
        return not self.refusal


def shares_of_child(child: Child) -> list[ShareRow]:
    """Every share of the child's plan, those in force first, each with why it no longer is."""
    today = timezone.localdate()
    shares = PlanShare.objects.filter(child=child).select_related(
        "shared_with__user", "partner", "agreement__partner", "consent", "created_by"
    )
    rows = [ShareRow(share, share.refusal(today)) for share in shares]
    return sorted(rows, key=lambda row: (not row.in_force, -row.share.pk))


def partner_plans_of_child(child: Child) -> list[PartnerPlan]:
    """The partner organisations' plan summaries for the child, for those who work the case."""
    return list(
        PartnerPlan.objects.filter(child=child)
        .select_related("organisation", "modified_by")
        .prefetch_related("goals", "actions", "services")
    )


def shares_in_force_of_child(child: Child) -> QuerySet[PlanShare]:
    return shares_in_force(timezone.localdate()).filter(child=child)


def family_story(child: Child) -> FamilyStory | None:
    return FamilyStory.objects.filter(family_id=child.family_id).first()


# The programme's people who oversee shared cases: the duplication report.
REPORT_ROLES = (Role.TEAM_MANAGER, Role.DATA_LEAD)


@dataclass(frozen=True)
class KindRow:
    kind: duplication.Kind
    label: str
    cases: int
    findings: int
    resolved: int


@dataclass(frozen=True)
class DuplicationSummary:
    compared: int
    with_overlap: int
    findings: int
    resolved: int
    kinds: list[KindRow]
    # Each case with findings still to resolve, and the newest share of its plan, where they are resolved.
    open_cases: list[tuple[CaseFindings, int | None]]


def duplication_summary(actor: Membership) -> DuplicationSummary:
    """Every shared case of the children the actor oversees that has a partner plan, compared."""
    plans = list(
        PartnerPlan.objects.filter(child__in=children_visible_to(actor))
        .select_related("child", "organisation")
        .order_by("child__surname", "child__forenames", "organisation__name")
    )
    cases = case_findings(plans, full=False)
    newest: dict[tuple[int, int], int] = {}
    shares = PlanShare.objects.filter(child_id__in={plan.child_id for plan in plans}).order_by("pk")
    for share_id, child_id, partner_id in shares.values_list("pk", "child_id", "partner_id"):
        newest[(child_id, partner_id)] = share_id
    kinds = []
    for kind in duplication.Kind:
        found = [
            (finding, resolution) for case in cases for finding, resolution in case.findings if finding.kind == kind
        ]
        touched = sum(1 for case in cases if any(finding.kind == kind for finding, _ in case.findings))
        resolved = sum(1 for _, resolution in found if resolution is not None)
        kinds.append(KindRow(kind, duplication.KIND_LABELS[kind], touched, len(found), resolved))
    return DuplicationSummary(
        compared=len(cases),
        with_overlap=sum(1 for case in cases if case.findings),
        findings=sum(len(case.findings) for case in cases),
        resolved=sum(row.resolved for row in kinds),
        kinds=kinds,
        open_cases=[
            (case, newest.get((case.child.pk, case.plan.organisation_id))) for case in cases if case.open_count
        ],
    )
