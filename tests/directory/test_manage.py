from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from joinedup.accounts.models import Role
from joinedup.audit.models import AuditEvent
from joinedup.core.models import Job
from joinedup.directory.models import DirectoryImport, SearchEntry, Service, ServiceProfile
from joinedup.directory.selectors import ServiceQuery, service_search
from tests.conftest import World
from tests.directory.feeds import CSV_EXAMPLES, example_service, variant

pytestmark = pytest.mark.django_db


def test_data_lead_edits_local_details_and_search_follows(world: World, directory: dict[str, Service]) -> None:
    tutoring = directory["tutoring"]
    client = world.client_for(Role.DATA_LEAD)
    response = client.post(
        f"/directory/services/{tutoring.pk}/edit/",
        {
            "evidence_level": "4",
            "evidence_source_url": "https://guidebook.eif.org.uk/programme/maths-club",
            "evidence_rated_on": "1/9/2026",
            "need_domains": ["attainment", "attendance"],
            "works_in_areas": [world.area.pk],
            "works_with_schools": [world.school.pk],
            "local_notes": "Ask for Sam.",
        },
    )
    assert response.status_code == 302
    profile = ServiceProfile.objects.get(service=tutoring)
    assert profile.evidence_level == "4"
    assert profile.need_domains == ["attainment", "attendance"]
    assert list(profile.works_with_schools.all()) == [world.school]
    assert service_search(ServiceQuery(min_evidence=4)).matches[0].service_id == tutoring.pk
    assert AuditEvent.objects.filter(record_type="service", record_id=tutoring.pk, action="change").exists()
    page = client.get(f"/directory/services/{tutoring.pk}/").text
    assert "Ask for Sam." in page
    assert "Harrow Road Primary" in page


def test_bad_local_details_are_explained_and_change_nothing(world: World, directory: dict[str, Service]) -> None:
    tutoring = directory["tutoring"]
    response = world.client_for(Role.DATA_LEAD).post(
        f"/directory/services/{tutoring.pk}/edit/",
        {"evidence_level": "3", "evidence_rated_on": "31/2/2026", "is_delivery_partner": "on"},
    )
    assert response.status_code == 200
    for message in (
        "Enter where the rating comes from",
        "Enter a real date as day, month and year",
        "Choose the partner organisation that receives referrals",
    ):
        assert message in response.text
    assert ServiceProfile.objects.get(service=tutoring).evidence_level == ""


def test_mark_as_checked_records_who_and_when(world: World, directory: dict[str, Service]) -> None:
    counselling = directory["counselling"]
    client = world.client_for(Role.DATA_LEAD)
    listing = client.get("/directory/manage/", {"show": "unverified"}).text
    assert "Community Counselling" in listing
    back = client.post(
        f"/directory/services/{counselling.pk}/verify/", {"next": "/directory/manage/?show=unverified"}, follow=True
    )
    assert "Marked Community Counselling as checked today." in back.text
    profile = ServiceProfile.objects.get(service=counselling)
    assert profile.last_verified_by == world.members[Role.DATA_LEAD].user
    assert (
        f"/directory/services/{counselling.pk}/edit/"
        not in client.get("/directory/manage/", {"show": "unverified"}).text
    )


def test_a_link_worker_cannot_change_local_details(world: World, directory: dict[str, Service]) -> None:
    response = world.client_for(Role.LINK_WORKER).post(f"/directory/services/{directory['tutoring'].pk}/verify/")
    assert response.status_code == 403
    assert ServiceProfile.objects.get(service=directory["tutoring"]).last_verified_at is None


def test_gap_report_highlights_needs_with_no_service_near_a_school(world: World, directory: dict[str, Service]) -> None:
    # The world's schools have NW6/NW10-style postcodes from the factories; place one at Kilburn.
    world.school.postcode = "NW6 7AB"
    world.school.save()
    client = world.client_for(Role.TEAM_MANAGER)
    page = client.get("/directory/gaps/", {"band": "12-14", "miles": "3"})
    assert page.status_code == 200
    text = page.text
    assert "Harrow Road Primary" in text
    assert "app-gap" in text

    download = client.get("/directory/gaps/", {"band": "12-14", "miles": "3", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    mine = {(r["need"], r["age_band"]): r for r in rows if r["school"] == "Harrow Road Primary"}
    wellbeing = mine[("Emotional wellbeing", "12-14")]
    assert (wellbeing["services"], wellbeing["evidence_level_3_plus"]) == ("2", "1")
    assert mine[("Economic disadvantage", "12-14")]["gap"] == "no services"
    # The tutoring club is nearly 4 miles away: outside 3 miles, so still a gap.
    assert mine[("Attainment, English and maths", "8-11")]["gap"] == "no services"
    assert download["Content-Disposition"].startswith('attachment; filename="provision-gaps-brent.csv"')


@pytest.mark.django_db(transaction=True)
def test_import_from_an_uploaded_file_runs_in_the_background(
    world: World,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
    settings: Any,
    tmp_path: Path,
) -> None:
    services = [example_service(), variant(example_service(), 9, name="Second Service")]
    services[0]["service_at_locations"][0]["location"]["latitude"] = 51.5
    settings.VAR_DIR = tmp_path
    client = world.client_for(Role.DATA_LEAD)
    upload = SimpleUploadedFile("brent.json", json.dumps(services).encode(), content_type="application/json")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/directory/imports/", {"file": upload, "source_name": "Brent council export"})
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result["imported"] is True
    assert Service.objects.filter(area=world.area).count() == 2
    assert SearchEntry.objects.count() == 2
    finished = client.get(f"/jobs/{job.pk}/").text
    assert "2 new" in finished
    history = client.get("/directory/imports/").text
    assert "Uploaded: Brent council export" in history
    assert "Imported" in history
    assert "Sources uploaded before: Brent council export." in history


def test_a_rejected_import_lists_what_to_fix(world: World) -> None:
    from joinedup.directory.models import DirectoryFeed
    from joinedup.directory.services import ImportRejected, content_import
    from joinedup.directory.sources import FeedContent

    feed = DirectoryFeed.objects.create(area=world.area, source="bad.json", kind="json")
    with pytest.raises(ImportRejected):
        content_import(
            content=FeedContent(format="ORUK 3.0", services=[dict(example_service(), status="open")]), feed=feed
        )
    record = DirectoryImport.objects.get()
    page = world.client_for(Role.DATA_LEAD).get(f"/directory/imports/{record.pk}/").text
    assert "What to fix in the feed (1)" in page
    assert "expected one of active, inactive, defunct, temporarily closed, got ‘open’" in page


def test_upload_must_be_json_or_a_zip_of_csv(world: World, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    client = world.client_for(Role.DATA_LEAD)
    text = client.post(
        "/directory/imports/", {"file": SimpleUploadedFile("feed.xlsx", b"x"), "source_name": "Test"}
    ).text
    assert "The file must be a .json file or a .zip of CSV files" in text
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no csv here")
    text = client.post(
        "/directory/imports/", {"file": SimpleUploadedFile("feed.zip", empty.getvalue()), "source_name": "Test"}
    ).text
    assert "The zip has no CSV files in it" in text
    assert not Job.objects.exists()


def test_a_zip_of_csv_files_is_unpacked_for_the_import(world: World, settings: Any, tmp_path: Path) -> None:
    from joinedup.directory.views import _saved_upload

    settings.VAR_DIR = tmp_path
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in CSV_EXAMPLES.glob("*.csv"):
            zipped.write(path, f"export/{path.name}")
        zipped.writestr("../../escape.csv", "id\n")
    folder = Path(_saved_upload(SimpleUploadedFile("feed.zip", archive.getvalue())))
    assert (folder / "services.csv").exists()
    # A path inside the zip cannot climb out of the upload's own folder.
    assert (folder / "escape.csv").exists()
    assert folder.parent.parent == tmp_path / "uploads"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the API address or choose a file"),
        ({"url": "not a url"}, "Enter a web address, like https://directory.example.gov.uk/api"),
        ({"url": "ftp://example.org/feed"}, "Enter a web address, like https://directory.example.gov.uk/api"),
    ],
)
def test_the_import_form_says_what_is_missing(world: World, data: dict[str, str], message: str) -> None:
    text = world.client_for(Role.DATA_LEAD).post("/directory/imports/", data).text
    assert message in text
    assert "not both" not in text


def test_the_gap_report_shows_the_age_band_it_has_selected(world: World, directory: dict[str, Service]) -> None:
    text = world.client_for(Role.DATA_LEAD).get("/directory/gaps/").text
    assert '<option value="8-11" selected>' in text
    assert "for children aged 8 to 11" in text


def test_cost_options_read_naturally() -> None:
    from joinedup.directory.models import CostOption
    from joinedup.directory.templatetags.directory import cost_text

    assert (
        cost_text(CostOption(amount=4, amount_description="per session", option="Per session")) == "£4.00 per session"
    )
    assert cost_text(CostOption(amount=0, option="Free school meals")) == "Free (free school meals)"
    assert cost_text(CostOption(amount=None)) == "Free"


def test_an_upload_needs_a_source_name(world: World, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    upload = SimpleUploadedFile("feed.json", b"[]", content_type="application/json")
    text = world.client_for(Role.DATA_LEAD).post("/directory/imports/", {"file": upload}).text
    assert "Enter a name for this source, like Brent Family Hub directory" in text
    assert not Job.objects.exists()
