"""Backup and restore of the demo database: plain and sealed with a passphrase, on SQLite.

    PYTHONPATH=. .venv/bin/python -m bench.bench_backup [--workdir DIR] [--repeat 3] [--postgres-url URL]

Seeds the demo (the same data as ``make demo``) into a throwaway SQLite database, then times
``joinedup backup`` and ``joinedup restore --yes`` as a person runs them, without and with a passphrase,
and reports the file sizes. Each restore is checked table by table before it commits, as always. With
``--postgres-url`` (a database whose name contains "bench": it is dropped and created), the same files are
restored into PostgreSQL too, by the ``joinedup`` command in a process of its own, as moving a pilot would.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.common import django_in_throwaway_database, machine_line, postgres_database_drop, postgres_database_fresh

PASSPHRASE = "a benchmark passphrase, kept apart from the backups"  # noqa: S105 (the benchmark's own)


def _timed(repeat: int, run: object) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        timings.append(time.perf_counter() - started)
    return timings


def _line(name: str, timings: list[float]) -> str:
    return f"{name}: median {statistics.median(timings):.2f} s (min {min(timings):.2f}, max {max(timings):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workdir", type=Path, help="reuse the database an earlier run left in this folder")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (default %(default)s)")
    parser.add_argument("--postgres-url", help="also restore into this PostgreSQL database (dropped and created)")
    options = parser.parse_args()
    workdir = django_in_throwaway_database("joinedup-bench-backup-", options.workdir)
    print(machine_line())
    print(f"database: {workdir / 'bench.sqlite3'}")
    from django.core.management import call_command

    from joinedup.cases.models import Child

    if not Child.objects.exists():
        started = time.perf_counter()
        call_command("seed_demo", stdout=io.StringIO())
        print(f"seed-demo: {time.perf_counter() - started:.0f} s")

    plain, sealed = workdir / "plain.jsonl.gz", workdir / "sealed.jsonl.gz"
    said = io.StringIO()
    os.environ.pop("JOINEDUP_BACKUP_PASSPHRASE", None)
    backup_plain = _timed(options.repeat, lambda: call_command("backup", str(plain), stdout=said))
    print(said.getvalue().splitlines()[0])
    os.environ["JOINEDUP_BACKUP_PASSPHRASE"] = PASSPHRASE
    backup_sealed = _timed(options.repeat, lambda: call_command("backup", str(sealed), stdout=io.StringIO()))
    restore_sealed = _timed(options.repeat, lambda: call_command("restore", str(sealed), "--yes", stdout=said))
    os.environ.pop("JOINEDUP_BACKUP_PASSPHRASE")
    restore_plain = _timed(options.repeat, lambda: call_command("restore", str(plain), "--yes", stdout=said))
    print(said.getvalue().splitlines()[-1])

    print(_line("backup, plain", backup_plain))
    print(_line("backup, sealed", backup_sealed))
    print(_line("restore, plain", restore_plain))
    print(_line("restore, sealed", restore_sealed))
    print(f"file: plain {plain.stat().st_size / 1e6:.1f} MB, sealed {sealed.stat().st_size / 1e6:.1f} MB")
    if options.postgres_url:
        _into_postgres(options.postgres_url, options.repeat, plain, sealed)


def _into_postgres(url: str, repeat: int, plain: Path, sealed: Path) -> None:
    environment = {**os.environ, "DATABASE_URL": url}
    environment.pop("JOINEDUP_BACKUP_PASSPHRASE", None)

    def joinedup(*command: str, passphrase: str | None = None) -> None:
        extra = {"JOINEDUP_BACKUP_PASSPHRASE": passphrase} if passphrase else {}
        subprocess.run(
            [sys.executable, "-m", "joinedup", *command],
            env={**environment, **extra},
            check=True,
            stdout=subprocess.DEVNULL,
        )

    postgres_database_fresh(url)
    try:
        joinedup("migrate")
        into_plain = _timed(repeat, lambda: joinedup("restore", str(plain), "--yes"))
        into_sealed = _timed(repeat, lambda: joinedup("restore", str(sealed), "--yes", passphrase=PASSPHRASE))
    finally:
        postgres_database_drop(url)
    print(_line("restore into PostgreSQL, plain (the whole command)", into_plain))
    print(_line("restore into PostgreSQL, sealed (the whole command)", into_sealed))


if __name__ == "__main__":
    main()
