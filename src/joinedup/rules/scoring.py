"""Apply a rule set to whole year groups: who is at risk where, who is proposed, in what order.

Built for a million rows a run: each domain's rule becomes one small closure, decided once
from the rule set, and the explanation fragments for repeated values are built once and
shared (see ``_Cache``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from itertools import count, repeat
from operator import add, attrgetter, mul
from typing import Final, Literal, NamedTuple

from joinedup.rules.model import (
    ATTAINMENT_DOMAINS,
    DOMAINS,
    LEVELS,
    SDQ_DOMAINS,
    AttainmentRule,
    AttendanceRule,
    BehaviourRule,
    DisadvantageRule,
    Pupil,
    RuleSet,
    SdqRule,
)

__all__ = ["DOMAIN_NAMES", "Flag", "PupilDataError", "Result", "Route", "identify"]

Route = Literal["programme", "social_care", "not_proposed"]

#: How each domain is named in explanations and reports.
DOMAIN_NAMES: Final[dict[str, str]] = {
    "economic_disadvantage": "economic disadvantage",
    "attendance": "attendance",
    "reading": "reading",
    "writing": "writing",
    "maths": "maths",
    "english": "English",
    "emotional_wellbeing": "emotional wellbeing",
    "peer_relationships": "peer relationships",
    "behaviour": "behaviour",
}
_SDQ_NAMES: Final = {"emotional_wellbeing": "SDQ emotional symptoms", "peer_relationships": "SDQ peer problems"}
_SDQ_FIELDS: Final = {"emotional_wellbeing": "sdq_emotional", "peer_relationships": "sdq_peer"}
_LEVEL_PHRASES: Final = {"below": "below the expected standard", "expected": "at the expected standard (not above)"}


class PupilDataError(ValueError):
    """A pupil's value cannot be read by the rules; the message names the pupil and the field."""


class Flag(NamedTuple):
    """One domain in which a pupil is at risk: the value, and the threshold it crossed.

    ``severity`` is how far past the threshold the value is, from 0 (just past) towards 1
    (the worst possible value); yes/no indicators (free school meals, exclusions) have 0.
    """

    domain: str
    indicator: str
    value: float | str | bool
    threshold: float | str | bool
    severity: float
    text: str


class Result(NamedTuple):
    """What the rules say about one pupil. A suggestion for the school meeting, not a decision.

    ``rank`` is the pupil's place within their school and year group: the proposed list
    first, then those not proposed, then the social care list; within each, economically
    disadvantaged pupils first, then more domains at risk, then greater severity (the sum of
    the flags' severities), then UPN.
    """

    upn: str
    school_urn: str
    year_group: int
    route: Route
    proposed: bool
    n_domains: int
    domains_at_risk: tuple[Flag, ...]
    domains_missing: tuple[str, ...]
    disadvantaged: bool | None
    severity: float
    explanation: str
    rank: int


# A check returns a Flag when at risk, False when not, None when the data is missing.
Check = Callable[[Pupil], Flag | bool | None]


def _num(value: float) -> str:
    return f"{value:g}"


def _disadvantage_check(rule: DisadvantageRule) -> Check:
    fsm_flag = Flag("economic_disadvantage", "fsm", True, True, 0.0, "eligible for free school meals")
    pp_flag = Flag("economic_disadvantage", "pupil_premium", True, True, 0.0, "eligible for pupil premium")
    use_fsm, use_pp = rule.fsm, rule.pupil_premium

    def check(pupil: Pupil) -> Flag | bool | None:
        fsm = pupil.fsm if use_fsm else False
        if fsm:
            return fsm_flag
        pp = pupil.pupil_premium if use_pp else False
        if pp:
            return pp_flag
        # Not disadvantaged only when every indicator in use says so.
        return None if fsm is None or pp is None else False

    return check


def _attendance_check(rule: AttendanceRule) -> Check:
    below = rule.below
    cache: dict[float, Flag] = {}

    def check(pupil: Pupil) -> Flag | bool | None:
        value = pupil.attendance_pct
        if value is None:
            return None
        if value >= below:
            return False
        flag = cache.get(value)
        if flag is None:
            severity = min(1.0, (below - value) / below) if below > 0 else 1.0
            text = f"attendance {_num(value)}% (below {_num(below)}%)"
            flag = cache[value] = Flag("attendance", "attendance_pct", value, below, severity, text)
        return flag

    return check


#: Which year groups each subject is expected for: English in secondary school (Year 7 and up),
#: reading and writing in primary, maths in both. A blank subject outside its phase is not
#: missing data; a value given is always checked.
SUBJECT_APPLIES: Final[dict[str, Callable[[int], bool]]] = {
    "reading": lambda year: year <= 6,
    "writing": lambda year: year <= 6,
    "maths": lambda year: True,
    "english": lambda year: year >= 7,
}


def _attainment_check(domain: str, rule: AttainmentRule) -> Check:
    get = attrgetter(domain)
    name = DOMAIN_NAMES[domain]
    threshold_rank = LEVELS.index(rule.below_level)
    levels: dict[object, Flag | bool] = {}
    for rank, level in enumerate(LEVELS):
        if rank < threshold_rank:
            severity = (threshold_rank - rank) / threshold_rank
            text = f"{name} {_LEVEL_PHRASES[level]}"
            levels[level] = Flag(domain, domain, level, rule.below_level, severity, text)
        else:
            levels[level] = False
    below, floor = rule.below_score, rule.score_floor
    scores: dict[float, Flag] = {}

    applies = SUBJECT_APPLIES[domain]

    def check(pupil: Pupil) -> Flag | bool | None:
        value = get(pupil)
        if value is None:
            # A subject the pupil's phase is not assessed in is not missing data: it does not count.
            return None if applies(pupil.year_group) else False
        known = levels.get(value)
        if known is not None:
            return known
        if isinstance(value, str):
            raise PupilDataError(
                f"pupil {pupil.upn}: {domain} is ‘{value}’; expected one of {', '.join(LEVELS)} or a score"
            )
        if value >= below:
            return False
        flag = scores.get(value)
        if flag is None:
            severity = min(1.0, (below - value) / (below - floor)) if below > floor else 1.0
            text = f"{name} score {_num(value)} (below {_num(below)})"
            flag = scores[value] = Flag(domain, domain, value, below, severity, text)
        return flag

    return check


def _sdq_check(domain: str, rule: SdqRule) -> Check:
    field = _SDQ_FIELDS[domain]
    get = attrgetter(field)
    tables: dict[object, dict[int, Flag | bool]] = {}
    for respondent in ("teacher", "parent", "pupil"):
        threshold = rule.threshold(respondent)
        table: dict[int, Flag | bool] = {}
        for score in range(11):
            if score >= threshold:
                text = f"{_SDQ_NAMES[domain]} {score} ({respondent}; {threshold} or more)"
                severity = (score - threshold + 1) / (11 - threshold)
                table[score] = Flag(domain, field, score, threshold, severity, text)
            else:
                table[score] = False
        tables[respondent] = table

    def check(pupil: Pupil) -> Flag | bool | None:
        value = get(pupil)
        if value is None:
            return None
        table = tables.get(pupil.respondent)
        if table is None:
            expected = "teacher, parent or pupil"
            raise PupilDataError(f"pupil {pupil.upn}: respondent is {pupil.respondent!r}; expected {expected}")
        result = table.get(value)
        if result is None:
            raise PupilDataError(f"pupil {pupil.upn}: {field} is {value!r}; expected a whole number from 0 to 10")
        return result

    return check


def _behaviour_check(rule: BehaviourRule) -> Check:
    at_least = rule.exclusions_at_least
    cache: dict[int, Flag] = {}

    def check(pupil: Pupil) -> Flag | bool | None:
        value = pupil.exclusions
        if value is None:
            return None
        if value < at_least:
            return False
        flag = cache.get(value)
        if flag is None:
            text = f"{value} exclusion{'' if value == 1 else 's'} ({at_least} or more)"
            flag = cache[value] = Flag("behaviour", "exclusions", value, at_least, 0.0, text)
        return flag

    return check


# What each domain's check reads from a pupil: pupils with the same values get the same outcome.
_CHECK_READS: Final[dict[str, tuple[str, ...]]] = {
    "economic_disadvantage": ("fsm", "pupil_premium"),
    "attendance": ("attendance_pct",),
    **{domain: (domain, "year_group") for domain in ATTAINMENT_DOMAINS},
    **{domain: ("respondent", _SDQ_FIELDS[domain]) for domain in SDQ_DOMAINS},
    "behaviour": ("exclusions",),
}


def _checks(rules: RuleSet) -> list[tuple[str, Check]]:
    checks: list[tuple[str, Check]] = []
    for domain in DOMAINS:
        rule = getattr(rules, domain)
        if not rule.enabled:
            continue
        if domain == "economic_disadvantage":
            checks.append((domain, _disadvantage_check(rule)))
        elif domain == "attendance":
            checks.append((domain, _attendance_check(rule)))
        elif domain in ATTAINMENT_DOMAINS:
            checks.append((domain, _attainment_check(domain, rule)))
        elif domain in SDQ_DOMAINS:
            checks.append((domain, _sdq_check(domain, rule)))
        else:
            checks.append((domain, _behaviour_check(rule)))
    return checks


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _missing_sentence(missing: tuple[str, ...]) -> str:
    survey = [DOMAIN_NAMES[d] for d in missing if d in SDQ_DOMAINS]
    other = [DOMAIN_NAMES[d] for d in missing if d not in SDQ_DOMAINS]
    sentences = []
    if other:
        sentences.append(f" No data for {_and(other)}.")
    if survey:
        sentences.append(f" No survey return for {_and(survey)}.")
    return "".join(sentences)


def identify(pupils: Iterable[Pupil], rules: RuleSet) -> list[Result]:
    """Apply ``rules`` to every pupil; results come back in the order the pupils came in.

    Missing data is listed in ``domains_missing`` and never counts as at risk or not at
    risk. Children whose ``social_care_status`` is in ``rules.social_care_statuses`` are
    routed to the social care list, not dropped.

    Args:
        pupils: whole year groups (ranks are within each school and year group).
        rules: the rule set to apply.

    Raises:
        PupilDataError: for a value the rules cannot read (an unknown attainment level, an
            SDQ score outside 0-10 or without a known respondent).

    >>> pupil = Pupil(upn="A1", school_urn="100001", year_group=5, fsm=True, attendance_pct=84.0,
    ...               reading="expected", writing="expected", maths="below", english="expected",
    ...               respondent="teacher", sdq_emotional=7)
    >>> result = identify([pupil], RuleSet())[0]
    >>> result.route, result.n_domains, result.rank
    ('programme', 4, 1)
    >>> print(result.explanation)
    At risk in 4 areas: eligible for free school meals, attendance 84% (below 90%), maths below the expected \
standard and SDQ emotional symptoms 7 (teacher; 5 or more). No survey return for peer relationships.
    """
    # A million rows make millions of small objects that all live to the end; the cyclic
    # garbage collector would walk them again and again (half the run time) to find no cycles.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _identify(pupils, rules)
    finally:
        if collecting:
            gc.enable()


def _identify(pupils: Iterable[Pupil], rules: RuleSet) -> list[Result]:
    # Column by column, as the readers work: for each domain, the values each pupil has (one
    # C-level map), each distinct value checked once, on the first pupil that has it; then each
    # distinct combination of outcomes (and social care status) summarised once. Python-level
    # work per pupil is left to ranking.
    pupils = pupils if isinstance(pupils, list) else list(pupils)
    checks = _checks(rules)
    domains = [domain for domain, _ in checks]
    outcome_columns: list[list[int]] = []
    outcomes_by_domain: list[list[Flag | bool | None]] = []
    unreadable: list[tuple[int, int, PupilDataError]] = []
    # A stand-in pupil carries each distinct value to the check; only for a value the check
    # refuses is the first real pupil with it found, for the error to name.
    proxy: Pupil = object.__new__(Pupil)
    proxy.upn = ""
    for position, (domain, check) in enumerate(checks):
        fields = _CHECK_READS[domain]
        values = list(map(attrgetter(*fields), pupils))
        outcomes: list[Flag | bool | None] = []
        # Numbered by outcome, not by value: every attendance of 90% or more is the same False.
        outcome_numbers: dict[int, int] = {}
        numbers = dict.fromkeys(values, 0)
        for value in numbers:
            for field, field_value in zip(fields, value if len(fields) > 1 else (value,), strict=True):
                setattr(proxy, field, field_value)
            try:
                outcome = check(proxy)
            except PupilDataError:
                index = values.index(value)
                try:
                    check(pupils[index])
                except PupilDataError as error:
                    unreadable.append((index, position, error))
                outcome = None
            number = outcome_numbers.get(id(outcome))  # the checks share one Flag per value
            if number is None:
                number = outcome_numbers[id(outcome)] = len(outcomes)
                outcomes.append(outcome)
            numbers[value] = number
        outcomes_by_domain.append(outcomes)
        outcome_columns.append(list(map(numbers.__getitem__, values)))
    if unreadable:
        # The error the first unreadable pupil (and its first unreadable domain) gives.
        raise min(unreadable, key=lambda found: found[:2])[2]

    # Only a status routed to social care changes a result; others count as none (fewer combinations).
    routed = {status: status for status in rules.social_care_statuses}
    statuses = map(routed.get, map(attrgetter("social_care_status"), pupils))
    combination_numbers: dict[tuple[object, ...], int] = {}
    combinations = list(map(combination_numbers.setdefault, zip(*outcome_columns, statuses, strict=True), count()))
    bodies: dict[int, tuple[object, ...]] = {}
    sort_keys: dict[int, tuple[int, float]] = {}
    summarise = _Summariser(rules, domains)
    # Outcomes are numbered by object, so different numbers are different flags or missing domains.
    by_outcomes: dict[tuple[object, ...], _Common] = {}
    for combination, number in combination_numbers.items():
        outcome_key = combination[:-1]
        common = by_outcomes.get(outcome_key)
        if common is None:
            outcomes_here = [
                domain_outcomes[outcome]  # type: ignore[call-overload]  # the numbers made above
                for domain_outcomes, outcome in zip(outcomes_by_domain, outcome_key, strict=True)
            ]
            common = by_outcomes[outcome_key] = summarise.common(outcomes_here)
        status: str | None = combination[-1]  # type: ignore[assignment]  # the last is the status
        bodies[number], sort_keys[number] = summarise(common, status)

    # Ranks within each school and year group: one sort of (group and place, UPN, index), where
    # the place is that of (priority, -severity) among the few distinct ones, so most comparisons
    # are of one integer.
    places = {key: place for place, key in enumerate(sorted(set(sort_keys.values())))}
    place_of = {number: places[key] for number, key in sort_keys.items()}
    upns = list(map(attrgetter("upn"), pupils))
    urns = list(map(attrgetter("school_urn"), pupils))
    years = list(map(attrgetter("year_group"), pupils))
    group_numbers: dict[tuple[str, int], int] = {}
    group_of = list(map(group_numbers.setdefault, zip(urns, years, strict=True), count()))
    width = len(places)
    primary = map(add, map(mul, group_of, repeat(width)), map(place_of.__getitem__, combinations))
    order = sorted(zip(primary, upns, count()))
    ranks = [0] * len(pupils)
    rank, previous = 0, -1
    for key, _upn, index in order:
        group = key // width
        if group != previous:
            rank, previous = 0, group
        rank += 1
        ranks[index] = rank
    heads = zip(upns, urns, years, strict=True)
    rows = map(add, map(add, heads, map(bodies.__getitem__, combinations)), zip(ranks, strict=True))
    return list(map(tuple.__new__, repeat(Result), rows))


# n, flags, missing domains, disadvantaged, severity, explanation: shared by pupils with the same outcomes.
_Common = tuple[int, tuple[Flag, ...], tuple[str, ...], bool | None, float, str]


class _Summariser:
    """Turns one combination of check outcomes and a social care status into a result's middle fields."""

    def __init__(self, rules: RuleSet, domains: list[str]) -> None:
        self.domains = domains
        self.disadvantage_on = rules.economic_disadvantage.enabled
        self.minimum = rules.minimum_domains
        self.routed = frozenset(rules.social_care_statuses)
        self.missing_sentences: dict[tuple[str, ...], str] = {}
        self.care_explanations: dict[tuple[str, str], str] = {}

    def common(self, outcomes: list[Flag | bool | None]) -> _Common:
        """What every pupil with these outcomes shares, whatever their social care status.

        Called once per distinct combination of outcomes, so the tuples and the explanation are
        the same objects for every pupil with it: cheap to compare and to memoise on
        (write_cohort does).
        """
        flags: tuple[Flag, ...] = tuple([outcome for outcome in outcomes if outcome])  # type: ignore[misc]
        missing = tuple([domain for domain, outcome in zip(self.domains, outcomes, strict=True) if outcome is None])
        severity, explanation = self._explain(flags, missing)
        n = len(flags)
        if not self.disadvantage_on:
            disadvantaged: bool | None = False
        elif n and flags[0].domain == "economic_disadvantage":
            disadvantaged = True
        else:
            disadvantaged = None if missing and missing[0] == "economic_disadvantage" else False
        return n, flags, missing, disadvantaged, severity, explanation

    def __call__(self, common: _Common, status: str | None) -> tuple[tuple[object, ...], tuple[int, float]]:
        """(route … explanation) for the Result, and (priority, -severity) for the ranking."""
        n, flags, missing, disadvantaged, severity, explanation = common
        if status is not None and status in self.routed:
            with_care = self.care_explanations.get((status, explanation))
            if with_care is None:
                prefix = f"Known to children's social care ({status}): on the social care list. "
                with_care = self.care_explanations[(status, explanation)] = prefix + explanation
            explanation = with_care
            route: Route = "social_care"
            priority = 200
        elif n >= self.minimum:
            route = "programme"
            priority = 0
        else:
            route = "not_proposed"
            priority = 100
        # One small integer carries route, disadvantage and count, so the sort key stays short.
        priority += (0 if disadvantaged else 50) + (49 - n)
        body = (route, route == "programme", n, flags, missing, disadvantaged, severity, explanation)
        return body, (priority, -severity)

    def _explain(self, flags: tuple[Flag, ...], missing: tuple[str, ...]) -> tuple[float, str]:
        severity = 0.0
        for flag in flags:  # summed in domain order, as the severity has always been
            severity += flag.severity
        n = len(flags)
        if n > 1:
            explanation = f"At risk in {n} areas: {', '.join([flag.text for flag in flags[:-1]])} and {flags[-1].text}."
        elif n:
            explanation = f"At risk in 1 area: {flags[0].text}."
        else:
            explanation = "Not at risk in any area."
        if missing:
            sentence = self.missing_sentences.get(missing)
            if sentence is None:
                sentence = self.missing_sentences[missing] = _missing_sentence(missing)
            explanation += sentence
        return severity, explanation
