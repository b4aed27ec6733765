"""The rules flag exactly the planted children, with the right reasons, routes and order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from joinedup.rules import (
    AttainmentRule,
    BehaviourRule,
    Flag,
    Pupil,
    PupilDataError,
    Result,
    RuleSet,
    identify,
)

RULES = RuleSet()


def pupil(upn: str = "A1", **fields: Any) -> Pupil:
    """A pupil with every indicator present and not at risk, except what ``fields`` say."""
    values: dict[str, Any] = {
        "school_urn": "100001",
        "year_group": 5,
        "attendance_pct": 97.0,
        "reading": "expected",
        "writing": "expected",
        "maths": "above",
        "english": "expected",
        "fsm": False,
        "pupil_premium": False,
        "exclusions": 0,
        "respondent": "teacher",
        "sdq_emotional": 1,
        "sdq_peer": 1,
    }
    values.update(fields)
    return Pupil(upn=upn, **values)


def one(p: Pupil, rules: RuleSet = RULES) -> Result:
    [result] = identify([p], rules)
    return result


def test_the_example_child_is_proposed_with_a_plain_english_reason() -> None:
    result = one(pupil(fsm=True, attendance_pct=84.0, maths="below", sdq_emotional=7, sdq_peer=None))
    assert result.route == "programme"
    assert result.proposed
    assert result.n_domains == 4
    assert [(f.domain, f.value, f.threshold) for f in result.domains_at_risk] == [
        ("economic_disadvantage", True, True),
        ("attendance", 84.0, 90.0),
        ("maths", "below", "expected"),
        ("emotional_wellbeing", 7, 5),
    ]
    assert result.domains_missing == ("peer_relationships",)
    assert result.explanation == (
        "At risk in 4 areas: eligible for free school meals, attendance 84% (below 90%), maths below the expected "
        "standard and SDQ emotional symptoms 7 (teacher; 5 or more). No survey return for peer relationships."
    )


def test_a_child_with_no_risks_is_not_proposed() -> None:
    result = one(pupil())
    assert (result.route, result.proposed, result.n_domains, result.domains_at_risk) == ("not_proposed", False, 0, ())
    assert result.explanation == "Not at risk in any area."


def test_two_areas_are_not_enough_by_default_but_are_when_the_minimum_is_two() -> None:
    child = pupil(pupil_premium=True, reading="below")
    assert one(child).route == "not_proposed"
    assert one(child).explanation == (
        "At risk in 2 areas: eligible for pupil premium and reading below the expected standard."
    )
    assert one(child, replace(RULES, minimum_domains=2)).route == "programme"


@pytest.mark.parametrize(
    ("fields", "domain", "value", "threshold", "text"),
    [
        ({"attendance_pct": 89.9}, "attendance", 89.9, 90.0, "attendance 89.9% (below 90%)"),
        ({"writing": "below"}, "writing", "below", "expected", "writing below the expected standard"),
        ({"maths": 99.0}, "maths", 99.0, 100.0, "maths score 99 (below 100)"),
        ({"english": "below"}, "english", "below", "expected", "English below the expected standard"),
        ({"sdq_emotional": 5}, "emotional_wellbeing", 5, 5, "SDQ emotional symptoms 5 (teacher; 5 or more)"),
        ({"sdq_peer": 5}, "peer_relationships", 5, 5, "SDQ peer problems 5 (teacher; 5 or more)"),
        (
            {"respondent": "parent", "sdq_peer": 4},
            "peer_relationships",
            4,
            4,
            "SDQ peer problems 4 (parent; 4 or more)",
        ),
        (
            {"respondent": "pupil", "sdq_emotional": 6},
            "emotional_wellbeing",
            6,
            6,
            "SDQ emotional symptoms 6 (pupil; 6 or more)",
        ),
    ],
)
def test_each_default_threshold_flags_the_planted_value(
    fields: dict[str, Any], domain: str, value: object, threshold: object, text: str
) -> None:
    [flag] = one(pupil(**fields)).domains_at_risk
    assert (flag.domain, flag.value, flag.threshold, flag.text) == (domain, value, threshold, text)


@pytest.mark.parametrize(
    "fields",
    [
        {"attendance_pct": 90.0},
        {"maths": 100.0},
        {"maths": "expected"},
        {"sdq_emotional": 4},
        {"sdq_peer": 4},
        {"respondent": "parent", "sdq_emotional": 4, "sdq_peer": 3},
        {"respondent": "pupil", "sdq_emotional": 5, "sdq_peer": 3},
        {"exclusions": 3},
    ],
)
def test_values_just_inside_a_threshold_are_not_flagged(fields: dict[str, Any]) -> None:
    assert one(pupil(**fields)).domains_at_risk == ()


def test_behaviour_counts_only_when_switched_on() -> None:
    child = pupil(exclusions=2)
    assert one(child).domains_at_risk == ()
    rules = replace(RULES, behaviour=BehaviourRule(enabled=True))
    [flag] = one(child, rules).domains_at_risk
    assert flag == Flag("behaviour", "exclusions", 2, 1, 0.0, "2 exclusions (1 or more)")


def test_a_stricter_attainment_level_flags_expected_too() -> None:
    rules = replace(RULES, reading=AttainmentRule(below_level="above"))
    [flag] = one(pupil(), rules).domains_at_risk
    assert flag.text == "reading at the expected standard (not above)"


def test_missing_data_is_listed_and_counts_neither_way() -> None:
    child = pupil(fsm=None, pupil_premium=None, attendance_pct=None, reading=None, respondent=None, sdq_emotional=None)
    child.sdq_peer = None
    result = one(child)
    assert result.domains_missing == (
        "economic_disadvantage",
        "attendance",
        "reading",
        "emotional_wellbeing",
        "peer_relationships",
    )
    assert result.n_domains == 0
    assert result.disadvantaged is None
    assert result.explanation == (
        "Not at risk in any area. No data for economic disadvantage, attendance and reading. "
        "No survey return for emotional wellbeing and peer relationships."
    )


def test_missing_data_does_not_stop_a_child_with_enough_risks_being_proposed() -> None:
    result = one(pupil(attendance_pct=None, fsm=True, maths="below", writing="below"))
    assert result.route == "programme"
    assert result.domains_missing == ("attendance",)


def test_one_economic_indicator_is_enough_when_the_other_is_missing() -> None:
    assert one(pupil(fsm=None, pupil_premium=True)).disadvantaged is True
    assert one(pupil(fsm=False, pupil_premium=None)).domains_missing == ("economic_disadvantage",)


@pytest.mark.parametrize("status", ["CP", "LAC"])
def test_child_protection_and_looked_after_children_go_to_the_social_care_list(status: str) -> None:
    result = one(pupil(social_care_status=status, fsm=True, attendance_pct=80.0, maths="below"))
    assert (result.route, result.proposed, result.n_domains) == ("social_care", False, 3)
    assert result.explanation.startswith(f"Known to children's social care ({status}): on the social care list. ")


def test_children_in_need_stay_on_the_programme_list_unless_configured() -> None:
    child = pupil(social_care_status="CIN", fsm=True, attendance_pct=80.0, maths="below")
    assert one(child).route == "programme"
    assert one(child, replace(RULES, social_care_statuses=("CIN", "CP", "LAC"))).route == "social_care"


def test_ranking_within_school_and_year_group() -> None:
    pupils = [
        # Not disadvantaged, five areas: after every disadvantaged child on the list.
        pupil("E", attendance_pct=70.0, reading="below", writing="below", maths="below", english="below"),
        # Disadvantaged, three areas, mild.
        pupil("C", fsm=True, attendance_pct=89.0, maths="below"),
        # Disadvantaged, three areas, severe attendance: before C.
        pupil("B", fsm=True, attendance_pct=50.0, maths="below"),
        # Disadvantaged, four areas: first.
        pupil("A", fsm=True, attendance_pct=89.0, maths="below", reading="below"),
        # Same as C in every way: the UPN breaks the tie.
        pupil("D", fsm=True, attendance_pct=89.0, maths="below"),
        # Not proposed: after the list, whatever their disadvantage.
        pupil("F", fsm=True),
        # Social care list: last.
        pupil("G", fsm=True, attendance_pct=10.0, maths="below", social_care_status="LAC"),
        # Another year group ranks on its own.
        pupil("H", year_group=6),
        pupil("I", school_urn="100002"),
    ]
    results = identify(pupils, RULES)
    assert [r.upn for r in results] == [p.upn for p in pupils]
    assert {r.upn: r.rank for r in results} == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7, "H": 1, "I": 1}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"maths": "working towards"}, "pupil A1: maths is ‘working towards’; expected one of below, expected, above"),
        ({"sdq_peer": 11}, "pupil A1: sdq_peer is 11; expected a whole number from 0 to 10"),
        ({"respondent": "carer"}, "pupil A1: respondent is 'carer'; expected teacher, parent or pupil"),
        ({"respondent": None}, "pupil A1: respondent is None; expected teacher, parent or pupil"),
    ],
)
def test_values_the_rules_cannot_read_are_reported_with_pupil_and_field(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(PupilDataError, match="^" + message.replace("(", r"\(")):
        identify([pupil(**fields)], RULES)


def test_identification_leaves_garbage_collection_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    identify([pupil()], RULES)
    assert gc.isenabled()


def test_a_subject_outside_the_pupils_phase_is_not_missing() -> None:
    primary = Pupil(upn="P1", school_urn="1", year_group=5, reading="below", writing="expected", maths="below")
    secondary = Pupil(upn="S1", school_urn="1", year_group=8, english="below", maths="expected")
    unknown = Pupil(upn="S2", school_urn="1", year_group=9, maths="expected")
    results = {result.upn: result for result in identify([primary, secondary, unknown], RuleSet())}
    assert "english" not in results["P1"].domains_missing
    assert not {"reading", "writing"} & set(results["S1"].domains_missing)
    assert "english" in results["S2"].domains_missing
    assert "No data for English" not in results["P1"].explanation
