"""A Joinedup process to kill: run by tests/crash/test_sigkill.py in a subprocess of its own.

    python -m tests.crash.worker DB prepare FOLDER     a migrated database with the test world, and the files
    python -m tests.crash.worker DB import FILE [MARKER]   import school data; with MARKER, stop dead inside the
                                                        write (after the first pupils are inserted) until killed
    python -m tests.crash.worker DB match FILE [MARKER]    the same for a match run, after the first pairs
    python -m tests.crash.worker DB sweep               mark as stopped the work of processes that have ended
    python -m tests.crash.worker DB counts              what the database holds, as JSON

An import runs as the worker runs it: as a background job (``core.jobs.job_run``).

The pause is Django's own query instrumentation (``connection.execute_wrapper``): the real import and match
code runs unchanged, and the process is killed with its transaction open, as a crash would leave it.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def main(database: str, action: str, *args: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if action == "prepare":
        call_command("migrate", verbosity=0)
        _prepare(Path(args[0]))
    elif action in ("import", "match"):
        marker = Path(args[1]) if len(args) > 1 else None
        _run(action, Path(args[0]), marker)
    elif action == "sweep":
        from joinedup.core.running import interrupted_close

        print(interrupted_close())
    elif action == "counts":
        print(json.dumps(_counts()))


def _prepare(folder: Path) -> None:
    from joinedup.accounts.models import Organisation
    from tests.conftest import build_world
    from tests.crash import files
    from tests.sharing.conftest import agreement_make, children_make

    world = build_world()
    children_make(world)
    partner = Organisation.objects.create(name="Crash Partner", kind=Organisation.Kind.EARLY_HELP)
    partner.areas.add(world.area)
    agreement_make(world, partner)
    files.school_data(folder / "school.csv", world.school.urn or "")
    files.partner_list(folder / "theirs.csv")


def _pause_after(table: str, marker: Path) -> Any:
    def wrapper(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith(f'INSERT INTO "{table}"'.upper()):
            marker.write_text("inside the transaction")
            time.sleep(600)
        return result

    return wrapper


def _run(action: str, path: Path, marker: Path | None) -> None:
    from contextlib import nullcontext

    from django.db import connection

    from joinedup.core.jobs import job_run
    from joinedup.core.models import Job
    from joinedup.identification.services import screening_import
    from joinedup.sharing.models import DataSharingAgreement
    from joinedup.sharing.services import match_run_create, match_run_execute
    from tests.crash.files import data_lead

    lead = data_lead()
    table = "identification_screenedpupil" if action == "import" else "sharing_matchpair"
    pausing = connection.execute_wrapper(_pause_after(table, marker)) if marker else nullcontext()
    with pausing:
        if action == "import":
            job = Job.objects.create(
                kind="identification_import", title="Import", started_by=lead.user, organisation=lead.organisation
            )
            result = job_run(
                job.pk,
                lambda progress: {
                    "message": screening_import(
                        area=lead.area,
                        kind="school_data",
                        path=path,
                        file_name=path.name,
                        school_year="2026/27",
                        started_by=lead.user,
                        progress=progress,
                    ).message
                },
            )
            print(result["message"])
            return
        agreement = DataSharingAgreement.objects.get()
        run = match_run_create(actor=lead, agreement=agreement, path=path, file_name=path.name)
        print(match_run_execute(run=run).message)


def _counts() -> dict[str, Any]:
    from joinedup.core.models import Job
    from joinedup.identification.models import ScreenedPupil, ScreeningImport
    from joinedup.sharing.models import MatchPair, MatchRun, SharedCase

    return {
        "jobs": list(Job.objects.order_by("pk").values_list("status", flat=True)),
        "pupils": ScreenedPupil.objects.count(),
        "imports": list(ScreeningImport.objects.order_by("pk").values_list("status", flat=True)),
        "pairs": MatchPair.objects.count(),
        "runs": list(MatchRun.objects.order_by("pk").values_list("status", flat=True)),
        "run_files": [name for name in MatchRun.objects.values_list("stored_path", flat=True) if name],
        "messages": list(ScreeningImport.objects.order_by("pk").values_list("message", flat=True))
        + list(MatchRun.objects.order_by("pk").values_list("message", flat=True))
        + list(Job.objects.order_by("pk").values_list("error", flat=True)),
        "shared_cases": SharedCase.objects.count(),
    }


if __name__ == "__main__":
    main(*sys.argv[1:])
