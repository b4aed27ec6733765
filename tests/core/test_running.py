"""Work left "running" by a process that has ended says it stopped, on every page that shows it.

The processes here are real: one is started and has ended before its runner is checked. The crash
tests (tests/crash) kill a real import and match with SIGKILL and check the same from the outside.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.core.running import STOPPED, interrupted_close, runner_gone, runner_here
from joinedup.directory.models import DirectoryFeed, DirectoryImport
from joinedup.identification.models import IdentificationRun, ScreeningImport
from joinedup.identification.services import rules_current
from joinedup.sharing.models import MatchRun
from tests.conftest import World
from tests.sharing.conftest import agreement_make

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ended() -> str:
    """The runner of a process that has ended."""
    process = subprocess.run(
        [sys.executable, "-c", "from joinedup.core.running import runner_here; print(runner_here())"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    return process.stdout.strip()


def test_a_runner_names_this_host_this_process_and_when_it_started(ended: str) -> None:
    host, pid, started = runner_here().rsplit(" ", 2)
    assert (host, int(pid)) == (socket.gethostname(), os.getpid())
    assert started.isdigit()
    assert ended.startswith(socket.gethostname() + " ")
    assert ended != runner_here()


def test_a_killed_process_its_parent_has_not_yet_collected_is_gone() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    started = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    runner = f"{socket.gethostname()} {process.pid} {started}"
    assert not runner_gone(runner)
    process.send_signal(signal.SIGKILL)
    time.sleep(0.5)  # killed, not yet waited for: a zombie, still in /proc
    assert Path(f"/proc/{process.pid}").exists()
    assert runner_gone(runner)
    process.wait()


def test_only_a_process_of_this_host_that_has_certainly_ended_is_gone(ended: str) -> None:
    assert runner_gone(ended)
    assert not runner_gone(runner_here())
    # The same process id started at another moment is another process: the id was reused.
    host, pid, started = runner_here().rsplit(" ", 2)
    assert runner_gone(f"{host} {pid} {int(started) + 1}")
    # Another host's process cannot be checked from here, and nothing unreadable is judged.
    assert not runner_gone(f"another-host {pid} {started}")
    assert not runner_gone("")
    assert not runner_gone("nonsense")


def _rows(world: World, runner: str, folder: Path) -> dict[str, Any]:
    """Work of every kind, each saying it is running in ``runner``; the match keeps a list in ``folder``."""
    lead = world.members[Role.DATA_LEAD]
    folder.mkdir(exist_ok=True)
    partner_list = folder / "theirs.csv"
    partner_list.write_text("their list", encoding="utf-8")
    return {
        "job": Job.objects.create(
            kind="identification_import",
            title="Import school data",
            started_by=lead.user,
            organisation=lead.organisation,
            status=Job.Status.RUNNING,
            runner=runner,
        ),
        "import": ScreeningImport.objects.create(
            area=world.area,
            kind="school_data",
            school_year="2026/27",
            file_name="school.csv",
            started_by=lead.user,
            runner=runner,
        ),
        "run": IdentificationRun.objects.create(
            area=world.area, school_year="2026/27", rules=rules_current(world.area), started_by=lead.user, runner=runner
        ),
        "directory": DirectoryImport.objects.create(
            feed=DirectoryFeed.objects.get_or_create(area=world.area, source="brent.json")[0],
            started_by=lead.user,
            runner=runner,
        ),
        "match": MatchRun.objects.create(
            agreement=agreement_make(world, world.other_programme),
            file_name="theirs.csv",
            stored_path=str(partner_list),
            status=MatchRun.Status.RUNNING,
            started_by=lead.user,
            runner=runner,
        ),
    }


def test_the_work_of_an_ended_process_is_marked_stopped_once_and_its_kept_list_deleted(
    world: World, ended: str, tmp_path: Path
) -> None:
    rows = _rows(world, ended, tmp_path / "ended")
    ours = _rows(world, runner_here(), tmp_path / "ours")

    assert interrupted_close() == 5
    assert interrupted_close() == 0

    job = Job.objects.get(pk=rows["job"].pk)
    assert (job.status, job.error, job.is_finished) == (Job.Status.FAILED, STOPPED, True)
    for key, reason in (("import", "message"), ("run", "error"), ("directory", "message"), ("match", "message")):
        row = type(rows[key]).objects.get(pk=rows[key].pk)
        assert (row.status, getattr(row, reason)) == ("failed", STOPPED)
        assert row.finished_at is not None
    assert MatchRun.objects.get(pk=rows["match"].pk).stored_path == ""
    assert not (tmp_path / "ended" / "theirs.csv").exists()

    # This process is alive: its work still runs, and its list is still there.
    for row in ours.values():
        assert type(row).objects.get(pk=row.pk).status == "running"
    assert (tmp_path / "ours" / "theirs.csv").exists()


@pytest.mark.parametrize(
    ("key", "address", "shown"),
    [
        ("import", lambda rows: "/identification/imports/", STOPPED),
        ("run", lambda rows: "/identification/runs/", "Failed"),
        ("directory", lambda rows: "/directory/imports/", "Failed, nothing changed"),
        ("match", lambda rows: f"/sharing/agreements/{rows['match'].agreement_id}/", STOPPED),
        ("job", lambda rows: f"/jobs/{rows['job'].pk}/", STOPPED),
    ],
)
def test_each_page_that_shows_work_says_it_stopped(
    world: World, ended: str, tmp_path: Path, key: str, address: Callable[[dict[str, Any]], str], shown: str
) -> None:
    rows = _rows(world, ended, tmp_path)
    page = world.client_for(Role.DATA_LEAD).get(address(rows))
    assert page.status_code == 200
    assert shown in page.text
    assert type(rows[key]).objects.get(pk=rows[key].pk).status == "failed"


def test_a_stopped_job_is_no_longer_polled(world: World, ended: str, tmp_path: Path) -> None:
    job = _rows(world, ended, tmp_path)["job"]
    page = world.client_for(Role.DATA_LEAD).get(f"/jobs/{job.pk}/progress/").text
    assert f"The job failed: {STOPPED}" in page
    assert "Stopped; nothing of it was kept" in page
    assert "<progress" not in page
    assert 'hx-trigger="every 1s"' not in page


def test_new_rows_record_the_process_that_creates_them(world: World) -> None:
    record = ScreeningImport.objects.create(
        area=world.area,
        kind="school_data",
        school_year="2026/27",
        file_name="school.csv",
        started_by=world.members[Role.DATA_LEAD].user,
    )
    assert record.runner == runner_here()
