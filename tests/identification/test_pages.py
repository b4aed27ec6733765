"""The identification pages as each role uses them, and who is refused."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from pytest_django import DjangoAssertNumQueries

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.core.models import Job
from joinedup.identification.models import CohortEntry, RuleSetVersion, ScreenedPupil, ScreeningImport
from tests.conftest import World
from tests.factories import MembershipFactory, SchoolFactory, verified_login
from tests.identification.conftest import SCHOOL_HEADER, Screening, school_rows


def cohort_url(screening: Screening) -> str:
    return f"/identification/lists/{screening.cohort.pk}/"


def entry_pk(screening: Screening, upn: str) -> int:
    return CohortEntry.objects.get(cohort=screening.cohort, pupil__upn=upn).pk


def test_school_staff_see_their_list_with_reasons_and_the_view_is_audited(screening: Screening) -> None:
    page = screening.world.client_for(Role.SCHOOL_STAFF).get(cohort_url(screening))
    assert page.status_code == 200
    text = page.text
    assert "Amara Okafor" in text
    assert "Ben Smith" in text
    assert "Chen Li" not in text  # not proposed: shown only when asking for everyone screened
    assert "attendance 84% (below 90%)" in text
    assert "2</strong> to decide" in text
    event = AuditEvent.objects.get(record_type="identification.school_cohort")
    assert (event.record_id, event.purpose, event.action) == (str(screening.cohort.pk), "school_review", "view")


def test_the_filters_show_everyone_a_year_group_an_area_or_a_name(screening: Screening) -> None:
    client = screening.world.client_for(Role.SCHOOL_STAFF)
    everyone = client.get(cohort_url(screening), {"show": "all", "year_group": "5"}).text
    assert "Chen Li" in everyone
    assert "5 pupils screened" in everyone
    care = client.get(cohort_url(screening), {"show": "social_care"}).text
    assert "Dana Kowalski" in care
    assert "Amara Okafor" not in care
    reading = client.get(cohort_url(screening), {"show": "all", "domain": "reading"}).text
    assert "Amara Okafor" in reading
    assert "Ben Smith" not in reading
    named = client.get(cohort_url(screening), {"show": "all", "q": "okafor"}).text
    assert "Amara Okafor" in named
    assert "Ben Smith" not in named


def test_school_staff_confirm_decline_and_agree_the_list(screening: Screening) -> None:
    client = screening.world.client_for(Role.SCHOOL_STAFF)
    url = cohort_url(screening)
    declined = client.post(
        f"/identification/pupils/{entry_pk(screening, 'A002')}/decide/", {"decision": "declined", "next": url}
    )
    assert declined.status_code == 302
    assert "reason for declining" in client.get(url).text
    client.post(
        f"/identification/pupils/{entry_pk(screening, 'A002')}/decide/",
        {"decision": "declined", "reason": "Already supported by CAMHS", "next": url},
    )
    client.post(f"/identification/pupils/{entry_pk(screening, 'A001')}/decide/", {"decision": "confirmed", "next": url})
    refused = client.post(f"/identification/lists/{screening.cohort.pk}/lock/", {"agreed_with": ""}, follow=True)
    assert "Say who agreed the list" in refused.text
    client.post(f"/identification/lists/{screening.cohort.pk}/lock/", {"agreed_with": "Sam (Link Worker)"})
    page = client.get(url).text
    assert "The list was agreed on" in page
    assert "with Sam (Link Worker)" in page
    assert "Already supported by CAMHS" in client.get(url, {"show": "declined"}).text
    assert "Agree and lock the list" not in page


def test_a_link_worker_adds_a_child_the_data_missed(screening: Screening) -> None:
    client = screening.world.client_for(Role.LINK_WORKER)
    url = f"/identification/pupils/{entry_pk(screening, 'A005')}/add/"
    form = client.get(url)
    assert "Ella Jones" in form.text
    assert "At risk in 1 area" in form.text
    assert "Say why this child" in client.post(url, {"reason": ""}).text
    assert client.post(url, {"reason": "Young carer"}).status_code == 302
    assert "Added by a Link Worker" in client.get(cohort_url(screening)).text
    # The Link Worker does not decide: that is the school's.
    decide = client.post(f"/identification/pupils/{entry_pk(screening, 'A005')}/decide/", {"decision": "confirmed"})
    assert decide.status_code == 403


def test_confirmed_children_on_an_agreed_list_are_ready_to_contact(screening: Screening) -> None:
    from joinedup.identification.services import cohort_decide, cohort_lock

    staff = screening.world.members[Role.SCHOOL_STAFF]
    for upn, decision in (("A001", "confirmed"), ("A002", "declined")):
        entry = CohortEntry.objects.get(cohort=screening.cohort, pupil__upn=upn)
        cohort_decide(actor=staff, entry=entry, decision=decision, reason="At the meeting")
    page = screening.world.client_for(Role.LINK_WORKER).get("/identification/").text
    assert "<title>Identification \N{EN DASH} Joinedup</title>" in page
    assert page.count("Ready to contact") == 1
    assert "No agreed lists yet" in page
    cohort_lock(actor=staff, cohort=screening.cohort, agreed_with="Link Worker")
    page = screening.world.client_for(Role.LINK_WORKER).get("/identification/").text
    assert "Amara Okafor" in page
    assert "Ben Smith" not in page
    # The directory search starts from her areas at risk.
    assert "need=attainment&amp;need=attendance&amp;need=economic_disadvantage" in page
    # A re-run that reopens the list keeps her ready to contact: her confirmation stands.
    from joinedup.identification.services import identification_run, rules_version_save
    from joinedup.rules import RuleSet

    rules_version_save(actor=screening.data_lead, rules=RuleSet(minimum_domains=1), note="Wider")
    identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    page = screening.world.client_for(Role.LINK_WORKER).get("/identification/").text
    assert "Amara Okafor" in page
    assert "To agree again" in page


def test_others_are_refused_the_list(screening: Screening) -> None:
    world = screening.world
    other_school = SchoolFactory.create(areas=[world.area])
    other_staff = MembershipFactory.create(organisation=other_school, area=world.area, role=Role.SCHOOL_STAFF)
    unbased = MembershipFactory.create(organisation=world.programme, area=world.area, role=Role.LINK_WORKER)
    for membership in (other_staff, unbased):
        client = world.client_for(Role.SCHOOL_STAFF)
        verified_login(client, membership.user)
        assert client.get(cohort_url(screening)).status_code == 404
    for role in (Role.COMMISSIONER, Role.DELIVERY_PRACTITIONER, Role.PARTNER_PROFESSIONAL, Role.ADMINISTRATOR):
        assert world.client_for(role).get(cohort_url(screening)).status_code == 403
    assert not AuditEvent.objects.filter(record_type="identification.school_cohort").exists()


def test_the_cohort_page_for_300_pupils_takes_a_fixed_number_of_queries(
    screening: Screening, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    from joinedup.identification.services import identification_run, screening_import

    urn = screening.school.urn
    lines = [f"P{n:04d},Pupil,Number{n},2015-10-02,F,5,{urn},{80 + n % 20},below,expected,Y,Mixed," for n in range(300)]
    path = screening.folder / "big.csv"
    path.write_text("\n".join([SCHOOL_HEADER, *lines]) + "\n", encoding="utf-8")
    screening_import(
        area=screening.world.area,
        kind="school_data",
        path=path,
        file_name="big.csv",
        school_year="2026/27",
        started_by=screening.data_lead.user,
    )
    run = identification_run(area=screening.world.area, school_year="2026/27", started_by=screening.data_lead.user)
    cohort = run.school_cohorts.get(school=screening.school)
    client = screening.world.client_for(Role.SCHOOL_STAFF)
    with django_assert_max_num_queries(20):
        page = client.get(f"/identification/lists/{cohort.pk}/", {"show": "all", "year_group": "5"})
    assert "305 pupils screened" in page.text


def test_the_fairness_report_and_its_csv(screening: Screening) -> None:
    client = screening.world.client_for(Role.COMMISSIONER)
    page = client.get(f"/identification/runs/{screening.run.pk}/fairness/").text
    assert "Fairness report" in page
    assert "&lt;5" in page
    assert "A child at risk in 3 or more areas is proposed" in page
    download = client.get(f"/identification/runs/{screening.run.pk}/fairness/", {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert rows[0] == {
        "school_year": "2026/27",
        "run": str(screening.run.pk),
        "rules_version": "1",
        "group": "Everyone screened",
        "value": "",
        "screened": "5",
        "proposed": "<5",
        "rate": "0.400",
        "ratio": "1.000",
    }
    assert all(row["proposed"] == "<5" for row in rows[1:])


def test_the_rules_are_edited_as_a_new_version_and_exported(screening: Screening) -> None:
    client = screening.world.client_for(Role.DATA_LEAD)
    form = client.get("/identification/rules/edit/")
    assert form.status_code == 200
    data = {name: value for name, value in form.context["form"].initial.items() if not isinstance(value, bool | list)}
    data.update({name: "on" for name, value in form.context["form"].initial.items() if value is True})
    data["social_care_statuses"] = ["CP", "LAC", "CIN"]
    data["attendance.below"] = "85"
    data["note"] = "Children in need go to the social care list too"
    response = client.post("/identification/rules/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    version = RuleSetVersion.objects.get(area=screening.world.area, number=2)
    assert (
        version.rules["social_care_statuses"] == ["CIN", "CP", "LAC"] or "CIN" in version.rules["social_care_statuses"]
    )
    assert version.rules["attendance"]["below"] == 85.0
    page = client.get("/identification/rules/2/").text
    assert "attendance.below" in page
    assert "Children in need go to the social care list too" in page
    toml = client.get("/identification/rules/2/rules.toml")
    assert b"below = 85.0" in toml.content
    assert toml["Content-Disposition"].endswith('identification-rules-brent-v2.toml"')


def test_a_rules_file_is_uploaded_as_a_new_version_or_refused_with_the_reason(screening: Screening) -> None:
    client = screening.world.client_for(Role.DATA_LEAD)
    bad = SimpleUploadedFile("rules.toml", b"minimum_domains = 'three'\n")
    refused = client.post("/identification/rules/upload/", {"file": bad, "note": "Try"})
    assert "minimum_domains" in refused.text
    assert "expected" in refused.text
    good = SimpleUploadedFile("rules.toml", b"area = 'Elsewhere'\nminimum_domains = 4\n")
    assert client.post("/identification/rules/upload/", {"file": good, "note": "Fewer, more needy"}).status_code == 302
    assert RuleSetVersion.objects.get(area=screening.world.area, number=2).rules["minimum_domains"] == 4


def test_the_rules_in_force_are_published_to_anyone(screening: Screening, client: Any) -> None:
    page = client.get(f"/published/identification-rules/{screening.world.area.ons_code}/")
    assert page.status_code == 200
    assert "attendance is below 90%" in page.text
    assert client.get("/published/identification-rules/E09999999/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_in_the_background_then_run(
    world: World,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.VAR_DIR = tmp_path
    client = world.client_for(Role.DATA_LEAD)
    content = "\n".join([SCHOOL_HEADER, *school_rows(world.school.urn or "")]) + "\n"
    upload = SimpleUploadedFile("Year 5.csv", content.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/identification/imports/", {"kind": "school_data", "file": upload, "school_year": "2026/27"}
        )
    assert response.status_code == 302, response.context["form"].errors
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job = Job.objects.get()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert ScreenedPupil.objects.count() == 5
    assert "Imported 5 pupils" in client.get(f"/jobs/{job.pk}/").text

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/identification/runs/", {"school_year": "2026/27"})
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run_job = Job.objects.filter(kind="identification_run").get()
    assert run_job.status == Job.Status.SUCCEEDED, run_job.error
    assert "2 proposed" in client.get(f"/jobs/{run_job.pk}/").text


@pytest.mark.django_db(transaction=True)
def test_a_rejected_upload_can_import_its_valid_rows(
    world: World,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    settings: Any,
    tmp_path: Path,
) -> None:
    from joinedup.identification.services import ImportRejected
    from tests.identification.conftest import import_school_data

    settings.VAR_DIR = tmp_path
    urn = world.school.urn
    with pytest.raises(ImportRejected) as rejected:
        import_school_data(
            world,
            tmp_path,
            f"B001,Ada,Ng,2015-10-02,F,5,{urn},84,below,below,Y,Mixed,",
            f"B002,Bo,Ng,2015-10-02,F,5,{urn},84,4b,below,Y,Mixed,",
        )
    client = world.client_for(Role.DATA_LEAD)
    detail = client.get(f"/identification/imports/{rejected.value.record.pk}/").text
    assert "‘4b’" in detail
    assert "Import the 1 valid row" in detail
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/identification/imports/{rejected.value.record.pk}/")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert list(ScreenedPupil.objects.values_list("upn", flat=True)) == ["B001"]
    retry = ScreeningImport.objects.get(status=ScreeningImport.Status.IMPORTED_VALID)
    assert retry.retry_of == rejected.value.record
    # The rejected import now says where its valid rows went, and offers them no more.
    detail = client.get(f"/identification/imports/{rejected.value.record.pk}/").text
    assert "The valid rows of this file were imported" in detail
    assert "Import the 1 valid row" not in detail


@pytest.mark.django_db(transaction=True)
def test_an_upload_keeps_its_own_name_for_the_messages(
    world: World,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.VAR_DIR = tmp_path
    client = world.client_for(Role.DATA_LEAD)
    upload = SimpleUploadedFile("../Year 5 (MIS).csv", b"name,age\nAda,9\n", content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/identification/imports/", {"kind": "school_data", "file": upload, "school_year": "2026/27"})
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    record = ScreeningImport.objects.get()
    assert record.message.startswith("Year 5 _MIS_.csv lacks the columns ‘upn’, ‘year_group’ and ‘school_urn’")
    assert Path(record.stored_path).parent.parent == tmp_path / "uploads"


def test_the_import_form_says_what_is_wrong(world: World) -> None:
    client = world.client_for(Role.DATA_LEAD)
    upload = SimpleUploadedFile("pupils.pdf", b"%PDF", content_type="application/pdf")
    page = client.post("/identification/imports/", {"kind": "school_data", "file": upload, "school_year": "2026/27"})
    assert "must be a .csv or .xlsx file" in page.text
    assert not Job.objects.exists()


def test_a_manager_says_which_schools_a_link_worker_is_based_in(screening: Screening) -> None:
    world = screening.world
    worker = world.members[Role.LINK_WORKER]
    client = world.client_for(Role.TEAM_MANAGER)
    page = client.get("/identification/link-workers/")
    assert worker.user.full_name in page.text
    client.post("/identification/link-workers/", {"membership": worker.pk, f"w{worker.pk}-schools": []})
    assert not worker.schools.exists()
    assert world.client_for(Role.LINK_WORKER).get(cohort_url(screening)).status_code == 404
    client.post("/identification/link-workers/", {"membership": worker.pk, f"w{worker.pk}-schools": [world.school.pk]})
    assert world.client_for(Role.LINK_WORKER).get(cohort_url(screening)).status_code == 200


def test_the_rules_editor_names_each_wrong_setting(screening: Screening) -> None:
    client = screening.world.client_for(Role.DATA_LEAD)
    form = client.get("/identification/rules/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if not isinstance(value, bool | list)}
    data.update({"attendance.below": "150", "emotional_wellbeing.teacher": "11", "note": "Try"})
    page = client.post("/identification/rules/edit/", data).text
    assert "Attendance, at risk when attendance is below this percentage: enter a number from 0 to 100" in page
    assert "Emotional wellbeing, teacher-reported score at least: enter a number from 0 to 10" in page
    assert RuleSetVersion.objects.filter(area=screening.world.area).count() == 1


def test_the_import_page_says_which_columns_joinedup_reads(world: World) -> None:
    page = world.client_for(Role.DATA_LEAD).get("/identification/imports/").text
    assert "The columns Joinedup reads" in page
    required = page[page.index("<strong>School data</strong>, required:") :][:300]
    assert all(f"<code>{column}</code>" in required for column in ("upn", "year_group", "school_urn"))
    assert "<code>sessions_possible</code>" in page
    assert "<code>sdq_total</code>" in page
