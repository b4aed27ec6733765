"""Background jobs: start one, report its progress, and read it back.

A job is a task run by the worker plus a ``Job`` row that holds its progress.
The same work function serves the worker (progress into the row, shown live
on the page) and the command line (progress as a bar).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from joinedup.accounts.models import Membership
from joinedup.core.models import Job
from joinedup.core.running import interrupted_close, runner_here

Progress = Callable[[int, int | None], None]


def job_start(*, actor: Membership, kind: str, title: str, task: Task[..., Any], **arguments: Any) -> Job:
    """Record the job, then queue its task once the row is committed. The task is called with the
    job's id and ``arguments`` (which must be JSON-serialisable)."""
    job = Job.objects.create(kind=kind, title=title, started_by=actor.user, organisation=actor.organisation)

    def enqueue() -> None:
        result = task.enqueue(job.pk, **arguments)
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def job_run(job_id: int, work: Callable[[Progress], dict[str, Any]], *, every: float = 0.5) -> dict[str, Any]:
    """Run ``work`` for the job, writing its progress at most every ``every`` seconds.

    Work left "running" by a process that has since ended (a worker killed mid-job) is marked as stopped
    first, so that no page says it is still running."""
    interrupted_close()
    Job.objects.filter(pk=job_id).update(status=Job.Status.RUNNING, started_at=timezone.now(), runner=runner_here())
    last_write = 0.0

    def progress(done: int, total: int | None) -> None:
        nonlocal last_write
        now = time.monotonic()
        if now - last_write >= every or (total is not None and done >= total):
            Job.objects.filter(pk=job_id).update(done=done, total=total)
            last_write = now

    try:
        result = work(progress)
    except Exception as error:
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, error=f"{type(error).__name__}: {error}", finished_at=timezone.now()
        )
        raise
    Job.objects.filter(pk=job_id).update(status=Job.Status.SUCCEEDED, result=result, finished_at=timezone.now())
    return result


def job_for(user_id: int, job_id: int) -> Job | None:
    """A person sees only the jobs they started (and a job whose process has ended says it stopped)."""
    interrupted_close()
    return Job.objects.filter(pk=job_id, started_by_id=user_id).first()
