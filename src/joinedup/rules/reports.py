"""Publishable reports: which criteria were used, and who the rules pick, group by group."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from joinedup.rules.model import ATTAINMENT_DOMAINS, Pupil, RuleSet
from joinedup.rules.scoring import DOMAIN_NAMES, Result

__all__ = ["HIDDEN", "SUPPRESSED", "FairnessRow", "fairness_report", "hide_small", "rules_report", "total_safe"]

#: Shown instead of a count under 5, so that no child can be picked out.
SUPPRESSED = "<5"
#: Shown instead of a larger count hidden so that a count under 5 cannot be worked out from the total.
HIDDEN = "hidden"
DEFAULT_GROUPS = ("sex", "ethnicity", "sen", "eal", "economic_disadvantage")


@dataclass(frozen=True, slots=True)
class FairnessRow:
    """One group value: how many were screened and identified (proposed), and the rates.

    ``rate`` is identified ÷ screened; ``ratio`` is that rate ÷ the overall rate. Counts
    under 5 are shown as ``"<5"``; where that hides just one count in a group, the next smallest
    is shown as ``"hidden"``, so that the small one cannot be worked out from the total
    (secondary suppression).
    A rate or ratio is left out (``None``) whenever it, with the counts shown, would reveal a
    hidden count (including the number *not* identified under 5).
    """

    group: str
    value: str
    screened: int | str
    identified: int | str
    rate: float | None
    ratio: float | None


def fairness_report(
    pupils: Sequence[Pupil], results: Sequence[Result], groups: Sequence[str] = DEFAULT_GROUPS
) -> list[FairnessRow]:
    """Identification rates for each value of each group, against the overall rate.

    The first row is everyone (group ``"all"``). A missing value is reported as ``"missing"``.
    ``economic_disadvantage`` comes from the results (at risk in that domain or not).

    Args:
        pupils: the pupils screened.
        results: :func:`~joinedup.rules.identify` of those pupils, in the same order.
        groups: ``Pupil`` field names, or ``"economic_disadvantage"``.

    >>> from joinedup.rules import identify
    >>> pupils = [Pupil(upn=f"U{i}", school_urn="1", year_group=5, sex="FM"[i % 2], fsm=i < 6,
    ...                 attendance_pct=80.0, maths="below") for i in range(20)]
    >>> rows = fairness_report(pupils, identify(pupils, RuleSet()), groups=["sex"])
    >>> [(row.value, row.screened, row.identified, row.rate, row.ratio) for row in rows]
    [('all', 20, 6, 0.3, 1.0), ('F', 10, '<5', None, None), ('M', 10, '<5', None, None)]
    """
    if len(pupils) != len(results):
        raise ValueError(f"expected one result per pupil, found {len(pupils)} pupils and {len(results)} results")
    counts: dict[tuple[str, str], list[int]] = {}
    total = [0, 0]
    for pupil, result in zip(pupils, results, strict=True):
        if pupil.upn != result.upn:
            raise ValueError(f"results are not in the pupils' order: pupil {pupil.upn} has the result of {result.upn}")
        total[0] += 1
        total[1] += result.proposed
        for group in groups:
            raw = result.disadvantaged if group == "economic_disadvantage" else getattr(pupil, group)
            value = "missing" if raw is None else str(raw)
            tally = counts.setdefault((group, value), [0, 0])
            tally[0] += 1
            tally[1] += result.proposed
    overall = total[1] / total[0] if total[0] else None
    everyone = (SUPPRESSED if total[0] < 5 else None, SUPPRESSED if total[1] < 5 else None)
    rows = [_row("all", "all", total[0], total[1], everyone, overall)]
    for group in groups:
        values = sorted((value, tally) for (name, value), tally in counts.items() if name == group)
        hidden = [hide_small([tally[column] for _value, tally in values]) for column in (0, 1)]
        rows += [
            _row(group, value, tally[0], tally[1], (hidden[0][index], hidden[1][index]), overall)
            for index, (value, tally) in enumerate(values)
        ]
    return rows


def hide_small(counts: list[int], *, floor: int = 0) -> list[str | None]:
    """How each of a group's counts is hidden, if it is: under 5 as ``"<5"``; and, while the hidden ones could
    still be worked out from the group's total, the smallest other as ``"hidden"`` (secondary suppression).

    ``floor`` is the least a count shown as "<5" can be: 0 where a count of none is hidden too, 1 where it is shown.

    >>> hide_small([133, 247, 4])
    ['hidden', None, '<5']
    >>> hide_small([40, 60])
    [None, None]
    >>> hide_small([5, 6, 1], floor=1)  # hiding the 5 alone would leave 5 + 1 = 6 to be worked out
    ['hidden', 'hidden', '<5']
    """
    hidden: list[str | None] = [SUPPRESSED if count < 5 else None for count in counts]
    while _recoverable(counts, hidden, floor):
        shown = [(count, index) for index, count in enumerate(counts) if hidden[index] is None]
        if not shown:
            break
        hidden[min(shown)[1]] = HIDDEN
    return hidden


def total_safe(counts: list[int], hidden: list[str | None], *, floor: int = 0) -> bool:
    """Whether the group's total may be published beside ``hidden``: not when the hidden counts could then be
    worked out (every count of the group hidden, and so few that only one split adds up).

    >>> total_safe([5, 1], hide_small([5, 1], floor=1), floor=1)
    False
    >>> total_safe([20, 9, 1], hide_small([20, 9, 1], floor=1), floor=1)
    True
    """
    return not _recoverable(counts, hidden, floor)


def _recoverable(counts: list[int], hidden: list[str | None], floor: int) -> bool:
    """Whether the hidden counts of a group have only one possible set of values, given the total."""
    small = [count for count, mark in zip(counts, hidden, strict=True) if mark == SUPPRESSED]
    large = [count for count, mark in zip(counts, hidden, strict=True) if mark == HIDDEN]
    if not small and not large:
        return False
    if len(small) + len(large) == 1:
        return True
    gap = sum(small) + sum(large)
    least = floor * len(small) + 5 * len(large)
    most = 4 * len(small) if not large else None
    return gap in (least, most)


def _row(
    group: str, value: str, screened: int, identified: int, hidden: tuple[str | None, str | None], overall: float | None
) -> FairnessRow:
    # A rate would reveal a hidden count, or the number not identified when that is under 5.
    safe = hidden == (None, None) and screened - identified >= 5
    # The overall row's rate is published whatever the group rows show.
    if group == "all":
        safe = screened >= 5
    rate = identified / screened if safe and screened else None
    ratio = rate / overall if rate is not None and overall else None
    shown = (hidden[0] or screened, hidden[1] or identified)
    return FairnessRow(group, value, shown[0], shown[1], rate, ratio)


def rules_report(rules: RuleSet) -> str:
    """The criteria in plain English, one per line, for publishing alongside the list.

    Args:
        rules: the rule set used.

    >>> print(rules_report(RuleSet(area="Brent", version="2026.1")).splitlines()[0])
    Identification rules for Brent, version 2026.1.
    """
    lines = [f"Identification rules for {rules.area}, version {rules.version}.", "A child is at risk in:"]
    money = rules.economic_disadvantage
    if money.enabled:
        which = [name for on, name in ((money.fsm, "free school meals"), (money.pupil_premium, "pupil premium")) if on]
        lines.append(f"- economic disadvantage when eligible for {' or '.join(which) or 'nothing (no indicator on)'};")
    if rules.attendance.enabled:
        lines.append(f"- attendance when attendance is below {rules.attendance.below:g}%;")
    for domain in ATTAINMENT_DOMAINS:
        rule = getattr(rules, domain)
        if rule.enabled:
            lines.append(
                f"- {DOMAIN_NAMES[domain]} when the teacher assessment is below the {rule.below_level} standard, "
                f"or a score is below {rule.below_score:g};"
            )
    for domain, subscale in (("emotional_wellbeing", "emotional symptoms"), ("peer_relationships", "peer problems")):
        sdq = getattr(rules, domain)
        if sdq.enabled:
            lines.append(
                f"- {DOMAIN_NAMES[domain]} when the SDQ {subscale} score is {sdq.teacher} or more (teacher), "
                f"{sdq.parent} or more (parent) or {sdq.pupil} or more (pupil's own);"
            )
    if rules.behaviour.enabled:
        lines.append(f"- behaviour when the child has {rules.behaviour.exclusions_at_least} or more exclusions;")
    if lines[-1].startswith("- "):
        # The list of areas reads as one sentence: its last item ends it.
        lines[-1] = lines[-1].removesuffix(";") + "."
    statuses = " or ".join(rules.social_care_statuses) or "none"
    lines += [
        "Missing data counts neither way: it is shown as missing. English is looked at from Year 7, reading and "
        "writing up to Year 6; a blank subject outside those years is not missing.",
        f"A child at risk in {rules.minimum_domains} or more areas is proposed for the programme.",
        f"A child known to children's social care at {statuses} level goes on a separate social care list.",
        "Within each school and year group, the list is ordered: economically disadvantaged children first, then "
        "by the number of areas, then by how far past the thresholds they are.",
        "The list is a suggestion: the school and the programme decide together, and record why.",
    ]
    return "\n".join(lines) + "\n"
