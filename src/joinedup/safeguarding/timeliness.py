"""How long each step of a concern took, and which steps are overdue: plain Python, no Django.

A concern is to be decided within ``Limits.decision_hours`` of being raised and, when the decision is to refer,
referred within ``escalate_hours`` of the decision. A referral is chased when it has not been acknowledged
``acknowledge_days`` after it was sent or last chased, and its outcome is overdue ``outcome_days`` after it was
sent. Times are the borough's local times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from statistics import median

__all__ = ["Limits", "Overdue", "Step", "Summary", "concern_overdue", "decision_due", "referral_overdue", "summarise"]


class Overdue(StrEnum):
    DECISION = "decision"
    REFERRAL = "referral"
    CHASE = "chase"
    OUTCOME = "outcome"


OVERDUE_LABELS = {
    Overdue.DECISION: "Decision overdue",
    Overdue.REFERRAL: "Referral not sent in time",
    Overdue.CHASE: "Not acknowledged: chase it",
    Overdue.OUTCOME: "Outcome overdue",
}


@dataclass(frozen=True, slots=True)
class Limits:
    decision_hours: int = 24
    immediate_hours: int = 2
    escalate_hours: int = 24
    acknowledge_days: int = 3
    outcome_days: int = 10


def decision_due(limits: Limits, raised_at: datetime, *, immediate: bool = False) -> datetime:
    """When a concern is to be decided by: sooner when a child may be at immediate risk.

    >>> decision_due(Limits(), datetime(2026, 3, 2, 9, 0), immediate=True)
    datetime.datetime(2026, 3, 2, 11, 0)
    """
    return raised_at + timedelta(hours=limits.immediate_hours if immediate else limits.decision_hours)


def concern_overdue(
    limits: Limits,
    now: datetime,
    *,
    raised_at: datetime,
    decided_at: datetime | None,
    to_refer: bool,
    referred: bool,
    immediate: bool = False,
) -> Overdue | None:
    """Whether the concern waits too long for its decision (``immediate_hours`` when a child may be at immediate
    risk), or, decided to refer, for the referral.

    >>> raised = datetime(2026, 3, 2, 9, 0)
    >>> concern_overdue(Limits(), datetime(2026, 3, 3, 9, 0), raised_at=raised, decided_at=None,
    ...                 to_refer=False, referred=False) is None
    True
    >>> concern_overdue(Limits(), datetime(2026, 3, 3, 9, 1), raised_at=raised, decided_at=None,
    ...                 to_refer=False, referred=False)
    <Overdue.DECISION: 'decision'>
    """
    if decided_at is None:
        return Overdue.DECISION if now > decision_due(limits, raised_at, immediate=immediate) else None
    if to_refer and not referred and now > decided_at + timedelta(hours=limits.escalate_hours):
        return Overdue.REFERRAL
    return None


def chase_from(limits: Limits, sent_on: date, chased: Sequence[date] = ()) -> date:
    """The day from which an unacknowledged referral is to be chased: after it was sent, or after the last chase."""
    return max([sent_on, *chased]) + timedelta(days=limits.acknowledge_days)


def referral_overdue(
    limits: Limits,
    today: date,
    *,
    sent_on: date,
    acknowledged_on: date | None,
    chased: Sequence[date] = (),
    outcome_on: date | None,
) -> Overdue | None:
    """Whether a referral is to be chased (not acknowledged in time) or its outcome is overdue.

    >>> sent = date(2026, 3, 2)
    >>> referral_overdue(Limits(), date(2026, 3, 5), sent_on=sent, acknowledged_on=None, outcome_on=None)
    <Overdue.CHASE: 'chase'>
    >>> referral_overdue(Limits(), date(2026, 3, 5), sent_on=sent, acknowledged_on=None,
    ...                  chased=[date(2026, 3, 4)], outcome_on=None) is None
    True
    >>> referral_overdue(Limits(), date(2026, 3, 13), sent_on=sent, acknowledged_on=date(2026, 3, 3),
    ...                  outcome_on=None)
    <Overdue.OUTCOME: 'outcome'>
    """
    if outcome_on is not None:
        return None
    if acknowledged_on is None and today >= chase_from(limits, sent_on, chased):
        return Overdue.CHASE
    if today > sent_on + timedelta(days=limits.outcome_days):
        return Overdue.OUTCOME
    return None


@dataclass(frozen=True, slots=True)
class Step:
    """The times of one concern's steps, for the figures: when raised and decided, first referred, first outcome."""

    raised_at: datetime
    decided_at: datetime | None = None
    referred_on: date | None = None
    outcome_on: date | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """How long the steps took across a set of concerns.

    Medians are ``None`` when no concern reached the step. ``decided_in_time`` counts the decisions made within the
    limit, of ``decided``."""

    concerns: int
    decided: int
    decided_in_time: int
    median_hours_to_decision: float | None
    referred: int
    median_days_to_referral: float | None
    outcomes: int
    median_days_to_outcome: float | None


def summarise(steps: Iterable[Step], limits: Limits) -> Summary:
    """The medians and counts of :class:`Summary`; days are counted from the day the concern was raised.

    >>> raised = datetime(2026, 3, 2, 9, 0)
    >>> steps = [
    ...     Step(raised, raised + timedelta(hours=2), date(2026, 3, 3), date(2026, 3, 10)),
    ...     Step(raised, raised + timedelta(hours=30)),
    ...     Step(raised),
    ... ]
    >>> summary = summarise(steps, Limits())
    >>> summary.concerns, summary.decided, summary.decided_in_time, summary.median_hours_to_decision
    (3, 2, 1, 16.0)
    >>> summary.referred, summary.median_days_to_referral, summary.outcomes, summary.median_days_to_outcome
    (1, 1, 1, 8)
    """
    steps = list(steps)
    hours = [(step.decided_at - step.raised_at).total_seconds() / 3600 for step in steps if step.decided_at]
    to_referral = [(step.referred_on - step.raised_at.date()).days for step in steps if step.referred_on]
    to_outcome = [(step.outcome_on - step.raised_at.date()).days for step in steps if step.outcome_on]
    return Summary(
        concerns=len(steps),
        decided=len(hours),
        decided_in_time=sum(hour <= limits.decision_hours for hour in hours),
        median_hours_to_decision=_median(hours),
        referred=len(to_referral),
        median_days_to_referral=_median(to_referral),
        outcomes=len(to_outcome),
        median_days_to_outcome=_median(to_outcome),
    )


def _median(values: Sequence[float]) -> float | None:
    return median(values) if values else None
