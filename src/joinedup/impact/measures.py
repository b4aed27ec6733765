"""The measures a programme tracks, when a child counts as at risk in them, and what change is reliable.

A measure is anything scored the same way twice: attendance, an attainment score, an SDQ
subscale, the Stirling wellbeing total, or a slug of the programme's own. Thresholds and bands
are published figures, written down once here and read by the progress and report code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

__all__ = ["SDQ_BANDS", "Band", "MeasureRule", "reliable_change_amount"]


@dataclass(frozen=True, slots=True)
class Band:
    """A named range of scores, both ends included, such as the SDQ's "Slightly raised" (4 to 4).

    >>> Band("High", 5, 5)
    Band(name='High', low=5, high=5)
    """

    name: str
    low: float
    high: float

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise ValueError(
                f"the band {self.name!r} runs from {self.low:g} down to {self.high:g}: put the lower end first"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class MeasureRule:
    """One measure: which way is better, when a child is at risk, the reliable change, the bands.

    ``threshold`` is where being at risk starts: a value *below* it is at risk when higher is
    better (attendance under 90%), a value *at or above* it when lower is better (an SDQ
    score of 5 or more). ``by_respondent`` overrides the threshold for one respondent, as the
    SDQ's teacher, parent and self-report forms have different cut-offs. ``bands`` maps a
    respondent (``""`` for any respondent) to the published bands. A rule with no threshold
    is still tracked, but no child is at risk in it.

    >>> sdq = MeasureRule(key="sdq_emotional", name="Emotional wellbeing", higher_is_better=False,
    ...                   threshold=5, by_respondent={"pupil": 6}, reliable_change=3)
    >>> sdq.threshold_for("pupil"), sdq.at_risk(5, "teacher"), sdq.at_risk(5, "pupil")
    (6, True, False)
    """

    key: str
    name: str
    higher_is_better: bool
    threshold: float | None = None
    by_respondent: Mapping[str, float] = field(default_factory=dict)
    reliable_change: float | None = None
    bands: Mapping[str, tuple[Band, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reliable_change is not None and not self.reliable_change > 0:
            raise ValueError(
                f"the reliable change for {self.name} is {self.reliable_change:g}: it must be more than 0, "
                "or left out when it is not known"
            )

    def threshold_for(self, respondent: str = "") -> float | None:
        """The threshold for this respondent's scores: their own if the rule has one, else the general one.

        Args:
            respondent: who gave the score (``"teacher"``, ``"parent"``, ``"pupil"``), ``""`` if nobody in particular.

        >>> MeasureRule(key="sdq_peer", name="Peers", higher_is_better=False, threshold=4,
        ...             by_respondent={"teacher": 5}).threshold_for("teacher")
        5
        """
        return self.by_respondent.get(respondent, self.threshold)

    def at_risk(self, value: float, respondent: str = "") -> bool | None:
        """Whether a score puts a child at risk; ``None`` when the measure has no threshold for this respondent.

        Args:
            value: the score, in the measure's units.
            respondent: who gave the score.

        >>> attendance = MeasureRule(key="attendance", name="Attendance", higher_is_better=True, threshold=90)
        >>> attendance.at_risk(89.9), attendance.at_risk(90)
        (True, False)
        """
        threshold = self.threshold_for(respondent)
        if threshold is None:
            return None
        return value < threshold if self.higher_is_better else value >= threshold

    def band(self, value: float, respondent: str = "") -> str | None:
        """The name of the band a score falls in: the respondent's bands if there are any, else the bands for any
        respondent (key ``""``); ``None`` when there are no bands or the score falls in none of them.

        Args:
            value: the score.
            respondent: who gave the score.

        >>> sdq = MeasureRule(key="sdq_emotional", name="Emotional wellbeing", higher_is_better=False,
        ...                   bands=SDQ_BANDS["sdq_emotional"])
        >>> sdq.band(4, "teacher"), sdq.band(4, "parent"), sdq.band(4, "pupil")
        ('Slightly raised', 'Borderline', None)
        """
        bands = self.bands.get(respondent)
        if bands is None:
            bands = self.bands.get("", ())
        return next((band.name for band in bands if band.low <= value <= band.high), None)


def reliable_change_amount(sd: float, reliability: float) -> float:
    """The least change in a score that is unlikely (p < 0.05) to be measurement error alone.

    Jacobson & Truax (1991): 1.96 * sd * sqrt(2 * (1 - reliability)), where ``sd`` is the
    standard deviation of the measure in a reference population and ``reliability`` its
    test-retest reliability (or Cronbach's alpha).

    Args:
        sd: the standard deviation, more than 0.
        reliability: from 0 up to, but not including, 1.

    By hand, sd 5 and reliability 0.875: 2 * (1 - 0.875) = 0.25, whose square root is 0.5, and
    1.96 * 5 * 0.5 = 4.9.

    >>> round(reliable_change_amount(5, 0.875), 6)
    4.9
    """
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"the standard deviation must be a number more than 0, not {sd!r}")
    if not 0 <= reliability < 1:
        raise ValueError(f"the reliability must be at least 0 and less than 1 (such as 0.8), not {reliability!r}")
    return 1.96 * sd * math.sqrt(2 * (1 - reliability))


_SDQ_FOUR_BANDS: Final = ("Close to average", "Slightly raised", "High", "Very high")
_SDQ_THREE_BANDS: Final = ("Normal", "Borderline", "Abnormal")


def _bands(names: tuple[str, ...], *ranges: tuple[int, int]) -> tuple[Band, ...]:
    return tuple(Band(name, low, high) for name, (low, high) in zip(names, ranges, strict=True))


#: The published SDQ cut-offs, by measure key and then respondent. The teacher form uses the newer four
#: bands, the parent form the original three. Self-report (pupil) bands are not confirmed, so are left out.
SDQ_BANDS: Final[Mapping[str, Mapping[str, tuple[Band, ...]]]] = {
    "sdq_emotional": {
        "teacher": _bands(_SDQ_FOUR_BANDS, (0, 3), (4, 4), (5, 5), (6, 10)),
        "parent": _bands(_SDQ_THREE_BANDS, (0, 3), (4, 4), (5, 10)),
    },
    "sdq_peer": {
        "teacher": _bands(_SDQ_FOUR_BANDS, (0, 2), (3, 4), (5, 5), (6, 10)),
        "parent": _bands(_SDQ_THREE_BANDS, (0, 2), (3, 3), (4, 10)),
    },
}
