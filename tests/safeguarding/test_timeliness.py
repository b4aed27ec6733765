"""How long each step may take, at the exact boundaries: plain Python, no database."""

from __future__ import annotations

import doctest
from datetime import date, datetime, timedelta

import pytest

from joinedup.safeguarding import timeliness
from joinedup.safeguarding.timeliness import Limits, Overdue, Step, concern_overdue, referral_overdue, summarise

RAISED = datetime(2026, 3, 2, 9, 0)
SENT = date(2026, 3, 2)
LIMITS = Limits(decision_hours=24, escalate_hours=24, acknowledge_days=3, outcome_days=10)


def test_the_examples_in_the_docstrings_hold() -> None:
    failed, attempted = doctest.testmod(timeliness)
    assert attempted >= 10
    assert failed == 0


def decision_overdue(now: datetime) -> Overdue | None:
    return concern_overdue(LIMITS, now, raised_at=RAISED, decided_at=None, to_refer=False, referred=False)


def test_a_decision_due_in_24_hours_is_not_overdue_at_exactly_24_hours_but_is_a_minute_later() -> None:
    assert decision_overdue(RAISED + timedelta(hours=24)) is None
    assert decision_overdue(RAISED + timedelta(hours=24, minutes=1)) == Overdue.DECISION


def test_the_decision_limit_is_the_boroughs() -> None:
    limits = Limits(decision_hours=4)
    now = RAISED + timedelta(hours=5)
    assert concern_overdue(limits, now, raised_at=RAISED, decided_at=None, to_refer=False, referred=False)
    assert decision_overdue(now) is None


def test_a_referral_is_due_within_the_limit_after_the_decision_not_after_the_concern() -> None:
    decided = RAISED + timedelta(hours=20)

    def overdue(now: datetime, *, to_refer: bool = True, referred: bool = False) -> Overdue | None:
        return concern_overdue(LIMITS, now, raised_at=RAISED, decided_at=decided, to_refer=to_refer, referred=referred)

    assert overdue(decided + timedelta(hours=24)) is None
    assert overdue(decided + timedelta(hours=24, minutes=1)) == Overdue.REFERRAL
    assert overdue(decided + timedelta(days=30), referred=True) is None
    assert overdue(decided + timedelta(days=30), to_refer=False) is None


def chase_or_outcome(today: date, **changes: object) -> Overdue | None:
    values: dict[str, object] = {"sent_on": SENT, "acknowledged_on": None, "outcome_on": None, **changes}
    return referral_overdue(LIMITS, today, **values)  # type: ignore[arg-type]


def test_an_unacknowledged_referral_is_to_be_chased_on_the_day_sent_plus_the_acknowledgement_days() -> None:
    assert chase_or_outcome(SENT + timedelta(days=2)) is None
    assert chase_or_outcome(SENT + timedelta(days=3)) == Overdue.CHASE


def test_a_chaser_starts_the_clock_again() -> None:
    chased = SENT + timedelta(days=3)
    assert chase_or_outcome(chased, chased=[chased]) is None
    assert chase_or_outcome(chased + timedelta(days=2), chased=[chased]) is None
    assert chase_or_outcome(chased + timedelta(days=3), chased=[chased]) == Overdue.CHASE
    # The latest chaser counts, whatever order they come in.
    later = chased + timedelta(days=3)
    assert chase_or_outcome(later + timedelta(days=2), chased=[later, chased]) is None


def test_the_outcome_is_overdue_the_day_after_sent_plus_the_outcome_days() -> None:
    acknowledged = SENT + timedelta(days=1)
    assert chase_or_outcome(SENT + timedelta(days=10), acknowledged_on=acknowledged) is None
    assert chase_or_outcome(SENT + timedelta(days=11), acknowledged_on=acknowledged) == Overdue.OUTCOME


def test_an_unacknowledged_referral_long_overdue_is_still_to_be_chased_first() -> None:
    assert chase_or_outcome(SENT + timedelta(days=30)) == Overdue.CHASE


@pytest.mark.parametrize("acknowledged_on", [None, SENT])
def test_an_outcome_received_clears_everything(acknowledged_on: date | None) -> None:
    assert chase_or_outcome(SENT + timedelta(days=60), acknowledged_on=acknowledged_on, outcome_on=SENT) is None


def test_summarise_counts_a_decision_at_exactly_the_limit_as_in_time() -> None:
    steps = [
        Step(RAISED, RAISED + timedelta(hours=24)),
        Step(RAISED, RAISED + timedelta(hours=24, minutes=1)),
    ]
    summary = summarise(steps, LIMITS)
    assert (summary.decided, summary.decided_in_time) == (2, 1)


def test_summarise_of_nothing_has_no_medians() -> None:
    summary = summarise([], LIMITS)
    assert (summary.concerns, summary.decided, summary.referred, summary.outcomes) == (0, 0, 0, 0)
    assert summary.median_hours_to_decision is None
    assert summary.median_days_to_referral is None
    assert summary.median_days_to_outcome is None


def test_summarise_counts_days_from_the_day_raised() -> None:
    late_evening = datetime(2026, 3, 2, 23, 30)
    summary = summarise([Step(late_evening, referred_on=date(2026, 3, 3), outcome_on=date(2026, 3, 12))], LIMITS)
    assert (summary.median_days_to_referral, summary.median_days_to_outcome) == (1, 10)
