"""A partner's encoded list: matched without their details being read, with the agreement's key kept nowhere."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.linkage import encode, encoded_write, key_fingerprint, key_new, key_read, people_read
from joinedup.sharing.models import MatchPair, MatchRun, SharedCase
from joinedup.sharing.selectors import ENCODED_VALUE, pair_comparison
from joinedup.sharing.services import encoded_run_create, match_run_execute
from tests.sharing.conftest import Sharing


def encoded_partner_list(sharing: Sharing, key_path: Path) -> Path:
    """Their list as they would send it: encoded on their machine with the agreement's key."""
    path = sharing.folder / "caseload.parquet"
    encoded_write(encode(people_read(sharing.partner_file()).table, key_read(key_path)), path)
    return path


@pytest.fixture
def key_path(sharing: Sharing) -> Path:
    path = sharing.folder / "agreement.key"
    key_new(path)
    return path


def test_an_encoded_list_is_matched_and_reviewed_without_their_details(sharing: Sharing, key_path: Path) -> None:
    path = encoded_partner_list(sharing, key_path)
    run = encoded_run_create(
        actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name, key=key_read(key_path)
    )
    assert run.kind == MatchRun.Kind.ENCODED
    run = match_run_execute(run=run)

    assert run.status == MatchRun.Status.FINISHED, run.message
    assert run.partner_rows == 13
    pairs = list(run.pairs.select_related("child", "run"))
    assert {pair.partner_record_id for pair in pairs} >= {"P001", "P002", "P003", "P004", "P005"}
    assert all(pair.partner_details == {} for pair in pairs)
    assert SharedCase.objects.filter(ended_at__isnull=True).exists()
    rows = pair_comparison(next(pair for pair in pairs if pair.partner_record_id == "P001"))
    assert rows
    assert {row.theirs for row in rows} == {ENCODED_VALUE}
    assert {row.level for row in rows if row.label.startswith("Date")} == {"the same"}
    # Both encoded files are gone: theirs and ours.
    assert list(sharing.folder.glob("*.parquet")) == []


def test_a_list_encoded_with_another_key_is_refused_and_nothing_kept(sharing: Sharing, key_path: Path) -> None:
    path = encoded_partner_list(sharing, key_path)
    other = sharing.folder / "other.key"
    key_new(other)
    with pytest.raises(ValidationError) as refused:
        encoded_run_create(
            actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name, key=key_read(other)
        )
    message = refused.value.message_dict["key_file"][0]
    assert message.startswith(
        f"{path.name} was encoded with another key (fingerprint {key_fingerprint(key_read(key_path))})"
    )
    assert f"than the key file you chose (fingerprint {key_fingerprint(key_read(other))})" in message
    assert not MatchRun.objects.exists()
    assert list(sharing.folder.glob("*.parquet")) == []


def test_the_encoded_upload_page_checks_the_files_and_runs_in_the_background(
    sharing: Sharing,
    key_path: Path,
    django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]],
) -> None:
    client = sharing.world.client_for(Role.DATA_LEAD)
    url = f"/sharing/agreements/{sharing.agreement.pk}/match-encoded/"
    assert "Match an encoded list" in client.get(f"/sharing/agreements/{sharing.agreement.pk}/").text
    thresholds = {"auto_confirm_from": "0.99", "review_from": "0.5"}

    plain = sharing.partner_file()
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile("caseload.csv", plain.read_bytes()),
            "key_file": SimpleUploadedFile("k.key", b"not a key"),
            **thresholds,
        },
    )
    assert bad.status_code == 200
    assert "An encoded list is a .parquet file" in bad.text
    assert "The key file k.key holds characters other than hexadecimal digits" in bad.text
    assert not MatchRun.objects.exists()

    path = encoded_partner_list(sharing, key_path)
    upload: Any = SimpleUploadedFile("caseload.parquet", path.read_bytes())
    key: Any = SimpleUploadedFile("agreement.key", key_path.read_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": upload, "key_file": key, **thresholds})
    run = MatchRun.objects.get()
    assert response["Location"] == f"/sharing/runs/{run.pk}/"
    # The job is queued for the worker (the worker itself is exercised by test_runs); run its work here.
    assert Job.objects.get().kind == "sharing_match"
    run = match_run_execute(run=run)
    assert run.status == MatchRun.Status.FINISHED, run.message
    assert run.pairs.filter(band=MatchPair.Band.AUTO).exists()
    pair = run.pairs.first()
    assert pair is not None
    assert "their details are not seen" in client.get(f"/sharing/pairs/{pair.pk}/").text


def test_an_encoded_list_holding_more_than_the_agreement_allows_is_refused(sharing: Sharing, key_path: Path) -> None:
    with_nhs = sharing.partner_file(
        "P001,Amelia,Thornton,03/02/2015,NW10 4AB,943 476 5919",
        header="record_id,forenames,surname,date_of_birth,postcode,nhs_number",
        name="with-nhs.csv",
    )
    path = sharing.folder / "with-nhs.parquet"
    encoded_write(encode(people_read(with_nhs).table, key_read(key_path)), path)
    with pytest.raises(ValidationError) as refused:
        encoded_run_create(
            actor=sharing.data_lead, agreement=sharing.agreement, path=path, file_name=path.name, key=key_read(key_path)
        )
    assert "holds nhs number, which the agreement with" in str(refused.value).lower()
    assert not MatchRun.objects.exists()
    assert not path.exists()
