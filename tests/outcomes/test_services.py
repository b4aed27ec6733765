"""Writes for outcomes, through the services the pages, the API and the commands call.

Each refusal is checked for what the person is told (which field, what to do) and for leaving nothing behind.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.identification.models import ScreenedPupil, ScreeningImport
from joinedup.outcomes.models import Contract, ContractRate, Measure, Measurement, Progress
from joinedup.outcomes.services import (
    baseline_from_identification,
    contract_rate_remove,
    contract_rate_save,
    contract_save,
    measure_save,
    measurement_record,
    measurement_remove,
    measures_ensure,
    school_data_pull,
    value_read,
    year_before,
)
from tests.conftest import World
from tests.outcomes.conftest import Programme, Screenings, screened, screening_file

FEB = dt.date(2026, 2, 2)


def refused(call: object) -> dict[str, list[str]]:
    """Run ``call`` and return the ``ValidationError``'s messages by field."""
    with pytest.raises(ValidationError) as error:
        call()  # type: ignore[operator]
    return error.value.message_dict


def snapshot() -> tuple[int, int, int]:
    return Measurement.objects.count(), Progress.objects.count(), AuditEvent.objects.count()


def standing(programme: Programme, key: str) -> Progress:
    return Progress.objects.get(child=programme.child, measure=programme.measures[key])


# -- measurement_record ------------------------------------------------------------------------------------------


def test_a_reading_is_recorded_with_who_and_its_progress(programme: Programme) -> None:
    before = AuditEvent.objects.count()
    reading = programme.record("reading", "working towards", dt.date(2025, 9, 10), occasion="baseline")
    assert (reading.value, reading.created_by, reading.source) == (0, programme.link_worker.user, "entered")
    event = AuditEvent.objects.order_by("-seq").filter(record_type="measurement").first()
    assert event is not None
    assert AuditEvent.objects.count() > before
    assert (event.action, event.child_id, event.detail["measure"]) == ("create", programme.child.pk, "reading")
    row = standing(programme, "reading")
    assert (row.baseline_value, row.baseline_at_risk, row.latest_on) == (0, True, None)


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("attendance", "120", "Attendance: enter a number from 0 to 100, not 120."),
        ("attendance", "-1", "Attendance: enter a number from 0 to 100, not -1."),
        ("attendance", "lots", "Attendance: enter a number, not “lots”."),
        ("attendance", "nan", "Attendance: enter a number, not “nan”."),
        ("reading", "excellent", "Reading: enter working towards, at or above expected, not “excellent”."),
        ("reading", "3", "Reading: enter working towards, at or above expected, not “3”."),
        ("sdq_emotional", "11", "SDQ emotional symptoms: enter a number from 0 to 10, not 11."),
    ],
)
def test_a_value_off_the_measures_scale_is_refused_and_nothing_is_written(
    programme: Programme, key: str, value: str, message: str
) -> None:
    before = snapshot()
    errors = refused(lambda: programme.record(key, value, FEB, respondent="teacher"))
    assert errors == {"value": [message]}
    assert snapshot() == before


def test_a_measure_with_only_a_lowest_value_says_so(programme: Programme) -> None:
    lead = programme.data_lead
    count = measure_save(
        actor=lead,
        measure=Measure(
            area=programme.world.area, key="visits", name="Home visits", kind="custom", scale="score", minimum=0
        ),
    )
    errors = refused(
        lambda: measurement_record(
            actor=lead, child=programme.child, measure=count, value="-3", taken_on=FEB, occasion="review"
        )
    )
    assert errors == {"value": ["Home visits: enter a number of 0 or more, not -3."]}


@pytest.mark.parametrize(
    ("words", "stored"),
    [
        ("below", 0),
        ("Working towards", 0),
        ("WTS", 0),
        ("at", 1),
        ("expected", 1),
        ("EXS", 1),
        ("above", 2),
        ("gds", 2),
    ],
)
def test_attainment_is_read_in_the_words_schools_use(programme: Programme, words: str, stored: int) -> None:
    assert programme.record("reading", words, FEB).value == stored


def test_attendance_may_be_written_with_a_per_cent_sign(programme: Programme) -> None:
    assert programme.record("attendance", " 91.5% ", dt.date(2026, 3, 1)).value == 91.5


def test_a_date_in_the_future_is_refused(programme: Programme) -> None:
    before = snapshot()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    errors = refused(lambda: programme.record("attendance", "90", tomorrow))
    assert errors == {"taken_on": ["The date a measurement was taken must be today or in the past."]}
    assert snapshot() == before


def test_a_date_before_the_child_was_born_is_refused(programme: Programme) -> None:
    born = programme.child.date_of_birth
    errors = refused(lambda: programme.record("attendance", "90", born - dt.timedelta(days=1)))
    assert errors == {"taken_on": [f"The date must be after the child was born ({born:%-d %B %Y})."]}


def test_an_sdq_reading_needs_who_answered(programme: Programme) -> None:
    before = snapshot()
    errors = refused(lambda: programme.record("sdq_peer", "4", FEB))
    assert errors == {
        "respondent": ["Say who answered the SDQ peer problems questionnaire: the teacher, a parent or the child."]
    }
    assert snapshot() == before


def test_every_problem_is_reported_at_once(programme: Programme) -> None:
    errors = refused(lambda: programme.record("sdq_peer", "x", dt.date.today() + dt.timedelta(days=3)))
    assert set(errors) == {"value", "taken_on", "respondent"}


def test_a_respondent_is_not_kept_on_a_measure_that_has_none(programme: Programme) -> None:
    assert programme.record("attendance", "95", dt.date(2026, 3, 2), respondent="parent").respondent == ""


def test_another_boroughs_measure_is_refused(programme: Programme) -> None:
    far = {measure.key: measure for measure in measures_ensure(programme.world.other_area)}
    before = snapshot()
    errors = refused(
        lambda: measurement_record(
            actor=programme.link_worker,
            child=programme.child,
            measure=far["attendance"],
            value="90",
            taken_on=FEB,
            occasion="review",
        )
    )
    assert errors == {"measure": ["Choose one of the borough's measures in use."]}
    assert snapshot() == before


def test_a_measure_out_of_use_is_refused(programme: Programme) -> None:
    Measure.objects.filter(pk=programme.measures["maths"].pk).update(active=False)
    programme.measures["maths"].refresh_from_db()
    assert "measure" in refused(lambda: programme.record("maths", "at", FEB))


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.COMMISSIONER, Role.DELIVERY_PRACTITIONER])
def test_only_case_workers_and_data_leads_record(programme: Programme, role: Role) -> None:
    before = snapshot()
    with pytest.raises(PermissionError):
        measurement_record(
            actor=programme.world.members[role],
            child=programme.child,
            measure=programme.measures["attendance"],
            value="90",
            taken_on=FEB,
            occasion="review",
        )
    assert snapshot() == before


def test_the_same_reading_again_updates_it_instead_of_adding_one(programme: Programme) -> None:
    count = Measurement.objects.count()
    again = programme.record("attendance", "89", FEB)
    assert Measurement.objects.count() == count
    assert Measurement.objects.get(pk=again.pk).value == 89
    event = AuditEvent.objects.order_by("-seq").filter(record_type="measurement").first()
    assert event is not None
    assert event.action == "change"
    # 89 is under the threshold of 90 again: the progress row follows the corrected value.
    row = standing(programme, "attendance")
    assert (row.latest_value, row.latest_at_risk, row.cleared_on) == (89, True, None)


def test_the_same_day_from_another_respondent_is_another_reading(programme: Programme) -> None:
    count = Measurement.objects.count()
    programme.record("sdq_emotional", "6", FEB, respondent="parent")
    assert Measurement.objects.count() == count + 1


def test_the_progress_row_follows_each_reading(programme: Programme) -> None:
    row = standing(programme, "attendance")
    assert (row.baseline_value, row.baseline_at_risk) == (84.5, True)
    assert (row.latest_value, row.latest_at_risk, row.cleared_on, row.cleared_value) == (93, False, FEB, 93)
    assert (row.area, row.school, row.cohort_year) == (programme.world.area, programme.world.school, "2025/26")
    later = dt.date(2026, 6, 1)
    programme.record("attendance", "88", later)
    row = standing(programme, "attendance")
    # Still cleared on the first reading no longer at risk, though at risk again now.
    assert (row.latest_value, row.latest_on, row.latest_at_risk, row.cleared_on) == (88, later, True, FEB)
    assert Progress.objects.filter(child=programme.child, measure=programme.measures["attendance"]).count() == 1


# -- measurement_remove ------------------------------------------------------------------------------------------


def test_removing_a_reading_works_out_progress_again_and_is_audited(programme: Programme) -> None:
    reading = Measurement.objects.get(child=programme.child, measure__key="attendance", taken_on=FEB)
    measurement_remove(actor=programme.link_worker, reading=reading)
    assert not Measurement.objects.filter(pk=reading.pk).exists()
    row = standing(programme, "attendance")
    assert (row.latest_value, row.cleared_on) == (None, None)
    event = AuditEvent.objects.order_by("-seq").filter(record_type="measurement").first()
    assert event is not None
    assert event.detail == {"removed": True, "measure": "attendance", "value": 93.0, "taken_on": "2026-02-02"}


def test_removing_the_last_reading_removes_the_progress_row(programme: Programme) -> None:
    for reading in Measurement.objects.filter(child=programme.child, measure__key="sdq_emotional"):
        measurement_remove(actor=programme.data_lead, reading=reading)
    assert not Progress.objects.filter(child=programme.child, measure__key="sdq_emotional").exists()


def test_school_staff_cannot_remove_a_reading(programme: Programme) -> None:
    reading = Measurement.objects.filter(child=programme.child).first()
    assert reading is not None
    before = snapshot()
    with pytest.raises(PermissionError):
        measurement_remove(actor=programme.world.members[Role.SCHOOL_STAFF], reading=reading)
    assert snapshot() == before


# -- measure_save ------------------------------------------------------------------------------------------------


def test_the_borough_starts_from_its_identification_thresholds(programme: Programme) -> None:
    measures = programme.measures
    assert measures["attendance"].threshold == 90.0
    assert measures["reading"].threshold == 1  # below expected is at risk
    assert measures["sdq_emotional"].thresholds_by_respondent == {"teacher": 5.0, "parent": 5.0, "pupil": 6.0}
    assert measures["attendance"].threshold_text() == "At risk below 90.0%"
    # Asked again, the same measures come back: none are made twice.
    assert len(measures_ensure(programme.world.area)) == len(measures)


def test_changing_a_threshold_works_out_every_childs_progress_again(programme: Programme) -> None:
    measure = programme.measures["attendance"]
    measure.threshold = 95
    measure.reliable_change = 5
    measure_save(actor=programme.data_lead, measure=measure)
    row = standing(programme, "attendance")
    assert (row.latest_at_risk, row.cleared_on, row.reliable) == (True, None, 1)
    event = AuditEvent.objects.order_by("-seq").filter(record_type="measure").first()
    assert event is not None
    assert event.detail["threshold"] == 95


def test_changing_an_sdq_threshold_for_a_respondent(programme: Programme) -> None:
    measure = programme.measures["sdq_emotional"]
    measure.thresholds_by_respondent = {"teacher": 8, "parent": 5, "pupil": 6}
    measure_save(actor=programme.data_lead, measure=measure)
    row = standing(programme, "sdq_emotional")
    # 7 from the teacher is under 8: not at risk at the baseline any more, so nothing to clear.
    assert (row.baseline_at_risk, row.cleared_on) == (False, None)


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.LINK_WORKER, Role.COMMISSIONER])
def test_only_the_data_lead_changes_a_measure(programme: Programme, role: Role) -> None:
    measure = programme.measures["attendance"]
    measure.threshold = 95
    with pytest.raises(PermissionError):
        measure_save(actor=programme.world.members[role], measure=measure)
    assert Measure.objects.get(pk=measure.pk).threshold == 90
    assert standing(programme, "attendance").cleared_on == FEB


def test_another_boroughs_measure_cannot_be_changed(programme: Programme) -> None:
    far = measures_ensure(programme.world.other_area)[0]
    far.threshold = 1
    with pytest.raises(PermissionError):
        measure_save(actor=programme.data_lead, measure=far)
    assert Measure.objects.get(pk=far.pk).threshold != 1


def test_a_highest_value_under_the_lowest_is_refused(programme: Programme) -> None:
    measure = programme.measures["attendance"]
    measure.minimum, measure.maximum = 50, 40
    assert refused(lambda: measure_save(actor=programme.data_lead, measure=measure)) == {
        "maximum": ["Enter a highest value above the lowest."]
    }
    assert Measure.objects.get(pk=measure.pk).maximum == 100


def test_a_short_name_used_already_is_refused(programme: Programme) -> None:
    copy = Measure(area=programme.world.area, key="attendance", name="Attendance again", kind="custom", scale="score")
    with pytest.raises(ValidationError):
        measure_save(actor=programme.data_lead, measure=copy)
    assert Measure.objects.filter(area=programme.world.area, key="attendance").count() == 1


# -- school_data_pull and the comparison group -------------------------------------------------------------------


def test_reading_last_years_data_gives_the_baselines(screenings: Screenings) -> None:
    pulled = school_data_pull(actor=screenings.data_lead, school_year=screenings.last)
    # Amara: attendance, reading and SDQ emotional; Ben: attendance and reading.
    assert (pulled.children, pulled.readings, pulled.skipped, pulled.comparison) == (2, 5, [], 0)
    amara = Measurement.objects.filter(child=screenings.amara.child).order_by("measure__order")
    assert [(reading.measure.key, reading.value, reading.respondent) for reading in amara] == [
        ("attendance", 80.0, ""),
        ("reading", 0.0, ""),
        ("sdq_emotional", 7.0, "teacher"),
    ]
    assert {(reading.occasion, reading.source) for reading in amara} == {("baseline", "identification")}
    assert {reading.screened_pupil_id for reading in amara} == {screenings.pupils["P1"].pk}


def test_reading_the_next_year_gives_the_childrens_progress(screenings: Screenings) -> None:
    lead = screenings.data_lead
    school_data_pull(actor=lead, school_year=screenings.last)
    pulled = school_data_pull(actor=lead, school_year=screenings.this)
    # Amara: attendance, reading and SDQ; Ben: attendance only (a score where the borough measures levels).
    assert (pulled.school_year, pulled.children, pulled.readings, pulled.not_linked) == (screenings.this, 2, 4, 0)
    amara = {row.measure.key: row for row in Progress.objects.filter(child=screenings.amara.child)}
    assert {key: (row.baseline_value, row.latest_value, row.cleared_value) for key, row in amara.items()} == {
        "attendance": (80.0, 94.0, 94.0),
        "reading": (0.0, 1.0, 1.0),
        "sdq_emotional": (7.0, 3.0, 3.0),
    }
    later = Measurement.objects.get(child=screenings.amara.child, measure__key="attendance", value=94)
    assert (later.occasion, later.source) == ("school_year", "school_data")
    ben = {row.measure.key: row for row in Progress.objects.filter(child=screenings.ben.child)}
    assert (ben["attendance"].latest_value, ben["attendance"].latest_at_risk) == (86.0, True)
    assert ben["reading"].latest_on is None  # the score was left for a person to enter


def test_two_years_imported_on_one_day_keep_both_readings(screenings: Screenings) -> None:
    """The borough brought in last year's files and this year's on the same day: neither replaces the other."""
    lead = screenings.data_lead
    school_data_pull(actor=lead, school_year=screenings.last)
    school_data_pull(actor=lead, school_year=screenings.this)
    readings = Measurement.objects.filter(child=screenings.amara.child, measure__key="attendance").order_by("taken_on")
    assert [reading.value for reading in readings] == [80.0, 94.0]
    assert readings[0].taken_on == dt.date(int(screenings.last[:4]) + 1, 8, 31)


def progress_rows() -> list[tuple[object, ...]]:
    fields = ("child_id", "pupil_id", "measure_id", "baseline_value", "latest_value", "cleared_on")
    return list(Progress.objects.order_by(*fields).values_list(*fields))


def test_reading_a_year_again_changes_nothing(screenings: Screenings) -> None:
    lead = screenings.data_lead
    school_data_pull(actor=lead, school_year=screenings.last)
    first = school_data_pull(actor=lead, school_year=screenings.this)
    rows = progress_rows()
    count = Measurement.objects.count()
    again = school_data_pull(actor=lead, school_year=screenings.this)
    assert again == first
    assert Measurement.objects.count() == count
    assert progress_rows() == rows


def test_the_comparison_group_is_those_screened_and_not_enrolled(screenings: Screenings) -> None:
    pulled = school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    # P3 and P4: screened last year and in this year's data. P1 and P2 are enrolled; P5 left; P6 is new.
    assert pulled.comparison == 2
    rows = Progress.objects.filter(pupil__isnull=False).select_related("pupil", "measure")
    assert {(row.pupil.upn, row.measure.key) for row in rows} == {("P3", "attendance"), ("P4", "attendance")}
    by_pupil = {row.pupil.upn: row for row in rows}
    assert (by_pupil["P3"].baseline_at_risk, by_pupil["P3"].latest_at_risk) == (True, False)
    assert (by_pupil["P4"].baseline_at_risk, by_pupil["P4"].latest_at_risk) == (False, False)
    assert {row.child_id for row in rows} == {None}
    assert {row.school_id for row in rows} == {screenings.world.school.pk}


def test_the_comparison_group_follows_a_threshold_change(screenings: Screenings) -> None:
    school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    attendance = Measure.objects.get(area=screenings.world.area, key="attendance")
    attendance.threshold = 93
    measure_save(actor=screenings.data_lead, measure=attendance)
    p3 = Progress.objects.get(pupil=screenings.pupils["P3"], measure=attendance)
    assert (p3.baseline_at_risk, p3.latest_at_risk) == (True, True)  # 92 is under 93
    assert Progress.objects.filter(pupil__isnull=False).count() == 2


def test_values_that_cannot_be_read_are_listed_and_the_rest_read(screenings: Screenings) -> None:
    record = screening_file(screenings.world, screenings.this, "survey")
    p2 = screenings.ben.cohort_entry.pupil
    later = p2.__class__.objects.get(school_year=screenings.this, upn=p2.upn)
    later.attendance_pct = 101.0
    later.sdq_peer = 4  # and no respondent
    later.survey_import = record
    later.save()
    pulled = school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    assert pulled.skipped == [
        "UPN P2: Attendance: enter a number from 0 to 100, not 101.",
        "UPN P2: SDQ peer problems has no respondent (teacher, parent or pupil).",
    ]
    assert pulled.readings == 3  # Amara's three
    assert not Measurement.objects.filter(child=screenings.ben.child).exists()


def test_children_enrolled_without_identification_are_counted_not_matched(screenings: Screenings, world: World) -> None:
    from tests.factories import EnrolmentFactory

    EnrolmentFactory.create(child=world.children["own"], start_date=dt.date(2025, 9, 8))
    pulled = school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    assert pulled.not_linked == 1
    assert not Measurement.objects.filter(child=world.children["own"]).exists()


def test_a_year_with_no_school_data_is_refused(screenings: Screenings) -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        school_data_pull(actor=screenings.data_lead, school_year="2019/20")
    assert error.value.messages == [
        "No school data has been imported for 2019/20. Import it on the identification pages first."
    ]
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.LINK_WORKER])
def test_only_the_data_lead_reads_school_data(screenings: Screenings, role: Role) -> None:
    before = snapshot()
    with pytest.raises(PermissionError):
        school_data_pull(actor=screenings.world.members[role], school_year=screenings.this)
    assert snapshot() == before


def test_reading_school_data_is_audited(screenings: Screenings) -> None:
    school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.record_type, event.record_id, event.detail["children"], event.detail["comparison"]) == (
        "school_data_pull",
        screenings.this,
        2,
        2,
    )


def test_year_before() -> None:
    assert (year_before("2026/27"), year_before("2000/01")) == ("2025/26", "1999/00")


# -- baseline_from_identification --------------------------------------------------------------------------------


def test_enrolling_from_identification_gives_the_baseline(screenings: Screenings) -> None:
    made = baseline_from_identification(enrolment=screenings.amara)
    assert made == 3
    rows = {row.measure.key: row for row in Progress.objects.filter(child=screenings.amara.child)}
    assert {key: (row.baseline_value, row.baseline_at_risk, row.latest_on) for key, row in rows.items()} == {
        "attendance": (80.0, True, None),
        "reading": (0.0, True, None),
        "sdq_emotional": (7.0, True, None),
    }
    assert set(
        Measurement.objects.filter(child=screenings.amara.child).values_list("occasion", "source", "respondent")
    ) == {("baseline", "identification", ""), ("baseline", "identification", "teacher")}
    # Again: the same three readings, not six.
    assert baseline_from_identification(enrolment=screenings.amara) == 3
    assert Measurement.objects.filter(child=screenings.amara.child).count() == 3


def test_a_child_not_identified_from_school_data_has_no_baseline_to_read(programme: Programme) -> None:
    count = Measurement.objects.count()
    assert baseline_from_identification(enrolment=programme.enrolment) == 0
    assert Measurement.objects.count() == count


def test_the_baseline_leaves_out_a_value_the_measure_cannot_read(world: World) -> None:
    from joinedup.identification.services import identification_run

    record = screening_file(world, "2024/25")
    pupil = screened(world, record, "Q1", attendance_pct=80.0, reading="98")  # a KS2 score, not a level
    identification_run(area=world.area, school_year="2024/25", started_by=world.members[Role.DATA_LEAD].user)
    from tests.outcomes.conftest import enrol_from

    enrolment = enrol_from(world, pupil, start=dt.date(2024, 9, 9))
    assert baseline_from_identification(enrolment=enrolment) == 1
    assert list(Measurement.objects.filter(child=enrolment.child).values_list("measure__key", flat=True)) == [
        "attendance"
    ]


# -- contracts ---------------------------------------------------------------------------------------------------


def new_contract(programme: Programme, **changes: object) -> Contract:
    values: dict[str, object] = {
        "name": "Wellbeing fund",
        "funder": "The Fund",
        "starts_on": dt.date(2026, 9, 1),
        "ends_on": dt.date(2027, 8, 31),
    }
    return Contract(**(values | changes))


def test_a_contract_is_saved_in_the_data_leads_borough(programme: Programme) -> None:
    saved = contract_save(actor=programme.data_lead, contract=new_contract(programme, area=programme.world.other_area))
    assert (saved.area, saved.changed_by, saved.engagement_contacts) == (
        programme.world.area,
        programme.data_lead.user,
        6,
    )
    assert AuditEvent.objects.filter(record_type="contract", record_id=str(saved.pk)).exists()


def test_a_contract_must_end_after_it_starts(programme: Programme) -> None:
    count = Contract.objects.count()
    contract = new_contract(programme, ends_on=dt.date(2026, 9, 1))
    assert refused(lambda: contract_save(actor=programme.data_lead, contract=contract)) == {
        "ends_on": ["The contract must end after it starts."]
    }
    assert Contract.objects.count() == count


def test_attendance_over_100_per_cent_is_refused(programme: Programme) -> None:
    contract = new_contract(programme, engagement_attendance=101)
    assert "engagement_attendance" in refused(lambda: contract_save(actor=programme.data_lead, contract=contract))


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.COMMISSIONER])
def test_only_the_data_lead_keeps_contracts(programme: Programme, role: Role) -> None:
    count = Contract.objects.count()
    with pytest.raises(PermissionError):
        contract_save(actor=programme.world.members[role], contract=new_contract(programme))
    assert Contract.objects.count() == count


def test_another_boroughs_contract_cannot_be_changed(programme: Programme) -> None:
    far = Contract.objects.create(
        area=programme.world.other_area,
        name="Westminster contract",
        funder="Westminster",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 1, 1),
        changed_by=programme.data_lead.user,
    )
    far.name = "Taken over"
    with pytest.raises(PermissionError):
        contract_save(actor=programme.data_lead, contract=far)
    assert Contract.objects.get(pk=far.pk).name == "Westminster contract"


def rate(programme: Programme, **changes: object) -> ContractRate:
    contract = contract_save(actor=programme.data_lead, contract=new_contract(programme))
    values: dict[str, object] = {"contract": contract, "event": "outcome", "price": Decimal("900"), "evidence": "Data"}
    return ContractRate(**(values | changes))


def test_an_outcome_rate_is_paid_on_a_measure(programme: Programme) -> None:
    saved = contract_rate_save(actor=programme.data_lead, rate=rate(programme, measure=programme.measures["maths"]))
    assert (saved.measure, saved.per_child) == (programme.measures["maths"], 1)
    assert str(saved) == "Outcome: no longer at risk (Maths): £900.00"


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({}, {"measure": ["Choose the measure this outcome is paid on."]}),
        (
            {"measure": "stirling"},
            {
                "measure": [
                    "Stirling Children's Wellbeing Scale has no at-risk threshold, so no one can cross it. Set one "
                    "first."
                ]
            },
        ),
        (
            {"measure": "attendance", "price": Decimal("-1")},
            {"price": ["Ensure this value is greater than or equal to 0."]},
        ),
        (
            {"measure": "attendance", "per_child": 0},
            {"per_child": ["Ensure this value is greater than or equal to 1."]},
        ),
    ],
)
def test_a_rate_that_cannot_be_paid_is_refused(
    programme: Programme, changes: dict[str, object], errors: dict[str, list[str]]
) -> None:
    if "measure" in changes:
        changes = changes | {"measure": programme.measures[str(changes["measure"])]}
    count = ContractRate.objects.count()
    assert refused(lambda: contract_rate_save(actor=programme.data_lead, rate=rate(programme, **changes))) == errors
    assert ContractRate.objects.count() == count


def test_an_outcome_on_another_boroughs_measure_is_refused(programme: Programme) -> None:
    far = {measure.key: measure for measure in measures_ensure(programme.world.other_area)}
    errors = refused(
        lambda: contract_rate_save(actor=programme.data_lead, rate=rate(programme, measure=far["attendance"]))
    )
    assert errors == {"measure": ["Choose one of the borough's measures."]}


def test_a_second_rate_for_the_same_event_is_refused(programme: Programme) -> None:
    first = contract_rate_save(actor=programme.data_lead, rate=rate(programme, event="sign_up"))
    second = ContractRate(contract=first.contract, event="sign_up", price=Decimal("10"), evidence="Again")
    assert refused(lambda: contract_rate_save(actor=programme.data_lead, rate=second)) == {
        "event": ["The contract already has a rate for this event. Change that one instead."]
    }
    # Changing the first is not a second.
    first.price = Decimal("20")
    assert contract_rate_save(actor=programme.data_lead, rate=first).price == Decimal("20")


def test_a_sign_up_rate_is_not_for_a_measure(programme: Programme) -> None:
    saved = contract_rate_save(
        actor=programme.data_lead, rate=rate(programme, event="sign_up", measure=programme.measures["attendance"])
    )
    assert saved.measure is None


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.COMMISSIONER])
def test_only_the_data_lead_keeps_rates(programme: Programme, role: Role) -> None:
    existing = programme.contract.rates.first()
    assert existing is not None
    existing.price = Decimal("1")
    with pytest.raises(PermissionError):
        contract_rate_save(actor=programme.world.members[role], rate=existing)
    with pytest.raises(PermissionError):
        contract_rate_remove(actor=programme.world.members[role], rate=existing)
    assert ContractRate.objects.get(pk=existing.pk).price != Decimal("1")


def test_removing_a_rate_is_audited(programme: Programme) -> None:
    existing = programme.contract.rates.get(event="engagement")
    contract_rate_remove(actor=programme.data_lead, rate=existing)
    assert not ContractRate.objects.filter(pk=existing.pk).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert event.detail == {"removed": True, "event": "engagement", "price": "300.00"}


def test_a_year_imported_again_later_updates_its_readings_instead_of_adding_them(screenings: Screenings) -> None:
    lead = screenings.data_lead
    school_data_pull(actor=lead, school_year=screenings.this)
    count = Measurement.objects.count()
    # The school sends its file again, corrected, and identification imports it a week later.
    later = screening_file(screenings.world, screenings.this)
    ScreeningImport.objects.filter(pk=later.pk).update(started_at=timezone.now() + dt.timedelta(days=7))
    p1 = ScreenedPupil.objects.get(school_year=screenings.this, upn="P1")
    p1.attendance_pct = 96.5
    p1.school_data_import = later
    p1.save()
    school_data_pull(actor=lead, school_year=screenings.this)
    assert Measurement.objects.count() == count
    reading = Measurement.objects.get(
        child=screenings.amara.child, measure__key="attendance", screened_pupil__school_year=screenings.this
    )
    assert reading.value == 96.5


def test_a_reading_from_school_data_is_not_removed_by_hand(screenings: Screenings) -> None:
    school_data_pull(actor=screenings.data_lead, school_year=screenings.this)
    reading = Measurement.objects.filter(child=screenings.amara.child, source="school_data").first()
    assert reading is not None
    with pytest.raises(ValidationError, match="corrected in the school's file"):
        measurement_remove(actor=screenings.data_lead, reading=reading)
    assert Measurement.objects.filter(pk=reading.pk).exists()


def test_a_threshold_outside_the_measures_range_is_refused(programme: Programme) -> None:
    attendance = programme.measures["attendance"]
    attendance.threshold = 150
    with pytest.raises(ValidationError, match="Enter a threshold from 0 to 100"):
        measure_save(actor=programme.data_lead, measure=attendance)
    sdq = programme.measures["sdq_emotional"]
    sdq.thresholds_by_respondent = {"teacher": 15, "parent": 5, "pupil": 6}
    with pytest.raises(ValidationError, match="Enter a threshold from 0 to 10"):
        measure_save(actor=programme.data_lead, measure=sdq)
    assert Measure.objects.get(pk=attendance.pk).threshold == 90


@pytest.mark.parametrize(
    ("written", "level"),
    [("Working towards expected", 0), ("at expected", 1), ("Above expected", 2), ("EXS", 1), ("below", 0)],
)
def test_attainment_is_read_in_the_words_schools_and_the_app_use(
    programme: Programme, written: str, level: int
) -> None:
    assert value_read(programme.measures["maths"], written) == level
