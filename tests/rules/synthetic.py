"""Synthetic year groups for the identification rules: plausible mixes, some data missing."""

from __future__ import annotations

import random

from joinedup.rules import Pupil

LEVELS = ("below", "expected", "expected", "above")
STATUSES = (None,) * 60 + ("CIN", "CP", "LAC")


def synthetic_pupils(n: int, seed: int = 1) -> list[Pupil]:
    """``n`` pupils in classes of 30 across schools, with about 5% of each value missing."""
    rng = random.Random(seed)
    pick = rng.choice
    rand = rng.random
    pupils = []
    for i in range(n):
        school, year = divmod(i // 30, 7)
        primary = year < 4
        respondent = None if rand() < 0.1 else ("teacher" if primary else "pupil")
        pupils.append(
            Pupil(
                upn=f"U{i:09d}",
                school_urn=f"{100000 + school}",
                year_group=year + 3,
                sex=pick(("F", "M")),
                ethnicity=pick(("WBRI", "BCRB", "AIND", "MWBC", "OOTH")),
                sen=pick(("N", "N", "N", "K", "E")),
                eal=rand() < 0.3,
                attendance_pct=None if rand() < 0.05 else round(rng.uniform(70, 100), 1),
                reading=pick(LEVELS) if primary else None,
                writing=pick(LEVELS) if primary else None,
                maths=None if rand() < 0.05 else (pick(LEVELS) if primary else float(rng.randint(80, 120))),
                english=None if primary else pick(LEVELS),
                fsm=None if rand() < 0.05 else rand() < 0.3,
                pupil_premium=rand() < 0.35,
                exclusions=rng.randint(0, 2),
                social_care_status=pick(STATUSES),
                respondent=respondent,
                sdq_emotional=None if respondent is None else rng.randint(0, 10),
                sdq_peer=None if respondent is None else rng.randint(0, 10),
            )
        )
    return pupils
