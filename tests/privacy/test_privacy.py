"""Data protection: subject access exports, and retention rules that archive and then erase."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from joinedup.accounts.models import Membership, Role
from joinedup.audit.models import AuditAction, AuditEvent
from joinedup.audit.services import audit_verify
from joinedup.cases.models import Child, Contact, Enrolment, Family, FamilyMember
from joinedup.identification.models import CohortEntry, IdentificationRun, SchoolCohort, ScreenedPupil, ScreeningImport
from joinedup.identification.services import rules_current
from joinedup.outcomes.models import Measurement
from joinedup.outcomes.services import measures_ensure
from joinedup.privacy.holdings import Holding
from joinedup.privacy.models import RetentionRule
from joinedup.privacy.services import retention_apply, retention_due
from tests.conftest import World
from tests.factories import ChildFactory, EnrolmentFactory

TODAY = date(2026, 11, 27)


def enrol(child: Child, *, closed_on: date | None = None, contacts: int = 2) -> Enrolment:
    enrolment = EnrolmentFactory.create(
        child=child,
        start_date=date(2024, 9, 1),
        closed_on=closed_on,
        closure_reason="Plan completed" if closed_on else "",
    )
    for n in range(contacts):
        Contact.objects.create(
            enrolment=enrolment, kind="visit", happened_on=date(2025, 1, 1) + timedelta(days=n), notes=f"Visit {n}"
        )
    return enrolment


@pytest.fixture
def record(world: World) -> Child:
    """The own child, with an enrolment, contacts, a measurement, a parent, and a sibling with their own record."""
    child = world.children["own"]
    enrol(child)
    FamilyMember.objects.create(family=child.family, full_name="Grace Okafor", relationship="mother")
    measures_ensure(world.area)
    Measurement.objects.create(
        child=child,
        measure=world.area.measures.get(key="attendance"),
        value=88,
        taken_on=date(2026, 10, 1),
        occasion="baseline",
        source="entered",
    )
    sibling = ChildFactory.create(
        forenames="Zainab",
        family=child.family,
        area=world.area,
        school=world.school,
        programme_organisation=world.programme,
        link_worker=world.members[Role.LINK_WORKER].user,
    )
    enrol(sibling, contacts=1)
    Contact.objects.filter(enrolment__child=sibling).update(notes="The sibling's own visit")
    return child


# --- Subject access ---------------------------------------------------------------------------------------


def export(world: World, child: Child) -> zipfile.ZipFile:
    client = world.client_for(Role.DATA_LEAD)
    page = client.get(f"/privacy/children/{child.pk}/subject-access/")
    assert page.status_code == 200
    assert "Contacts" in page.text
    response = client.post(f"/privacy/children/{child.pk}/subject-access/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(response.content))


def read(archive: zipfile.ZipFile, suffix: str) -> str:
    return archive.read(next(name for name in archive.namelist() if name.endswith(suffix))).decode()


def test_a_subject_access_export_holds_everything_about_the_child_and_nothing_about_the_sibling(
    world: World, record: Child
) -> None:
    world.client_for(Role.LINK_WORKER).get(f"/children/{record.pk}/")
    archive = export(world, record)
    everything = json.loads(read(archive, "everything.json"))
    assert [row["notes"] for row in everything["cases.Contact"]["rows"]] == ["Visit 0", "Visit 1"]
    assert everything["cases.Child"]["rows"][0]["forenames"] == "Amara"
    assert everything["outcomes.Measurement"]["rows"][0]["value"] == 88
    assert everything["cases.FamilyMember"]["about_other_people"] is True
    assert "The sibling's own visit" not in json.dumps(everything)
    assert "Zainab" not in json.dumps(everything)
    assert "Visit 1" in read(archive, "records/cases-Contact.csv")
    log = list(csv.DictReader(io.StringIO(read(archive, "who-saw-the-record.csv"))))
    assert {(row["person"], row["action"]) for row in log} >= {("link_worker@example.org", "Viewed")}
    readme = read(archive, "README.txt")
    assert "Contacts: 2 (may tell of other people)" in readme
    assert everything["cases.Contact"]["may_tell_of_other_people"] is True
    assert everything["cases.Child"]["may_tell_of_other_people"] is False
    assert "may need redacting" in readme
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT, child_id=record.pk)
    assert exported.purpose == "subject_access"
    assert exported.actor_email == "data_lead@example.org"


def test_export_spreadsheets_cannot_run_a_formula_typed_into_the_record(world: World, record: Child) -> None:
    Contact.objects.filter(enrolment__child=record).update(notes='=HYPERLINK("http://evil.example","x")')
    rows = list(csv.reader(io.StringIO(read(export(world, record), "records/cases-Contact.csv"))))
    notes = rows[0].index("notes")
    assert {row[notes] for row in rows[1:]} == {'\'=HYPERLINK("http://evil.example","x")'}


@pytest.mark.parametrize("role", [Role.LINK_WORKER, Role.TEAM_MANAGER, Role.SCHOOL_STAFF, Role.ADMINISTRATOR])
def test_only_the_data_lead_prepares_an_export(world: World, record: Child, role: Role) -> None:
    client = world.client_for(role)
    assert client.post(f"/privacy/children/{record.pk}/subject-access/download/").status_code in (403, 404)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def identified(world: World, enrolment: Enrolment, upn: str = "A123456789012") -> list[ScreenedPupil]:
    """The child's school data in two school years (the first on a school list the enrolment came from),
    and another pupil's."""
    lead = world.members[Role.DATA_LEAD].user
    pupils = []
    for year, pupil_upn, attendance in (("2024/25", upn, 81.0), ("2025/26", upn, 93.5), ("2024/25", "Z999", 99.0)):
        record = ScreeningImport.objects.get_or_create(
            area=world.area,
            kind="school_data",
            school_year=year,
            defaults={"file_name": "school.csv", "started_by": lead},
        )[0]
        pupils.append(
            ScreenedPupil.objects.create(
                area=world.area,
                school=world.school,
                school_year=year,
                upn=pupil_upn,
                forenames="Screened",
                year_group=5,
                attendance_pct=attendance,
                school_data_import=record,
            )
        )
    run = IdentificationRun.objects.create(
        area=world.area, school_year="2024/25", rules=rules_current(world.area), started_by=lead
    )
    cohort = SchoolCohort.objects.create(run=run, school=world.school)
    for pupil in (pupils[0], pupils[2]):
        entry = CohortEntry.objects.create(cohort=cohort, pupil=pupil, year_group=5, route="programme")
        if pupil is pupils[0]:
            Enrolment.objects.filter(pk=enrolment.pk).update(cohort_entry=entry)
    return pupils


def test_the_export_holds_the_childs_screening_data_of_every_year_and_no_other_pupils(
    world: World, record: Child
) -> None:
    mine_then, _, other = identified(world, record.enrolments.get())
    everything = json.loads(read(export(world, record), "everything.json"))
    assert sorted(row["attendance_pct"] for row in everything["identification.ScreenedPupil"]["rows"]) == [81.0, 93.5]
    assert [row["pupil_id"] for row in everything["identification.CohortEntry"]["rows"]] == [mine_then.pk]
    assert other.pk not in [row["id"] for row in everything["identification.ScreenedPupil"]["rows"]]


# --- Retention --------------------------------------------------------------------------------------------


def test_the_rule_archives_closed_cases_after_the_months_and_leaves_open_and_recent_ones(world: World) -> None:
    own = world.children["own"]
    enrol(own, closed_on=TODAY - timedelta(days=400))
    worker = world.members[Role.LINK_WORKER].user
    recent = ChildFactory.create(
        area=world.area, school=world.school, programme_organisation=world.programme, link_worker=worker
    )
    enrol(recent, closed_on=TODAY - timedelta(days=100))
    open_case = ChildFactory.create(
        area=world.area, school=world.school, programme_organisation=world.programme, link_worker=worker
    )
    enrol(open_case)
    far = world.children["other_area"]
    enrol(far, closed_on=TODAY - timedelta(days=400))

    due = retention_due(world.area, today=TODAY)
    assert list(due.archive) == [own]
    result = retention_apply(world.area, today=TODAY)
    assert (result.archived, result.erased) == (1, 0)
    own.refresh_from_db()
    assert own.archived_at is not None
    assert "Retention" in own.archived_reason
    assert not Child.objects.filter(pk__in=[recent.pk, open_case.pk, far.pk], archived_at__isnull=False).exists()
    # Archived: no one sees the record any more, though it is still held.
    assert world.client_for(Role.LINK_WORKER).get(f"/children/{own.pk}/").status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.ARCHIVE)
    assert (event.child_id, event.purpose) == (own.pk, "retention")
    # Applying again does nothing more.
    assert retention_apply(world.area, today=TODAY) == type(result)(0, 0, 0)


def _archived_adult(world: World, *, alone: bool) -> Child:
    child = world.children["own"]
    Child.objects.filter(pk=child.pk).update(date_of_birth=date(2001, 1, 1), archived_at=timezone.now())
    enrol(child, closed_on=date(2019, 7, 20))
    FamilyMember.objects.create(family=child.family, full_name="Grace Okafor", relationship="mother")
    if not alone:
        ChildFactory.create(family=child.family, area=world.area, school=world.school)
    child.refresh_from_db()
    return child


def test_an_archived_record_is_erased_at_the_age_with_every_row_and_the_household(world: World) -> None:
    child = _archived_adult(world, alone=True)
    family = child.family_id
    result = retention_apply(world.area, today=TODAY, actor=world.members[Role.DATA_LEAD])
    assert (result.archived, result.erased) == (0, 1)
    assert result.rows_erased == 1 + 1 + 2 + 1 + 1  # child, enrolment, two contacts, family, mother
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Enrolment.objects.filter(child_id=child.pk).exists()
    assert not Contact.objects.filter(enrolment__child_id=child.pk).exists()
    assert not Family.objects.filter(pk=family).exists()
    erased = AuditEvent.objects.get(action=AuditAction.ERASE)
    assert erased.child_id == child.pk
    assert erased.detail == {"rule": {"archive_after_months": 12, "erase_at_age": 25}, "born": 2001}
    assert "Amara" not in json.dumps([event.detail for event in AuditEvent.objects.all()])
    assert audit_verify().ok


def test_the_household_stays_while_another_child_is_in_it(world: World) -> None:
    child = _archived_adult(world, alone=False)
    retention_apply(world.area, today=TODAY)
    assert not Child.objects.filter(pk=child.pk).exists()
    assert FamilyMember.objects.filter(family_id=child.family_id, full_name="Grace Okafor").exists()


def test_the_data_lead_sets_the_rule_and_applies_it_from_the_page(world: World) -> None:
    enrol(world.children["own"], closed_on=TODAY - timedelta(days=100))
    client = world.client_for(Role.DATA_LEAD)
    refused = client.post("/privacy/", {"archive_after_months": "0", "erase_at_age": "12"})
    assert refused.status_code == 200
    assert "Enter a number of months from 1 to 120" in refused.text
    assert "Enter an age from 18 to 100" in refused.text
    assert not RetentionRule.objects.filter(area=world.area, archive_after_months=0).exists()
    for months, age, message in (
        ("-5", "25", "Enter a number of months from 1 to 120"),
        ("twelve", "25", "Enter a number of months as a whole number, like 12"),
        ("12", "1000", "Enter an age from 18 to 100"),
        ("", "25", "Enter a number of months from 1 to 120"),
    ):
        assert message in client.post("/privacy/", {"archive_after_months": months, "erase_at_age": age}).text
    assert "From 1 to 120 months" in client.get("/privacy/").text

    saved = client.post("/privacy/", {"archive_after_months": "3", "erase_at_age": "25"}, follow=True)
    assert "Saved the retention rule" in saved.text
    assert "1 record: no open enrolment" in saved.text
    changed = AuditEvent.objects.get(record_type="retention_rule")
    assert changed.detail["after"] == {"archive_after_months": 3, "erase_at_age": 25}

    applied = client.post("/privacy/retention/apply/", follow=True)
    assert "Archived 1 and erased 0 records" in applied.text
    assert Child.objects.get(pk=world.children["own"].pk).archived_at is not None


def test_the_nightly_command_says_what_is_due_and_applies_it(world: World) -> None:
    enrol(world.children["own"], closed_on=date(2020, 1, 1))
    out = io.StringIO()
    call_command("retention", "due", "--area", "Brent", stdout=out)
    assert "Brent: 1 to archive, 0 to erase (archive after 12 months, erase at 25)." in out.getvalue()
    assert Child.objects.get(pk=world.children["own"].pk).archived_at is None
    call_command("retention", "apply", stdout=out)
    assert "Brent: archived 1, erased 0 (0 rows)." in out.getvalue()
    with pytest.raises(CommandError, match=r"There is no borough called 'Nowhere'. Boroughs: Brent, Westminster."):
        call_command("retention", "apply", "--area", "Nowhere")


def test_erasure_takes_the_childs_screening_data_with_the_record_and_leaves_other_pupils(world: World) -> None:
    child = _archived_adult(world, alone=True)
    mine_then, mine_later, other = identified(world, child.enrolments.get())
    result = retention_apply(world.area, today=TODAY)
    assert result.erased == 1
    assert result.rows_erased == 1 + 1 + 2 + 1 + 1 + 2 + 1  # ... and two years of school data, one list entry
    assert not ScreenedPupil.objects.filter(pk__in=[mine_then.pk, mine_later.pk]).exists()
    assert ScreenedPupil.objects.filter(pk=other.pk).exists()
    assert CohortEntry.objects.filter(pupil=other).exists()
    assert audit_verify().ok


def test_a_link_table_is_named_by_the_record_and_field_it_links_from() -> None:
    assert Holding(Membership.schools.through, ()).name == "Membership: schools"
    assert Holding(Contact, ()).name == "Contacts"
