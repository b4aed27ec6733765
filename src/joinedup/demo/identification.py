"""Identification in the demo: every school's data and survey, imported and screened, some lists agreed.

The rows come from :func:`joinedup.demo.pupils.pupil_returns_build` and go in through the real
importer and the real run, as a borough's would. Then, so the demo shows each stage, half of
each borough's schools have decided their list and agreed it, and the rest have not started:
the demo school login (Harrow Road Primary School) finds its list waiting for decisions.
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from joinedup.accounts.models import Area, Membership, Organisation, Role
from joinedup.demo.generator import DemoData, demo_logins
from joinedup.demo.names import BOROUGHS
from joinedup.demo.pupils import REFERENCE_DATE, DemoSchool, pupil_returns_build
from joinedup.identification.models import ColumnMapping, IdentificationRun, school_year_of
from joinedup.identification.services import (
    cohort_add,
    cohort_decide,
    cohort_lock,
    identification_run,
    screening_import,
)
from joinedup.rules import SCHOOL_DATA_COLUMNS, SURVEY_COLUMNS

# The demo school login's school: its list is left for the visitor to decide. The demo Link
# Worker is based there too (as well as at their caseload's schools), so they can add a child.
WAITING_SCHOOL = "Harrow Road Primary School"
SCHOOL_YEAR = school_year_of(REFERENCE_DATE)
DECLINE_REASONS = (
    "Already supported by the school's counselling service",
    "Family moving out of the borough this term",
    "Open to Early Help; agreed with the family's lead professional",
)


__all__ = ["IdentificationLoadSummary", "demo_identification_load", "demo_identification_loaded"]


@dataclass(frozen=True)
class IdentificationLoadSummary:
    pupils: int
    proposed: int
    agreed_schools: int
    seconds: float


def demo_identification_loaded() -> bool:
    return IdentificationRun.objects.filter(school_year=SCHOOL_YEAR).exists()


def demo_identification_load(data: DemoData) -> IdentificationLoadSummary:
    """Import, screen and decide, borough by borough, in one transaction."""
    with transaction.atomic():
        return _load(data)


def _load(data: DemoData) -> IdentificationLoadSummary:
    started = time.monotonic()
    districts = {borough.name: borough.districts for borough in BOROUGHS}
    school_rows = sorted(
        (org for org in data.organisations if org.kind == Organisation.Kind.SCHOOL and org.urn),
        key=lambda org: org.name,
    )
    schools = [DemoSchool(org.urn or "", org.school_phase, districts[org.areas[0]]) for org in school_rows]
    returns = pupil_returns_build(schools, seed=data.seed)
    area_of = {org.urn: org.areas[0] for org in school_rows}
    _link_workers_based(data)
    pupils = proposed = agreed = 0
    with tempfile.TemporaryDirectory() as folder:
        for area in Area.objects.filter(name__in=set(area_of.values())).order_by("name"):
            lead = Membership.objects.select_related("user").get(
                area=area, role=Role.DATA_LEAD, organisation__kind=Organisation.Kind.PROGRAMME
            )
            mine = [row for row in returns.school_rows if area_of[row["school_urn"]] == area.name]
            upns = {row["upn"] for row in mine}
            survey = [row for row in returns.survey_rows if row["upn"] in upns]
            slug = area.name.lower().replace(" ", "-")
            for kind, rows, columns in (
                (ColumnMapping.Kind.SCHOOL_DATA, mine, SCHOOL_DATA_COLUMNS),
                (ColumnMapping.Kind.SURVEY, survey, SURVEY_COLUMNS),
            ):
                path = _written(Path(folder) / f"{slug}-{kind}.csv", columns, rows)
                screening_import(
                    area=area,
                    kind=kind,
                    path=path,
                    file_name=f"{slug}-{kind.replace('_', '-')}-{SCHOOL_YEAR.replace('/', '-')}.csv",
                    school_year=SCHOOL_YEAR,
                    started_by=lead.user,
                )
            run = identification_run(area=area, school_year=SCHOOL_YEAR, started_by=lead.user)
            pupils += run.screened
            proposed += run.proposed
            agreed += _decide(run, random.Random(f"joinedup-demo-decisions:{data.seed}:{area.name}"))
    return IdentificationLoadSummary(pupils, proposed, agreed, time.monotonic() - started)


def _written(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _link_workers_based(data: DemoData) -> None:
    """Each Link Worker is based in the schools of the children on their caseload; the demo Link
    Worker also at the school whose list is waiting, so that a visitor can add a child."""
    schools_of: dict[str, set[str]] = defaultdict(set)
    for _family, child in data.children():
        if child.link_worker:
            schools_of[child.link_worker].add(child.school)
    schools_of[dict(demo_logins())[str(Role.LINK_WORKER.label)]].add(WAITING_SCHOOL)
    by_name = {org.name: org for org in Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)}
    workers = Membership.objects.filter(role=Role.LINK_WORKER, user__email__in=list(schools_of)).select_related("user")
    for worker in workers:
        worker.schools.set(
            [
                by_name[name]
                for name in sorted(schools_of[worker.user.email])
                if worker.area in by_name[name].areas.all()
            ]
        )


def _decide(run: IdentificationRun, rng: random.Random) -> int:
    """Every second school (by name) decides and agrees its list; the others have not yet met."""
    agreed = 0
    for index, cohort in enumerate(run.school_cohorts.select_related("school").order_by("school__name")):
        if index % 2 or cohort.school.name == WAITING_SCHOOL:
            continue
        staff = Membership.objects.filter(organisation=cohort.school, role=Role.SCHOOL_STAFF).first()
        worker = Membership.objects.filter(role=Role.LINK_WORKER, schools=cohort.school, area=run.area).first()
        if staff is None or worker is None:
            continue
        entries = list(cohort.entries.filter(proposed=True).order_by("year_group", "rank"))
        missed = cohort.entries.filter(proposed=False, route="not_proposed", n_domains=2).order_by("pk").first()
        if missed is not None:
            entries.append(
                cohort_add(
                    actor=worker, entry=missed, reason="Known to the Link Worker: a young carer since this summer"
                )
            )
        for entry in entries:
            if rng.random() < 0.1:
                cohort_decide(actor=staff, entry=entry, decision="declined", reason=rng.choice(DECLINE_REASONS))
            else:
                cohort_decide(actor=staff, entry=entry, decision="confirmed", reason="")
        cohort_lock(actor=staff, cohort=cohort, agreed_with=f"{worker.user.full_name} (Link Worker)")
        agreed += 1
    return agreed
