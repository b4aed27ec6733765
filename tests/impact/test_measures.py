"""Thresholds, bands and the reliable change amount, checked against hand-worked figures."""

from __future__ import annotations

import math

import pytest

from joinedup.impact import SDQ_BANDS, Band, MeasureRule, reliable_change_amount

ATTENDANCE = MeasureRule(key="attendance", name="Attendance", higher_is_better=True, threshold=90)
SDQ_EMOTIONAL = MeasureRule(
    key="sdq_emotional",
    name="Emotional wellbeing",
    higher_is_better=False,
    threshold=5,
    by_respondent={"teacher": 5, "parent": 5, "pupil": 6},
    bands=SDQ_BANDS["sdq_emotional"],
)


def test_higher_is_better_puts_a_child_at_risk_below_the_threshold() -> None:
    assert ATTENDANCE.at_risk(89.9) is True
    assert ATTENDANCE.at_risk(90) is False
    assert ATTENDANCE.at_risk(97.5) is False


def test_lower_is_better_puts_a_child_at_risk_at_or_above_the_threshold() -> None:
    assert SDQ_EMOTIONAL.at_risk(4, "teacher") is False
    assert SDQ_EMOTIONAL.at_risk(5, "teacher") is True
    assert SDQ_EMOTIONAL.at_risk(9, "parent") is True


def test_each_respondent_has_their_own_threshold() -> None:
    # A pupil's own score of 5 is not at risk: the self-report cut-off is 6.
    assert SDQ_EMOTIONAL.threshold_for("pupil") == 6
    assert SDQ_EMOTIONAL.at_risk(5, "pupil") is False
    assert SDQ_EMOTIONAL.at_risk(6, "pupil") is True
    # A respondent with no threshold of their own uses the general one.
    assert SDQ_EMOTIONAL.threshold_for("carer") == 5
    assert SDQ_EMOTIONAL.at_risk(5, "carer") is True


def test_a_measure_without_a_threshold_is_tracked_but_never_at_risk() -> None:
    stirling = MeasureRule(key="stirling", name="Wellbeing", higher_is_better=True)
    assert stirling.threshold_for() is None
    assert stirling.at_risk(12) is None
    # Only the respondent with a threshold can be at risk.
    partial = MeasureRule(key="custom", name="Custom", higher_is_better=True, by_respondent={"teacher": 3})
    assert partial.at_risk(2, "teacher") is True
    assert partial.at_risk(2, "parent") is None


@pytest.mark.parametrize(
    ("score", "teacher", "parent"),
    [
        (0, "Close to average", "Normal"),
        (3, "Close to average", "Normal"),
        (4, "Slightly raised", "Borderline"),
        (5, "High", "Abnormal"),
        (6, "Very high", "Abnormal"),
        (10, "Very high", "Abnormal"),
    ],
)
def test_sdq_emotional_bands_follow_the_published_cut_offs(score: int, teacher: str, parent: str) -> None:
    assert SDQ_EMOTIONAL.band(score, "teacher") == teacher
    assert SDQ_EMOTIONAL.band(score, "parent") == parent


@pytest.mark.parametrize(
    ("score", "teacher", "parent"),
    [
        (2, "Close to average", "Normal"),
        (3, "Slightly raised", "Borderline"),
        (4, "Slightly raised", "Abnormal"),
        (5, "High", "Abnormal"),
        (6, "Very high", "Abnormal"),
    ],
)
def test_sdq_peer_bands_follow_the_published_cut_offs(score: int, teacher: str, parent: str) -> None:
    peer = MeasureRule(key="sdq_peer", name="Peers", higher_is_better=False, bands=SDQ_BANDS["sdq_peer"])
    assert peer.band(score, "teacher") == teacher
    assert peer.band(score, "parent") == parent


def test_pupil_bands_are_left_out_until_confirmed() -> None:
    assert "pupil" not in SDQ_BANDS["sdq_emotional"]
    assert SDQ_EMOTIONAL.band(4, "pupil") is None


def test_bands_for_any_respondent_apply_when_the_respondent_has_none() -> None:
    bands = {"": (Band("Low", 12, 40), Band("Typical", 41, 60)), "teacher": (Band("Teacher view", 12, 60),)}
    stirling = MeasureRule(key="stirling", name="Wellbeing", higher_is_better=True, bands=bands)
    assert stirling.band(38, "pupil") == "Low"
    assert stirling.band(38) == "Low"
    assert stirling.band(38, "teacher") == "Teacher view"
    # Outside every band, and with no bands at all: no band.
    assert stirling.band(70) is None
    assert ATTENDANCE.band(80) is None


def test_reliable_change_amount_by_hand() -> None:
    # sd 4, reliability 0.68: 2 * 0.32 = 0.64, square root 0.8; 1.96 * 4 * 0.8 = 6.272.
    assert reliable_change_amount(4, 0.68) == pytest.approx(6.272)
    # Perfect reliability is not allowed, but none at all is: 1.96 * 2 * sqrt(2).
    assert reliable_change_amount(2, 0) == pytest.approx(3.92 * math.sqrt(2))


@pytest.mark.parametrize(
    ("sd", "reliability", "message"),
    [
        (0, 0.8, "the standard deviation must be a number more than 0, not 0"),
        (-1, 0.8, "the standard deviation must be"),
        (math.nan, 0.8, "the standard deviation must be"),
        (5, 1, "the reliability must be at least 0 and less than 1 .*, not 1"),
        (5, -0.1, "the reliability must be"),
        (5, 1.2, "the reliability must be"),
    ],
)
def test_reliable_change_amount_refuses_impossible_figures(sd: float, reliability: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        reliable_change_amount(sd, reliability)


def test_rules_and_bands_refuse_figures_that_make_no_sense() -> None:
    with pytest.raises(ValueError, match="put the lower end first"):
        Band("High", 6, 5)
    with pytest.raises(ValueError, match="must be more than 0"):
        MeasureRule(key="maths", name="Maths", higher_is_better=True, reliable_change=0)
