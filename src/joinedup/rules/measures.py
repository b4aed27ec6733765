"""Score questionnaires from item responses: SDQ subscales and the Stirling wellbeing total.

Used when a survey tool exports each answer rather than the scores. Items are numbered as the
published forms number them (``answers[0]`` is item 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, NamedTuple

__all__ = [
    "SDQ_CONDUCT",
    "SDQ_EMOTIONAL",
    "SDQ_HYPERACTIVITY",
    "SDQ_PEER",
    "STIRLING_SOCIAL_DESIRABILITY",
    "SdqScores",
    "sdq_scores",
    "stirling_total",
]

# (item numbers, items scored in reverse): published SDQ scoring, items 0/1/2 = not / somewhat /
# certainly true; a reversed item scores 2 - answer.
SDQ_EMOTIONAL: Final = ((3, 8, 13, 16, 24), ())
SDQ_CONDUCT: Final = ((5, 7, 12, 18, 22), (7,))
SDQ_HYPERACTIVITY: Final = ((2, 10, 15, 21, 25), (21, 25))
SDQ_PEER: Final = ((6, 11, 14, 19, 23), (11, 14))
#: Stirling items that check for socially desirable answers ("I have always told the truth", "I
#: like everyone I have met", "I always share my sweets"); they are not part of the wellbeing total.
STIRLING_SOCIAL_DESIRABILITY: Final = (2, 7, 13)


class SdqScores(NamedTuple):
    """The subscales the rules use, and total difficulties; ``None`` where too few items were answered."""

    emotional: int | None
    peer: int | None
    total: int | None


def _subscale(answers: Sequence[int | None], scale: tuple[tuple[int, ...], tuple[int, ...]]) -> int | None:
    items, reversed_items = scale
    scores = [
        2 - answer if item in reversed_items else answer for item in items if (answer := answers[item - 1]) is not None
    ]
    if len(scores) < 3:  # more than 2 of the 5 items missing: the subscale is missing
        return None
    # Published rule: the mean of the answered items times 5, rounded half up (SPSS RND), in integers.
    return (sum(scores) * 10 + len(scores)) // (2 * len(scores))


def sdq_scores(answers: Sequence[int | None]) -> SdqScores:
    """Emotional symptoms, peer problems and total difficulties from the 25 SDQ item answers.

    Args:
        answers: 25 answers in the published item order, each 0, 1 or 2, ``None`` where blank.

    A subscale with more than two of its five items blank is missing; otherwise the answered
    items are scaled up to five. Total difficulties (emotional + conduct + hyperactivity + peer)
    is missing when any of the four is.

    >>> answers = [0] * 25
    >>> answers[2], answers[7], answers[12] = 2, 2, 1   # items 3, 8, 13: emotional symptoms
    >>> answers[10] = None                              # item 11 (reversed) left blank
    >>> sdq_scores(answers)                             # peer: 0, 2 (item 14 reversed), 0, 0 → 2.5 → 3
    SdqScores(emotional=5, peer=3, total=14)
    """
    if len(answers) != 25:
        raise ValueError(f"expected 25 SDQ answers, got {len(answers)}")
    emotional = _subscale(answers, SDQ_EMOTIONAL)
    conduct = _subscale(answers, SDQ_CONDUCT)
    hyperactivity = _subscale(answers, SDQ_HYPERACTIVITY)
    peer = _subscale(answers, SDQ_PEER)
    parts = (emotional, conduct, hyperactivity, peer)
    total = None if None in parts else sum(part for part in parts if part is not None)
    return SdqScores(emotional, peer, total)


def stirling_total(answers: Sequence[int | None]) -> int | None:
    """The Stirling Children's Wellbeing Scale total (12-60) from the 15 item answers (each 1-5).

    The three social desirability items (2, 7 and 13) are left out. The scale publishes no rule
    for blank items, so the total is missing when any of the 12 wellbeing items is blank.

    >>> stirling_total([4] * 15)
    48
    >>> stirling_total([4] * 14 + [None]) is None
    True
    """
    if len(answers) != 15:
        raise ValueError(f"expected 15 Stirling answers, got {len(answers)}")
    scored = [answer for item, answer in enumerate(answers, start=1) if item not in STIRLING_SOCIAL_DESIRABILITY]
    if None in scored:
        return None
    return sum(answer for answer in scored if answer is not None)
