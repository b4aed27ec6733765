"""Fairness figures on a population with known answers, and the published criteria."""

from __future__ import annotations

from dataclasses import replace

import pytest

from joinedup.rules import BehaviourRule, FairnessRow, Pupil, RuleSet, fairness_report, identify, rules_report

RULES = RuleSet()


def population() -> list[Pupil]:
    """40 girls (20 identified) and 20 boys (5 identified); 3 pupils with SEN, 2 identified."""
    pupils = []
    for i in range(60):
        girl = i < 40
        at_risk = i < 20 or 40 <= i < 45
        pupils.append(
            Pupil(
                upn=f"U{i:02d}",
                school_urn="100001",
                year_group=5,
                sex="F" if girl else "M",
                sen="K" if i in (0, 1, 59) else None,
                fsm=at_risk,
                pupil_premium=False,
                attendance_pct=80.0 if at_risk else 99.0,
                maths="below" if at_risk else "expected",
            )
        )
    return pupils


def by_value(rows: list[FairnessRow]) -> dict[tuple[str, str], FairnessRow]:
    return {(row.group, row.value): row for row in rows}


def test_rates_and_ratios_on_a_known_population() -> None:
    pupils = population()
    rows = by_value(fairness_report(pupils, identify(pupils, RULES)))
    assert rows["all", "all"] == FairnessRow("all", "all", 60, 25, 25 / 60, 1.0)
    for sex, screened, identified in (("F", 40, 20), ("M", 20, 5)):
        row = rows["sex", sex]
        assert (row.screened, row.identified, row.rate) == (screened, identified, identified / screened)
        assert row.ratio == pytest.approx((identified / screened) / (25 / 60))
    # 0 of the 35 not disadvantaged were identified: hidden, and so the 25 of the disadvantaged
    # too, since 25 = 25 (everyone) - 0 would give it away.
    assert rows["economic_disadvantage", "True"] == FairnessRow(
        "economic_disadvantage", "True", 25, "hidden", None, None
    )
    assert rows["economic_disadvantage", "False"] == FairnessRow("economic_disadvantage", "False", 35, "<5", None, None)


def test_small_counts_are_suppressed_with_the_rates_that_would_reveal_them() -> None:
    pupils = population()
    rows = by_value(fairness_report(pupils, identify(pupils, RULES), groups=["sen"]))
    assert rows["sen", "K"] == FairnessRow("sen", "K", "<5", "<5", None, None)
    # 57 screened and 23 identified would be safe alone, but with the 60 and 25 of everyone they
    # would give away the 3 and 2 of SEN support: hidden as well (secondary suppression).
    assert rows["sen", "missing"] == FairnessRow("sen", "missing", "hidden", "hidden", None, None)


def test_one_small_count_in_a_group_hides_the_next_smallest_too() -> None:
    # English as an additional language: 4 not recorded, 40 yes, 76 no; 60 identified in all.
    pupils = [
        Pupil(
            upn=f"U{i:03d}",
            school_urn="1",
            year_group=5,
            eal=None if i < 4 else i < 44,
            fsm=i % 2 == 0,
            attendance_pct=80.0,
            maths="below",
        )
        for i in range(120)
    ]
    rows = by_value(fairness_report(pupils, identify(pupils, RULES), groups=["eal"]))
    # Without the 40 hidden too, 120 - 40 - 76 would give away the 4 not recorded.
    assert [rows["eal", value].screened for value in ("missing", "True", "False")] == ["<5", "hidden", 76]
    assert rows["eal", "True"].rate is None
    assert rows["eal", "False"].rate == 38 / 76


def test_a_rate_is_withheld_when_few_were_not_identified() -> None:
    pupils = population()[:23]  # 20 identified, 3 not
    [overall, *groups] = fairness_report(pupils, identify(pupils, RULES), groups=["sex"])
    assert overall.rate == 20 / 23
    assert groups == [FairnessRow("sex", "F", 23, 20, None, None)]


def test_results_must_match_the_pupils() -> None:
    pupils = population()
    with pytest.raises(ValueError, match="one result per pupil"):
        fairness_report(pupils, identify(pupils[:3], RULES))
    with pytest.raises(ValueError, match="not in the pupils' order"):
        fairness_report(pupils[::-1], identify(pupils, RULES))


def test_the_rules_report_lists_exactly_the_criteria_used() -> None:
    report = rules_report(replace(RULES, area="Brent", version="2026.1"))
    assert report.splitlines() == [
        "Identification rules for Brent, version 2026.1.",
        "A child is at risk in:",
        "- economic disadvantage when eligible for free school meals or pupil premium;",
        "- attendance when attendance is below 90%;",
        "- reading when the teacher assessment is below the expected standard, or a score is below 100;",
        "- writing when the teacher assessment is below the expected standard, or a score is below 100;",
        "- maths when the teacher assessment is below the expected standard, or a score is below 100;",
        "- English when the teacher assessment is below the expected standard, or a score is below 100;",
        "- emotional wellbeing when the SDQ emotional symptoms score is 5 or more (teacher), 5 or more (parent) "
        "or 6 or more (pupil's own);",
        "- peer relationships when the SDQ peer problems score is 5 or more (teacher), 4 or more (parent) "
        "or 4 or more (pupil's own).",
        "Missing data counts neither way: it is shown as missing. English is looked at from Year 7, reading and "
        "writing up to Year 6; a blank subject outside those years is not missing.",
        "A child at risk in 3 or more areas is proposed for the programme.",
        "A child known to children's social care at CP or LAC level goes on a separate social care list.",
        "Within each school and year group, the list is ordered: economically disadvantaged children first, then "
        "by the number of areas, then by how far past the thresholds they are.",
        "The list is a suggestion: the school and the programme decide together, and record why.",
    ]
    assert "- behaviour when the child has 2 or more exclusions." in rules_report(
        replace(RULES, behaviour=BehaviourRule(enabled=True, exclusions_at_least=2))
    )
