"""Imports and match runs killed with SIGKILL in the middle of writing leave nothing behind, and run again.

Each case runs a real Joinedup process on a database file of its own, stops it inside its write
transaction (after the first rows are inserted), kills it with SIGKILL as a crash or an out-of-memory
kill would, then looks at what the database holds and runs the same work again to the end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from joinedup.core.running import STOPPED
from tests.crash.files import PUPILS, partner_list


def worker(database: Path, *args: str, wait: bool = True) -> Any:
    command = [sys.executable, "-m", "tests.crash.worker", str(database), *args]
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    environment.pop("DATABASE_URL", None)
    if not wait:
        return subprocess.Popen(command, env=environment)
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def killed_inside_the_write(database: Path, action: str, file: Path, marker: Path) -> None:
    process = worker(database, action, str(file), str(marker), wait=False)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, "the worker ended before it began writing"
        assert time.monotonic() < deadline, "the worker never began writing"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    assert process.wait(timeout=30) == -signal.SIGKILL


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if connection.vendor != "sqlite":
        pytest.skip("each crash runs on a SQLite file of its own: run once, on the SQLite pass")
    folder = tmp_path_factory.mktemp("crash")
    database = folder / "joinedup.sqlite3"
    worker(database, "prepare", str(folder))
    return database, folder


def counts(database: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(worker(database, "counts"))
    return found


def test_a_school_data_import_killed_mid_write_keeps_no_pupil_says_it_stopped_and_imports_in_full_next_time(
    prepared: tuple[Path, Path],
) -> None:
    database, folder = prepared
    killed_inside_the_write(database, "import", folder / "school.csv", folder / "import.marker")
    after_crash = counts(database)
    assert after_crash["pupils"] == 0
    assert (after_crash["imports"], after_crash["jobs"]) == (["running"], ["running"])

    assert worker(database, "sweep").strip() == "2"
    stopped = counts(database)
    assert (stopped["imports"], stopped["jobs"]) == (["failed"], ["failed"])
    assert stopped["messages"].count(STOPPED) == 2
    assert worker(database, "sweep").strip() == "0"

    assert f"Imported {PUPILS} pupils: {PUPILS} new, 0 updated." in worker(
        database, "import", str(folder / "school.csv")
    )
    again = counts(database)
    assert again["pupils"] == PUPILS
    assert (again["imports"], again["jobs"]) == (["failed", "imported"], ["failed", "succeeded"])


def test_a_match_run_killed_mid_write_keeps_no_pair_says_it_stopped_and_matches_when_started_again(
    prepared: tuple[Path, Path],
) -> None:
    database, folder = prepared
    killed_inside_the_write(database, "match", folder / "theirs.csv", folder / "match.marker")
    after_crash = counts(database)
    assert (after_crash["pairs"], after_crash["shared_cases"]) == (0, 0)
    assert after_crash["runs"] == ["running"]

    assert worker(database, "sweep").strip() == "1"
    stopped = counts(database)
    assert stopped["runs"] == ["failed"]
    assert STOPPED in stopped["messages"]
    # The partner's list was kept only for the run: it goes when the run is stopped, as when it ends.
    assert stopped["run_files"] == []
    assert not (folder / "theirs.csv").exists()

    partner_list(folder / "theirs.csv")
    assert "Matched 13 records of theirs" in worker(database, "match", str(folder / "theirs.csv"))
    again = counts(database)
    assert again["runs"] == ["failed", "finished"]
    assert again["pairs"] >= 5
    assert again["shared_cases"] >= 1
