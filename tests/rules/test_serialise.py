"""Rule sets written as TOML and read back, and the errors a person sees for a bad file."""

from __future__ import annotations

import pytest

from joinedup.rules import RulesError, RuleSet, SdqRule, rules_from_toml, rules_to_dict, rules_to_toml


def test_the_defaults_are_the_published_ones() -> None:
    data = rules_to_dict(RuleSet())
    assert data["minimum_domains"] == 3
    assert data["social_care_statuses"] == ["CP", "LAC"]
    assert data["attendance"] == {"enabled": True, "below": 90.0}
    assert data["maths"] == {"enabled": True, "below_level": "expected", "below_score": 100.0, "score_floor": 80.0}
    assert data["emotional_wellbeing"] == {"enabled": True, "teacher": 5, "parent": 5, "pupil": 6}
    assert data["peer_relationships"] == {"enabled": True, "teacher": 5, "parent": 4, "pupil": 4}
    assert data["behaviour"] == {"enabled": False, "exclusions_at_least": 1}


def test_toml_is_readable_and_round_trips() -> None:
    rules = RuleSet(area='Brent "north"', version="2026.1", peer_relationships=SdqRule(teacher=6))
    text = rules_to_toml(rules)
    assert text.startswith('area = "Brent \\"north\\""\nversion = "2026.1"\nminimum_domains = 3\n')
    assert "\n[attendance]\nenabled = true\nbelow = 90.0\n" in text
    assert rules_from_toml(text) == rules


def test_a_partial_file_takes_defaults_for_the_rest() -> None:
    rules = rules_from_toml('area = "Westminster"\n[attendance]\nbelow = 92\n')
    assert rules == RuleSet(area="Westminster", attendance=RuleSet().attendance.__class__(below=92.0))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("minimum_domains = 0", "minimum_domains: expected a whole number from 1 to 9, found 0"),
        ("minimum_domains = true", "minimum_domains: expected a whole number from 1 to 9, found True"),
        ("area = ''", "area: expected some text, found ''"),
        ("social_care_statuses = 'CP'", "social_care_statuses: expected a list of text"),
        ("[attendance]\nbelow = 120", "attendance.below: expected a percentage from 0 to 100, found 120"),
        ("[attendance]\nbellow = 80", "attendance.bellow: unknown key; expected one of enabled, below"),
        ("[maths]\nbelow_level = 'low'", "maths.below_level: expected one of 'below', 'expected', 'above'"),
        ("[emotional_wellbeing]\nteacher = 11", "emotional_wellbeing.teacher: expected a whole number from 0 to 10"),
        ("[behaviour]\nenabled = 'yes'", "behaviour.enabled: expected true or false, found 'yes'"),
        ("attendance = 90", "attendance: expected a table of settings, found 90"),
        ("threshold = 3", "threshold: unknown key; expected one of area, version"),
        ("area = ", "the rules are not valid TOML"),
    ],
)
def test_errors_name_the_key_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(RulesError) as caught:
        rules_from_toml(text)
    assert str(caught.value).startswith(message)
