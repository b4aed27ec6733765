"""Identification end to end: a million-row school return read, scored and written as `identify run` does.

Run: .venv/bin/python -m bench.bench_identification [ROWS]

Generates a canonical CSV (and a survey CSV) with correlated values: one hidden "need" per
pupil raises the chances of free school meals, low attendance, low attainment and high SDQ
scores together, so the rules propose a realistic minority.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from bench.common import machine_line
from joinedup.rules import RuleSet, gc_paused, identify
from joinedup.rules.reading import SCHOOL_DATA_COLUMNS, SURVEY_COLUMNS, read_pupils, write_cohort

LEVELS = ("below", "expected", "above")


def _level(rng: random.Random, need: float) -> str:
    roll = rng.random() + need * 0.6
    return "above" if roll < 0.3 else "expected" if roll < 0.95 else "below"


def generate(folder: Path, rows: int, seed: int = 1) -> tuple[Path, Path]:
    """Write ``school.csv`` and ``survey.csv`` into ``folder``; about 5% of cells are blank."""
    rng = random.Random(seed)
    rand = rng.random
    school_path, survey_path = folder / "school.csv", folder / "survey.csv"
    with school_path.open("w", newline="") as school, survey_path.open("w", newline="") as survey:
        school_out, survey_out = csv.writer(school), csv.writer(survey)
        school_out.writerow(SCHOOL_DATA_COLUMNS)
        survey_out.writerow(SURVEY_COLUMNS)
        for i in range(rows):
            need = rand() ** 3
            school_no, year = divmod(i // 30, 7)
            primary = year < 4
            fsm = rand() < 0.15 + need * 0.5
            attendance = "" if rand() < 0.05 else f"{max(40.0, min(100.0, rng.gauss(96 - need * 15, 4))):.1f}"
            maths = _level(rng, need) if primary else str(max(80, min(120, round(rng.gauss(105 - need * 20, 6)))))
            school_out.writerow(
                (
                    f"U{i:012d}",
                    rng.choice(("Amira", "Ben", "Chloe", "Dev", "Ella", "Femi")),
                    rng.choice(("Smith", "Khan", "Jones", "Okafor", "Nowak")),
                    f"{2026 - year - 8}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    rng.choice("FM"),
                    year + 3,
                    100000 + school_no,
                    f"NW{rng.randint(1, 10)} {rng.randint(1, 9)}AB",
                    attendance,
                    _level(rng, need) if primary else "",
                    _level(rng, need) if primary else "",
                    "" if rand() < 0.05 else maths,
                    "" if primary else _level(rng, need),
                    "" if rand() < 0.05 else "YN"[not fsm],
                    "YN"[not (fsm or rand() < 0.05)],
                    rng.choice("NNNKE"),
                    "YN"[rand() >= 0.3],
                    rng.choice(("WBRI", "BCRB", "AIND", "MWBC", "OOTH")),
                    int(need * 3 * rand()),
                    "" if rand() > 0.03 + need * 0.05 else rng.choice(("CIN", "CIN", "CP", "LAC")),
                )
            )
            if rand() < 0.9:
                emotional = max(0, min(10, round(rng.gauss(2 + need * 6, 2))))
                peer = max(0, min(10, round(rng.gauss(2 + need * 5, 2))))
                total = min(40, emotional + peer + rng.randint(0, 20))
                respondent = "teacher" if primary else "pupil"
                survey_out.writerow((f"U{i:012d}", respondent, emotional, peer, total, rng.randint(12, 60)))
    return school_path, survey_path


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    folder = Path(tempfile.mkdtemp(prefix="joinedup-bench-identification-"))
    started = time.perf_counter()
    school, survey = generate(folder, rows)
    print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f} s ({folder})")

    with gc_paused():  # as `joinedup identify run` does
        started = time.perf_counter()
        data = read_pupils(school, survey)
        read = time.perf_counter() - started
        started = time.perf_counter()
        results = identify(data.pupils, RuleSet())
        score = time.perf_counter() - started
        started = time.perf_counter()
        write_cohort(folder / "cohort.csv", results)
        write = time.perf_counter() - started

    proposed = sum(result.proposed for result in results)
    print(f"pupils {len(data.pupils):,}, problems {len(data.problems)}, proposed {proposed:,}")
    print(f"read {read:.2f} s, score {score:.2f} s, write {write:.2f} s, total {read + score + write:.2f} s")
    print(machine_line())


if __name__ == "__main__":
    main()
