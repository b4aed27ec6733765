"""Payable events under an outcomes contract, and the claim for a period.

A commissioner pays for three kinds of event: a child signing up (enrolled with consent), a
child being highly engaged, and an outcome (a child no longer at risk in a measure). The
contract's :class:`Terms` set a price for each and limits: how many times one child can be paid
for, and how many in the whole contract. Limits are used up in date order from the start of the
contract, so a claim is worked out from every achievement so far, and lists those in its period.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from joinedup.impact.progress import Progress

__all__ = [
    "EVENTS",
    "Achievement",
    "Claim",
    "Event",
    "Line",
    "Rate",
    "SummaryRow",
    "Terms",
    "claim",
    "engaged",
    "outcome_on",
    "signed_up",
]

Event = Literal["sign_up", "engagement", "outcome"]
#: The payable events, in the order claims list them.
EVENTS: Final[tuple[Event, ...]] = ("sign_up", "engagement", "outcome")
_ORDER: Final[dict[str, int]] = {event: index for index, event in enumerate(EVENTS)}
_NO_RATE: Final = "No rate for this event in the contract"


@dataclass(frozen=True, slots=True, kw_only=True)
class Rate:
    """The price of one event (for an outcome, in one measure) and its limits.

    ``per_child`` is the most times one child can be paid for it; ``total_cap`` the most
    payable in the whole contract, all children together (``None``: no limit).

    >>> Rate(event="outcome", measure="attendance", price=Decimal("750.00"), total_cap=200).per_child
    1
    """

    event: Event
    measure: str = ""
    price: Decimal
    per_child: int = 1
    total_cap: int | None = None

    def __post_init__(self) -> None:
        what = _describe(self.event, self.measure)
        if self.event not in _ORDER:
            raise ValueError(f"a rate is for {self.event!r}: the events are {', '.join(EVENTS)}")
        if self.measure and self.event != "outcome":
            raise ValueError(f"the rate for {what} names a measure: only outcome rates are for a measure")
        if self.price < 0:
            raise ValueError(f"the price for {what} is {self.price}: a price cannot be negative")
        if self.per_child < 1:
            raise ValueError(f"the limit per child for {what} is {self.per_child}: it must be at least 1")
        if self.total_cap is not None and self.total_cap < 0:
            raise ValueError(f"the contract's limit for {what} is {self.total_cap}: it cannot be negative")


@dataclass(frozen=True, slots=True, kw_only=True)
class Terms:
    """The contract: what counts as high engagement, and the rates.

    A child is highly engaged with at least ``contacts`` Link Worker contacts in the period and
    at least ``attendance_pct`` per cent of the partner sessions held attended.

    >>> Terms(contacts=6, attendance_pct=75, rates=()).contacts
    6
    """

    contacts: int
    attendance_pct: int
    rates: tuple[Rate, ...]

    def __post_init__(self) -> None:
        if self.contacts < 0:
            raise ValueError(f"high engagement needs {self.contacts} contacts: the number cannot be negative")
        if not 0 <= self.attendance_pct <= 100:
            raise ValueError(f"high engagement needs {self.attendance_pct}% attendance: give a per cent from 0 to 100")
        seen: set[tuple[str, str]] = set()
        for rate in self.rates:
            if (rate.event, rate.measure) in seen:
                raise ValueError(f"the contract has two rates for {_describe(rate.event, rate.measure)}: keep one")
            seen.add((rate.event, rate.measure))


@dataclass(frozen=True, slots=True, kw_only=True)
class Achievement:
    """A child reaching a payable event on a day, with the evidence for it.

    ``child`` is a reference, never a name: claims go to the commissioner. ``evidence`` is
    plain-language lines saying what records show it.

    >>> Achievement(child="JU-0042", event="sign_up", on=date(2025, 10, 1),
    ...             evidence=("Enrolled on 1 October 2025", "Consent recorded on 29 September 2025")).measure
    ''
    """

    child: str
    event: Event
    measure: str = ""
    on: date
    evidence: tuple[str, ...]


def signed_up(enrolled_on: date, consent_on: date | None) -> date | None:
    """The day a child signed up: enrolled and consent given, the later of the two; ``None`` without consent.

    Args:
        enrolled_on: the day the child was enrolled.
        consent_on: the day consent was recorded, ``None`` if it has not been.

    >>> signed_up(date(2025, 10, 1), date(2025, 10, 8))
    datetime.date(2025, 10, 8)
    >>> signed_up(date(2025, 10, 1), None) is None
    True
    """
    if consent_on is None:
        return None
    return max(enrolled_on, consent_on)


def engaged(contacts: int, attended: int, held: int, terms: Terms) -> bool:
    """Whether a child was highly engaged in a period under the contract's terms.

    Enough Link Worker contacts, and enough of the partner sessions held attended (when none were
    held, attendance does not count against the child).

    Args:
        contacts: Link Worker contacts with the child in the period.
        attended: partner sessions the child attended.
        held: partner sessions held that the child was expected at.
        terms: the contract.

    >>> terms = Terms(contacts=6, attendance_pct=75, rates=())
    >>> engaged(6, 3, 4, terms), engaged(6, 2, 4, terms), engaged(5, 4, 4, terms), engaged(6, 0, 0, terms)
    (True, False, False, True)
    """
    # In whole numbers, so that 3 of 4 sessions is exactly 75%.
    return contacts >= terms.contacts and (held == 0 or 100 * attended >= terms.attendance_pct * held)


def outcome_on(progress: Progress) -> date | None:
    """The day the child was first seen no longer at risk in a measure, when they were at risk at baseline.

    Args:
        progress: the child's :func:`~joinedup.impact.progress` in the measure.

    >>> from joinedup.impact.measures import MeasureRule
    >>> from joinedup.impact.progress import Reading, progress
    >>> rule = MeasureRule(key="attendance", name="Attendance", higher_is_better=True, threshold=90)
    >>> outcome_on(progress(rule, [Reading(on=date(2025, 9, 1), value=84.0),
    ...                            Reading(on=date(2025, 12, 19), value=93.5)]))
    datetime.date(2025, 12, 19)
    """
    if progress.baseline_at_risk and progress.cleared is not None:
        return progress.cleared.on
    return None


@dataclass(frozen=True, slots=True)
class Line:
    """One achievement in a claim: its price if payable, else ``Decimal(0)`` and the reason it is not.

    >>> Line(Achievement(child="JU-0042", event="engagement", on=date(2026, 1, 31), evidence=()),
    ...      Decimal(0), False, "No rate for this event in the contract").payable
    False
    """

    achievement: Achievement
    price: Decimal
    payable: bool
    reason: str


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One event (for outcomes, one measure) in a claim: how many achieved, how many payable, the amount.

    >>> SummaryRow("sign_up", "", 12, 10, Decimal("300.00"), Decimal("3000.00")).amount
    Decimal('3000.00')
    """

    event: Event
    measure: str
    achieved: int
    payable: int
    unit_price: Decimal | None
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Claim:
    """The claim for a period (``ends`` included): the lines, a summary by event, and the total.

    >>> claim([], Terms(contacts=6, attendance_pct=75, rates=()),
    ...       starts=date(2026, 1, 1), ends=date(2026, 3, 31)).total
    Decimal('0')
    """

    starts: date
    ends: date
    lines: tuple[Line, ...]
    summary: tuple[SummaryRow, ...]
    total: Decimal


def claim(achievements: Iterable[Achievement], terms: Terms, *, starts: date, ends: date) -> Claim:
    """The claim for a period from every achievement since the contract started.

    Achievements are taken in date order, ties by event (sign-up, engagement, outcome), measure
    and child reference. Each is payable if the contract has a rate for it and neither the
    child's limit nor the contract's limit is used up; only payable achievements use up a
    limit. Achievements before ``starts`` use up limits but are not lines of this claim; those
    after ``ends`` are left out. The summary has a row for each event (and measure) with a rate
    or an achievement in the period.

    Args:
        achievements: every achievement from the start of the contract (any order).
        terms: the contract.
        starts: the first day of the period claimed for.
        ends: the last day of the period claimed for.

    Raises:
        ValueError: the period ends before it starts, or an achievement is for an unknown event.

    The second sign-up of the contract reaches the contract's limit of 2, and was in the period
    before this one, so this claim pays for one of its two sign-ups:

    >>> terms = Terms(contacts=6, attendance_pct=75,
    ...               rates=(Rate(event="sign_up", price=Decimal("300"), total_cap=2),))
    >>> done = [Achievement(child=child, event="sign_up", on=date(2025, month, 1), evidence=())
    ...         for child, month in (("A", 12), ("B", 9), ("C", 12))]
    >>> result = claim(done, terms, starts=date(2025, 10, 1), ends=date(2025, 12, 31))
    >>> [(line.achievement.child, line.price, line.reason) for line in result.lines]
    [('A', Decimal('300'), ''), ('C', Decimal('0'), "The contract's limit of 2 is reached")]
    >>> result.total
    Decimal('300')
    """
    if ends < starts:
        raise ValueError(f"the claim period ends on {ends:%d %B %Y}, before it starts on {starts:%d %B %Y}")
    # Hundreds of thousands of lines that all live to the end: the cyclic garbage collector would
    # walk them again and again (a third of the run time at 200,000) to find no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _claim(achievements, terms, starts, ends)
    finally:
        if collecting:
            gc.enable()


def _claim(achievements: Iterable[Achievement], terms: Terms, starts: date, ends: date) -> Claim:
    rates = {(rate.event, rate.measure): rate for rate in terms.rates}
    by_child: dict[tuple[str, str, str], int] = {}
    by_rate: dict[tuple[Event, str], int] = {}
    # (achieved, payable, amount) in the period, by event and measure; every rate has a row.
    tallies: dict[tuple[Event, str], tuple[int, int, Decimal]] = dict.fromkeys(rates, (0, 0, Decimal(0)))
    lines: list[Line] = []
    nothing = Decimal(0)
    for achievement in _in_order(achievements, ends):
        key = (achievement.event, achievement.measure)
        rate = rates.get(key)
        child_key = (achievement.child, achievement.event, achievement.measure)
        price: Decimal | None = None
        if rate is None:
            reason = _NO_RATE
        elif (paid := by_child.get(child_key, 0)) >= rate.per_child:
            reason = f"Already paid {_times(paid)} for this child (limit {rate.per_child})"
        elif rate.total_cap is not None and by_rate.get(key, 0) >= rate.total_cap:
            reason = f"The contract's limit of {rate.total_cap} is reached"
        else:
            reason, price = "", rate.price
            by_child[child_key] = paid + 1
            by_rate[key] = by_rate.get(key, 0) + 1
        if achievement.on >= starts:
            lines.append(Line(achievement, nothing if price is None else price, price is not None, reason))
            achieved, payable, amount = tallies.get(key, (0, 0, nothing))
            if price is None:
                tallies[key] = (achieved + 1, payable, amount)
            else:
                tallies[key] = (achieved + 1, payable + 1, amount + price)
    summary = []
    for event, measure in sorted(tallies, key=lambda key: (_ORDER[key[0]], key[1])):
        achieved, payable, amount = tallies[event, measure]
        rate = rates.get((event, measure))
        summary.append(SummaryRow(event, measure, achieved, payable, None if rate is None else rate.price, amount))
    total = sum((row.amount for row in summary), nothing)
    return Claim(starts=starts, ends=ends, lines=tuple(lines), summary=tuple(summary), total=total)


def _in_order(achievements: Iterable[Achievement], ends: date) -> Iterator[Achievement]:
    """The achievements up to ``ends`` in the order limits are used up: by day, event, measure and child reference.

    Achievements alike in all four keep the order given. Sorting each day apart is more than twice as fast
    as one sort of them all: fewer comparisons, and no dates to compare.
    """
    by_day: dict[date, list[Achievement]] = {}
    for achievement in achievements:
        if achievement.event not in _ORDER:
            raise ValueError(
                f"the achievement of child {achievement.child} on {achievement.on:%d %B %Y} is for "
                f"{achievement.event!r}: the events are {', '.join(EVENTS)}"
            )
        # Later achievements cannot change this claim.
        if achievement.on <= ends:
            by_day.setdefault(achievement.on, []).append(achievement)
    for day in sorted(by_day):
        yield from sorted(by_day[day], key=lambda item: (_ORDER[item.event], item.measure, item.child))


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"{count} times")


def _describe(event: str, measure: str) -> str:
    return f"{event.replace('_', '-')} in {measure}" if measure else event.replace("_", "-")
