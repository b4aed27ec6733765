"""Properties that must hold for any rules and any pupils."""

from __future__ import annotations

from dataclasses import replace
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from joinedup.rules import Pupil, RuleSet, identify, rules_from_dict, rules_from_toml, rules_to_dict, rules_to_toml
from tests.rules.strategies import cohorts, rule_sets, stricter


def proposed(pupils: list[Pupil], rules: RuleSet) -> set[str]:
    return {result.upn for result in identify(pupils, rules) if result.proposed}


@given(cohorts(), rule_sets, st.data())
def test_stricter_thresholds_never_add_children(pupils: list[Pupil], rules: RuleSet, data: st.DataObject) -> None:
    strict = data.draw(stricter(rules))
    assert proposed(pupils, strict) <= proposed(pupils, rules)


@given(cohorts(), rule_sets, st.integers(0, 8))
def test_a_higher_minimum_never_adds_children(pupils: list[Pupil], rules: RuleSet, more: int) -> None:
    higher = replace(rules, minimum_domains=min(9, rules.minimum_domains + more))
    assert proposed(pupils, higher) <= proposed(pupils, rules)


@given(cohorts(), rule_sets, st.randoms(use_true_random=False))
def test_identify_is_deterministic_and_independent_of_input_order(
    pupils: list[Pupil], rules: RuleSet, random: Random
) -> None:
    first = identify(pupils, rules)
    assert identify(pupils, rules) == first
    shuffled = list(pupils)
    random.shuffle(shuffled)
    # With distinct UPNs even the ranks do not depend on the order rows arrive in.
    assert sorted(identify(shuffled, rules)) == sorted(first)


@given(cohorts(), rule_sets)
def test_counts_and_routes_agree(pupils: list[Pupil], rules: RuleSet) -> None:
    for pupil, result in zip(pupils, identify(pupils, rules), strict=True):
        assert result.upn == pupil.upn
        assert result.n_domains == len(result.domains_at_risk)
        assert not {flag.domain for flag in result.domains_at_risk} & set(result.domains_missing)
        assert result.proposed == (result.route == "programme")
        if result.route == "programme":
            assert result.n_domains >= rules.minimum_domains


@given(rule_sets)
def test_toml_round_trips_any_rule_set(rules: RuleSet) -> None:
    assert rules_from_toml(rules_to_toml(rules)) == rules


@given(rule_sets)
def test_dict_round_trips_any_rule_set(rules: RuleSet) -> None:
    assert rules_from_dict(rules_to_dict(rules)) == rules
