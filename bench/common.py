"""What every benchmark shares: a throwaway database, and how figures are summarised."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def timings_line(name: str, timings: list[float]) -> str:
    return (
        f"{name}: n={len(timings)} median {statistics.median(timings):.1f} ms, "
        f"p95 {percentile(timings, 95):.1f} ms, max {max(timings):.1f} ms"
    )


def machine_line() -> str:
    python = sys.version.split()[0]
    return f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}, {platform.system()}"


def django_in_throwaway_database(prefix: str, workdir: Path | None = None) -> Path:
    """Set Django up on a new SQLite database in a temporary folder (production settings), migrated and
    with static files collected. Returns the folder. ``workdir`` reuses the database a run left there."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix=prefix))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="joinedup.settings",
        DEBUG="false",
        SECRET_KEY="benchmark-only-" + "b" * 40,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}",
        JOINEDUP_VAR_DIR=str(workdir),
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return workdir
