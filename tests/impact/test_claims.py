"""Payable events and claims, with limits and prices worked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from joinedup.impact import (
    Achievement,
    Event,
    MeasureRule,
    Rate,
    Reading,
    SummaryRow,
    Terms,
    claim,
    engaged,
    outcome_on,
    progress,
    signed_up,
)

SPRING_STARTS, SPRING_ENDS = date(2026, 1, 1), date(2026, 3, 31)
TERMS = Terms(
    contacts=6,
    attendance_pct=75,
    rates=(
        Rate(event="sign_up", price=Decimal("300.00"), total_cap=3),
        Rate(event="engagement", price=Decimal("150.00"), per_child=2),
        Rate(event="outcome", measure="attendance", price=Decimal("800.00"), total_cap=10),
        Rate(event="outcome", measure="sdq_emotional", price=Decimal("600.00")),
    ),
)


def done(child: str, event: Event, on: date, measure: str = "") -> Achievement:
    return Achievement(child=child, event=event, measure=measure, on=on, evidence=(f"{event} for {child}",))


def spring(achievements: list[Achievement]) -> list[tuple[str, str, str, Decimal, str]]:
    result = claim(achievements, TERMS, starts=SPRING_STARTS, ends=SPRING_ENDS)
    return [
        (line.achievement.child, line.achievement.event, line.achievement.measure, line.price, line.reason)
        for line in result.lines
    ]


def test_signed_up_needs_consent_and_is_the_later_day() -> None:
    assert signed_up(date(2025, 10, 1), date(2025, 9, 20)) == date(2025, 10, 1)
    assert signed_up(date(2025, 10, 1), date(2025, 10, 8)) == date(2025, 10, 8)
    assert signed_up(date(2025, 10, 1), None) is None


def test_engaged_needs_enough_contacts_and_attendance() -> None:
    assert engaged(6, 3, 4, TERMS)  # 3 of 4 sessions is exactly 75%
    assert not engaged(6, 5, 7, TERMS)  # 5 of 7 is 71%
    assert not engaged(5, 4, 4, TERMS)  # one contact short
    assert engaged(9, 0, 0, TERMS)  # no sessions held: attendance does not count


def test_outcome_is_the_day_first_seen_no_longer_at_risk() -> None:
    rule = MeasureRule(key="attendance", name="Attendance", higher_is_better=True, threshold=90)
    readings = [
        Reading(on=date(2025, 9, 1), value=84.0),
        Reading(on=date(2025, 12, 19), value=91.0),
        Reading(on=date(2026, 3, 27), value=89.0),
    ]
    assert outcome_on(progress(rule, readings)) == date(2025, 12, 19)
    # Never at risk, or never measured again: no outcome.
    assert outcome_on(progress(rule, [Reading(on=date(2025, 9, 1), value=95.0), readings[1]])) is None
    assert outcome_on(progress(rule, readings[:1])) is None


def test_a_child_is_paid_for_at_most_their_limit() -> None:
    achievements = [
        done("JU-1", "sign_up", date(2026, 1, 10)),
        done("JU-1", "sign_up", date(2026, 2, 10)),  # a second enrolment: paid once already
        *(done("JU-2", "engagement", date(2026, month, 28)) for month in (1, 2, 3)),  # two engagement payments
    ]
    assert spring(achievements) == [
        ("JU-1", "sign_up", "", Decimal("300.00"), ""),
        ("JU-2", "engagement", "", Decimal("150.00"), ""),
        ("JU-1", "sign_up", "", Decimal(0), "Already paid once for this child (limit 1)"),
        ("JU-2", "engagement", "", Decimal("150.00"), ""),
        ("JU-2", "engagement", "", Decimal(0), "Already paid twice for this child (limit 2)"),
    ]


def test_the_contracts_limit_counts_achievements_before_the_period() -> None:
    # Two sign-ups in the autumn use up two of the contract's three: spring pays one, then the limit is reached.
    achievements = [
        done("JU-1", "sign_up", date(2025, 10, 1)),
        done("JU-2", "sign_up", date(2025, 11, 1)),
        done("JU-3", "sign_up", date(2026, 1, 5)),
        done("JU-4", "sign_up", date(2026, 2, 5)),
    ]
    assert spring(achievements) == [
        ("JU-3", "sign_up", "", Decimal("300.00"), ""),
        ("JU-4", "sign_up", "", Decimal(0), "The contract's limit of 3 is reached"),
    ]
    # A sign-up refused (JU-1 twice) does not use up the contract's limit: spring is claimed the same.
    refused = [done("JU-1", "sign_up", date(2025, 10, 1)), done("JU-1", "sign_up", date(2025, 10, 2))]
    assert spring([*refused, *achievements[1:]]) == spring(achievements)


def test_an_event_without_a_rate_is_listed_but_not_paid() -> None:
    terms = Terms(contacts=6, attendance_pct=75, rates=(Rate(event="sign_up", price=Decimal(300)),))
    result = claim(
        [done("JU-1", "engagement", date(2026, 1, 30)), done("JU-1", "outcome", date(2026, 2, 2), "maths")],
        terms,
        starts=SPRING_STARTS,
        ends=SPRING_ENDS,
    )
    assert [(line.payable, line.price, line.reason) for line in result.lines] == [
        (False, Decimal(0), "No rate for this event in the contract"),
        (False, Decimal(0), "No rate for this event in the contract"),
    ]
    assert result.total == 0


def test_ties_on_a_day_go_by_event_then_measure_then_child_whatever_the_order_given() -> None:
    terms = Terms(
        contacts=6,
        attendance_pct=75,
        rates=(
            Rate(event="sign_up", price=Decimal(300), total_cap=1),
            Rate(event="outcome", measure="attendance", price=Decimal(800)),
            Rate(event="outcome", measure="maths", price=Decimal(700)),
        ),
    )
    day = date(2026, 1, 15)
    given = [
        done("JU-9", "outcome", day, "maths"),
        done("JU-2", "sign_up", day),
        done("JU-5", "outcome", day, "attendance"),
        done("JU-1", "sign_up", day),
        done("JU-3", "outcome", day, "maths"),
    ]
    for achievements in (given, given[::-1]):
        result = claim(achievements, terms, starts=SPRING_STARTS, ends=SPRING_ENDS)
        # JU-1 comes before JU-2, so is the one sign-up the contract pays for.
        assert [(line.achievement.child, line.payable) for line in result.lines] == [
            ("JU-1", True),
            ("JU-2", False),
            ("JU-5", True),
            ("JU-3", True),
            ("JU-9", True),
        ]


def test_only_the_period_is_claimed_and_the_summary_adds_up() -> None:
    achievements = [
        done("JU-1", "sign_up", date(2025, 12, 31)),  # the autumn's: uses up the limit, not claimed now
        done("JU-2", "sign_up", date(2026, 1, 1)),  # the period's first day
        done("JU-3", "sign_up", date(2026, 3, 31)),  # and its last
        done("JU-4", "sign_up", date(2026, 4, 1)),  # the summer's
        done("JU-2", "outcome", date(2026, 2, 1), "attendance"),
        done("JU-3", "outcome", date(2026, 2, 1), "attendance"),
        done("JU-3", "outcome", date(2026, 3, 1), "attendance"),  # paid once already
        done("JU-2", "outcome", date(2026, 3, 2), "maths"),  # no rate
    ]
    result = claim(achievements, TERMS, starts=SPRING_STARTS, ends=SPRING_ENDS)
    assert (result.starts, result.ends) == (SPRING_STARTS, SPRING_ENDS)
    assert [line.achievement for line in result.lines] == [achievements[index] for index in (1, 4, 5, 6, 7, 2)]
    assert result.lines[0].achievement.evidence == ("sign_up for JU-2",)
    # Sign-ups 2 at £300; attendance 2 of 3 at £800; maths none of 1; no engagement or SDQ outcomes, but they have
    # rates, so have rows; the rows go by event, then measure.
    assert result.summary == (
        SummaryRow("sign_up", "", 2, 2, Decimal("300.00"), Decimal("600.00")),
        SummaryRow("engagement", "", 0, 0, Decimal("150.00"), Decimal(0)),
        SummaryRow("outcome", "attendance", 3, 2, Decimal("800.00"), Decimal("1600.00")),
        SummaryRow("outcome", "maths", 1, 0, None, Decimal(0)),
        SummaryRow("outcome", "sdq_emotional", 0, 0, Decimal("600.00"), Decimal(0)),
    )
    assert result.total == Decimal("2200.00")
    assert result.total == sum((row.amount for row in result.summary), Decimal(0))


def test_a_claim_refuses_a_backwards_period_or_an_unknown_event() -> None:
    with pytest.raises(ValueError, match="ends on 01 January 2026, before it starts on 31 March 2026"):
        claim([], TERMS, starts=SPRING_ENDS, ends=SPRING_STARTS)
    odd = Achievement(child="JU-1", event="referral", on=date(2026, 1, 5), evidence=())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="child JU-1 on 05 January 2026 is for 'referral'"):
        claim([odd], TERMS, starts=SPRING_STARTS, ends=SPRING_ENDS)


def test_terms_that_cannot_be_right_are_refused() -> None:
    with pytest.raises(ValueError, match="two rates for outcome in maths"):
        Terms(
            contacts=6,
            attendance_pct=75,
            rates=(
                Rate(event="outcome", measure="maths", price=Decimal(1)),
                Rate(event="outcome", measure="maths", price=Decimal(2)),
            ),
        )
    with pytest.raises(ValueError, match="only outcome rates are for a measure"):
        Rate(event="sign_up", measure="maths", price=Decimal(1))
    with pytest.raises(ValueError, match="cannot be negative"):
        Rate(event="sign_up", price=Decimal(-1))
    with pytest.raises(ValueError, match="at least 1"):
        Rate(event="sign_up", price=Decimal(1), per_child=0)
    with pytest.raises(ValueError, match="from 0 to 100"):
        Terms(contacts=6, attendance_pct=120, rates=())
