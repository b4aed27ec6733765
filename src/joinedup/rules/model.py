"""The records the identification rules read and the rules themselves.

Every rule is a frozen dataclass with published defaults, so a borough's settings can be
written down, compared and versioned (see :mod:`joinedup.rules.serialise`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Final, Literal

__all__ = [
    "ATTAINMENT_DOMAINS",
    "DOMAINS",
    "LEVELS",
    "RESPONDENTS",
    "SDQ_DOMAINS",
    "AttainmentRule",
    "AttendanceRule",
    "BehaviourRule",
    "DisadvantageRule",
    "Level",
    "Pupil",
    "Respondent",
    "RuleSet",
    "SdqRule",
]

Level = Literal["below", "expected", "above"]
Respondent = Literal["teacher", "parent", "pupil"]

#: The attainment scale, lowest first.
LEVELS: Final[tuple[Level, ...]] = ("below", "expected", "above")
RESPONDENTS: Final[tuple[Respondent, ...]] = ("teacher", "parent", "pupil")
ATTAINMENT_DOMAINS: Final = ("reading", "writing", "maths", "english")
SDQ_DOMAINS: Final = ("emotional_wellbeing", "peer_relationships")
#: Every risk domain, in the order explanations and reports list them.
DOMAINS: Final = (
    "economic_disadvantage",
    "attendance",
    *ATTAINMENT_DOMAINS,
    *SDQ_DOMAINS,
    "behaviour",
)


@dataclass(slots=True, kw_only=True)
class Pupil:
    """One row of a school's return: canonical fields, ``None`` where the value is missing.

    Attainment (``reading`` … ``english``) is either a level from :data:`LEVELS` or a
    numeric score (for example a KS2 scaled score). ``respondent`` says who completed the
    SDQ (``teacher``, ``parent`` or ``pupil``). ``social_care_status`` is ``CIN``, ``CP``,
    ``LAC`` or ``None``.

    Not frozen: a frozen dataclass's ``__init__`` costs about twice as much, and a reader
    builds a million of these.

    >>> Pupil(upn="A1", school_urn="100001", year_group=5).attendance_pct is None
    True
    """

    upn: str
    school_urn: str
    year_group: int
    forenames: str | None = None
    surname: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    postcode: str | None = None
    attendance_pct: float | None = None
    reading: str | float | None = None
    writing: str | float | None = None
    maths: str | float | None = None
    english: str | float | None = None
    fsm: bool | None = None
    pupil_premium: bool | None = None
    sen: str | None = None
    eal: bool | None = None
    ethnicity: str | None = None
    exclusions: int | None = None
    social_care_status: str | None = None
    respondent: str | None = None
    sdq_emotional: int | None = None
    sdq_peer: int | None = None
    sdq_total: int | None = None
    stirling_total: int | None = None


@dataclass(frozen=True, slots=True)
class DisadvantageRule:
    """At risk when eligible for free school meals (``fsm``) or pupil premium, as enabled."""

    enabled: bool = True
    fsm: bool = True
    pupil_premium: bool = True


@dataclass(frozen=True, slots=True)
class AttendanceRule:
    """At risk when attendance is below ``below`` per cent (DfE: persistently absent below 90)."""

    enabled: bool = True
    below: float = 90.0


@dataclass(frozen=True, slots=True)
class AttainmentRule:
    """At risk when the level is below ``below_level``, or a numeric score below ``below_score``.

    ``score_floor`` is the lowest possible score (80 on KS2 scaled scores); it is used only
    to scale severity.
    """

    enabled: bool = True
    below_level: Level = "expected"
    below_score: float = 100.0
    score_floor: float = 80.0


@dataclass(frozen=True, slots=True)
class SdqRule:
    """At risk when the SDQ subscale (0-10) is at least the threshold for who answered."""

    enabled: bool = True
    teacher: int = 5
    parent: int = 5
    pupil: int = 6

    def threshold(self, respondent: Respondent) -> int:
        """The threshold for ``respondent``.

        >>> SdqRule(teacher=5, parent=4, pupil=4).threshold("parent")
        4
        """
        return {"teacher": self.teacher, "parent": self.parent, "pupil": self.pupil}[respondent]


@dataclass(frozen=True, slots=True)
class BehaviourRule:
    """At risk when the number of exclusions is at least ``exclusions_at_least``; off by default."""

    enabled: bool = False
    exclusions_at_least: int = 1


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A borough's identification rules, with a label saying which area and which version.

    ``social_care_statuses`` are the ``social_care_status`` values routed to the social care
    list instead of the programme list (child protection and looked-after by default; add
    ``CIN`` to route children in need too).

    >>> RuleSet().emotional_wellbeing.threshold("teacher")
    5
    """

    area: str = "default"
    version: str = "1"
    minimum_domains: int = 3
    social_care_statuses: tuple[str, ...] = ("CP", "LAC")
    economic_disadvantage: DisadvantageRule = field(default_factory=DisadvantageRule)
    attendance: AttendanceRule = field(default_factory=AttendanceRule)
    reading: AttainmentRule = field(default_factory=AttainmentRule)
    writing: AttainmentRule = field(default_factory=AttainmentRule)
    maths: AttainmentRule = field(default_factory=AttainmentRule)
    english: AttainmentRule = field(default_factory=AttainmentRule)
    emotional_wellbeing: SdqRule = field(default_factory=SdqRule)
    peer_relationships: SdqRule = field(default_factory=lambda: SdqRule(teacher=5, parent=4, pupil=4))
    behaviour: BehaviourRule = field(default_factory=BehaviourRule)
