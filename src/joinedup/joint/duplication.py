"""Duplication and gaps between two plans for one child: ours and a partner organisation's.

Plain data in, findings out; no Django, so the rules can be read and tested on their own. Each finding has a
stable ``key`` (the same overlap gives the same key whenever it is computed), so an agreed resolution recorded
against it stays with it.

The checks:

- the same service, or the same provider, involved by both organisations;
- two goals in the same need domain, one on each side (two owners for one need);
- appointments with the family that overlap in time;
- open actions in the same domain that repeat each other (mostly the same words) or conflict (one stops or
  reduces what the other starts or increases);
- need domains the child was identified with that no goal on either side addresses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Kind(StrEnum):
    SERVICE = "service"
    GOALS = "goals"
    APPOINTMENTS = "appointments"
    DUPLICATE_ACTION = "duplicate_action"
    CONFLICTING_ACTION = "conflicting_action"
    UNADDRESSED_NEED = "unaddressed_need"


KIND_LABELS: dict[Kind, str] = {
    Kind.SERVICE: "Same service or provider twice",
    Kind.GOALS: "Two goals in one area, with different owners",
    Kind.APPOINTMENTS: "Appointments that overlap",
    Kind.DUPLICATE_ACTION: "The same action twice",
    Kind.CONFLICTING_ACTION: "Actions that conflict",
    Kind.UNADDRESSED_NEED: "A need nobody is addressing",
}


@dataclass(frozen=True)
class Goal:
    ref: str
    domain: str
    text: str
    owner: str


@dataclass(frozen=True)
class Action:
    ref: str
    domain: str
    text: str
    owner: str
    due: date | None = None


@dataclass(frozen=True)
class Service:
    ref: str
    name: str
    provider: str = ""


@dataclass(frozen=True)
class Appointment:
    ref: str
    starts: datetime
    ends: datetime
    what: str


@dataclass(frozen=True)
class PlanSide:
    """One organisation's plan for the child: active goals, open actions, services involved, appointments
    to come, and (ours only) the need domains the child was identified with."""

    organisation: str
    goals: Sequence[Goal] = ()
    actions: Sequence[Action] = ()
    services: Sequence[Service] = ()
    appointments: Sequence[Appointment] = ()
    needs: Sequence[str] = ()


@dataclass(frozen=True)
class Finding:
    kind: Kind
    key: str
    summary: str
    suggestion: str
    ours: tuple[str, ...] = field(default=())
    theirs: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]


# Words that say nothing about what an action or a service is.
STOP_WORDS = frozenset(
    """a an and the to of for with in on at by from into about as is be are was will her his their them they she
    he it its our we us you your child childs young person family parent parents mum dad carer each every weekly
    week monthly month daily day sessions session service services support team ltd cic limited charity trust
    project programme""".split()  # noqa: SIM905 (a list a person can read)
)
# A pair of actions conflicts when one has a word from one side of a pair and the other from the other side.
OPPOSITES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (
        frozenset({"stop", "stops", "end", "ends", "close", "closes", "cease", "withdraw", "cancel", "pause"}),
        frozenset({"start", "starts", "begin", "begins", "open", "continue", "refer", "increase", "extend", "add"}),
    ),
    (
        frozenset({"reduce", "reduces", "decrease", "less", "fewer", "remove"}),
        frozenset({"increase", "increases", "more", "add", "extra"}),
    ),
)
SIMILAR_ACTIONS = 0.5


def words(text: str) -> frozenset[str]:
    """The words of ``text`` that carry its meaning, lower-cased."""
    return frozenset(
        word for word in re.findall(r"[a-z0-9]+", text.lower()) if word not in STOP_WORDS and len(word) > 1
    )


def normalised(name: str) -> str:
    return " ".join(sorted(words(name)))


def _overlap(first: frozenset[str], second: frozenset[str]) -> float:
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def _opposed(first: frozenset[str], second: frozenset[str]) -> bool:
    return any(
        (first & stopping and second & starting) or (first & starting and second & stopping)
        for stopping, starting in OPPOSITES
    )


def _services(ours: PlanSide, theirs: PlanSide) -> list[Finding]:
    found: dict[str, Finding] = {}
    for mine in ours.services:
        for other in theirs.services:
            name = normalised(mine.name)
            provider = normalised(mine.provider)
            if name and name == normalised(other.name):
                key, what = f"service:{name}", f"“{mine.name}”"
            elif provider and provider == normalised(other.provider):
                key, what = f"provider:{provider}", f"services run by {mine.provider}"
            else:
                continue
            if key not in found:
                found[key] = Finding(
                    Kind.SERVICE,
                    key,
                    f"Both {ours.organisation} and {theirs.organisation} involve {what}.",
                    "Agree which organisation keeps the referral and close the other, so the family is not "
                    "assessed twice.",
                    (mine.ref,),
                    (other.ref,),
                )
    return list(found.values())


def _goals(ours: PlanSide, theirs: PlanSide, labels: Mapping[str, str]) -> list[Finding]:
    findings = []
    for domain in sorted({goal.domain for goal in ours.goals} & {goal.domain for goal in theirs.goals}):
        mine = [goal for goal in ours.goals if goal.domain == domain]
        other = [goal for goal in theirs.goals if goal.domain == domain]
        owners = sorted({goal.owner for goal in mine} | {goal.owner for goal in other})
        findings.append(
            Finding(
                Kind.GOALS,
                f"goals:{domain}",
                f"{labels.get(domain, domain)}: goals on both plans ({'; '.join(g.text for g in mine)} / "
                f"{'; '.join(g.text for g in other)}), led by {', '.join(owners)}.",
                "Agree one lead for this area: merge the goals, or say what each organisation does towards it.",
                tuple(goal.ref for goal in mine),
                tuple(goal.ref for goal in other),
            )
        )
    return findings


def _appointments(ours: PlanSide, theirs: PlanSide) -> list[Finding]:
    findings = []
    for mine in ours.appointments:
        for other in theirs.appointments:
            if mine.starts < other.ends and other.starts < mine.ends:
                findings.append(
                    Finding(
                        Kind.APPOINTMENTS,
                        f"appointment:{mine.ref}:{other.ref}",
                        f"{mine.what} ({ours.organisation}, {mine.starts:%-d %b %Y %H:%M}) overlaps "
                        f"{other.what} ({theirs.organisation}, {other.starts:%-d %b %Y %H:%M}).",
                        "Move one of them, or meet the family together.",
                        (mine.ref,),
                        (other.ref,),
                    )
                )
    return findings


def _actions(ours: PlanSide, theirs: PlanSide) -> list[Finding]:
    findings = []
    their_words = [(other, words(other.text)) for other in theirs.actions]
    for mine in ours.actions:
        mine_words = words(mine.text)
        for other, other_words in their_words:
            if mine.domain != other.domain:
                continue
            if _opposed(mine_words, other_words) and mine_words & other_words:
                kind, suggestion = (
                    Kind.CONFLICTING_ACTION,
                    "Agree which of the two should happen, and change the other.",
                )
            elif _overlap(mine_words, other_words) >= SIMILAR_ACTIONS:
                kind, suggestion = Kind.DUPLICATE_ACTION, "Agree who does it, and take it off the other plan."
            else:
                continue
            findings.append(
                Finding(
                    kind,
                    f"action:{mine.ref}:{other.ref}",
                    f"“{mine.text}” ({mine.owner}) and “{other.text}” ({other.owner}).",
                    suggestion,
                    (mine.ref,),
                    (other.ref,),
                )
            )
    return findings


def _gaps(ours: PlanSide, theirs: PlanSide, labels: Mapping[str, str]) -> list[Finding]:
    addressed = {goal.domain for goal in ours.goals} | {goal.domain for goal in theirs.goals}
    return [
        Finding(
            Kind.UNADDRESSED_NEED,
            f"need:{domain}",
            f"{labels.get(domain, domain)} was identified as a need, and neither plan has a goal for it.",
            "Agree who will take it on, or record why not now.",
        )
        for domain in dict.fromkeys(ours.needs)
        if domain not in addressed
    ]


def compare(ours: PlanSide, theirs: PlanSide, labels: Mapping[str, str] | None = None) -> list[Finding]:
    """Every overlap and gap between the two plans, in the order of the checks above."""
    labels = labels or {}
    return [
        *_services(ours, theirs),
        *_goals(ours, theirs, labels),
        *_appointments(ours, theirs),
        *_actions(ours, theirs),
        *_gaps(ours, theirs, labels),
    ]
