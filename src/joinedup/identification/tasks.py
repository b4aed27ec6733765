from __future__ import annotations

from typing import Any

from django.tasks import task

from joinedup.accounts.models import Area, User
from joinedup.core.jobs import job_run
from joinedup.identification.models import ColumnMapping, ScreeningImport
from joinedup.identification.services import ImportRejected, RunRefused, identification_run, screening_import


@task()
def screening_import_task(
    job_id: int,
    *,
    area_id: int,
    file_kind: str,
    path: str,
    file_name: str,
    school_year: str,
    user_id: int,
    mapping_id: int | None,
    accept_valid_rows: bool,
    retry_of_id: int | None = None,
) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        try:
            record = screening_import(
                area=Area.objects.get(pk=area_id),
                kind=file_kind,
                path=path,
                file_name=file_name,
                school_year=school_year,
                started_by=User.objects.get(pk=user_id),
                mapping=ColumnMapping.objects.filter(pk=mapping_id).first() if mapping_id else None,
                accept_valid_rows=accept_valid_rows,
                retry_of=ScreeningImport.objects.filter(pk=retry_of_id).first() if retry_of_id else None,
                progress=progress,
            )
        except ImportRejected as rejected:
            return {"import_id": rejected.record.pk, "imported": False, "message": str(rejected)}
        return {"import_id": record.pk, "imported": True, "message": record.message}

    return job_run(job_id, work)


@task()
def identification_run_task(job_id: int, *, area_id: int, school_year: str, user_id: int) -> dict[str, Any]:
    def work(progress: Any) -> dict[str, Any]:
        try:
            run = identification_run(
                area=Area.objects.get(pk=area_id),
                school_year=school_year,
                started_by=User.objects.get(pk=user_id),
                progress=progress,
            )
        except RunRefused as refused:
            return {"run_id": None, "message": str(refused)}
        return {
            "run_id": run.pk,
            "message": (
                f"Screened {run.screened} pupils: {run.proposed} proposed, {run.social_care} on the social care list."
            ),
        }

    return job_run(job_id, work)
