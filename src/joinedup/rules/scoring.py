"""Apply a rule set to whole year groups: who is at risk where, who is proposed, in what order.

Built for a million rows a run: each domain's rule becomes one small closure, decided once
from the rule set, and the explanation fragments for repeated values are built once and
shared (see ``_Cache``).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
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

    def check(pupil: Pupil) -> Flag | bool | None:
        value = get(pupil)
        if value is None:
            return None
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

    def check(pupil: Pupil) -> Flag | bool | None:
        value = pupil.exclusions
        if value is None:
            return None
        if value < at_least:
            return False
        text = f"{value} exclusion{'' if value == 1 else 's'} ({at_least} or more)"
        return Flag("behaviour", "exclusions", value, at_least, 0.0, text)

    return check


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
    checks = _checks(rules)
    disadvantage_on = rules.economic_disadvantage.enabled
    minimum = rules.minimum_domains
    routed = frozenset(rules.social_care_statuses)
    missing_sentences: dict[tuple[str, ...], str] = {}
    care_prefix: dict[str, str] = {}
    rows: list[list[object]] = []
    groups: dict[tuple[str, int], list[tuple[int, float, str, int]]] = {}
    append = rows.append

    for index, pupil in enumerate(pupils):
        flags: list[Flag] = []
        missing: list[str] = []
        severity = 0.0
        for domain, check in checks:
            outcome = check(pupil)
            if outcome:
                flags.append(outcome)  # type: ignore[arg-type]  # truthy outcomes are Flags
                severity += outcome.severity  # type: ignore[union-attr]
            elif outcome is None:
                missing.append(domain)
        n = len(flags)
        if n > 1:
            explanation = f"At risk in {n} areas: {', '.join([flag.text for flag in flags[:-1]])} and {flags[-1].text}."
        elif n:
            explanation = f"At risk in 1 area: {flags[0].text}."
        else:
            explanation = "Not at risk in any area."
        missing_tuple = tuple(missing)
        if missing_tuple:
            sentence = missing_sentences.get(missing_tuple)
            if sentence is None:
                sentence = missing_sentences[missing_tuple] = _missing_sentence(missing_tuple)
            explanation += sentence
        status = pupil.social_care_status
        if status is not None and status in routed:
            route: Route = "social_care"
            prefix = care_prefix.get(status)
            if prefix is None:
                prefix = care_prefix[status] = f"Known to children's social care ({status}): on the social care list. "
            explanation = prefix + explanation
            priority = 200
        elif n >= minimum:
            route = "programme"
            priority = 0
        else:
            route = "not_proposed"
            priority = 100
        if not disadvantage_on:
            disadvantaged: bool | None = False
        elif n and flags[0].domain == "economic_disadvantage":
            disadvantaged = True
        else:
            disadvantaged = None if missing and missing[0] == "economic_disadvantage" else False
        # One small integer carries route, disadvantage and count, so the sort key stays short.
        priority += (0 if disadvantaged else 50) + (49 - n)
        key = (pupil.school_urn, pupil.year_group)
        group = groups.get(key)
        if group is None:
            group = groups[key] = []
        group.append((priority, -severity, pupil.upn, index))
        append(
            [
                pupil.upn,
                pupil.school_urn,
                pupil.year_group,
                route,
                route == "programme",
                n,
                tuple(flags),
                missing_tuple,
                disadvantaged,
                severity,
                explanation,
                0,
            ]
        )

    for group in groups.values():
        group.sort()
        for rank, entry in enumerate(group, start=1):
            rows[entry[3]][11] = rank
    new = tuple.__new__
    return [new(Result, row) for row in rows]
