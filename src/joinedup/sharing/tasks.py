from __future__ import annotations

from typing import Any

from django.tasks import task

from joinedup.core.jobs import job_run
from joinedup.sharing.models import MatchRun
from joinedup.sharing.services import match_run_execute


@task()
def match_run_task(job_id: int, *, run_id: int) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        run = match_run_execute(
            run=MatchRun.objects.select_related("agreement__partner").get(pk=run_id), progress=progress
        )
        return {"run_id": run.pk, "matched": run.status == MatchRun.Status.FINISHED, "message": run.message}

    return job_run(job_id, work)
