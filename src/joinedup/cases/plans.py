"""Writes for the personalised support plan: goals, actions, the family's words and reviews.

Every change goes through ``plan_change``: it refuses a change made from an out-of-date page
(optimistic locking: ``PlanChanged`` says who changed the plan since, and what), keeps the
whole plan as a new ``PlanVersion``, and writes the audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from joinedup.accounts.models import Membership
from joinedup.audit.models import AuditAction
from joinedup.audit.services import audit_record
from joinedup.cases.models import Enrolment, Goal, GoalProgress, Plan, PlanAction, PlanReview, PlanVersion
from joinedup.core.domains import NeedDomain
from joinedup.rules.scoring import DOMAIN_NAMES


class PlanChanged(Exception):
    """The plan changed after the person opened it; their change was not saved."""

    def __init__(self, latest: PlanVersion | None, user_id: int | None = None) -> None:
        if latest is None:
            message = "Someone else changed this plan while you were editing it."
        else:
            when = timezone.localtime(latest.changed_at)
            who = (
                "You changed this plan in another tab or window"
                if latest.changed_by_id == user_id
                else f"{latest.changed_by.full_name} changed this plan"
            )
            message = (
                f"{who} at {when:%H:%M on %-d %B} while you were editing it ({latest.summary}). "
                "Your change was not saved: check the plan as it is now, then make your change again."
            )
        super().__init__(message)
        self.message = message


def plan_start(*, actor: Membership, enrolment: Enrolment) -> Plan:
    """The enrolment's plan, started (empty, at version 1) if it has none yet."""
    existing = Plan.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        plan = Plan.objects.create(enrolment=enrolment, created_by=actor.user)
        domains = ", ".join(DOMAIN_NAMES.get(domain, domain) for domain in enrolment.at_risk_domains)
        summary = f"Plan started from the areas at risk: {domains}" if domains else "Plan started"
        PlanVersion.objects.create(
            plan=plan, number=1, snapshot=plan_snapshot(plan), summary=summary[:300], changed_by=actor.user
        )
    return plan


def plan_change(
    *, actor: Membership, plan: Plan, seen_version: int, summary: str, change: Callable[[Plan], Any]
) -> Plan:
    """Apply ``change`` to the plan if it is still at ``seen_version``; keep the new version whole.

    Raises ``PlanChanged`` (nothing written) if anyone changed the plan since, and lets a
    ``ValidationError`` from ``change`` through (nothing written either).
    """
    if plan.enrolment.stage == Enrolment.Stage.CLOSED:
        raise ValidationError("This child's enrolment is closed, so the plan is a record and cannot change.")
    with transaction.atomic():
        moved = Plan.objects.filter(pk=plan.pk, version=seen_version).update(
            version=F("version") + 1, modified_by=actor.user, modified_at=timezone.now()
        )
        if not moved:
            latest = plan.versions.select_related("changed_by").first()
            raise PlanChanged(latest, actor.user_id)
        plan.refresh_from_db(fields=["version", "modified_at", "modified_by", "family_words", "next_review_on"])
        change(plan)
        PlanVersion.objects.create(
            plan=plan, number=plan.version, snapshot=plan_snapshot(plan), summary=summary[:300], changed_by=actor.user
        )
        audit_record(
            action=AuditAction.CHANGE,
            actor=actor,
            record_type="plan",
            record_id=plan.pk,
            child_id=plan.enrolment.child_id,
            detail={"version": plan.version, "summary": summary[:300]},
        )
    return plan


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan as plain data: what a version keeps."""
    actions: dict[int, list[dict[str, Any]]] = {}
    for action in plan.actions.order_by("due_on", "pk"):
        actions.setdefault(action.goal_id, []).append(action_data(action, action.done_on))
    return {
        "family_words": plan.family_words,
        "next_review_on": plan.next_review_on.isoformat() if plan.next_review_on else None,
        "goals": [goal_data(goal, goal.status, actions.get(goal.pk, [])) for goal in plan.goals.order_by("pk")],
    }


def goal_data(goal: Goal, status: str, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """A goal as a plan version keeps it, with ``status`` as it stood then."""
    return {
        "id": goal.pk,
        "domain": goal.domain,
        "goal": goal.goal,
        "success": goal.success,
        "status": status,
        "actions": actions,
    }


def action_data(action: PlanAction, done_on: date | None) -> dict[str, Any]:
    """An action as a plan version keeps it, done on ``done_on`` as it stood then."""
    return {
        "id": action.pk,
        "action": action.action,
        "owner": action.owner,
        "owner_name": action.owner_name,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "done_on": done_on.isoformat() if done_on else None,
    }


GOAL_MESSAGES = {
    "domain": "Choose the area of the child's life this goal is about.",
    "goal": "Say what the child and family want to change.",
    "success": "Say what success looks like.",
    "status": "Choose where this goal stands.",
}
ACTION_MESSAGES = {
    "action": "Say what will be done.",
    "owner": "Choose who will do it.",
}
# What a change to a goal touched, in the words of the plan's history.
GOAL_PARTS = {"goal": "reworded", "success": "what success looks like changed", "status": "status changed"}


def _checked(
    plan: Plan,
    *,
    texts: dict[str, str],
    choices: dict[str, tuple[str, list[str]]],
    messages: dict[str, str],
    due_on: date | None = None,
    done_on: date | None = None,
) -> dict[str, str]:
    """Every problem with a goal's or an action's answers at once (``ValidationError``), or the texts, stripped.

    ``texts`` must not be blank; each of ``choices`` is (the answer, the values allowed).
    """
    errors = {field: messages[field] for field, value in texts.items() if not value.strip()}
    errors |= {field: messages[field] for field, (value, allowed) in choices.items() if value not in allowed}
    if due_on is not None and due_on < plan.enrolment.start_date:
        errors["due_on"] = "The due date is before the child's enrolment started."
    if done_on is not None and done_on > date.today():
        errors["done_on"] = "The date it was done cannot be in the future."
    if errors:
        raise ValidationError(errors)
    return {field: value.strip() for field, value in texts.items()}


def goal_add(*, actor: Membership, plan: Plan, seen_version: int, domain: str, goal: str, success: str) -> Goal:
    texts = _checked(
        plan,
        texts={"goal": goal, "success": success},
        choices={"domain": (domain, NeedDomain.values)},
        messages=GOAL_MESSAGES,
    )
    goal, success = texts["goal"], texts["success"]
    made: list[Goal] = []

    def change(plan: Plan) -> None:
        made.append(Goal.objects.create(plan=plan, domain=domain, goal=goal, success=success, created_by=actor.user))

    plan_change(actor=actor, plan=plan, seen_version=seen_version, summary=f"Goal added: {goal}", change=change)
    return made[0]


def goal_update(*, actor: Membership, goal: Goal, seen_version: int, text: str, success: str, status: str) -> Goal:
    texts = _checked(
        goal.plan,
        texts={"goal": text, "success": success},
        choices={"status": (status, Goal.Status.values)},
        messages=GOAL_MESSAGES,
    )
    text, success = texts["goal"], texts["success"]
    changed = [
        GOAL_PARTS[part]
        for part, before, after in (
            ("goal", goal.goal, text),
            ("success", goal.success, success),
            ("status", goal.status, status),
        )
        if before != after
    ]
    if not changed:
        raise ValidationError("Nothing was changed.")
    reopened = goal.status != Goal.Status.ACTIVE and status == Goal.Status.ACTIVE

    def change(plan: Plan) -> None:
        goal.goal, goal.success, goal.status, goal.modified_by = text, success, status, actor.user
        goal.save()

    summary = f"Goal {' and '.join(changed)}: {text}"
    if status != Goal.Status.ACTIVE and GOAL_PARTS["status"] in changed:
        summary = f"Goal marked {Goal.Status(status).label.lower()}: {text}"
    elif reopened:
        summary = f"Goal being worked on again: {text}"
    plan_change(actor=actor, plan=goal.plan, seen_version=seen_version, summary=summary, change=change)
    return goal


def action_add(
    *,
    actor: Membership,
    goal: Goal,
    seen_version: int,
    action: str,
    owner: str,
    owner_name: str = "",
    due_on: date | None = None,
) -> PlanAction:
    action = _checked(
        goal.plan,
        texts={"action": action},
        choices={"owner": (owner, PlanAction.Owner.values)},
        messages=ACTION_MESSAGES,
        due_on=due_on,
    )["action"]
    made: list[PlanAction] = []

    def change(plan: Plan) -> None:
        made.append(
            PlanAction.objects.create(
                plan=plan,
                goal=goal,
                action=action,
                owner=owner,
                owner_name=owner_name.strip(),
                due_on=due_on,
                created_by=actor.user,
            )
        )

    plan_change(
        actor=actor, plan=goal.plan, seen_version=seen_version, summary=f"Action added: {action}", change=change
    )
    return made[0]


def action_update(
    *,
    actor: Membership,
    action: PlanAction,
    seen_version: int,
    text: str,
    owner: str,
    owner_name: str,
    due_on: date | None,
    done_on: date | None,
) -> PlanAction:
    text = _checked(
        action.plan,
        texts={"action": text},
        choices={"owner": (owner, PlanAction.Owner.values)},
        messages=ACTION_MESSAGES,
        due_on=due_on,
        done_on=done_on,
    )["action"]
    before = (action.action, action.owner, action.owner_name, action.due_on, action.done_on)
    if before == (text, owner, owner_name.strip(), due_on, done_on):
        raise ValidationError("Nothing was changed.")
    summary = f"Action done: {text}" if done_on and not action.done_on else f"Action changed: {text}"

    def change(plan: Plan) -> None:
        action.action, action.owner, action.owner_name = text, owner, owner_name.strip()
        action.due_on, action.done_on, action.modified_by = due_on, done_on, actor.user
        action.save()

    plan_change(actor=actor, plan=action.plan, seen_version=seen_version, summary=summary, change=change)
    return action


def family_words_set(*, actor: Membership, plan: Plan, seen_version: int, words: str) -> Plan:
    """What matters to the child and family, in their own words."""
    words = words.strip()
    if words == plan.family_words:
        raise ValidationError("Nothing was changed.")

    def change(plan: Plan) -> None:
        plan.family_words = words
        plan.save(update_fields=["family_words"])

    return plan_change(
        actor=actor, plan=plan, seen_version=seen_version, summary="The family's words changed", change=change
    )


@dataclass(frozen=True)
class Progress:
    rating: str
    note: str = ""


def plan_review(
    *,
    actor: Membership,
    plan: Plan,
    seen_version: int,
    reviewed_on: date,
    attendees: str,
    summary: str,
    next_steps: str,
    next_review_on: date | None,
    progress: Mapping[int, Progress],
) -> PlanReview:
    """Record a review: progress on every goal being worked on, what happens next, and when to review again.

    A goal rated "achieved" is marked achieved.
    """
    errors: dict[str, str] = {}
    if reviewed_on > date.today():
        errors["reviewed_on"] = "The date of the review cannot be in the future."
    elif reviewed_on < plan.enrolment.start_date:
        errors["reviewed_on"] = "The review is dated before the child's enrolment started."
    if next_review_on is not None and next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must come after this one."
    if not summary.strip():
        errors["summary"] = "Say how things are going."
    active = {goal.pk: goal for goal in plan.goals.filter(status=Goal.Status.ACTIVE)}
    missing = [goal.goal for pk, goal in active.items() if pk not in progress]
    if missing:
        errors["progress"] = "Say how each goal is going: " + "; ".join(missing) + "."
    unknown = [pk for pk in progress if pk not in active]
    if unknown:
        errors["progress"] = "Progress was given for a goal that is not being worked on in this plan."
    bad = [item.rating for item in progress.values() if item.rating not in GoalProgress.Rating.values]
    if bad:
        errors["progress"] = "Choose how each goal is going from the list."
    if errors:
        raise ValidationError(errors)
    made: list[PlanReview] = []

    def change(plan: Plan) -> None:
        review = PlanReview.objects.create(
            plan=plan,
            reviewed_on=reviewed_on,
            attendees=attendees.strip(),
            summary=summary.strip(),
            next_steps=next_steps.strip(),
            plan_version=plan.version,
            created_by=actor.user,
        )
        GoalProgress.objects.bulk_create(
            GoalProgress(review=review, goal_id=pk, rating=item.rating, note=item.note.strip())
            for pk, item in progress.items()
        )
        achieved = [pk for pk, item in progress.items() if item.rating == GoalProgress.Rating.ACHIEVED]
        Goal.objects.filter(pk__in=achieved).update(status=Goal.Status.ACHIEVED, modified_by=actor.user)
        plan.next_review_on = next_review_on
        plan.save(update_fields=["next_review_on"])
        made.append(review)

    plan_change(
        actor=actor,
        plan=plan,
        seen_version=seen_version,
        summary=f"Reviewed on {reviewed_on:%-d %B %Y}",
        change=change,
    )
    return made[0]
