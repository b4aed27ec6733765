from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from joinedup.accounts.models import Membership, Organisation, Role
from joinedup.identification.models import ColumnMapping, IdentificationRun, SchoolCohort, ScreeningImport
from joinedup.identification.services import identification_run, screening_import
from tests.conftest import World

SCHOOL_HEADER = (
    "upn,forenames,surname,date_of_birth,sex,year_group,school_urn,"
    "attendance_pct,reading,maths,fsm,ethnicity,social_care_status"
)
SURVEY_HEADER = "upn,respondent,sdq_emotional,sdq_peer"


def school_rows(urn: str) -> list[str]:
    """Five pupils in Year 5: two proposed, one on the social care list, two not proposed."""
    return [
        f"A001,Amara,Okafor,2015-10-02,F,5,{urn},84,below,below,Y,Black African,",  # 4 areas
        f"A002,Ben,Smith,2015-11-12,M,5,{urn},88,expected,below,Y,White British,",  # 3 areas
        f"A003,Chen,Li,2016-01-20,M,5,{urn},97,expected,expected,N,Asian Chinese,",  # none
        f"A004,Dana,Kowalski,2016-03-03,F,5,{urn},80,below,below,Y,White Other,CP",  # social care list
        f"A005,Ella,Jones,2016-05-30,F,5,{urn},91,below,expected,N,White British,",  # 1 area
    ]


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Screening:
    world: World
    run: IdentificationRun
    cohort: SchoolCohort
    folder: Path

    @property
    def data_lead(self) -> Membership:
        return self.world.members[Role.DATA_LEAD]

    @property
    def school(self) -> Organisation:
        return self.world.school


def import_file(world: World, path: Path, kind: str, **options: Any) -> ScreeningImport:
    """Import ``path`` into the first borough for 2026/27, as its data lead."""
    return screening_import(
        area=world.area,
        kind=kind,
        path=path,
        file_name=path.name,
        school_year="2026/27",
        started_by=world.members[Role.DATA_LEAD].user,
        **options,
    )


def import_school_data(world: World, folder: Path, *lines: str, **options: Any) -> ScreeningImport:
    path = write(folder, "school.csv", SCHOOL_HEADER, *(lines or school_rows(world.school.urn or "")))
    return import_file(world, path, ColumnMapping.Kind.SCHOOL_DATA, **options)


@pytest.fixture
def screening(world: World, tmp_path: Path) -> Screening:
    """The first borough's school screened once, and its Link Worker based there."""
    import_school_data(world, tmp_path)
    run = identification_run(area=world.area, school_year="2026/27", started_by=world.members[Role.DATA_LEAD].user)
    world.members[Role.LINK_WORKER].schools.add(world.school)
    return Screening(world, run, SchoolCohort.objects.get(run=run, school=world.school), tmp_path)
