"""A child's progress in one measure: the baseline, the latest reading, and whether the change is real.

The baseline is where the programme started with the child (the reading used when they were
identified, or one marked as the baseline when entered); everything after the baseline's day
counts as a later reading. Readings on the same day keep the order they were given in: of two
readings on one day, the one given later is taken as the later one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from joinedup.impact.measures import MeasureRule

__all__ = ["Progress", "Reading", "progress"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """One score in one measure on one day, with who gave it (``""`` when nobody in particular).

    >>> Reading(on=date(2025, 9, 15), value=82.5, baseline=True).respondent
    ''
    """

    on: date
    value: float
    respondent: str = ""
    baseline: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Progress:
    """What the readings of one measure show for one child.

    ``latest`` is the newest reading after the baseline's day. ``cleared`` is the first of those
    readings not at risk, when the child was at risk at baseline. ``change`` is the latest value
    minus the baseline value. ``reliable`` is +1 for a reliable improvement, -1 for a reliable
    deterioration and 0 for a change too small to be sure of; it is ``None`` when the measure
    has no reliable change amount, there is no later reading, or the two readings were given
    by different respondents (a teacher's score and a parent's cannot be compared).

    >>> Progress(baseline=None, latest=None, baseline_at_risk=None, latest_at_risk=None, cleared=None,
    ...          change=None, reliable=None).measured_again
    False
    """

    baseline: Reading | None
    latest: Reading | None
    baseline_at_risk: bool | None
    latest_at_risk: bool | None
    cleared: Reading | None
    change: float | None
    reliable: int | None

    @property
    def no_longer_at_risk(self) -> bool:
        """At risk at baseline, and not at risk at the latest reading."""
        return bool(self.baseline_at_risk) and self.latest_at_risk is False

    @property
    def measured_again(self) -> bool:
        """There is a reading after the baseline's day."""
        return self.latest is not None


_NOTHING = Progress(
    baseline=None, latest=None, baseline_at_risk=None, latest_at_risk=None, cleared=None, change=None, reliable=None
)


def progress(rule: MeasureRule, readings: Iterable[Reading]) -> Progress:
    """A child's progress in one measure from all their readings in it, in any order.

    The baseline is the earliest reading marked as the baseline, else the earliest reading.
    Only readings after the baseline's day count as later ones. A change counts as reliable
    when it is at least the rule's ``reliable_change`` (allowing for rounding in the last
    decimal places); improvement is up when higher is better, down otherwise.

    Args:
        rule: the measure the readings are in.
        readings: the child's readings in that measure.

    >>> sdq = MeasureRule(key="sdq_emotional", name="Emotional wellbeing", higher_is_better=False,
    ...                   threshold=5, reliable_change=3)
    >>> result = progress(sdq, [Reading(on=date(2025, 9, 1), value=7, respondent="teacher"),
    ...                         Reading(on=date(2026, 1, 5), value=4, respondent="teacher"),
    ...                         Reading(on=date(2026, 6, 1), value=3, respondent="teacher")])
    >>> result.baseline_at_risk, result.cleared.on, result.change, result.reliable, result.no_longer_at_risk
    (True, datetime.date(2026, 1, 5), -4, 1, True)
    """
    # A stable sort keeps the given order of readings on the same day.
    ordered = sorted(readings, key=lambda reading: reading.on)
    if not ordered:
        return _NOTHING
    baseline = next((reading for reading in ordered if reading.baseline), ordered[0])
    later = [reading for reading in ordered if reading.on > baseline.on]
    latest = later[-1] if later else None
    baseline_at_risk = rule.at_risk(baseline.value, baseline.respondent)
    cleared = None
    if baseline_at_risk:
        cleared = next((reading for reading in later if rule.at_risk(reading.value, reading.respondent) is False), None)
    if latest is None:
        return Progress(
            baseline=baseline,
            latest=None,
            baseline_at_risk=baseline_at_risk,
            latest_at_risk=None,
            cleared=None,
            change=None,
            reliable=None,
        )
    change = latest.value - baseline.value
    return Progress(
        baseline=baseline,
        latest=latest,
        baseline_at_risk=baseline_at_risk,
        latest_at_risk=rule.at_risk(latest.value, latest.respondent),
        cleared=cleared,
        change=change,
        reliable=_reliable(rule, change) if latest.respondent == baseline.respondent else None,
    )


def _reliable(rule: MeasureRule, change: float) -> int | None:
    if rule.reliable_change is None:
        return None
    size = abs(change)
    # 4.1 - 1.1 is 2.9999999999999996 in floating point: a change of the reliable amount must count.
    if size < rule.reliable_change and not math.isclose(size, rule.reliable_change):
        return 0
    better = change > 0 if rule.higher_is_better else change < 0
    return 1 if better else -1
