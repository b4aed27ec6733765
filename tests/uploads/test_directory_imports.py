"""Malformed directory files (ORUK JSON, a zip of HSDS CSV files): refused with a clear message, no service changed.

The upload page keeps the file (unpacking a zip); the worker calls ``directory_import``, which refuses a feed
it cannot use with ``ImportRejected`` and its reason on the import's record.
"""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.directory.models import DirectoryImport, Service
from joinedup.directory.services import ImportRejected, directory_import
from tests.conftest import World
from tests.directory.feeds import CSV_EXAMPLES, example_service
from tests.uploads import corpus


def _csv_files() -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in CSV_EXAMPLES.glob("*.csv")}


def _with(name: str, change: Callable[[bytes], bytes]) -> Callable[[], bytes]:
    """The example HSDS zip with one file changed."""

    def build() -> bytes:
        files = _csv_files()
        files[name] = change(files[name])
        return corpus.csv_zip(files)

    return build


def _service(**changes: Any) -> bytes:
    return json.dumps([dict(example_service(), **changes)]).encode()


def _first_row(data: bytes, **cells: str) -> bytes:
    text = data.decode("utf-8-sig")
    header, first, *rest = text.splitlines()
    names = next(csv.reader([header]))
    values = dict(zip(names, next(csv.reader([first])), strict=True))
    values.update(cells)
    return corpus.csv_text(names, [list(values.values()), *csv.reader(rest)]).encode()


FILES: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty.json", lambda: b"", "empty.json is not valid JSON"),
    ("number.json", lambda: b"42", "number.json holds no ORUK services"),
    ("text.json", lambda: b'"services"', "text.json holds no ORUK services"),
    ("null.json", lambda: b"null", "null.json holds no ORUK services"),
    ("numbers.json", lambda: b"[1, 2, 3]", "The feed has"),
    ("nulls.json", lambda: b'{"contents": [null]}', "The feed has"),
    ("services-not-list.json", lambda: b'{"services": {"id": 1}}', "holds no ORUK services"),
    ("latin1.json", lambda: '[{"id": "1", "name": "Café"}]'.encode("latin-1"), "latin1.json is not text in UTF-8"),
    ("nul.json", lambda: b'[{"id": "1", "name": "\x00"}]', "nul.json is not valid JSON"),
    # Escaped, it is valid JSON, but no database column can store it (PostgreSQL refuses it).
    ("escaped-nul.json", lambda: b'[{"id": "1", "name": "a\\u0000b"}]', "escaped-nul.json has a NUL character"),
    ("deep.json", lambda: corpus.deeply_nested_json(), "deep.json is nested too deeply"),
    ("deep-object.json", lambda: b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    ("truncated.json", lambda: _service()[:-40], "truncated.json is not valid JSON"),
    ("no-name.json", lambda: json.dumps([{"id": "x"}]).encode(), "The feed has"),
    ("formula-id.json", lambda: _service(status="=cmd"), "The feed has"),
    ("empty-list.json", lambda: b"[]", "The feed has no services"),
    ("png.json", corpus.png, "png.json is not"),
    ("no-services.zip", lambda: corpus.csv_zip({"organizations.csv": b"id,name\n1,x\n"}), "has no services.csv"),
    ("no-id.zip", _with("services.csv", lambda data: _first_row(data, id="")), "The feed has"),
    (
        "ragged.zip",
        _with("services.csv", lambda data: data + b"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21\n"),
        "The feed has",
    ),
    ("bad-number.zip", _with("locations.csv", lambda data: _first_row(data, latitude="fifty-one")), "The feed has"),
    ("header-only.zip", _with("services.csv", lambda data: data.splitlines(keepends=True)[0]), "The feed has"),
]


@pytest.mark.parametrize(("name", "content", "message"), FILES, ids=[name for name, _c, _m in FILES])
def test_a_malformed_feed_file_is_refused_and_changes_no_service(
    shared_world: World, tmp_path: Path, name: str, content: Callable[[], bytes], message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content())
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as archive:
            folder = tmp_path / "csv"
            folder.mkdir()
            for member in archive.infolist():
                (folder / Path(member.filename).name).write_bytes(archive.read(member))
        path = folder
    with pytest.raises(ImportRejected) as rejected:
        directory_import(source=str(path), area=shared_world.area, started_by=shared_world.members["data_lead"].user)
    record = rejected.value.record
    assert record.status == DirectoryImport.Status.REJECTED
    assert message in record.message
    for problem in record.errors:
        assert problem["message"]  # each problem says what is wrong, and where
    assert not Service.objects.exists()


# -- the upload page ------------------------------------------------------------------------------------


def _post(world: World, upload: SimpleUploadedFile) -> Any:
    return world.client_for(Role.DATA_LEAD).post("/directory/imports/", {"file": upload, "source_name": "Brent"})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("feed.xlsx", b"x", "The file must be a .json file or a .zip of CSV files"),
        ("feed.csv", b"id,name\n", "The file must be a .json file or a .zip of CSV files"),
        ("feed.zip", corpus.png(), "The file is not a readable .zip"),
        ("feed.zip", corpus.zip_without_workbook(), "The zip has no CSV files in it"),
    ],
)
def test_the_upload_page_refuses_a_file_it_cannot_use(
    shared_world: World, settings: Any, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    settings.VAR_DIR = tmp_path
    page = _post(shared_world, SimpleUploadedFile(name, content))
    assert page.status_code == 200
    assert message in page.text
    assert not Job.objects.exists()


def test_the_upload_page_refuses_a_zip_that_unpacks_to_far_too_much(
    shared_world: World, settings: Any, tmp_path: Path
) -> None:
    """Three CSV files of 90 MB each, packed to well under a megabyte: each under the limit, together over it."""
    settings.VAR_DIR = tmp_path
    bomb = corpus.csv_zip_bomb()
    assert len(bomb) < 2 * 1024 * 1024
    started = time.monotonic()
    page = _post(shared_world, SimpleUploadedFile("feed.zip", bomb))
    assert time.monotonic() - started < 5
    assert "The files in the zip unpack to more than 200 MB" in page.text
    assert not Job.objects.exists()
    unpacked = sum(path.stat().st_size for path in (tmp_path / "uploads").rglob("*.csv"))
    assert unpacked == 0


def test_the_upload_page_refuses_an_encrypted_zip(shared_world: World, settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    archive = io.BytesIO(corpus.csv_zip({"services.csv": b"id,name\n1,x\n"}, method=zipfile.ZIP_STORED))
    data = bytearray(archive.getvalue())
    # Set the "encrypted" flag on the member, in its local header and in the central directory.
    data[6] |= 1
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 1
    page = _post(shared_world, SimpleUploadedFile("feed.zip", bytes(data)))
    assert page.status_code == 200
    assert "The zip is protected by a password" in page.text
    assert not Job.objects.exists()


def test_the_upload_page_refuses_a_file_over_the_size_limit(
    shared_world: World, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("joinedup.directory.views.MAX_UPLOAD_BYTES", 100)
    settings.VAR_DIR = tmp_path
    page = _post(shared_world, SimpleUploadedFile("feed.json", _service()))
    assert "The file is larger than 200 MB" in page.text
    assert not Job.objects.exists()
