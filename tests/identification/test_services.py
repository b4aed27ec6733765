"""Imports, runs and the school's decisions, through the services the pages and worker call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.identification.models import (
    CohortEntry,
    ColumnMapping,
    IdentificationRun,
    RuleSetVersion,
    SchoolCohort,
    ScreenedPupil,
    ScreeningImport,
)
from joinedup.identification.services import (
    ImportRejected,
    RunRefused,
    cohort_add,
    cohort_decide,
    cohort_lock,
    identification_run,
    mapping_save,
    rules_changes,
    rules_current,
    rules_version_save,
)
from joinedup.rules import AttendanceRule, RuleSet
from tests.conftest import World
from tests.identification.conftest import SURVEY_HEADER, Screening, import_file, import_school_data, write


def entry(screening: Screening, upn: str) -> CohortEntry:
    return CohortEntry.objects.select_related("pupil", "cohort").get(cohort=screening.cohort, pupil__upn=upn)


# -- imports -----------------------------------------------------------------------------------------


def test_school_data_is_imported_and_a_reimport_changes_nothing(world: World, tmp_path: Path) -> None:
    first = import_school_data(world, tmp_path)
    assert (first.status, first.created, first.updated) == (ScreeningImport.Status.IMPORTED, 5, 0)
    amara = ScreenedPupil.objects.get(upn="A001")
    assert (amara.school, amara.attendance_pct, amara.reading, amara.fsm, amara.english) == (
        world.school,
        84.0,
        "below",
        True,
        "",
    )
    assert amara.sdq_emotional is None  # no survey yet: missing, not zero
    again = import_school_data(world, tmp_path)
    assert (again.created, again.updated) == (0, 5)
    assert ScreenedPupil.objects.count() == 5
    assert AuditEvent.objects.filter(record_type="identification.import").count() == 2


def test_a_file_with_a_bad_row_writes_nothing_and_lists_every_problem(world: World, tmp_path: Path) -> None:
    urn = world.school.urn
    with pytest.raises(ImportRejected) as rejected:
        import_school_data(
            world,
            tmp_path,
            f"B001,Ada,Ng,2015-10-02,F,5,{urn},84,below,below,Y,Mixed,",
            f"B002,Bo,Ng,2015-31-12,F,five,{urn},84,below,below,Y,Mixed,",
            "B003,Cy,Ng,2015-10-02,F,5,999999,84,below,below,Y,Mixed,",
        )
    record = rejected.value.record
    assert record.status == ScreeningImport.Status.REJECTED
    assert not ScreenedPupil.objects.exists()
    columns = {(row, column) for row, column, _value, _expected in record.problems}
    assert {(3, "date_of_birth"), (3, "year_group"), (4, "school_urn")} <= columns
    urn_problem = next(problem for problem in record.problems if problem[1] == "school_urn")
    assert urn_problem[2:] == ["999999", "the URN of a school in Brent"]
    assert record.valid_rows == 1
    assert "nothing was imported" in record.message


def test_the_valid_rows_are_imported_when_the_person_chooses(world: World, tmp_path: Path) -> None:
    urn = world.school.urn
    record = import_school_data(
        world,
        tmp_path,
        f"B001,Ada,Ng,2015-10-02,F,5,{urn},84,below,below,Y,Mixed,",
        f"B002,Bo,Ng,2015-10-02,F,5,{urn},eighty,below,below,Y,Mixed,",
        accept_valid_rows=True,
    )
    assert record.status == ScreeningImport.Status.IMPORTED_VALID
    assert list(ScreenedPupil.objects.values_list("upn", flat=True)) == ["B001"]
    assert "Left out 1 row with problems" in record.message


def test_a_school_in_another_borough_is_refused(world: World, tmp_path: Path) -> None:
    far_school = world.children["other_area"].school
    with pytest.raises(ImportRejected):
        import_school_data(world, tmp_path, f"C001,Cy,Ng,2015-10-02,F,5,{far_school.urn},84,below,below,Y,Mixed,")
    assert not ScreenedPupil.objects.exists()


def test_an_unreadable_file_is_refused_with_a_reason(world: World, tmp_path: Path) -> None:
    path = tmp_path / "school.csv"
    path.write_text("name,age\nAda,9\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            world,
            path,
            ColumnMapping.Kind.SCHOOL_DATA,
        )
    assert "upn" in str(rejected.value)
    assert rejected.value.record.status == ScreeningImport.Status.REJECTED


def test_survey_returns_are_set_on_the_pupils_and_unknown_upns_reported(world: World, tmp_path: Path) -> None:
    import_school_data(world, tmp_path)
    path = write(tmp_path, "survey.csv", SURVEY_HEADER, "A001,teacher,7,2", "A003,teacher,1,6", "Z999,teacher,3,3")
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            world,
            path,
            ColumnMapping.Kind.SURVEY,
        )
    assert rejected.value.record.problems == [[4, "upn", "Z999", "the UPN of a pupil in the 2026/27 school data"]]
    assert ScreenedPupil.objects.get(upn="A001").sdq_emotional is None
    record = import_file(
        world,
        path,
        ColumnMapping.Kind.SURVEY,
        accept_valid_rows=True,
    )
    assert record.updated == 2
    amara = ScreenedPupil.objects.get(upn="A001")
    assert (amara.respondent, amara.sdq_emotional, amara.sdq_peer, amara.survey_import) == ("teacher", 7, 2, record)


def test_a_saved_mapping_reads_a_file_with_other_column_names(world: World, tmp_path: Path) -> None:
    data_lead = world.members[Role.DATA_LEAD]
    mapping = mapping_save(
        actor=data_lead,
        name="Arbor export",
        kind=ColumnMapping.Kind.SCHOOL_DATA,
        columns={
            "upn": "UPN",
            "school_urn": "URN",
            "year_group": "NC Year",
            "attendance_pct": "Attendance %",
            "fsm": "",
        },
    )
    assert mapping.columns == {
        "upn": "UPN",
        "school_urn": "URN",
        "year_group": "NC Year",
        "attendance_pct": "Attendance %",
    }
    path = write(tmp_path, "arbor.csv", "UPN,URN,NC Year,Attendance %", f"D001,{world.school.urn},6,83.5")
    record = import_file(
        world,
        path,
        ColumnMapping.Kind.SCHOOL_DATA,
        mapping=mapping,
    )
    assert record.created == 1
    assert ScreenedPupil.objects.get(upn="D001").attendance_pct == 83.5


def test_a_mapping_cannot_use_one_file_column_twice(world: World) -> None:
    with pytest.raises(ValidationError, match="given twice"):
        mapping_save(
            actor=world.members[Role.DATA_LEAD],
            name="Muddled",
            kind=ColumnMapping.Kind.SCHOOL_DATA,
            columns={"reading": "KS2", "writing": "KS2"},
        )


# -- runs --------------------------------------------------------------------------------------------


def test_a_run_proposes_ranks_and_routes(screening: Screening) -> None:
    run = screening.run
    assert (run.status, run.screened, run.proposed, run.social_care) == (IdentificationRun.Status.FINISHED, 5, 2, 1)
    assert run.rules.number == 1
    amara, ben, dana = entry(screening, "A001"), entry(screening, "A002"), entry(screening, "A004")
    assert (amara.rank, amara.proposed, amara.n_domains) == (1, True, 4)
    assert amara.domains_at_risk == ["economic_disadvantage", "attendance", "reading", "maths"]
    assert amara.flags[1][:3] == ["attendance", 84.0, 90.0]
    assert ben.rank == 2
    assert (dana.route, dana.proposed) == ("social_care", False)
    assert "emotional_wellbeing" in amara.domains_missing  # no survey: missing, never "not at risk"
    assert screening.cohort.screened == 5
    assert screening.cohort.proposed == 2
    assert run.fairness[0][:4] == ["all", "all", 5, "<5"]


def test_a_run_with_nothing_imported_is_refused(world: World) -> None:
    with pytest.raises(RunRefused, match="Import it first"):
        identification_run(area=world.area, school_year="2025/26", started_by=world.members[Role.DATA_LEAD].user)
    assert not IdentificationRun.objects.exists()


def test_decisions_and_the_lock_carry_over_to_a_new_run(screening: Screening) -> None:
    school_staff = screening.world.members[Role.SCHOOL_STAFF]
    cohort_decide(actor=school_staff, entry=entry(screening, "A001"), decision="confirmed", reason="")
    cohort_decide(actor=school_staff, entry=entry(screening, "A002"), decision="declined", reason="Moving school")
    cohort_lock(actor=school_staff, cohort=screening.cohort, agreed_with="Link Worker")

    again = identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    cohort = SchoolCohort.objects.get(run=again, school=screening.school)
    assert cohort.is_locked
    assert cohort.agreed_with == "Link Worker"
    decisions = dict(cohort.entries.values_list("pupil__upn", "decision"))
    assert decisions["A001"] == "confirmed"
    assert decisions["A002"] == "declined"
    assert cohort.entries.get(pupil__upn="A002").decision_reason == "Moving school"


# -- the school's decisions --------------------------------------------------------------------------


def test_declining_needs_a_reason(screening: Screening) -> None:
    with pytest.raises(ValidationError, match="reason for declining"):
        cohort_decide(
            actor=screening.world.members[Role.SCHOOL_STAFF],
            entry=entry(screening, "A001"),
            decision="declined",
            reason=" ",
        )
    assert entry(screening, "A001").decision == "pending"


def test_a_child_not_on_the_list_cannot_be_decided_until_added(screening: Screening) -> None:
    school_staff = screening.world.members[Role.SCHOOL_STAFF]
    with pytest.raises(ValidationError, match="not on the list"):
        cohort_decide(actor=school_staff, entry=entry(screening, "A005"), decision="confirmed", reason="")
    with pytest.raises(ValidationError, match="why this child"):
        cohort_add(actor=screening.world.members[Role.LINK_WORKER], entry=entry(screening, "A005"), reason="")
    added = cohort_add(
        actor=screening.world.members[Role.LINK_WORKER],
        entry=entry(screening, "A005"),
        reason="Young carer; reading well below since her father's illness",
    )
    assert (added.source, added.decision, added.on_list) == ("added", "pending", True)
    confirmed = cohort_decide(actor=school_staff, entry=added, decision="confirmed", reason="Agreed")
    assert confirmed.decision == "confirmed"
    assert AuditEvent.objects.filter(record_type="identification.cohort_entry", record_id=str(added.pk)).count() == 2


def test_a_list_locks_only_when_every_child_is_decided_and_then_stays_as_agreed(screening: Screening) -> None:
    school_staff = screening.world.members[Role.SCHOOL_STAFF]
    with pytest.raises(ValidationError, match="2 children are on the list still to confirm"):
        cohort_lock(actor=school_staff, cohort=screening.cohort, agreed_with="Link Worker")
    for upn in ("A001", "A002"):
        cohort_decide(actor=school_staff, entry=entry(screening, upn), decision="confirmed", reason="")
    locked = cohort_lock(actor=school_staff, cohort=screening.cohort, agreed_with="Link Worker and DSL")
    assert locked.locked_by == school_staff.user
    with pytest.raises(ValidationError, match="agreed and locked"):
        cohort_decide(actor=school_staff, entry=entry(screening, "A001"), decision="declined", reason="Changed mind")


# -- rules -------------------------------------------------------------------------------------------


def test_rules_are_versioned_and_a_run_uses_the_version_in_force(screening: Screening) -> None:
    data_lead = screening.data_lead
    assert rules_current(screening.world.area).number == 1
    stricter = RuleSet(attendance=AttendanceRule(below=85.0))
    version = rules_version_save(actor=data_lead, rules=stricter, note="Persistent absence at 85% locally")
    assert version.number == 2
    assert rules_changes(RuleSetVersion.objects.get(area=screening.world.area, number=1), version) == [
        ("attendance.below", 90.0, 85.0)
    ]
    with pytest.raises(ValidationError, match="same as version 2"):
        rules_version_save(actor=data_lead, rules=stricter, note="Again")
    run = identification_run(area=screening.world.area, school_year="2026/27", started_by=data_lead.user)
    assert run.rules == version
    # Ben's attendance of 88% is no longer below the threshold, so he is no longer proposed.
    assert not CohortEntry.objects.get(cohort__run=run, pupil__upn="A002").proposed


def test_rules_need_a_note(world: World) -> None:
    with pytest.raises(ValidationError, match="what changed"):
        rules_version_save(actor=world.members[Role.DATA_LEAD], rules=RuleSet(minimum_domains=4), note="")


def test_a_survey_without_upns_is_matched_by_name_and_date_of_birth(world: World, tmp_path: Path) -> None:
    import_school_data(world, tmp_path)
    path = write(
        tmp_path,
        "survey.csv",
        "forenames,surname,date_of_birth,respondent,sdq_emotional,sdq_peer",
        "amara,OKAFOR,2015-10-02,parent,6,5",
        "Nobody,Known,2015-01-01,parent,1,1",
    )
    record = import_file(
        world,
        path,
        ColumnMapping.Kind.SURVEY,
        accept_valid_rows=True,
    )
    assert record.updated == 1
    assert record.problem_count == 1
    assert ScreenedPupil.objects.get(upn="A001").sdq_peer == 5


def test_gcse_grades_become_levels_and_a_number_off_the_scale_is_refused(world: World, tmp_path: Path) -> None:
    data_lead = world.members[Role.DATA_LEAD]
    mapping = mapping_save(
        actor=data_lead,
        name="Secondary grades",
        kind=ColumnMapping.Kind.SCHOOL_DATA,
        columns={},
        attainment_scale=ColumnMapping.Scale.GCSE_GRADE,
    )
    urn = world.school.urn
    path = write(
        tmp_path,
        "grades.csv",
        "upn,school_urn,year_group,english,maths",
        f"G001,{urn},10,3,7",
        f"G002,{urn},10,5,expected",
        f"G003,{urn},10,100,4",
    )
    record = import_file(
        world,
        path,
        ColumnMapping.Kind.SCHOOL_DATA,
        mapping=mapping,
        accept_valid_rows=True,
    )
    assert record.problems == [[4, "english", "100", "a level or one of the GCSE grades from 1 to 9"]]
    levels = dict(ScreenedPupil.objects.values_list("upn", "english"))
    assert levels == {"G001": "below", "G002": "expected"}
    assert ScreenedPupil.objects.get(upn="G001").maths == "above"


def test_ks2_scaled_scores_stay_scores_within_their_range(world: World, tmp_path: Path) -> None:
    urn = world.school.urn
    with pytest.raises(ImportRejected) as rejected:
        import_school_data(
            world,
            tmp_path,
            f"K001,Kai,Ng,2015-10-02,M,6,{urn},95,96,104,N,Mixed,",
            f"K002,Lu,Ng,2015-10-02,F,6,{urn},95,96,160,N,Mixed,",
        )
    assert rejected.value.record.problems == [
        [3, "maths", "160", "a level or one of the KS2 scaled scores from 80 to 120"]
    ]


def test_an_import_that_fails_part_way_writes_nothing_and_says_so(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from joinedup.identification import services

    def fail_after_writing(*args: Any, **kwargs: Any) -> tuple[int, int]:
        original(*args, **kwargs)
        assert ScreenedPupil.objects.count() == 5  # written inside the transaction …
        raise RuntimeError("disk full")

    original = services._school_data_write
    monkeypatch.setattr(services, "_school_data_write", fail_after_writing)
    with pytest.raises(RuntimeError):
        import_school_data(world, tmp_path)
    assert not ScreenedPupil.objects.exists()  # … and rolled back with it
    record = ScreeningImport.objects.get()
    assert record.status == ScreeningImport.Status.FAILED
    assert record.message == "The import stopped: RuntimeError."


def test_an_earlier_runs_list_is_a_record_and_decisions_go_on_the_current_one(screening: Screening) -> None:
    staff = screening.world.members[Role.SCHOOL_STAFF]
    identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    assert not screening.cohort.is_current()
    assert screening.cohort.current() == SchoolCohort.objects.exclude(pk=screening.cohort.pk).get()
    with pytest.raises(ValidationError, match="earlier run"):
        cohort_decide(actor=staff, entry=entry(screening, "A001"), decision="confirmed", reason="")


def test_a_rerun_that_proposes_new_children_reopens_an_agreed_list(screening: Screening) -> None:
    staff = screening.world.members[Role.SCHOOL_STAFF]
    for upn in ("A001", "A002"):
        cohort_decide(actor=staff, entry=entry(screening, upn), decision="confirmed", reason="")
    cohort_lock(actor=staff, cohort=screening.cohort, agreed_with="Link Worker")
    # The same rules again propose nobody new.
    same = identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    assert same.school_cohorts.get().is_locked  # nothing new proposed: still agreed
    rules_version_save(actor=screening.data_lead, rules=RuleSet(minimum_domains=1), note="Anyone at risk anywhere")
    looser = identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    reopened = looser.school_cohorts.get()
    assert not reopened.is_locked
    assert reopened.previously_agreed_at is not None
    assert dict(reopened.entries.filter(decision="confirmed").values_list("pupil__upn", "decision")) == {
        "A001": "confirmed",
        "A002": "confirmed",
    }
    assert reopened.entries.get(pupil__upn="A005").decision == "pending"


def test_a_mapping_that_names_a_column_the_file_lacks_is_refused(world: World, tmp_path: Path) -> None:
    data_lead = world.members[Role.DATA_LEAD]
    mapping = mapping_save(
        actor=data_lead, name="Typo", kind=ColumnMapping.Kind.SCHOOL_DATA, columns={"exclusions": "Exclusionz"}
    )
    path = write(tmp_path, "np-school.csv", "upn,school_urn,year_group,Exclusions", f"E001,{world.school.urn},5,1")
    with pytest.raises(ImportRejected) as rejected:
        import_file(
            world,
            path,
            ColumnMapping.Kind.SCHOOL_DATA,
            mapping=mapping,
        )
    assert "np-school.csv has no ‘Exclusionz’ column, which the column mapping gives for exclusions" in str(
        rejected.value
    )
    assert not ScreenedPupil.objects.exists()
