"""A child's progress in one measure, from hand-written readings."""

from __future__ import annotations

from datetime import date

from joinedup.impact import MeasureRule, Progress, Reading, progress

ATTENDANCE = MeasureRule(key="attendance", name="Attendance", higher_is_better=True, threshold=90, reliable_change=5)
SDQ = MeasureRule(
    key="sdq_emotional",
    name="Emotional wellbeing",
    higher_is_better=False,
    threshold=5,
    by_respondent={"pupil": 6},
    reliable_change=3,
)


def reading(month: int, value: float, respondent: str = "", *, day: int = 1, baseline: bool = False) -> Reading:
    return Reading(
        on=date(2025 if month >= 9 else 2026, month, day), value=value, respondent=respondent, baseline=baseline
    )


def test_no_readings_tell_nothing() -> None:
    result = progress(ATTENDANCE, [])
    assert result == Progress(
        baseline=None, latest=None, baseline_at_risk=None, latest_at_risk=None, cleared=None, change=None, reliable=None
    )
    assert not result.measured_again
    assert not result.no_longer_at_risk


def test_the_baseline_is_the_earliest_reading_and_the_latest_the_newest_whatever_the_order() -> None:
    first, middle, last = reading(9, 84), reading(12, 88), reading(3, 95)
    result = progress(ATTENDANCE, [last, first, middle])
    assert (result.baseline, result.latest) == (first, last)
    assert result.change == 11
    assert result.baseline_at_risk is True
    assert result.latest_at_risk is False
    assert result.no_longer_at_risk


def test_a_reading_marked_as_baseline_wins_over_an_earlier_one() -> None:
    # The September figure was last year's; the programme started with the October one.
    early, marked, later = reading(9, 70), reading(10, 85, baseline=True), reading(2, 86)
    result = progress(ATTENDANCE, [early, marked, later])
    assert result.baseline == marked
    assert result.change == 1
    # Of two marked readings, the earliest is the baseline.
    assert progress(ATTENDANCE, [reading(11, 80, baseline=True), marked, later]).baseline == marked


def test_readings_on_the_same_day_keep_the_order_given() -> None:
    one, two = reading(9, 80), reading(9, 81)
    assert progress(ATTENDANCE, [one, two]).baseline == one
    assert progress(ATTENDANCE, [two, one]).baseline == two
    # And the later of two on the newest day is the latest; a reading on the baseline's day is not later.
    late, later = reading(3, 92), reading(3, 93)
    result = progress(ATTENDANCE, [one, two, late, later])
    assert result.latest == later
    assert progress(ATTENDANCE, [one, two]).measured_again is False


def test_cleared_is_the_first_reading_after_the_baseline_not_at_risk() -> None:
    readings = [reading(9, 82), reading(11, 86), reading(12, 91), reading(2, 88), reading(4, 93)]
    result = progress(ATTENDANCE, readings)
    assert result.cleared == readings[2]
    assert result.latest == readings[4]
    # Cleared in December but back at risk at the latest reading: not "no longer at risk".
    relapsed = progress(ATTENDANCE, readings[:4])
    assert relapsed.cleared == readings[2]
    assert relapsed.latest_at_risk is True
    assert not relapsed.no_longer_at_risk


def test_nothing_is_cleared_when_the_child_was_not_at_risk_at_baseline() -> None:
    result = progress(ATTENDANCE, [reading(9, 95), reading(3, 97)])
    assert result.baseline_at_risk is False
    assert result.cleared is None
    assert not result.no_longer_at_risk


def test_reliable_change_in_the_good_direction_for_each_kind_of_measure() -> None:
    # Attendance up 5 points exactly is reliable; up 4.9 is not; down 6 is reliable deterioration.
    assert progress(ATTENDANCE, [reading(9, 85), reading(3, 90)]).reliable == 1
    assert progress(ATTENDANCE, [reading(9, 85), reading(3, 89.9)]).reliable == 0
    assert progress(ATTENDANCE, [reading(9, 95), reading(3, 89)]).reliable == -1
    # SDQ: down is better.
    assert progress(SDQ, [reading(9, 8, "teacher"), reading(3, 5, "teacher")]).reliable == 1
    assert progress(SDQ, [reading(9, 3, "teacher"), reading(3, 6, "teacher")]).reliable == -1
    assert progress(SDQ, [reading(9, 7, "teacher"), reading(3, 5, "teacher")]).reliable == 0


def test_a_change_of_exactly_the_amount_counts_despite_floating_point() -> None:
    rule = MeasureRule(key="maths", name="Maths", higher_is_better=True, reliable_change=3)
    assert 4.1 - 1.1 < 3
    assert progress(rule, [reading(9, 1.1), reading(3, 4.1)]).reliable == 1


def test_reliable_change_is_not_judged_across_respondents_or_without_an_amount() -> None:
    # A teacher's 8 and the pupil's own 4 cannot be compared, though the pupil is no longer at risk.
    result = progress(SDQ, [reading(9, 8, "teacher"), reading(3, 4, "pupil")])
    assert result.reliable is None
    assert result.change == -4
    assert result.no_longer_at_risk
    untracked = MeasureRule(key="maths", name="Maths", higher_is_better=True, threshold=100)
    assert progress(untracked, [reading(9, 95), reading(3, 104)]).reliable is None
    assert progress(ATTENDANCE, [reading(9, 80)]).reliable is None


def test_at_risk_uses_each_readings_respondent() -> None:
    # 5 is at risk from a teacher, not from the pupil (their cut-off is 6).
    result = progress(SDQ, [reading(9, 5, "teacher"), reading(11, 5, "pupil"), reading(3, 5, "teacher")])
    assert result.baseline_at_risk is True
    assert result.cleared == reading(11, 5, "pupil")
    assert result.latest_at_risk is True


def test_a_measure_with_no_threshold_has_no_risk_status() -> None:
    stirling = MeasureRule(key="stirling", name="Wellbeing", higher_is_better=True, reliable_change=6)
    result = progress(stirling, [reading(9, 30), reading(3, 40)])
    assert (result.baseline_at_risk, result.latest_at_risk, result.cleared) == (None, None, None)
    assert result.reliable == 1
    assert result.measured_again
    assert not result.no_longer_at_risk
