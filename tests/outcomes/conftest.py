"""A programme with outcomes: the world's Link Worker's child enrolled, the borough's measures, readings at
baseline and later, and an outcomes contract with a rate card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from joinedup.accounts.models import Membership, Role
from joinedup.cases.models import Child, Consent, Enrolment
from joinedup.identification.models import CohortEntry, ScreenedPupil, ScreeningImport
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement
from joinedup.outcomes.services import measurement_record, measures_ensure
from tests.conftest import World
from tests.factories import ChildFactory, EnrolmentFactory

START = dt.date(2025, 9, 8)


@dataclass
class Programme:
    world: World
    child: Child
    enrolment: Enrolment
    measures: dict[str, Measure]
    contract: Contract

    @property
    def link_worker(self) -> Membership:
        return self.world.members[Role.LINK_WORKER]

    @property
    def data_lead(self) -> Membership:
        return self.world.members[Role.DATA_LEAD]

    def client(self, role: str) -> Client:
        return self.world.client_for(role)

    def record(
        self,
        key: str,
        value: object,
        on: dt.date,
        *,
        respondent: str = "",
        occasion: str = "review",
        child: Child | None = None,
    ) -> Measurement:
        return measurement_record(
            actor=self.link_worker,
            child=child or self.child,
            measure=self.measures[key],
            value=value,
            taken_on=on,
            respondent=respondent,
            occasion=occasion,
        )


@pytest.fixture
def programme(world: World) -> Programme:
    child = world.children["own"]
    enrolment = EnrolmentFactory.create(child=child, start_date=START)
    Consent.objects.create(
        child=child, purpose=Consent.Purpose.ENROLMENT, given_by=Consent.GivenBy.PARENT, given_on=START
    )
    measures = {measure.key: measure for measure in measures_ensure(world.area)}
    contract = Contract.objects.create(
        area=world.area,
        name="Brent Life Chances",
        funder="Brent Council",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2028, 8, 31),
        changed_by=world.members[Role.DATA_LEAD].user,
    )
    ContractRate.objects.create(contract=contract, event="sign_up", price=Decimal("500"), evidence="Enrolment")
    ContractRate.objects.create(contract=contract, event="engagement", price=Decimal("300"), evidence="Contacts")
    ContractRate.objects.create(
        contract=contract, event="outcome", measure=measures["attendance"], price=Decimal("1200"), evidence="Data"
    )
    result = Programme(world, child, enrolment, measures, contract)
    result.record("attendance", "84.5", dt.date(2025, 9, 10), occasion="baseline")
    result.record("attendance", "93", dt.date(2026, 2, 2))
    result.record("sdq_emotional", "7", dt.date(2025, 9, 10), respondent="teacher", occasion="baseline")
    result.record("sdq_emotional", "4", dt.date(2026, 2, 2), respondent="teacher")
    return result


# School data for outcomes: two school years of screening, built directly as identification stores them. ------------


def this_school_year() -> str:
    from joinedup.identification.models import school_year_of

    return school_year_of(dt.date.today())


def last_school_year() -> str:
    from joinedup.outcomes.services import year_before

    return year_before(this_school_year())


def screening_file(world: World, school_year: str, kind: str = "school_data") -> ScreeningImport:
    """An imported file of the first borough, as identification records one (imported today)."""
    return ScreeningImport.objects.create(
        area=world.area,
        kind=kind,
        school_year=school_year,
        file_name=f"{kind}-{school_year.replace('/', '-')}.csv",
        stored_path="",
        status=ScreeningImport.Status.IMPORTED,
        started_by=world.members[Role.DATA_LEAD].user,
    )


def screened(
    world: World, record: ScreeningImport, upn: str, *, survey: ScreeningImport | None = None, **values: object
) -> ScreenedPupil:
    """One pupil's row of a year's school data (and survey) at the world's school."""
    return ScreenedPupil.objects.create(
        area=world.area,
        school=world.school,
        school_year=record.school_year,
        upn=upn,
        forenames=f"Pupil {upn}",
        surname="Screened",
        date_of_birth=dt.date(2015, 10, 1),
        year_group=5,
        school_data_import=record,
        survey_import=survey,
        **values,
    )


def enrol_from(world: World, pupil: ScreenedPupil, *, start: dt.date) -> Enrolment:
    """A child of the world's programme and school, enrolled from ``pupil``'s entry on the run of its year."""
    entry = CohortEntry.objects.get(pupil=pupil)
    child = ChildFactory.create(
        forenames=pupil.forenames,
        surname=pupil.surname,
        date_of_birth=pupil.date_of_birth,
        area=world.area,
        school=world.school,
        programme_organisation=world.programme,
        link_worker=world.members[Role.LINK_WORKER].user,
    )
    return EnrolmentFactory.create(child=child, start_date=start, cohort_entry=entry)


@dataclass
class Screenings:
    """Last year's screening (the baseline) and this year's school data, for five pupils:

    ===== ========================== ============================ =========================
    UPN   last year                  this year                    who
    ===== ========================== ============================ =========================
    P1    attendance 80, reading     attendance 94, reading        enrolled (Amara)
          below, SDQ emotional 7     expected, SDQ emotional 3
          (teacher)                  (teacher)
    P2    attendance 85, reading     attendance 86, reading 104    enrolled (Ben)
          expected                   (a score: left alone)
    P3    attendance 82              attendance 92                 screened, not enrolled
    P4    attendance 95              attendance 96                 screened, not enrolled
    P5    attendance 70              (left the school)             screened, not enrolled
    P6    (not there)                attendance 99                 new this year
    ===== ========================== ============================ =========================
    """

    world: World
    last: str
    this: str
    amara: Enrolment
    ben: Enrolment
    pupils: dict[str, ScreenedPupil]

    @property
    def data_lead(self) -> Membership:
        return self.world.members[Role.DATA_LEAD]


@pytest.fixture
def screenings(world: World) -> Screenings:
    from joinedup.identification.services import identification_run

    last, this = last_school_year(), this_school_year()
    lead = world.members[Role.DATA_LEAD]
    before = screening_file(world, last)
    before_survey = screening_file(world, last, "survey")
    pupils = {
        "P1": screened(
            world,
            before,
            "P1",
            survey=before_survey,
            attendance_pct=80.0,
            reading="below",
            respondent="teacher",
            sdq_emotional=7,
        ),
        "P2": screened(world, before, "P2", attendance_pct=85.0, reading="expected"),
        "P3": screened(world, before, "P3", attendance_pct=82.0),
        "P4": screened(world, before, "P4", attendance_pct=95.0),
        "P5": screened(world, before, "P5", attendance_pct=70.0),
    }
    identification_run(area=world.area, school_year=last, started_by=lead.user)
    start = dt.date(int(last[:4]), 9, 8)
    amara = enrol_from(world, pupils["P1"], start=start)
    ben = enrol_from(world, pupils["P2"], start=start)
    after = screening_file(world, this)
    after_survey = screening_file(world, this, "survey")
    screened(
        world,
        after,
        "P1",
        survey=after_survey,
        attendance_pct=94.0,
        reading="expected",
        respondent="teacher",
        sdq_emotional=3,
    )
    screened(world, after, "P2", attendance_pct=86.0, reading="104")
    screened(world, after, "P3", attendance_pct=92.0)
    screened(world, after, "P4", attendance_pct=96.0)
    screened(world, after, "P6", attendance_pct=99.0)
    return Screenings(world, last, this, amara, ben, pupils)
