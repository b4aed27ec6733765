from __future__ import annotations

from typing import Any

from django.tasks import task

from joinedup.accounts.models import Area, User
from joinedup.core.jobs import job_run
from joinedup.directory.services import ImportRejected, directory_import


@task()
def directory_import_task(
    job_id: int, *, source: str, area_id: int, user_id: int, feed_name: str | None = None
) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        area = Area.objects.get(pk=area_id)
        try:
            report = directory_import(
                source=source,
                area=area,
                started_by=User.objects.get(pk=user_id),
                progress=progress,
                feed_name=feed_name,
            )
        except ImportRejected as rejected:
            return {"import_id": rejected.record.pk, "imported": False, "message": str(rejected)}
        return {"import_id": report.record.pk, "imported": True, "message": report.summary()}

    return job_run(job_id, work)
