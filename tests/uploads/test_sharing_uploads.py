"""A partner's list, an encoded list and their key and mapping files, malformed: the upload page refuses each
with a message saying what is wrong, records no run, starts no job and keeps no copy of the file."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.sharing.models import DataSharingAgreement, MatchPair, MatchRun
from tests.conftest import World
from tests.sharing.conftest import PARTNER_HEADER, THEIR_ROWS, agreement_make
from tests.uploads import corpus

GOOD = "\n".join([PARTNER_HEADER, *THEIR_ROWS[:3]]) + "\n"
THRESHOLDS = {"auto_confirm_from": "0.99", "review_from": "0.5"}


@pytest.fixture
def agreement(shared_world: World, settings: Any, tmp_path: Path) -> DataSharingAgreement:
    settings.VAR_DIR = tmp_path
    return agreement_make(shared_world, shared_world.members[Role.PARTNER_PROFESSIONAL].organisation)


def _rows(*rows: str, header: str = PARTNER_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _parquet(table: pa.Table) -> bytes:
    out = pa.BufferOutputStream()
    pq.write_table(table, out)
    return bytes(out.getvalue().to_pybytes())


LISTS: list[tuple[str, Callable[[], bytes], str]] = [
    ("list.txt", lambda: GOOD.encode(), "The list must be a .csv, .xlsx or .parquet file."),
    ("utf16.csv", lambda: corpus.utf16(GOOD), "is not text in UTF-8"),
    ("latin1.csv", lambda: corpus.latin1(_rows("P1,Zoë,Brontë,03/02/2015,NW10 4AB")), "is not text in UTF-8"),
    ("invalid.csv", lambda: corpus.invalid_utf8(GOOD), "is not text in UTF-8"),
    ("empty.csv", lambda: b"", "The submitted file is empty."),
    ("header.csv", lambda: (PARTNER_HEADER + "\n").encode(), "has a header row but no children"),
    ("blank-lines.csv", lambda: b"\n\n\n", "is empty: expected a header row"),
    (
        "no-dob.csv",
        lambda: _rows("P1,Amelia,Thornton", header="record_id,forenames,surname").encode(),
        "no column for date of birth",
    ),
    (
        "extra.csv",
        lambda: _rows("P1,Amelia,Thornton,03/02/2015,NW10 4AB,White", header=PARTNER_HEADER + ",ethnicity").encode(),
        "does not let them send us: ‘ethnicity’",
    ),
    (
        "twice.csv",
        lambda: _rows("P1,Amelia,Thornton,03/02/2015,NW10 4AB,x", header=PARTNER_HEADER + ",surname").encode(),
        "two columns named ‘surname’",
    ),
    ("short.csv", lambda: _rows("P1,Amelia").encode(), "cannot be read as CSV"),
    ("long.csv", lambda: _rows("P1,Amelia,Thornton,03/02/2015,NW10 4AB,x,y").encode(), "cannot be read as CSV"),
    *(
        (f"date-{index}.csv", lambda d=wrong: _rows(f"P1,Amelia,Thornton,{d},NW10 4AB").encode(), "row 2")
        for index, wrong in enumerate(corpus.WRONG_DATES)
        if wrong != "01-01-16"  # read as 1 January 2016: partners' lists write two-digit years
    ),
    ("blank-id.csv", lambda: _rows(",Amelia,Thornton,03/02/2015,NW10 4AB").encode(), "row 2"),
    ("same-id.csv", lambda: _rows(*THEIR_ROWS[:2], THEIR_ROWS[0]).encode(), "(rows 2, 4) is on more than one row"),
    ("bomb.xlsx", corpus.xlsx_bomb, "would unpack to 250 MB, more than the 200 MB"),
    ("screenshot.xlsx", corpus.png, "screenshot.xlsx is not a valid XLSX file"),
    ("archive.xlsx", corpus.zip_without_workbook, "archive.xlsx is not a valid XLSX file"),
    ("empty.xlsx", lambda: corpus.xlsx([], []), "empty.xlsx is empty"),
    (
        "dates.xlsx",
        lambda: corpus.xlsx(PARTNER_HEADER.split(","), [["P1", "Amelia", "Thornton", "yesterday", ""]]),
        "row 2",
    ),
    ("screenshot.parquet", corpus.png, "cannot be read as PARQUET"),
    ("csv.parquet", lambda: GOOD.encode(), "cannot be read as PARQUET"),
    (
        "nested.parquet",
        lambda: _parquet(
            pa.table(
                {
                    "record_id": pa.array([["1"]]),
                    "forenames": ["A"],
                    "surname": ["B"],
                    "date_of_birth": [{"day": 1}],
                }
            )
        ),
        "holds list<element: string>, not text",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), LISTS, ids=[name for name, _c, _m in LISTS])
def test_a_malformed_partner_list_is_refused_and_nothing_is_kept(
    shared_world: World,
    agreement: DataSharingAgreement,
    tmp_path: Path,
    name: str,
    content: Callable[[], bytes],
    message: str,
) -> None:
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match/", {"file": SimpleUploadedFile(name, content()), **THRESHOLDS}
    )
    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors.get("file", []))
    assert message in errors, errors
    assert not MatchRun.objects.exists()
    assert not MatchPair.objects.exists()
    assert not Job.objects.exists()
    assert not list((tmp_path / "uploads").rglob("*.*")), "a refused list is deleted"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("columns.yaml", b"surname: Last", "must be a .toml or .json file"),
        ("columns.toml", b"\xff\xfe", "is not a valid column mapping"),
        ("columns.json", b"[1, 2]", "expected a table of standard column"),
        ("columns.json", b'{"ethnicity": "Ethnic group"}', "‘ethnicity’ is not a column of a person list"),
        ("columns.json", b'{"surname": 5}', "surname must name a column of the file"),
        ("columns.json", corpus.deeply_nested_json(), "is not a valid column mapping"),
        ("columns.toml", b'surname = "Nowhere"', "has no ‘Nowhere’ column"),
    ],
)
def test_a_malformed_column_mapping_is_refused(
    shared_world: World, agreement: DataSharingAgreement, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match/",
        {
            "file": SimpleUploadedFile("list.csv", GOOD.encode()),
            "mapping_file": SimpleUploadedFile(name, content),
            **THRESHOLDS,
        },
    )
    assert page.status_code == 200
    assert message in page.text
    assert not MatchRun.objects.exists()
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "field", "message"),
    [
        ("list.csv", b"x", "file", "An encoded list is a .parquet file"),
        ("list.parquet", corpus.png(), "file", "is not an encoded list"),
        ("list.parquet", b"", "file", "The submitted file is empty."),
        ("list.parquet", _parquet(pa.table({"record_id": ["1"]})), "file", "it lacks the joinedup"),
    ],
)
def test_a_malformed_encoded_list_is_refused_and_nothing_is_kept(
    shared_world: World,
    agreement: DataSharingAgreement,
    tmp_path: Path,
    name: str,
    content: bytes,
    field: str,
    message: str,
) -> None:
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match-encoded/",
        {
            "file": SimpleUploadedFile(name, content),
            "key_file": SimpleUploadedFile("key.txt", b"ab" * 32),
            **THRESHOLDS,
        },
    )
    assert page.status_code == 200
    errors = " ".join(page.context["form"].errors.get(field, []))
    assert message.lower() in errors.lower(), errors
    assert not MatchRun.objects.exists()
    assert not list((tmp_path / "uploads").rglob("*.*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\xff\xfe\x00k", "is not text"),
        (b"=HYPERLINK(1)", "characters other than hexadecimal digits"),
        (b"abc", "odd number of hexadecimal digits"),
        (b"ab" * 8, "too short"),
        (b"a" * 2000, "This is not a key file"),
    ],
)
def test_a_malformed_key_file_is_refused_without_quoting_it(
    shared_world: World, agreement: DataSharingAgreement, content: bytes, message: str
) -> None:
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match-encoded/",
        {
            "file": SimpleUploadedFile("list.parquet", b"PAR1"),
            "key_file": SimpleUploadedFile("key.txt", content),
            **THRESHOLDS,
        },
    )
    errors = " ".join(page.context["form"].errors.get("key_file", []))
    assert message in errors, errors
    if content:
        assert content.decode("latin-1") not in errors  # a key is never shown back
    assert not MatchRun.objects.exists()


def test_a_zip_bomb_is_refused_quickly_without_unpacking_it(
    shared_world: World, agreement: DataSharingAgreement
) -> None:
    bomb = corpus.xlsx_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match/", {"file": SimpleUploadedFile("bomb.xlsx", bomb), **THRESHOLDS}
    )
    elapsed = time.monotonic() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "would unpack to 250 MB" in page.text
    assert elapsed < 5
    assert peak < 50 * 1024 * 1024  # the upload itself and the page, not the 250 MB it unpacks to


def test_a_list_over_the_size_limit_is_refused(
    shared_world: World, agreement: DataSharingAgreement, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("joinedup.core.uploads.MAX_UPLOAD_BYTES", 100)
    page = shared_world.client_for(Role.DATA_LEAD).post(
        f"/sharing/agreements/{agreement.pk}/match/",
        {"file": SimpleUploadedFile("list.csv", GOOD.encode()), **THRESHOLDS},
    )
    assert "The list is larger than 200 MB." in page.text
    assert not MatchRun.objects.exists()
