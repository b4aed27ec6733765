"""Plans, reviews, referrals and partner sessions in the demo, so each case reads like a real one.

Every demo enrolment gets a plan started on its first day. Once the relationship is built (about
two months in) the Link Worker and family agree a goal for each need identification found, with
actions for the Link Worker, the family, the school and partners; reviews follow each term with
progress that mostly improves. Each child is referred to one to three local services that meet
their needs, delivery partners first, and the referrals stand at every point of their life cycle,
with a partner's weekly sessions and the child's attendance. Dated from ``as_of``; the same seed
and day give the same rows.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.cases.engagement import engagement_refresh
from joinedup.cases.models import (
    Consent,
    Enrolment,
    Goal,
    GoalProgress,
    PartnerSession,
    Plan,
    PlanAction,
    PlanReview,
    PlanVersion,
    Referral,
    ReferralEvent,
)
from joinedup.cases.plans import action_data, goal_data
from joinedup.core.domains import RISK_AREA_NEEDS, NeedDomain
from joinedup.directory.models import SearchEntry, Service, ServiceProfile
from joinedup.rules.scoring import DOMAIN_NAMES

Owner = PlanAction.Owner

# For each need: the goal in the family's words, what success looks like, and two actions.
_GOALS: dict[str, tuple[str, str, tuple[tuple[str, str], ...]]] = {
    NeedDomain.ATTENDANCE: (
        "Get to school on time every day, and feel ready to learn when I get there.",
        "Attendance above 95% for a whole term, and mornings that feel calmer at home.",
        (
            ("Morning check-in at the school gate, three days a week", Owner.LINK_WORKER),
            ("Agree a morning routine and write it on the fridge", Owner.FAMILY),
        ),
    ),
    NeedDomain.ATTAINMENT: (
        "Catch up with reading and maths, and feel I can do it.",
        "Working at the expected standard in reading, and choosing to read at home.",
        (
            ("Weekly tutoring session with a partner tutor", Owner.DELIVERY_PARTNER),
            ("Homework club place twice a week", Owner.SCHOOL),
        ),
    ),
    NeedDomain.EMOTIONAL_WELLBEING: (
        "Worry less, and know what to do when big feelings come.",
        "Fewer worried days on the feelings chart, and using a calming plan without being reminded.",
        (
            ("Counselling sessions with a partner counsellor", Owner.DELIVERY_PARTNER),
            ("Make a calming plan together and share it with the class teacher", Owner.LINK_WORKER),
        ),
    ),
    NeedDomain.RELATIONSHIPS: (
        "Make and keep friends, and sort out falling-outs without fights.",
        "A settled group of friends at break, and no playground incidents for half a term.",
        (
            ("Join the lunchtime friendship group", Owner.SCHOOL),
            ("Weekly 1:1 on friendships and sorting out disagreements", Owner.LINK_WORKER),
        ),
    ),
    NeedDomain.ECONOMIC_DISADVANTAGE: (
        "Have what we need at home so money worries don't get in the way of school.",
        "Uniform, a warm coat and school trips sorted, and the family getting the support they are entitled to.",
        (
            ("Benefits check with a welfare rights adviser", Owner.EXTERNAL_SERVICE),
            ("Apply for the school's uniform and trips fund", Owner.FAMILY),
        ),
    ),
}
# What the Link Worker tells a service about why the child is referred, by need.
_REFERRAL_MESSAGES: dict[str, str] = {
    NeedDomain.ATTENDANCE: "Mornings are hard at home and attendance has slipped; the family would like help with "
    "routines and getting in on time.",
    NeedDomain.ATTAINMENT: "Behind with reading and losing confidence; responds well to 1:1 attention and praise.",
    NeedDomain.EMOTIONAL_WELLBEING: "Worries a lot and finds big feelings hard to manage; has asked to talk to "
    "someone outside the family.",
    NeedDomain.RELATIONSHIPS: "Finds friendships hard and has fallen out often this term; would enjoy a small group.",
    NeedDomain.ECONOMIC_DISADVANTAGE: "The family are struggling with costs since a change at work and would like "
    "advice on what they are entitled to.",
}
_FAMILY_WORDS = (
    "We want school to be a good place again. Mornings are the hardest bit for us.",
    "I want to be good at reading like my friends. Mum wants me to be happier.",
    "Things have been tough since we moved. We'd like help so the kids feel settled.",
    "I want to stop getting into trouble at lunch. Dad says he wants to be more involved with school.",
    "We'd love school to feel easier, and to feel confident speaking up in class.",
)
_REVIEW_SUMMARIES = (
    "Met with mum and the class teacher. Mornings are better; reading still a struggle but improving.",
    "Good term. More confident in class and has a settled group of friends at break.",
    "A harder few weeks after a family change; agreed to keep the same goals and add more check-ins.",
    "Attendance up, fewer worries. Family feel the plan is working and want to keep going.",
)
_SESSION_NOTES = (
    "Engaged well today.",
    "Quiet at first but joined in by the end.",
    "Good session; agreed what to work on next time.",
    "",
    "",
)
_DECLINED = ("The waiting list is closed until the spring.", "Outside our area: we have passed on the details.")
_WITHDRAWN = ("The family decided it was not the right time.", "Support now coming through school instead.")
# How the referrals of the demo stand: mostly finished or under way, with every status present.
_STATUS_WEIGHTS = {
    Referral.Status.COMPLETED: 30,
    Referral.Status.STARTED: 30,
    Referral.Status.ACCEPTED: 10,
    Referral.Status.SENT: 10,
    Referral.Status.DECLINED: 8,
    Referral.Status.WITHDRAWN: 6,
    Referral.Status.DRAFT: 6,
}
_REVIEW_EVERY = timedelta(weeks=13)
_RATINGS_OVER_TIME = (
    (GoalProgress.Rating.NOT_YET, GoalProgress.Rating.SOME, GoalProgress.Rating.WORSE),
    (GoalProgress.Rating.SOME, GoalProgress.Rating.GOOD, GoalProgress.Rating.NOT_YET),
    (GoalProgress.Rating.GOOD, GoalProgress.Rating.ACHIEVED, GoalProgress.Rating.SOME),
)


@dataclass(frozen=True)
class PlansLoadSummary:
    plans: int
    reviews: int
    referrals: int
    sessions: int


def demo_plans_loaded() -> bool:
    return Plan.objects.exists()


def demo_plans_load(*, seed: int, as_of: date) -> PlansLoadSummary:
    """A plan (with its versions and reviews) and referrals (with events and sessions) for every enrolment."""
    rng = random.Random(f"joinedup-demo-plans:{seed}")
    enrolments = list(Enrolment.objects.filter(plan__isnull=True).select_related("child", "link_worker").order_by("pk"))
    services = _services_by_area_and_need()
    partner_users: dict[tuple[int | None, int], int] = {
        (membership.organisation_id, membership.area_id): membership.user_id
        for membership in Membership.objects.filter(role=Role.DELIVERY_PRACTITIONER, is_active=True).order_by("pk")
    }
    with transaction.atomic():
        plans = Plan.objects.bulk_create(
            [Plan(enrolment=enrolment, created_by_id=enrolment.link_worker_id) for enrolment in enrolments],
            batch_size=1000,
        )
        cases = [_Case(rng, enrolment, plan, as_of) for enrolment, plan in zip(enrolments, plans, strict=True)]
        Goal.objects.bulk_create([goal for case in cases for goal in case.goals], batch_size=1000)
        for case in cases:
            case.add_actions()
        PlanAction.objects.bulk_create([action for case in cases for action in case.actions], batch_size=1000)
        reviews: list[PlanReview] = []
        progress: list[GoalProgress] = []
        for case in cases:
            case.add_reviews()
            reviews += case.reviews
        PlanReview.objects.bulk_create(reviews, batch_size=1000)
        PlanAction.objects.bulk_update(
            [action for case in cases for action in case.actions], ["done_on"], batch_size=1000
        )
        for case in cases:
            progress += case.progress()
        GoalProgress.objects.bulk_create(progress, batch_size=2000)
        versions = [version for case in cases for version in case.versions()]
        PlanVersion.objects.bulk_create(versions, batch_size=500)
        PlanReview.objects.bulk_update(reviews, ["plan_version"], batch_size=1000)
        for case in cases:
            case.plan.version = case.version_count
            case.plan.family_words = case.family_words if case.goals else ""
            case.plan.next_review_on = case.next_review
        Plan.objects.bulk_update(plans, ["version", "family_words", "next_review_on"], batch_size=1000)
        Goal.objects.bulk_update([goal for case in cases for goal in case.goals], ["status"], batch_size=1000)
        referrals = _referrals(rng, cases, services, as_of)
        Consent.objects.bulk_create([made.consent for made in referrals if made.consent], batch_size=1000)
        for made in referrals:
            made.referral.consent = made.consent
        Referral.objects.bulk_create([made.referral for made in referrals], batch_size=1000)
        events: list[ReferralEvent] = []
        sessions: list[PartnerSession] = []
        for made in referrals:
            referral = made.referral
            answerer = partner_users.get(
                (referral.partner_organisation_id, referral.enrolment.child.area_id), made.worker_id
            )
            events += _events(made, answerer)
            sessions += _sessions(rng, referral, answerer, as_of)
        ReferralEvent.objects.bulk_create(events, batch_size=2000)
        PartnerSession.objects.bulk_create(sessions, batch_size=2000)
        engagement_refresh(enrolment_ids={session.referral.enrolment_id for session in sessions})
    return PlansLoadSummary(len(plans), len(reviews), len(referrals), len(sessions))


@dataclass(frozen=True)
class _Offer:
    """A service a child might be referred to: who answers it, and the ages it is for."""

    service: Service
    partner_id: int | None
    youngest: int
    oldest: int


def _services_by_area_and_need() -> dict[tuple[int, str], list[_Offer]]:
    """Active services by borough and need, each with its delivery partner and ages (partners first)."""
    ages = {
        row["service_id"]: (row["youngest"], row["oldest"])
        for row in SearchEntry.objects.values("service_id").annotate(
            youngest=Min("minimum_age"), oldest=Max("maximum_age")
        )
    }
    found: dict[tuple[int, str], list[_Offer]] = defaultdict(list)
    profiles = ServiceProfile.objects.filter(service__status=Service.Status.ACTIVE).select_related("service")
    for profile in profiles.order_by("service_id"):
        area_id = profile.service.area_id
        if area_id is None:
            continue
        youngest, oldest = ages.get(profile.service_id, (0, 200))
        for need in profile.need_domains:
            found[(area_id, need)].append(_Offer(profile.service, profile.delivery_partner_id, youngest, oldest))
    for offers in found.values():
        offers.sort(key=lambda offer: (offer.partner_id is None, offer.service.id))
    return found


def _on(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


class _Case:
    """One enrolment's plan, built in memory in date order, then written in bulk with everyone else's."""

    def __init__(self, rng: random.Random, enrolment: Enrolment, plan: Plan, as_of: date) -> None:
        self.rng, self.enrolment, self.plan, self.as_of = rng, enrolment, plan, as_of
        self.worker_id = enrolment.link_worker_id
        self.agreed_on = enrolment.start_date + timedelta(days=rng.randint(45, 75))
        self.family_words = rng.choice(_FAMILY_WORDS)
        needs = sorted({RISK_AREA_NEEDS[area] for area in enrolment.at_risk_domains if area in RISK_AREA_NEEDS})
        self.goals: list[Goal] = []
        # Goals are agreed once the relationship is built: not while the enrolment is still at that stage.
        if self.agreed_on <= as_of and enrolment.stage != Enrolment.Stage.RELATIONSHIP:
            for need in needs:
                goal, success, _ = _GOALS[need]
                self.goals.append(
                    Goal(plan=plan, domain=need, goal=goal, success=success, created_by_id=self.worker_id)
                )
        self.actions: list[PlanAction] = []
        self.reviews: list[PlanReview] = []
        self.ratings: list[dict[int, str]] = []
        self.achieved_on: dict[int, date] = {}
        self.next_review: date | None = None
        self.version_count = 0

    def add_actions(self) -> None:
        for goal in self.goals:
            for n, (text, owner) in enumerate(_GOALS[goal.domain][2]):
                due = self.agreed_on + timedelta(weeks=self.rng.randint(3, 10) + 6 * n)
                # Long past actions are nearly all done; recent ones are more often still open.
                done_chance = 0.95 if (self.as_of - due).days > 60 else 0.7
                done = due if due < self.as_of and self.rng.random() < done_chance else None
                self.actions.append(
                    PlanAction(
                        plan=self.plan,
                        goal=goal,
                        action=text,
                        owner=owner,
                        due_on=due,
                        done_on=done,
                        created_by_id=self.worker_id,
                    )
                )

    def add_reviews(self) -> None:
        """A review each term after the goals are agreed, with progress that mostly improves."""
        day = self.agreed_on + _REVIEW_EVERY
        while day <= self.as_of and self.goals:
            if self.as_of - day < _REVIEW_EVERY and self.rng.random() < 0.12:
                break  # this term's review has slipped: it shows as overdue

            stage = min(len(self.reviews), len(_RATINGS_OVER_TIME) - 1)
            ratings: dict[int, str] = {}
            for goal in self.goals:
                if goal.pk in self.achieved_on:
                    continue
                likely, hopeful, setback = _RATINGS_OVER_TIME[stage]
                roll = self.rng.random()
                ratings[goal.pk] = likely if roll < 0.6 else hopeful if roll < 0.9 else setback
                if ratings[goal.pk] == GoalProgress.Rating.ACHIEVED:
                    self.achieved_on[goal.pk] = day
                    goal.status = Goal.Status.ACHIEVED
                    for action in self.actions:  # an achieved goal's steps are done, or no longer needed
                        if action.goal is goal and action.done_on is None:
                            action.done_on = min(day, action.due_on or day)
            self.reviews.append(
                PlanReview(
                    plan=self.plan,
                    reviewed_on=day,
                    attendees="Child, parent, Link Worker" + (", class teacher" if self.rng.random() < 0.5 else ""),
                    summary=self.rng.choice(_REVIEW_SUMMARIES),
                    next_steps="Keep going with the actions below; check in weekly.",
                    plan_version=0,  # set in versions(), once the history is laid out
                    created_by_id=self.worker_id,
                )
            )
            self.ratings.append(ratings)
            day += _REVIEW_EVERY
        last = self.reviews[-1].reviewed_on if self.reviews else self.agreed_on
        self.next_review = last + _REVIEW_EVERY if self.goals else None

    def progress(self) -> list[GoalProgress]:
        return [
            GoalProgress(review=review, goal_id=goal_id, rating=rating, note="")
            for review, ratings in zip(self.reviews, self.ratings, strict=True)
            for goal_id, rating in ratings.items()
        ]

    def versions(self) -> list[PlanVersion]:
        """The plan's history: started, goals agreed (with the family's words), each action done, each review."""
        areas = ", ".join(DOMAIN_NAMES.get(area, area) for area in self.enrolment.at_risk_domains)
        changes: list[tuple[date, str]] = [(self.enrolment.start_date, f"Plan started from the areas at risk: {areas}")]
        if self.goals:
            changes.append(
                (self.agreed_on, f"Goals agreed with the family: {len(self.goals)} goals, {len(self.actions)} actions")
            )
            changes += [(action.done_on, f"Action done: {action.action}") for action in self.actions if action.done_on]
            changes += [(review.reviewed_on, f"Reviewed on {review.reviewed_on:%-d %B %Y}") for review in self.reviews]
        changes.sort(key=lambda change: change[0])
        found = []
        for number, (day, summary) in enumerate(changes, start=1):
            for review in self.reviews:
                if review.reviewed_on == day and summary.startswith("Reviewed"):
                    review.plan_version = number
            found.append(
                PlanVersion(
                    plan=self.plan,
                    number=number,
                    snapshot=self._snapshot(day, first=number == 1),
                    summary=summary[:300],
                    changed_by_id=self.worker_id,
                    changed_at=_on(day, 10 + number % 6),
                )
            )
        self.version_count = len(found)
        return found

    def _snapshot(self, day: date, *, first: bool) -> dict[str, Any]:
        """The plan as it stood on ``day``."""
        if first or day < self.agreed_on:
            return {"family_words": "", "next_review_on": None, "goals": []}
        upcoming = [review.reviewed_on for review in self.reviews if review.reviewed_on > day]
        next_review = upcoming[0] if upcoming else self.next_review
        return {
            "family_words": self.family_words,
            "next_review_on": next_review.isoformat() if next_review else None,
            "goals": [
                goal_data(
                    goal,
                    Goal.Status.ACHIEVED if self.achieved_on.get(goal.pk, date.max) <= day else Goal.Status.ACTIVE,
                    [
                        action_data(action, action.done_on if action.done_on and action.done_on <= day else None)
                        for action in self.actions
                        if action.goal is goal
                    ],
                )
                for goal in self.goals
            ],
        }


@dataclass(frozen=True)
class _Made:
    """A demo referral with the consent it relied on, who made it and when."""

    referral: Referral
    consent: Consent | None
    worker_id: int
    on: date


def _referrals(
    rng: random.Random,
    cases: list[_Case],
    services: dict[tuple[int, str], list[_Offer]],
    as_of: date,
) -> list[_Made]:
    """One to three referrals per child with agreed goals, to local services that meet a goal's need."""
    statuses = list(_STATUS_WEIGHTS)
    weights = list(_STATUS_WEIGHTS.values())
    found: list[_Made] = []
    for case in cases:
        child = case.enrolment.child
        goals = list(case.goals)
        case.rng.shuffle(goals)
        for goal in goals[: rng.randint(1, 3)]:
            made = case.agreed_on + timedelta(days=rng.randint(0, 30))
            age = child.age_on(made)
            offers = [o for o in services.get((child.area_id, goal.domain), []) if o.youngest <= age <= o.oldest]
            if not offers:
                continue
            partners = [offer for offer in offers if offer.partner_id is not None]
            offer = rng.choice(partners if partners and rng.random() < 0.7 else offers)
            service, partner_id = offer.service, offer.partner_id
            if made > as_of:
                continue
            days_open = (as_of - made).days
            status = rng.choices(statuses, weights)[0]
            # A referral made a week ago has not had time to finish; an old one has.
            if days_open < 14 and status in (Referral.Status.COMPLETED, Referral.Status.STARTED):
                status = Referral.Status.SENT
            if days_open > 240 and status in (Referral.Status.SENT, Referral.Status.DRAFT):
                status = Referral.Status.COMPLETED
            sent = made if status != Referral.Status.DRAFT else None
            answered = (
                min(as_of, made + timedelta(days=rng.randint(2, 10)))
                if status not in (Referral.Status.DRAFT, Referral.Status.SENT)
                else None
            )
            started = (
                min(as_of, answered + timedelta(days=rng.randint(3, 14)))
                if answered and status in (Referral.Status.STARTED, Referral.Status.COMPLETED)
                else None
            )
            ended = None
            if status == Referral.Status.COMPLETED and started is not None:
                ended = min(as_of, started + timedelta(weeks=rng.randint(8, 16)))
            elif status == Referral.Status.DECLINED:
                ended = answered
            elif status == Referral.Status.WITHDRAWN:
                ended = min(as_of, made + timedelta(days=rng.randint(5, 40)))
                answered = None
            reason = {
                Referral.Status.DECLINED: rng.choice(_DECLINED),
                Referral.Status.WITHDRAWN: rng.choice(_WITHDRAWN),
                Referral.Status.COMPLETED: "Finished the programme of sessions.",
            }.get(status, "")
            consent = (
                Consent(
                    child=child,
                    purpose=Consent.Purpose.REFERRAL,
                    given_by=Consent.GivenBy.PARENT,
                    given_by_name=f"{child.surname} family",
                    service_id=service.id,
                    scope="Name, age, school, family contact details and the goal the referral is for.",
                    obtained=Consent.Obtained.IN_PERSON,
                    given_on=made,
                    created_by_id=case.worker_id,
                )
                if sent
                else None
            )
            found.append(
                _Made(
                    Referral(
                        enrolment=case.enrolment,
                        service=service,
                        partner_organisation_id=partner_id,
                        goal=goal,
                        status=status,
                        reason=_REFERRAL_MESSAGES[goal.domain],
                        shared=list(Referral.Shared.values),
                        sent_on=sent,
                        answered_on=answered,
                        started_on=started,
                        ended_on=ended,
                        status_reason=reason,
                        created_by_id=case.worker_id,
                    ),
                    consent,
                    case.worker_id,
                    made,
                )
            )
    return found


def _events(made: _Made, answerer_id: int) -> list[ReferralEvent]:
    """The status history that brought the referral to where it stands."""
    referral, worker_id = made.referral, made.worker_id
    programme = referral.enrolment.programme_organisation_id
    service_org = referral.partner_organisation_id or programme
    answer_by = answerer_id if referral.partner_organisation_id else worker_id
    steps: list[tuple[str, date | None, int, int, str]] = [
        (Referral.Status.DRAFT, made.on, worker_id, programme, ""),
        (Referral.Status.SENT, referral.sent_on, worker_id, programme, ""),
    ]
    if referral.status in (Referral.Status.ACCEPTED, Referral.Status.STARTED, Referral.Status.COMPLETED):
        steps.append((Referral.Status.ACCEPTED, referral.answered_on, answer_by, service_org, ""))
    if referral.status == Referral.Status.DECLINED:
        steps.append((Referral.Status.DECLINED, referral.answered_on, answer_by, service_org, referral.status_reason))
    if referral.started_on:
        steps.append((Referral.Status.STARTED, referral.started_on, answer_by, service_org, ""))
    if referral.status == Referral.Status.COMPLETED:
        steps.append((Referral.Status.COMPLETED, referral.ended_on, answer_by, service_org, referral.status_reason))
    if referral.status == Referral.Status.WITHDRAWN:
        steps.append((Referral.Status.WITHDRAWN, referral.ended_on, worker_id, programme, referral.status_reason))
    if referral.status == Referral.Status.DRAFT:
        steps = steps[:1]
    return [
        ReferralEvent(
            referral=referral,
            status=status,
            on=on or made.on,
            at=_on(on or made.on, 9 + n),
            by_id=by,
            by_organisation_id=organisation,
            note=note,
        )
        for n, (status, on, by, organisation, note) in enumerate(steps)
    ]


def _sessions(rng: random.Random, referral: Referral, answerer_id: int, as_of: date) -> list[PartnerSession]:
    """Weekly sessions from the start until the referral ended (or today), most of them attended."""
    if referral.started_on is None:
        return []
    last = referral.ended_on or as_of
    day = referral.started_on
    found = []
    Attendance = PartnerSession.Attendance
    while day <= last:
        roll = rng.random()
        attendance = (
            Attendance.ATTENDED
            if roll < 0.8 or day == referral.started_on
            else Attendance.DID_NOT_ATTEND
            if roll < 0.9
            else Attendance.CANCELLED_FAMILY
            if roll < 0.95
            else Attendance.CANCELLED_PROVIDER
        )
        found.append(
            PartnerSession(
                referral=referral,
                happened_on=day,
                attendance=attendance,
                minutes=45 if attendance == Attendance.ATTENDED else None,
                note=rng.choice(_SESSION_NOTES) if attendance == Attendance.ATTENDED else "",
                created_by_id=answerer_id,
            )
        )
        day += timedelta(days=7)
    return found
