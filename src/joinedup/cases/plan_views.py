"""The personalised support plan pages: the plan, its goals and actions, reviews, history and the family's copy.

Every page starts from ``access_child`` (the gate, and the audit event). Everyone who may see the
child may read the plan; changing it is for those who work the case (``CASE_WORKERS``), and every
change goes through ``cases.plans`` with the plan version the person saw, so a change made from
an out-of-date page is refused and shown, never silently written over someone else's.
A closed enrolment's plan is a record: shown, never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from joinedup.accounts.models import Membership
from joinedup.cases.access import CASE_WORKERS, access_child
from joinedup.cases.models import (
    CaseSettings,
    Child,
    Enrolment,
    Goal,
    GoalProgress,
    Plan,
    PlanAction,
    PlanVersion,
)
from joinedup.cases.plan_forms import (
    ActionChangeForm,
    ActionForm,
    FamilyWordsForm,
    GoalChangeForm,
    GoalForm,
    PlanVersionForm,
    ReviewForm,
)
from joinedup.cases.plans import (
    PlanChanged,
    Progress,
    action_add,
    action_update,
    family_words_set,
    goal_add,
    goal_update,
    plan_review,
    plan_start,
)
from joinedup.cases.selectors import at_risk_needs, latest_version, plan_goals
from joinedup.core.access import actor_of, roles_required
from joinedup.core.domains import FAMILY_LABELS, NeedDomain

CLOSED_MESSAGE = "This child's enrolment is closed, so the plan is a record and cannot change."

GROUP_HEADINGS = {
    Goal.Status.ACTIVE: "Goals being worked on",
    Goal.Status.ACHIEVED: "Goals achieved",
    Goal.Status.STOPPED: "No longer goals",
}

# Who does an action, in the words on the family's copy of the plan.
FAMILY_OWNERS = {
    PlanAction.Owner.LINK_WORKER: "Link Worker",
    PlanAction.Owner.DELIVERY_PARTNER: "Support service",
    PlanAction.Owner.SCHOOL: "School",
    PlanAction.Owner.FAMILY: "Family",
    PlanAction.Owner.EXTERNAL_SERVICE: "Another service",
    PlanAction.Owner.OTHER_PROFESSIONAL: "Another professional",
}


@dataclass
class PlanPage:
    """What every plan page starts from: the child, the enrolment shown, and its plan if there is one."""

    child: Child
    enrolment: Enrolment
    plan: Plan | None

    @property
    def read_only(self) -> bool:
        return self.enrolment.stage == Enrolment.Stage.CLOSED

    def context(self, actor: Membership, **more: Any) -> dict[str, Any]:
        return {
            "child": self.child,
            "enrolment": self.enrolment,
            "plan": self.plan,
            "can_change": not self.read_only and actor.role in CASE_WORKERS and self.plan is not None,
            # Review notes are case notes: for those who work the case.
            "reads_notes": actor.role in CASE_WORKERS,
            "today": date.today(),
            **more,
        }


def plan_page(actor: Membership, pk: int, *, start: bool = False) -> PlanPage:
    """The child (through the gate) and the plan of their open enrolment, or of the latest closed one.

    ``start``: someone who works the case opening the plan of an open enrolment that has none
    (enrolments made before plans existed) starts it; no one else writes anything by looking.
    """
    child = access_child(actor, pk)
    enrolments = list(child.enrolments.select_related("plan").order_by("-start_date", "-pk"))
    if not enrolments:
        raise Http404(f"{child.display_name} is not on the programme, so has no plan.")
    open_ones = [enrolment for enrolment in enrolments if enrolment.stage != Enrolment.Stage.CLOSED]
    enrolment = (open_ones or enrolments)[0]
    try:
        plan: Plan | None = enrolment.plan
    except Plan.DoesNotExist:
        plan = None
    if plan is None and start and enrolment.stage != Enrolment.Stage.CLOSED and actor.role in CASE_WORKERS:
        plan = plan_start(actor=actor, enrolment=enrolment)
    if plan is not None:
        plan.enrolment = enrolment
    return PlanPage(child, enrolment, plan)


def goal_in(plan: Plan, goal_pk: int) -> Goal:
    goal = plan.goals.filter(pk=goal_pk).first()
    if goal is None:
        raise Http404("No such goal in this plan.")
    return goal


def changes_the_plan(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page that changes the plan: for those who work the case, given the actor, the plan page and its plan.

    The child comes through the gate (audited); a plan that cannot change sends the person back to it.
    """

    @roles_required(*CASE_WORKERS)
    @wraps(view)
    def wrapper(request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        actor = actor_of(request)
        page = plan_page(actor, pk, start=True)
        if page.read_only or page.plan is None:
            messages.info(request, CLOSED_MESSAGE)
            return redirect("cases:plan", pk=page.child.pk)
        return view(request, actor, page, page.plan, **kwargs)

    return wrapper


def plan_saved(form: PlanVersionForm, plan: Plan, save: Callable[[], object]) -> bool:
    """Call the service; on refusal show why on the form and say so."""
    try:
        save()
    except PlanChanged as changed:
        form.conflict(changed.message, Plan.objects.values_list("version", flat=True).get(pk=plan.pk))
        return False
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


def to_plan(child: Child, anchor: str = "") -> HttpResponse:
    return redirect(reverse("cases:plan", args=[child.pk]) + (f"#{anchor}" if anchor else ""))


# Pages.


def plan_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan: the family's words, goals and their actions, areas at risk with no goal yet, and its version."""
    actor = actor_of(request)
    page = plan_page(actor, pk, start=True)
    goals: list[Goal] = []
    latest = None
    groups: list[tuple[str, list[Goal]]] = []
    if page.plan is not None:
        goals = plan_goals(page.plan)
        latest = latest_version(page.plan)
        groups = [
            (heading, [goal for goal in goals if goal.status == status])
            for status, heading in GROUP_HEADINGS.items()
            if any(goal.status == status for goal in goals)
        ]
    needs, other_areas = at_risk_needs(page.enrolment.at_risk_domains)
    with_goal = {goal.domain for goal in goals}
    return render(
        request,
        "cases/plan.html",
        page.context(
            actor,
            groups=groups,
            latest=latest,
            needs_without_goal=[need for need in needs if need not in with_goal],
            other_areas=other_areas,
            review_overdue=bool(page.plan and page.plan.next_review_on and page.plan.next_review_on < date.today()),
        ),
    )


@changes_the_plan
def goal_new(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan) -> HttpResponse:
    domain = request.GET.get("domain", "")
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        initial={"version": plan.version, "domain": domain if domain in NeedDomain.values else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        made: list[Goal] = []
        if plan_saved(
            form,
            plan,
            lambda: made.append(
                goal_add(
                    actor=actor,
                    plan=plan,
                    seen_version=data["version"],
                    domain=data["domain"],
                    goal=data["goal"],
                    success=data["success"],
                )
            ),
        ):
            messages.success(request, f"Added the goal: {made[0].goal}")
            return to_plan(page.child, f"goal-{made[0].pk}")
    return render(request, "cases/plan_goal_form.html", page.context(actor, form=form, goal=None))


@changes_the_plan
def goal_edit(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan, goal_pk: int) -> HttpResponse:
    goal = goal_in(plan, goal_pk)
    form = GoalChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"version": plan.version, "goal": goal.goal, "success": goal.success, "status": goal.status},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if plan_saved(
            form,
            plan,
            lambda: goal_update(
                actor=actor,
                goal=goal,
                seen_version=data["version"],
                text=data["goal"],
                success=data["success"],
                status=data["status"],
            ),
        ):
            messages.success(request, f"Saved the goal: {goal.goal}")
            return to_plan(page.child, f"goal-{goal.pk}")
        goal.refresh_from_db()
    return render(request, "cases/plan_goal_form.html", page.context(actor, form=form, goal=goal))


@changes_the_plan
def action_new(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan, goal_pk: int) -> HttpResponse:
    goal = goal_in(plan, goal_pk)
    form = ActionForm(request.POST if request.method == "POST" else None, initial={"version": plan.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if plan_saved(
            form,
            plan,
            lambda: action_add(
                actor=actor,
                goal=goal,
                seen_version=data["version"],
                action=data["action"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
            ),
        ):
            messages.success(request, f"Added the action: {data['action'].strip()}")
            return to_plan(page.child, f"goal-{goal.pk}")
    return render(request, "cases/plan_action_form.html", page.context(actor, form=form, goal=goal, action=None))


@changes_the_plan
def action_edit(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan, action_pk: int) -> HttpResponse:
    """Change an action, or mark it done (the date it was done is today unless changed)."""
    action = plan.actions.select_related("goal").filter(pk=action_pk).first()
    if action is None:
        raise Http404("No such action in this plan.")
    form = ActionChangeForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": plan.version,
            "action": action.action,
            "owner": action.owner,
            "owner_name": action.owner_name,
            "due_on": action.due_on,
            "done": action.done_on is not None or request.GET.get("done") == "1",
            "done_on": action.done_on or date.today(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        was_done = action.done_on is not None
        if plan_saved(
            form,
            plan,
            lambda: action_update(
                actor=actor,
                action=action,
                seen_version=data["version"],
                text=data["action"],
                owner=data["owner"],
                owner_name=data["owner_name"],
                due_on=data["due_on"],
                done_on=data["done_on"],
            ),
        ):
            done_now = action.done_on is not None and not was_done
            messages.success(request, f"{'Marked as done' if done_now else 'Saved the action'}: {action.action}")
            return to_plan(page.child, f"goal-{action.goal_id}")
        action.refresh_from_db()
    return render(
        request, "cases/plan_action_form.html", page.context(actor, form=form, goal=action.goal, action=action)
    )


@changes_the_plan
def family_words_edit(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan) -> HttpResponse:
    form = FamilyWordsForm(
        request.POST if request.method == "POST" else None,
        initial={"version": plan.version, "words": plan.family_words},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if plan_saved(
            form,
            plan,
            lambda: family_words_set(actor=actor, plan=plan, seen_version=data["version"], words=data["words"]),
        ):
            messages.success(request, "Saved the family's words.")
            return to_plan(page.child, "family-words")
        plan.refresh_from_db(fields=["version", "family_words"])
    return render(request, "cases/plan_words.html", page.context(actor, form=form))


@changes_the_plan
def review_new(request: HttpRequest, actor: Membership, page: PlanPage, plan: Plan) -> HttpResponse:
    """Review the plan with the child and family: progress on each goal being worked on, and what happens next."""
    goals = list(plan.goals.filter(status=Goal.Status.ACTIVE).order_by("pk"))
    today = date.today()
    cadence = CaseSettings.for_area(page.child.area_id).review_every_weeks
    form = ReviewForm(
        request.POST if request.method == "POST" else None,
        goals=goals,
        initial={"version": plan.version, "reviewed_on": today, "next_review_on": today + timedelta(weeks=cadence)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        progress = {pk: Progress(rating=rating, note=note) for pk, (rating, note) in form.progress().items()}
        if plan_saved(
            form,
            plan,
            lambda: plan_review(
                actor=actor,
                plan=plan,
                seen_version=data["version"],
                reviewed_on=data["reviewed_on"],
                attendees=data["attendees"],
                summary=data["summary"],
                next_steps=data["next_steps"],
                next_review_on=data["next_review_on"],
                progress=progress,
            ),
        ):
            achieved = sum(1 for item in progress.values() if item.rating == GoalProgress.Rating.ACHIEVED)
            note = f" {achieved} goal{'s' if achieved != 1 else ''} marked achieved." if achieved else ""
            messages.success(request, f"Recorded the review.{note}")
            return to_plan(page.child)
    return render(request, "cases/plan_review.html", page.context(actor, form=form, cadence=cadence))


def history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every version of the plan, newest first, and every review with its progress on each goal."""
    actor = actor_of(request)
    page = plan_page(actor, pk)
    versions: list[PlanVersion] = []
    reviews: list[Any] = []
    if page.plan is not None:
        versions = list(page.plan.versions.select_related("changed_by").defer("snapshot"))
        progress = GoalProgress.objects.select_related("goal").order_by("goal_id")
        reviews = list(
            page.plan.reviews.select_related("created_by").prefetch_related(Prefetch("progress", queryset=progress))
        )
    return render(request, "cases/plan_history.html", page.context(actor, versions=versions, reviews=reviews))


def version_view(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """The plan as it stood at one version, from the copy kept then."""
    actor = actor_of(request)
    page = plan_page(actor, pk)
    if page.plan is None:
        raise Http404("This child has no plan yet.")
    version = page.plan.versions.select_related("changed_by").filter(number=number).first()
    if version is None:
        raise Http404(f"The plan has no version {number}.")
    return render(
        request,
        "cases/plan_version.html",
        page.context(actor, version=version, snapshot=snapshot_for_display(version.snapshot)),
    )


def snapshot_for_display(snapshot: dict[str, Any]) -> dict[str, Any]:
    """A kept version with its values named as on the plan page (dates as dates, choices by label)."""

    def label(choices: Any, value: str) -> str:
        return str(choices(value).label) if value in choices.values else value

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return {
        "family_words": snapshot.get("family_words", ""),
        "next_review_on": day(snapshot.get("next_review_on")),
        "goals": [
            {
                "goal": goal["goal"],
                "success": goal["success"],
                "domain": label(NeedDomain, goal["domain"]),
                "status": label(Goal.Status, goal["status"]),
                "actions": [
                    {
                        "action": action["action"],
                        "owner": label(PlanAction.Owner, action["owner"]),
                        "owner_name": action.get("owner_name", ""),
                        "due_on": day(action.get("due_on")),
                        "done_on": day(action.get("done_on")),
                    }
                    for action in goal.get("actions", [])
                ],
            }
            for goal in snapshot.get("goals", [])
        ],
    }


def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The family's copy of the plan, on one page: their words first, in plain language, nothing internal."""
    actor = actor_of(request)
    page = plan_page(actor, pk)
    if page.plan is None:
        raise Http404("This child has no plan yet.")
    goals = plan_goals(page.plan)
    for goal in goals:
        goal.family_area = FAMILY_LABELS.get(goal.domain, "")  # type: ignore[attr-defined]
        for action in goal.actions.all():
            owner = FAMILY_OWNERS.get(PlanAction.Owner(action.owner), "")
            name = action.owner_name
            if not name and action.owner == PlanAction.Owner.LINK_WORKER and page.child.link_worker:
                name = page.child.link_worker.full_name
            action.who = f"{name} ({owner})" if name else owner  # type: ignore[attr-defined]
    return render(
        request,
        "cases/plan_print.html",
        page.context(
            actor,
            working_on=[goal for goal in goals if goal.status == Goal.Status.ACTIVE],
            achieved=[goal for goal in goals if goal.status == Goal.Status.ACHIEVED],
        ),
    )
