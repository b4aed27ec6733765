from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, When
from django.utils import timezone

from joinedup.accounts.models import Membership, Role, User
from joinedup.cases.access import CASE_WORKERS, children_visible_to
from joinedup.cases.models import (
    OPEN_REFERRAL_STATUSES,
    CaseSettings,
    Child,
    Consent,
    Contact,
    EngagementTerm,
    Enrolment,
    FamilyMember,
    Goal,
    PartnerSession,
    Plan,
    PlanAction,
    PlanReview,
    PlanVersion,
    Referral,
    ReferralEvent,
)
from joinedup.core.domains import RISK_AREA_NEEDS, NeedDomain
from joinedup.directory.models import Service
from joinedup.joint.models import JointAction, JointMeeting, PlanShare
from joinedup.rules.scoring import DOMAIN_NAMES
from joinedup.safeguarding.models import Concern
from joinedup.sharing.models import shared_cases_in_force


def child_list(actor: Membership, *, search: str = "") -> QuerySet[Child]:
    """The children this membership may see, for a list page. Names only: no record is opened."""
    children = children_visible_to(actor).select_related("school", "link_worker")
    for word in search.split():
        children = children.filter(
            Q(forenames__icontains=word) | Q(surname__icontains=word) | Q(preferred_name__icontains=word)
        )
    return children.order_by("surname", "forenames", "pk")


def open_enrolment(child: Child) -> Enrolment | None:
    """The child's enrolment that is not closed (there is at most one), with its Link Worker."""
    return child.enrolments.exclude(stage=Enrolment.Stage.CLOSED).select_related("link_worker").first()


def record_enrolments(child: Child) -> list[Enrolment]:
    """The child's enrolments for their record, each with its plan (goals, actions) and referrals (with services).

    A fixed number of queries, whatever the plan or the referrals hold.
    """
    return list(
        child.enrolments.select_related("link_worker", "school", "plan").prefetch_related(
            "plan__goals",
            Prefetch("plan__actions", queryset=PlanAction.objects.order_by("due_on", "pk")),
            Prefetch("referrals", queryset=Referral.objects.select_related("service").order_by("-created_at", "-pk")),
        )
    )


def consents_described(child: Child) -> list[Consent]:
    """The child's consents, each with ``about``: the organisation or service it names, if any. Two queries."""
    consents = list(child.consents.select_related("organisation"))
    services = dict(
        Service.objects.filter(id__in={c.service_id for c in consents if c.service_id}).values_list("id", "name")
    )
    for consent in consents:
        consent.about = consent.organisation.name if consent.organisation else services.get(consent.service_id, "")  # type: ignore[attr-defined]
    return consents


def link_workers(actor: Membership) -> QuerySet[User]:
    """The Link Workers of the actor's programme in their borough."""
    return User.objects.filter(
        memberships__organisation=actor.organisation,
        memberships__area=actor.area,
        memberships__role=Role.LINK_WORKER,
        memberships__is_active=True,
    ).distinct()


@dataclass(frozen=True)
class CaseloadRow:
    enrolment: Enrolment
    last_contact: date | None
    contact_overdue: bool
    next_review: date
    review_overdue: bool
    next_action: str
    next_action_due: date | None
    open_referrals: int

    @property
    def action_overdue(self) -> bool:
        return self.next_action_due is not None and self.next_action_due < date.today()


CASELOAD_ORDERS = {
    "name": ("child__surname", "child__forenames"),
    "stage": ("stage_order", "child__surname"),
    "next_action": ("next_action_due", "child__surname"),
}


def caseload(
    actor: Membership,
    *,
    worker_id: int,
    stage: str = "",
    overdue_only: bool = False,
    shared_only: bool = False,
    order: str = "name",
    enrolment_id: int | None = None,
    settings: CaseSettings | None = None,
) -> list[CaseloadRow]:
    """A Link Worker's open enrolments that ``actor`` may see, each with its last contact and what is due.

    One query, whatever the number of children (and one for the borough's ``settings`` if not given).
    """
    settings = settings or CaseSettings.for_area(actor.area_id)
    today = date.today()
    enrolments = (
        _open_enrolments_with_what_is_due(actor)
        .filter(link_worker_id=worker_id)
        .select_related("child", "school", "plan")
        # Stages in the order a case moves through them, not alphabetically.
        .alias(stage_order=Case(*(When(stage=stage, then=n) for n, stage in enumerate(Enrolment.Stage.values))))
        .order_by(*CASELOAD_ORDERS.get(order, CASELOAD_ORDERS["name"]), "pk")
    )
    if stage:
        enrolments = enrolments.filter(stage=stage)
    if enrolment_id is not None:
        enrolments = enrolments.filter(pk=enrolment_id)
    if shared_only:
        # Children another agency also works with, under an agreement in force.
        enrolments = enrolments.filter(child__in=shared_cases_in_force(today).values("child_id"))
    every = timedelta(days=settings.contact_every_days)
    review = timedelta(weeks=settings.review_every_weeks)
    rows = []
    for enrolment in enrolments:
        last = enrolment.last_contact  # the annotations
        overdue = (today - (last or enrolment.start_date)) > every
        if overdue_only and not overdue:
            continue
        next_review = _next_review(enrolment.start_date, enrolment.set_review, enrolment.last_review, review)
        rows.append(
            CaseloadRow(
                enrolment,
                last,
                overdue,
                next_review,
                next_review < today,
                enrolment.next_action or "",
                enrolment.next_action_due,
                enrolment.open_referrals or 0,
            )
        )
    if order == "last_contact":
        rows.sort(key=lambda row: (row.last_contact or date.min, row.enrolment.pk))
    return rows


def _open_enrolments_with_what_is_due(actor: Membership) -> QuerySet[Any]:
    """Open enrolments the actor may see, each annotated with its last contact, next action due, open
    referrals and last review: what the caseload and the team's caseloads flag. One query."""
    next_action = PlanAction.objects.filter(
        plan__enrolment=OuterRef("pk"), done_on__isnull=True, due_on__isnull=False
    ).order_by("due_on", "pk")
    open_referrals = (
        Referral.objects.filter(enrolment=OuterRef("pk"), status__in=OPEN_REFERRAL_STATUSES)
        .order_by()
        .values("enrolment")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Enrolment.objects.filter(child__in=children_visible_to(actor))
        .exclude(stage=Enrolment.Stage.CLOSED)
        .annotate(
            last_contact=Subquery(
                Contact.objects.filter(enrolment=OuterRef("pk")).order_by("-happened_on").values("happened_on")[:1]
            ),
            next_action=Subquery(next_action.values("action")[:1]),
            next_action_due=Subquery(next_action.values("due_on")[:1]),
            open_referrals=Subquery(open_referrals),
            last_review=Subquery(
                PlanReview.objects.filter(plan__enrolment=OuterRef("pk"))
                .order_by("-reviewed_on")
                .values("reviewed_on")[:1]
            ),
            set_review=F("plan__next_review_on"),
        )
    )


def _next_review(start: date, set_review: date | None, last_review: date | None, every: timedelta) -> date:
    """The review date the last review set or, with none set, the borough's cadence on from the last review."""
    return set_review or (last_review or start) + every


@dataclass(frozen=True)
class TeamRow:
    """One Link Worker's caseload, counted, for their manager."""

    worker: User
    children: int
    contact_overdue: int
    review_overdue: int
    action_overdue: int
    open_referrals: int
    over_target: bool


def team_caseloads(actor: Membership) -> list[TeamRow]:
    """For a manager: each Link Worker of the programme in the borough, with their counts and flags. Two queries."""
    settings = CaseSettings.for_area(actor.area_id)
    today = date.today()
    contact_every = timedelta(days=settings.contact_every_days)
    review_every = timedelta(weeks=settings.review_every_weeks)
    counts: dict[int, Counter[str]] = {}
    rows = _open_enrolments_with_what_is_due(actor).values_list(
        "link_worker", "start_date", "last_contact", "set_review", "last_review", "next_action_due", "open_referrals"
    )
    for worker_id, start, last_contact, set_review, last_review, action_due, referrals in rows:
        count = counts.setdefault(worker_id, Counter())
        count["children"] += 1
        count["contact_overdue"] += today - (last_contact or start) > contact_every
        count["review_overdue"] += _next_review(start, set_review, last_review, review_every) < today
        count["action_overdue"] += action_due is not None and action_due < today
        count["open_referrals"] += referrals or 0
    team = []
    for worker in link_workers(actor).order_by("full_name"):
        count = counts.get(worker.pk, Counter())
        team.append(
            TeamRow(
                worker=worker,
                children=count["children"],
                contact_overdue=count["contact_overdue"],
                review_overdue=count["review_overdue"],
                action_overdue=count["action_overdue"],
                open_referrals=count["open_referrals"],
                over_target=count["children"] > settings.target_caseload,
            )
        )
    return team


@dataclass(frozen=True)
class ChronologyEvent:
    """One thing that happened, for the child's chronology."""

    on: date
    kind: str
    title: str
    detail: str
    by: str


CHRONOLOGY_KINDS = {
    "identification": "Identification",
    "consent": "Consent",
    "enrolment": "Enrolment",
    "plan": "Plan and reviews",
    "referral": "Referrals",
    "contact": "Contacts",
    "session": "Partner sessions",
    "joint": "Joint working",
    "safeguarding": "Safeguarding",
}

# Case notes are for the people who work the case; others see that a contact happened, not what was said.
NOTES_WITHHELD = "Notes are shown to the child's Link Worker and team manager."
# Referrals and partner sessions are for them too (and, of its own referrals, the partner).
CASE_ONLY_KINDS = frozenset({"referral", "session", "joint", "safeguarding"})


def chronology_kinds(viewer_role: str) -> dict[str, str]:
    """The kinds of event a viewer in this role sees in a chronology, with their labels."""
    return {
        name: label
        for name, label in CHRONOLOGY_KINDS.items()
        if viewer_role in CASE_WORKERS or name not in CASE_ONLY_KINDS
    }


def chronology(child: Child, *, viewer_role: str, kind: str = "") -> list[ChronologyEvent]:
    """Everything about the child in time order, newest first: what the viewer may see of the record.

    Each kind is one query, whatever the length of the case. Case notes (of contacts and reviews),
    referrals and partner sessions are shown only to those who work the case (``CASE_WORKERS``).
    """
    notes = viewer_role in CASE_WORKERS
    events: list[ChronologyEvent] = []

    shown = chronology_kinds(viewer_role)

    def wanted(name: str) -> bool:
        return name in shown and (not kind or name == kind)

    enrolments = list(child.enrolments.select_related("cohort_entry__cohort__run", "link_worker", "created_by"))
    if wanted("identification"):
        for enrolment in enrolments:
            entry = enrolment.cohort_entry
            if entry is None:
                continue
            run = entry.cohort.run
            events.append(
                ChronologyEvent(
                    run.started_at.date(),
                    "identification",
                    "Identified by the school's screening",
                    entry.explanation,
                    "",
                )
            )
            if entry.decided_at is not None:
                reason = f": {entry.decision_reason}" if entry.decision_reason else ""
                events.append(
                    ChronologyEvent(
                        entry.decided_at.date(),
                        "identification",
                        f"{entry.get_decision_display()} on the school's list",
                        reason.removeprefix(": "),
                        "",
                    )
                )
    if wanted("consent"):
        for consent in child.consents.select_related("created_by", "organisation"):
            about = consent.get_purpose_display()
            if consent.organisation is not None:
                about += f" ({consent.organisation.name})"
            basis = (
                ""
                if consent.basis == Consent.Basis.CONSENT
                else f"On the basis of {consent.get_basis_display().lower()}: {consent.basis_reason}"
            )
            given = consent.get_given_by_display() if consent.given_by else ""
            events.append(
                ChronologyEvent(
                    consent.given_on, "consent", f"Consent recorded: {about}", basis or given, _name(consent.created_by)
                )
            )
            if consent.withdrawn_on is not None:
                events.append(
                    ChronologyEvent(
                        consent.withdrawn_on, "consent", f"Consent withdrawn: {about}", consent.withdrawn_by, ""
                    )
                )
    if wanted("enrolment"):
        for enrolment in enrolments:
            events.append(
                ChronologyEvent(
                    enrolment.start_date,
                    "enrolment",
                    "Enrolled on the programme",
                    f"With {enrolment.link_worker.full_name}, until {enrolment.planned_end_date:%-d %B %Y}",
                    _name(enrolment.created_by),
                )
            )
            if enrolment.closed_on is not None:
                events.append(
                    ChronologyEvent(enrolment.closed_on, "enrolment", "Enrolment closed", enrolment.closure_reason, "")
                )
    if wanted("contact"):
        contacts = Contact.objects.filter(enrolment__child=child).select_related("created_by")
        for contact in contacts:
            minutes = f" ({contact.minutes} minutes)" if contact.minutes else ""
            detail = " ".join(
                part for part in (contact.notes, f"Next: {contact.follow_up}" if contact.follow_up else "") if part
            )
            if detail and not notes:
                detail = NOTES_WITHHELD
            events.append(
                ChronologyEvent(
                    contact.happened_on,
                    "contact",
                    f"{contact.get_kind_display()}{minutes}",
                    detail,
                    _name(contact.created_by),
                )
            )
    if wanted("plan"):
        versions = PlanVersion.objects.filter(plan__enrolment__child=child).select_related("changed_by")
        for version in versions:
            events.append(
                ChronologyEvent(
                    version.changed_at.date(),
                    "plan",
                    f"Plan version {version.number}",
                    version.summary,
                    _name(version.changed_by),
                )
            )
        reviews = PlanReview.objects.filter(plan__enrolment__child=child).select_related("created_by")
        for review in reviews:
            events.append(
                ChronologyEvent(
                    review.reviewed_on,
                    "plan",
                    "Plan reviewed",
                    review.summary if notes else NOTES_WITHHELD,
                    _name(review.created_by),
                )
            )
    if wanted("referral"):
        changes = ReferralEvent.objects.filter(referral__enrolment__child=child).select_related(
            "referral__service", "by", "by_organisation"
        )
        for change in changes:
            events.append(
                ChronologyEvent(
                    change.on,
                    "referral",
                    f"Referral to {change.referral.service.name}: {change.get_status_display().lower()}",
                    change.note if notes or not change.note else NOTES_WITHHELD,
                    f"{_name(change.by)} ({change.by_organisation.name})",
                )
            )
    if wanted("session"):
        sessions = PartnerSession.objects.filter(referral__enrolment__child=child).select_related(
            "referral__service", "created_by"
        )
        for session in sessions:
            minutes = f" ({session.minutes} minutes)" if session.minutes else ""
            events.append(
                ChronologyEvent(
                    session.happened_on,
                    "session",
                    f"{session.referral.service.name} session: {session.get_attendance_display().lower()}{minutes}",
                    session.note if notes or not session.note else NOTES_WITHHELD,
                    _name(session.created_by),
                )
            )
    if wanted("joint"):
        events.extend(_joint_events(child))
    if wanted("safeguarding"):
        events.extend(_safeguarding_events(child))
    # Newest first; on the same day, in the order a case unfolds (screening, consent, enrolment,
    # contacts), latest step first.
    ordered = sorted(enumerate(events), key=lambda pair: (pair[1].on, pair[0]), reverse=True)
    return [event for _index, event in ordered]


def _joint_events(child: Child) -> list[ChronologyEvent]:
    """Joint meetings (never their minutes), the actions agreed and done, and the plan's shares."""
    events = []
    meetings = (
        JointMeeting.objects.filter(child=child)
        .select_related("created_by")
        .prefetch_related("attendees__organisation")
    )
    for meeting in meetings:
        organisations = sorted({member.organisation.name for member in meeting.attendees.all()})
        events.append(
            ChronologyEvent(
                meeting.held_on,
                "joint",
                meeting.kind,
                f"With {', '.join(organisations)}. {meeting.decisions}".strip(),
                _name(meeting.created_by),
            )
        )
    for action in JointAction.objects.filter(meeting__child=child).select_related(
        "meeting", "owner__user", "owner__organisation", "created_by", "modified_by"
    ):
        due = f"{action.owner_label}, by {action.due_on:%-d %B %Y}"
        agreed = f"Action agreed: {action.action}"
        events.append(ChronologyEvent(action.meeting.held_on, "joint", agreed, due, _name(action.created_by)))
        if action.done_on is not None:
            done = f"Action done: {action.action}"
            events.append(ChronologyEvent(action.done_on, "joint", done, action.owner_label, _name(action.modified_by)))
    shares = PlanShare.objects.filter(child=child).select_related(
        "shared_with__user", "partner", "created_by", "revoked_by"
    )
    for share in shares:
        who = f"{share.shared_with.user.full_name} ({share.partner.name})"
        parts = "; ".join(share.part_labels())
        events.append(
            ChronologyEvent(
                timezone.localdate(share.created_at),
                "joint",
                f"Plan shared with {who}",
                f"{parts}. For: {share.purpose.rstrip('.')}. Until {share.expires_on:%-d %B %Y}.",
                _name(share.created_by),
            )
        )
        if share.revoked_at is not None:
            revoked = f"Share with {who} revoked"
            when = timezone.localdate(share.revoked_at)
            events.append(ChronologyEvent(when, "joint", revoked, share.revoked_reason, _name(share.revoked_by)))
    return events


def _safeguarding_events(child: Child) -> list[ChronologyEvent]:
    """That a concern was raised, decided, referred and answered, never what it says: the concern itself is for the
    safeguarding lead, the team's managers and whoever raised it (``safeguarding.access``)."""
    events = []
    restricted = "The details are kept to the safeguarding lead, the team’s managers and who raised the concern."
    concerns = Concern.objects.filter(child=child).select_related("raised_by__user", "decision__decided_by")
    steps = ("front_door", "created_by", "acknowledged_by", "outcome_by")
    for concern in concerns.prefetch_related(*(f"escalations__{step}" for step in steps)):
        raised = timezone.localdate(concern.created_at)
        by = _name(concern.raised_by.user)
        events.append(ChronologyEvent(raised, "safeguarding", "Safeguarding concern raised", restricted, by))
        decision = getattr(concern, "decision", None)
        if decision is not None:
            decided = timezone.localdate(decision.decided_at)
            title = f"Safeguarding decision: {decision.level_name}"
            events.append(
                ChronologyEvent(
                    decided, "safeguarding", title, decision.get_action_display(), _name(decision.decided_by)
                )
            )
        for escalation in concern.escalations.all():
            door = escalation.front_door.name
            sent_by = _name(escalation.created_by)
            events.append(ChronologyEvent(escalation.sent_on, "safeguarding", f"Referred to {door}", "", sent_by))
            if escalation.acknowledged_by is not None and escalation.acknowledged_on is not None:
                acknowledged = f"Referral acknowledged by {door}"
                by = _name(escalation.acknowledged_by)
                events.append(ChronologyEvent(escalation.acknowledged_on, "safeguarding", acknowledged, "", by))
            if escalation.outcome_on is not None:
                outcome = f"Outcome of the referral to {door}: {escalation.get_outcome_display().lower()}"
                by = _name(escalation.outcome_by)
                events.append(ChronologyEvent(escalation.outcome_on, "safeguarding", outcome, restricted, by))
    return events


def _name(user: User | None) -> str:
    return user.full_name if user is not None else ""


@dataclass(frozen=True)
class TermEngagement:
    """One school term of a child's engagement: Link Worker contacts and partner sessions."""

    term: str
    starts: date
    contacts: int
    offered: int
    attended: int
    did_not_attend: int
    cancelled: int
    high: bool

    @property
    def attendance_pct(self) -> int | None:
        """Sessions attended of those that went ahead or were missed (cancellations by the provider aside)."""
        held = self.attended + self.did_not_attend
        return round(100 * self.attended / held) if held else None


def school_term(day: date) -> tuple[date, str]:
    """The term a day falls in: autumn (September to December), spring (January to March), summer (April to August)."""
    if day.month >= 9:
        return date(day.year, 9, 1), f"Autumn {day.year}"
    if day.month <= 3:
        return date(day.year, 1, 1), f"Spring {day.year}"
    return date(day.year, 4, 1), f"Summer {day.year}"


def engagement(child: Child) -> list[TermEngagement]:
    """The child's engagement term by term, oldest first: one query, read from the terms as counted when each
    contact and session was recorded (``EngagementTerm``, kept by ``cases.engagement``).

    A term counts as high engagement when the Link Worker's contacts reach the borough's number and
    partner attendance (where sessions were offered) reaches its percentage: the "high engagement"
    measure outcomes contracts pay on.
    """
    settings = CaseSettings.for_area(child.area_id)
    terms: dict[date, Counter[str]] = {}
    # Summed by term: a child enrolled twice has a row per enrolment.
    for starts, contacts, attended, missed, cancelled in (
        EngagementTerm.objects.filter(enrolment__child=child)
        .values_list("starts", "contacts", "attended", "did_not_attend", "cancelled")
        .order_by()
    ):
        counted = terms.setdefault(starts, Counter())
        counted.update(contacts=contacts, attended=attended, missed=missed, cancelled=cancelled)
    rows = []
    for starts in sorted(terms):
        counted = terms[starts]
        held = counted["attended"] + counted["missed"]
        enough_attendance = not held or 100 * counted["attended"] >= settings.high_engagement_attendance * held
        rows.append(
            TermEngagement(
                term=school_term(starts)[1],
                starts=starts,
                contacts=counted["contacts"],
                offered=held + counted["cancelled"],
                attended=counted["attended"],
                did_not_attend=counted["missed"],
                cancelled=counted["cancelled"],
                high=counted["contacts"] >= settings.high_engagement_contacts and enough_attendance,
            )
        )
    return rows


@dataclass(frozen=True)
class Carer:
    """A parent or carer's contact details, as a referral shares them."""

    name: str
    relationship: str
    phone: str
    email: str


@dataclass(frozen=True)
class SharedDetails:
    """What a referral passed to the service: all a delivery partner ever sees of the child.

    The name, age and school always; each other field only if the referral shared it
    (``Referral.shared``), and ``None`` if it did not.
    """

    child_name: str
    full_name: str
    age: int
    school: str
    carers: list[Carer] | None
    needs: list[str] | None
    goal: str | None
    success: str | None
    message: str | None


def referral_shared_details(referral: Referral) -> SharedDetails:
    """The details a referral shared, read from the record as it stands (one query for the family's carers)."""
    shared = set(referral.shared)
    child = referral.enrolment.child
    carers = None
    if Referral.Shared.CONTACT in shared:
        carers = [
            Carer(member.full_name, member.get_relationship_display(), member.phone, member.email)
            for member in FamilyMember.objects.filter(family_id=child.family_id, parental_responsibility=True)
        ]
    goal = referral.goal if Referral.Shared.GOAL in shared else None
    return SharedDetails(
        child_name=child.display_name,
        full_name=f"{child.forenames} {child.surname}"
        + (f" (known as {child.preferred_name})" if child.preferred_name else ""),
        age=child.age_on(date.today()),
        school=child.school.name,
        carers=carers,
        needs=(
            [DOMAIN_NAMES.get(domain, domain).capitalize() for domain in referral.enrolment.at_risk_domains]
            if Referral.Shared.NEEDS in shared
            else None
        ),
        goal=goal.goal if goal is not None else None,
        success=goal.success if goal is not None else None,
        message=referral.reason if Referral.Shared.MESSAGE in shared else None,
    )


def plan_goals(plan: Plan) -> list[Goal]:
    """The plan's goals with their actions (dated ones by due date, then the rest): two queries, whatever the size."""
    actions = PlanAction.objects.order_by(F("due_on").asc(nulls_last=True), "pk")
    return list(plan.goals.prefetch_related(Prefetch("actions", queryset=actions)).order_by("pk"))


def latest_version(plan: Plan) -> PlanVersion | None:
    return plan.versions.select_related("changed_by").defer("snapshot").first()


def at_risk_needs(at_risk_domains: list[str]) -> tuple[list[NeedDomain], list[str]]:
    """The needs a plan starts from, for an enrolment's areas at risk, and the areas that are no need.

    Identification names areas by its rules ("reading", "peer_relationships"); plans name
    needs. Several areas can be one need (reading and maths are both attainment), so each need
    comes once, in the order identification found them; behaviour has no need of its own.
    """
    needs: list[NeedDomain] = []
    others: list[str] = []
    for area in at_risk_domains:
        need = RISK_AREA_NEEDS.get(area) or (NeedDomain(area) if area in NeedDomain.values else None)
        if need is None:
            others.append(DOMAIN_NAMES.get(area, area))
        elif need not in needs:
            needs.append(need)
    return needs, others


Attendance = PartnerSession.Attendance


@dataclass(frozen=True)
class AttendanceSummary:
    """How the child engaged with the sessions offered under one referral."""

    total: int
    attended: int
    did_not_attend: int
    cancelled_by_provider: int
    cancelled_by_family: int

    @classmethod
    def of(cls, sessions: list[PartnerSession]) -> AttendanceSummary:
        counts = Counter(session.attendance for session in sessions)
        return cls(
            total=len(sessions),
            attended=counts[Attendance.ATTENDED],
            did_not_attend=counts[Attendance.DID_NOT_ATTEND],
            cancelled_by_provider=counts[Attendance.CANCELLED_PROVIDER],
            cancelled_by_family=counts[Attendance.CANCELLED_FAMILY],
        )


def referral_events(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("by", "by_organisation")


def referral_sessions(referral: Referral) -> list[PartnerSession]:
    return list(referral.sessions.all())
