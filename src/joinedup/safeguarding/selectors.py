"""Reads for safeguarding, already scoped to the team: what is open and what is overdue, a child's concerns, and
the monthly report with small numbers suppressed."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Membership
from joinedup.cases.models import Child
from joinedup.rules.reports import HIDDEN, SUPPRESSED, hide_small, total_safe
from joinedup.safeguarding.access import MANAGERS, concerns_visible_to
from joinedup.safeguarding.models import (
    ESCALATING_ACTIONS,
    AreaSafeguarding,
    Category,
    Concern,
    Decision,
    Escalation,
    FrontDoor,
    Stage,
    stage_of,
)
from joinedup.safeguarding.timeliness import (
    OVERDUE_LABELS,
    Limits,
    Overdue,
    Step,
    Summary,
    chase_from,
    concern_overdue,
    decision_due,
    referral_overdue,
    summarise,
)

NOT_ESCALATED = [action for action in Decision.Action.values if action not in ESCALATING_ACTIONS]


@dataclass(frozen=True)
class Item:
    """An open concern: where it stands, what is due next and by when, and whether that is overdue."""

    concern: Concern
    stage: str
    due: str
    overdue: Overdue | None
    overdue_key: str = ""
    due_by: datetime | None = None

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def overdue_label(self) -> str:
        return OVERDUE_LABELS[self.overdue] if self.overdue else ""

    @property
    def next_step(self) -> str:
        return {
            Stage.AWAITING_DECISION: "Record the decision.",
            Stage.TO_ESCALATE: "Send the referral.",
            Stage.AWAITING_ACKNOWLEDGEMENT: "Chase the front door, or record the acknowledgement.",
            Stage.AWAITING_OUTCOME: "Record the outcome when it comes.",
        }.get(Stage(self.stage), "")


def _at(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local:%-d %B %Y}"


def item_of(concern: Concern, limits: Limits, now: datetime) -> Item:
    """Where ``concern`` stands at ``now`` (its decision and escalations with their chases prefetched)."""
    stage = stage_of(concern)
    decision: Decision | None = getattr(concern, "decision", None)
    if stage == Stage.AWAITING_DECISION:
        due_at = decision_due(limits, concern.created_at, immediate=concern.immediate_risk)
        overdue = concern_overdue(
            limits,
            now,
            raised_at=concern.created_at,
            decided_at=None,
            to_refer=False,
            referred=False,
            immediate=concern.immediate_risk,
        )
        return Item(concern, stage, f"Decision due by {_at(due_at)}", overdue, due_by=due_at)
    if stage == Stage.TO_ESCALATE and decision is not None:
        due_at = decision.decided_at + timedelta(hours=limits.escalate_hours)
        overdue = concern_overdue(
            limits, now, raised_at=concern.created_at, decided_at=decision.decided_at, to_refer=True, referred=False
        )
        return Item(concern, stage, f"Referral due by {_at(due_at)}", overdue, due_by=due_at)
    today = timezone.localdate(now)
    for escalation in concern.escalations.all():
        if escalation.outcome:
            continue
        chased = [chase.chased_on for chase in escalation.chases.all()]
        overdue = referral_overdue(
            limits,
            today,
            sent_on=escalation.sent_on,
            acknowledged_on=escalation.acknowledged_on,
            chased=chased,
            outcome_on=None,
        )
        if escalation.acknowledged_on is None:
            due_on = chase_from(limits, escalation.sent_on, chased)
            due = f"Acknowledgement expected by {due_on:%-d %B %Y}"
        else:
            due_on = escalation.sent_on + timedelta(days=limits.outcome_days)
            due = f"Outcome expected by {due_on:%-d %B %Y}"
        key = (
            f"{escalation.pk}:{max([escalation.sent_on, *chased])}" if overdue == Overdue.CHASE else str(escalation.pk)
        )
        # Expected by a day: after anything due at a time that day.
        due_by = timezone.make_aware(datetime.combine(due_on, time.max))
        return Item(concern, escalation.stage, due, overdue, key, due_by)
    return Item(concern, stage, "", None)


def _with_steps(concerns: QuerySet[Concern]) -> QuerySet[Concern]:
    return concerns.select_related(
        "decision", "child", "context", "raised_by__user", "decision__decided_by"
    ).prefetch_related("escalations__chases", "escalations__front_door")


def _closed() -> Q:
    """Concerns decided without a referral, or with every referral's outcome in."""
    referrals = Escalation.objects.filter(concern=OuterRef("pk"))
    return Q(decision__action__in=NOT_ESCALATED) | (Q(Exists(referrals)) & ~Q(Exists(referrals.filter(outcome=""))))


def open_items(area_id: int, organisation_id: int, now: datetime | None = None) -> list[Item]:
    """The team's open concerns, overdue first, then oldest first."""
    now = now or timezone.now()
    limits = AreaSafeguarding.for_area(area_id).limits
    concerns = _with_steps(Concern.objects.filter(area_id=area_id, organisation_id=organisation_id).exclude(_closed()))
    items = [item_of(concern, limits, now) for concern in concerns.order_by("created_at", "pk")]
    return sorted(items, key=_urgency)


def _urgency(item: Item) -> tuple[bool, bool, datetime]:
    """Overdue first, then immediate risk, then what is due soonest."""
    due_by = item.due_by or datetime.max.replace(tzinfo=UTC)
    return (item.overdue is None, not item.concern.immediate_risk, due_by)


def my_items(actor: Membership, now: datetime | None = None) -> list[Item]:
    """What the actor may see that is open: the team's, for a manager; the concerns they raised, otherwise."""
    now = now or timezone.now()
    if actor.role in MANAGERS:
        return open_items(actor.area_id, actor.organisation_id, now)
    limits = AreaSafeguarding.for_area(actor.area_id).limits
    concerns = _with_steps(concerns_visible_to(actor).exclude(_closed())).order_by("created_at", "pk")
    return [item_of(concern, limits, now) for concern in concerns]


def recent_closed(actor: Membership, limit: int = 20) -> list[Concern]:
    """The latest closed concerns the actor may see, newest first."""
    return list(_with_steps(concerns_visible_to(actor).filter(_closed())).order_by("-created_at", "-pk")[:limit])


def concerns_of_child(actor: Membership, child: Child) -> list[Item]:
    """The concerns about this child the actor may see, newest first: about the child, and (for managers) about a
    context the child is linked to."""
    about = Q(child=child)
    if actor.role in MANAGERS:
        about |= Q(context__children=child)
    limits = AreaSafeguarding.for_area(child.area_id).limits
    now = timezone.now()
    concerns = _with_steps(concerns_visible_to(actor).filter(about).distinct()).order_by("-created_at", "-pk")
    return [item_of(concern, limits, now) for concern in concerns]


# -- the monthly report ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    label: str
    count: int | str


@dataclass(frozen=True)
class Table:
    """One table of the report, small counts suppressed; ``total_safe`` says whether its total may be published
    beside it."""

    rows: list[Row]
    total_safe: bool


@dataclass(frozen=True)
class MonthlyReport:
    """What the report publishes: each count already suppressed (an ``int`` only where it is safe to show), with the
    timings, which are shown only over five or more concerns."""

    month: date
    raised: int | str
    immediate: int | str
    contexts: int | str
    categories: list[Row]
    actions: list[Row]
    levels: list[Row]
    referrals: list[Row]
    outcomes: list[Row]
    decided: int | str
    decided_in_time: int | str
    referred: int | str
    answered: int | str
    timeliness: Summary
    limits: Limits

    @property
    def rows_for_csv(self) -> list[tuple[str, str, str]]:
        rows = [
            ("Concerns", "Raised", str(self.raised)),
            ("Concerns", "With immediate risk", str(self.immediate)),
            ("Concerns", "About a context", str(self.contexts)),
            ("Concerns", "Decided", str(self.decided)),
            ("Concerns", f"Decided within {self.limits.decision_hours} hours", str(self.decided_in_time)),
            ("Concerns", "Referred", str(self.referred)),
            ("Concerns", "With an outcome", str(self.answered)),
        ]
        for section, items in (
            ("Category", self.categories),
            ("Decision", self.actions),
            ("Level of need", self.levels),
            ("Referrals sent to", self.referrals),
            ("Outcomes received", self.outcomes),
        ):
            rows += [(section, row.label, str(row.count)) for row in items]
        timings = self.timeliness
        for label, count, median in (
            ("Median hours from concern to decision", timings.decided, timings.median_hours_to_decision),
            ("Median days from concern to referral", timings.referred, timings.median_days_to_referral),
            ("Median days from concern to outcome", timings.outcomes, timings.median_days_to_outcome),
        ):
            # A median over fewer than five concerns is not published.
            shown = f"{median:.1f}" if median is not None and count >= 5 else "fewer than 5"
            rows.append(("Timeliness", label, shown))
        return rows


def _table(labels: list[tuple[str, str]], counts: Counter[str]) -> Table:
    """One table, with small counts suppressed (a count of none says nothing about anyone: it is shown)."""
    values = [counts.get(code, 0) for code, _label in labels]
    present = [index for index, count in enumerate(values) if count]
    nonzero = [values[index] for index in present]
    marks = hide_small(nonzero, floor=1)
    hidden = dict(zip(present, marks, strict=True))
    rows = [Row(label, hidden.get(index) or values[index]) for index, (_code, label) in enumerate(labels)]
    return Table(rows, total_safe(nonzero, marks, floor=1))


def _total(count: int, *tables: Table) -> int | str:
    """A total shown beside ``tables``: under 5 as "<5" (which tells nothing more than their "<5"s), and hidden when
    it would let a suppressed count of theirs be worked out."""
    if 0 < count < 5:
        return SUPPRESSED
    return count if all(table.total_safe for table in tables) else HIDDEN


def _whole(part: int, whole: int) -> bool:
    """Whether ``part`` may be shown exactly beside ``whole``: neither it nor the rest is from 1 to 4 (a small rest
    hides ``part`` as the second count of its two-row table)."""
    return _part(part, whole) == part


def _part(part: int, whole: int) -> int | str:
    """How many of a total shown have something: suppressed as a two-row table (those that do, those that don't)."""
    table = _table([("yes", ""), ("no", "")], Counter({"yes": part, "no": whole - part}))
    return table.rows[0].count


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def monthly_report(area_id: int, organisation_id: int, month: date) -> MonthlyReport:
    """The team's concerns raised in ``month``, and how long each step took. Counts from 1 to 4 are shown as "<5";
    while a table's hidden counts could still be worked out from its total, the next smallest is "hidden"; and a
    total is hidden when it would give one away (``rules.reports.hide_small``, ``total_safe``)."""
    settings = AreaSafeguarding.for_area(area_id)
    start = timezone.make_aware(datetime.combine(month_start(month), datetime.min.time()))
    end = timezone.make_aware(datetime.combine(next_month(month), datetime.min.time()))
    concerns = list(
        Concern.objects.filter(
            area_id=area_id, organisation_id=organisation_id, created_at__gte=start, created_at__lt=end
        )
        .select_related("decision")
        .prefetch_related("escalations__front_door")
        .order_by("pk")
    )
    decisions = [concern.decision for concern in concerns if hasattr(concern, "decision")]
    escalations: list[Escalation] = [escalation for concern in concerns for escalation in concern.escalations.all()]
    steps = []
    for concern in concerns:
        decision = getattr(concern, "decision", None)
        sent = [escalation.sent_on for escalation in concern.escalations.all()]
        outcomes = [escalation.outcome_on for escalation in concern.escalations.all() if escalation.outcome_on]
        steps.append(
            Step(
                raised_at=timezone.localtime(concern.created_at).replace(tzinfo=None),
                decided_at=timezone.localtime(decision.decided_at).replace(tzinfo=None) if decision else None,
                referred_on=min(sent) if sent else None,
                outcome_on=min(outcomes) if outcomes else None,
            )
        )
    limits = settings.limits
    timeliness = summarise(steps, limits)
    categories = _table(list(Category.choices), Counter(concern.category for concern in concerns))
    actions = _table(list(Decision.Action.choices), Counter(decision.action for decision in decisions))
    levels = _table(settings.level_choices(), Counter(decision.level for decision in decisions))
    referrals = _table(list(FrontDoor.Kind.choices), Counter(escalation.front_door.kind for escalation in escalations))
    answered = [escalation.outcome for escalation in escalations if escalation.outcome]
    answers = _table(list(Escalation.Outcome.choices), Counter(answered))
    return MonthlyReport(
        month=month_start(month),
        raised=_total(len(concerns), categories),
        immediate=_part(sum(concern.immediate_risk for concern in concerns), len(concerns)),
        contexts=_part(sum(concern.context_id is not None for concern in concerns), len(concerns)),
        categories=categories.rows,
        actions=actions.rows,
        levels=levels.rows,
        referrals=referrals.rows,
        outcomes=answers.rows,
        # Those decided are part of those raised, and those answered part of those referred: each split is checked
        # as a table too, so that what is left (awaiting a decision, an outcome) cannot be worked out either.
        decided=_total(timeliness.decided, actions, levels) if _whole(timeliness.decided, len(concerns)) else HIDDEN,
        decided_in_time=_part(timeliness.decided_in_time, timeliness.decided),
        referred=_total(len(escalations), referrals),
        answered=_total(len(answered), answers) if _whole(len(answered), len(escalations)) else HIDDEN,
        timeliness=timeliness,
        limits=limits,
    )


def report_months(area_id: int, organisation_id: int) -> list[date]:
    """The months with concerns, newest first, always including this month."""
    days = Concern.objects.filter(area_id=area_id, organisation_id=organisation_id).dates("created_at", "month")
    months = {month_start(day) for day in days} | {month_start(timezone.localdate())}
    return sorted(months, reverse=True)


def front_doors(area_id: int) -> dict[str, FrontDoor]:
    doors = FrontDoor.objects.filter(area_id=area_id).select_related("organisation", "changed_by")
    return {door.kind: door for door in doors}
