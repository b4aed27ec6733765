from __future__ import annotations

from typing import Any

from django.tasks import task

from joinedup.audit.services import audit_verify
from joinedup.core.jobs import job_run


@task()
def audit_verify_task(job_id: int) -> dict[str, Any]:
    return job_run(job_id, lambda progress: audit_verify(progress=progress).as_dict())
