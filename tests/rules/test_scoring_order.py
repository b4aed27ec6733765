"""identify() checks each distinct value once; what it reports must not depend on that."""

from __future__ import annotations

import pytest

from joinedup.rules import Pupil, PupilDataError, RuleSet, identify


def test_the_first_unreadable_pupil_is_named() -> None:
    pupils = [
        Pupil(upn="U1", school_urn="1", year_group=5, maths="below"),
        Pupil(upn="U2", school_urn="1", year_group=5, respondent="nobody", sdq_peer=3),  # later domain
        Pupil(upn="U3", school_urn="1", year_group=5, reading="great"),  # earlier domain, later pupil
    ]

    with pytest.raises(PupilDataError, match="pupil U2: respondent is 'nobody'"):
        identify(pupils, RuleSet())


def test_equal_values_share_their_flag_and_explanation() -> None:
    pupils = [
        Pupil(upn=f"U{i}", school_urn="1", year_group=5, fsm=True, attendance_pct=80.0, maths="below") for i in range(3)
    ]

    first, second, third = identify(iter(pupils), RuleSet())

    assert first.explanation == second.explanation == third.explanation
    assert first.domains_at_risk is second.domains_at_risk
    assert [result.rank for result in (first, second, third)] == [1, 2, 3]


def test_no_pupils_no_results() -> None:
    assert identify([], RuleSet()) == []
