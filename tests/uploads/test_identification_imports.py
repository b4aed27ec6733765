"""Malformed school data and survey files: each is refused with a message naming the problem, and writes nothing.

The import runs in the worker (``screening_import_task``), which calls ``screening_import``; a refusal
is ``ImportRejected`` with the reason on the import's record, which the import page shows. Anything
else would be a failed job with a traceback, so each test calls the service and expects exactly that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from joinedup.accounts.models import Role
from joinedup.core.models import Job
from joinedup.identification.models import ColumnMapping, RuleSetVersion, ScreenedPupil, ScreeningImport
from joinedup.identification.services import ImportRejected
from tests.conftest import World
from tests.identification.conftest import SCHOOL_HEADER, SURVEY_HEADER, import_file, school_rows
from tests.uploads import corpus

SCHOOL = ColumnMapping.Kind.SCHOOL_DATA
SURVEY = ColumnMapping.Kind.SURVEY
UTF8_ADVICE = "not text in UTF-8"


def school_text(world: World, *rows: str, header: str = SCHOOL_HEADER) -> str:
    return "\n".join([header, *(rows or school_rows(world.school.urn or ""))]) + "\n"


def survey_text(*rows: str, header: str = SURVEY_HEADER) -> str:
    return "\n".join([header, *(rows or ("A001,teacher,8,3", "A002,parent,5,2"))]) + "\n"


@dataclass(frozen=True)
class Bad:
    """A malformed file: its name and bytes, and what the person must be told."""

    name: str
    content: Callable[[World], bytes]
    message: str = ""  # in the import's message, when the whole file is refused
    problem: tuple[int, str] | None = None  # (row, column) of a problem listed, when rows are refused


def _row(world: World, **cells: str) -> str:
    """Amara's row with some cells replaced."""
    values = dict(zip(SCHOOL_HEADER.split(","), school_rows(world.school.urn or "")[0].split(","), strict=True))
    return ",".join({**values, **cells}.values())


def _born(date_of_birth: str) -> Callable[[World], bytes]:
    return lambda world: school_text(world, _row(world, date_of_birth=date_of_birth)).encode()


SCHOOL_FILES = [
    Bad("utf16.csv", lambda w: corpus.utf16(school_text(w)), UTF8_ADVICE),
    Bad("latin1.csv", lambda w: corpus.latin1(school_text(w, _row(w, forenames="Zoë"))), UTF8_ADVICE),
    Bad("invalid-utf8.csv", lambda w: corpus.invalid_utf8(school_text(w)), UTF8_ADVICE),
    Bad("empty.csv", lambda w: b"", "empty.csv is empty: expected a header row"),
    Bad("header-only.csv", lambda w: (SCHOOL_HEADER + "\n").encode(), "header row but no pupils"),
    Bad(
        "no-upn.csv",
        lambda w: school_text(w, header=SCHOOL_HEADER.replace("upn,", "pupil,")).encode(),
        "has no ‘upn’ column, which school data needs",
    ),
    Bad(
        "no-urn.csv",
        lambda w: school_text(w, header=SCHOOL_HEADER.replace("school_urn", "urn")).encode(),
        "has no ‘school_urn’ column",
    ),
    Bad(
        "two-upns.csv",
        lambda w: "\n".join(
            [SCHOOL_HEADER + ",upn", *(row + ",B9" for row in school_rows(w.school.urn or ""))]
        ).encode(),
        "two columns named ‘upn’",
    ),
    Bad("short-row.csv", lambda w: school_text(w, _row(w), "A002,Ben,Smith").encode(), problem=(3, "(whole row)")),
    Bad(
        "long-row.csv",
        lambda w: school_text(w, _row(w), _row(w, upn="A002") + ",x,y").encode(),
        problem=(3, "(whole row)"),
    ),
    *(
        Bad(
            f"date-{index}.csv",
            _born(wrong),
            problem=(2, "date_of_birth"),
        )
        for index, wrong in enumerate(corpus.WRONG_DATES)
    ),
    Bad("year-five.csv", lambda w: school_text(w, _row(w, year_group="5a")).encode(), problem=(2, "year_group")),
    Bad("blank-year.csv", lambda w: school_text(w, _row(w, year_group="")).encode(), problem=(2, "year_group")),
    Bad(
        "attendance.csv",
        lambda w: school_text(w, _row(w, attendance_pct="84 percent")).encode(),
        problem=(2, "attendance_pct"),
    ),
    Bad(
        "sessions.csv",
        lambda w: (
            school_text(
                w,
                "A001,Amara,Okafor,2015-10-02,F,5,URN,,x,300",
                header="upn,forenames,surname,date_of_birth,sex,year_group,school_urn,attendance_pct,sessions_possible,sessions_attended",
            )
            .replace("URN", w.school.urn or "")
            .encode()
        ),
        problem=(2, "sessions_possible"),
    ),
    Bad(
        "attendance-nan.csv",
        lambda w: school_text(w, _row(w, attendance_pct="nan")).encode(),
        problem=(2, "attendance_pct"),
    ),
    Bad("reading.csv", lambda w: school_text(w, _row(w, reading="4b+")).encode(), problem=(2, "reading")),
    Bad("fsm.csv", lambda w: school_text(w, _row(w, fsm="yes please")).encode(), problem=(2, "fsm")),
    Bad("urn.csv", lambda w: school_text(w, _row(w, school_urn="=1+1")).encode(), problem=(2, "school_urn")),
    Bad("repeated-upn.csv", lambda w: school_text(w, _row(w), _row(w, forenames="Twin")).encode(), problem=(3, "upn")),
    Bad("blank-upn.csv", lambda w: school_text(w, _row(w, upn="")).encode(), problem=(2, "upn")),
    Bad("bomb.xlsx", lambda w: corpus.xlsx_bomb(), "would unpack to 250 MB, more than the 200 MB"),
    Bad("ratio-bomb.xlsx", lambda w: corpus.xlsx_ratio_bomb(), "unpacks to more than 100 times its size"),
    Bad("screenshot.xlsx", lambda w: corpus.png(), "screenshot.xlsx is not a valid XLSX file"),
    Bad("archive.xlsx", lambda w: corpus.zip_without_workbook(), "archive.xlsx is not a valid XLSX file"),
    Bad(
        "dates.xlsx",
        lambda w: corpus.xlsx(SCHOOL_HEADER.split(","), [_row(w, date_of_birth="31/02/2016").split(",")]),
        problem=(2, "date_of_birth"),
    ),
    Bad("blank.xlsx", lambda w: corpus.xlsx([], []), "blank.xlsx is empty: expected a header row"),
    Bad("list.parquet", lambda w: b"PAR1" + bytes(100) + b"PAR1", "expected a .csv or .xlsx file"),
    # PostgreSQL cannot store a NUL character: refused while reading, naming the line, on every database.
    Bad(
        "nul.csv",
        lambda w: school_text(w, _row(w, forenames="Am\x00ara")).encode(),
        "nul.csv has a NUL character on line 2, which a CSV file never holds",
    ),
]


def _import(world: World, folder: Path, bad: Bad, kind: str) -> ScreeningImport:
    path = folder / bad.name
    path.write_bytes(bad.content(world))
    with pytest.raises(ImportRejected) as rejected:
        import_file(world, path, kind)
    record = rejected.value.record
    assert record.status == ScreeningImport.Status.REJECTED
    if bad.problem is None:
        assert bad.message in record.message
        assert not record.problems
    else:
        assert "nothing was imported" in record.message
        found = {(row, column) for row, column, _value, _expected in record.problems}
        assert bad.problem in found, record.problems
        assert all(expected for _row, _column, _value, expected in record.problems)  # each says what was expected
    return record


@pytest.mark.parametrize("bad", SCHOOL_FILES, ids=lambda bad: bad.name)
def test_a_malformed_school_data_file_is_refused_and_writes_nothing(
    shared_world: World, tmp_path: Path, bad: Bad
) -> None:
    _import(shared_world, tmp_path, bad, SCHOOL)
    assert not ScreenedPupil.objects.exists()


def test_a_bad_row_keeps_the_whole_file_out_not_just_that_row(shared_world: World, tmp_path: Path) -> None:
    rows = [*school_rows(shared_world.school.urn or "")[:4], _row(shared_world, upn="A009", date_of_birth="yesterday")]
    record = _import(
        shared_world,
        tmp_path,
        Bad("last-row.csv", lambda w: school_text(w, *rows).encode(), problem=(6, "date_of_birth")),
        SCHOOL,
    )
    assert record.problems == [[6, "date_of_birth", "yesterday", "a date such as 2016-09-01 or 01/09/2016"]]
    assert not ScreenedPupil.objects.exists()


def test_extra_columns_are_ignored_and_formulas_in_names_kept_as_text(shared_world: World, tmp_path: Path) -> None:
    """An MIS export has many more columns than we read; a name is whatever the school wrote, kept as text
    (the exports neutralise it, see test_exports)."""
    urn = shared_world.school.urn or ""
    header = SCHOOL_HEADER + ",Notes,Unnamed: 3,"
    rows = [
        row.replace("Amara", corpus.FORMULAS[index % 4].replace(",", ";")) + ",note,x,"
        for index, row in enumerate(school_rows(urn))
    ]
    path = tmp_path / "wide.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    record = import_file(shared_world, path, SCHOOL)
    assert (record.status, record.created) == (ScreeningImport.Status.IMPORTED, 5)
    assert ScreenedPupil.objects.get(upn="A001").forenames == '=HYPERLINK("http://evil.example";"x")'


SURVEY_FILES = [
    Bad("utf16.csv", lambda w: corpus.utf16(survey_text()), UTF8_ADVICE),
    Bad("invalid-utf8.csv", lambda w: corpus.invalid_utf8(survey_text()), UTF8_ADVICE),
    Bad("empty.csv", lambda w: b"", "empty.csv is empty"),
    Bad("header-only.csv", lambda w: (SURVEY_HEADER + "\n").encode(), "header row but no survey returns"),
    Bad(
        "no-upn.csv",
        lambda w: survey_text(header=SURVEY_HEADER.replace("upn", "pupil")).encode(),
        "has no ‘upn’ column, nor forenames, surname and date_of_birth",
    ),
    Bad(
        "two-upns.csv",
        lambda w: survey_text("A001,teacher,8,3,A002", header=SURVEY_HEADER + ",upn").encode(),
        "two columns named ‘upn’",
    ),
    Bad("score.csv", lambda w: survey_text("A001,teacher,eight,3").encode(), problem=(2, "sdq_emotional")),
    Bad("too-high.csv", lambda w: survey_text("A001,teacher,11,3").encode(), problem=(2, "sdq_emotional")),
    Bad("who.csv", lambda w: survey_text("A001,=cmd,8,3").encode(), problem=(2, "respondent")),
    Bad("unknown-upn.csv", lambda w: survey_text("Z999,teacher,8,3").encode(), problem=(2, "upn")),
    Bad("twice.csv", lambda w: survey_text("A001,teacher,8,3", "A001,parent,5,2").encode(), problem=(3, "upn")),
    Bad("short.csv", lambda w: survey_text("A001,teacher").encode(), problem=(2, "(whole row)")),
    Bad(
        "by-name.csv",
        lambda w: survey_text(
            "Amara,Okafor,31/02/2015,teacher,8", header="forenames,surname,date_of_birth,respondent,sdq_emotional"
        ).encode(),
        problem=(2, "date_of_birth"),
    ),
    Bad("bomb.xlsx", lambda w: corpus.xlsx_bomb(), "would unpack to 250 MB"),
    Bad("screenshot.xlsx", lambda w: corpus.png(), "is not a valid XLSX file"),
]


@pytest.mark.parametrize("bad", SURVEY_FILES, ids=lambda bad: bad.name)
def test_a_malformed_survey_file_is_refused_and_changes_no_pupil(shared_world: World, tmp_path: Path, bad: Bad) -> None:
    school = tmp_path / "school.csv"
    school.write_text(school_text(shared_world), encoding="utf-8")
    import_file(shared_world, school, SCHOOL)
    before = list(ScreenedPupil.objects.order_by("upn").values())
    _import(shared_world, tmp_path, bad, SURVEY)
    assert list(ScreenedPupil.objects.order_by("upn").values()) == before
    assert not ScreenedPupil.objects.exclude(survey_import=None).exists()


# -- the upload page -----------------------------------------------------------------------------------


def _post(world: World, upload: SimpleUploadedFile) -> Any:
    return world.client_for(Role.DATA_LEAD).post(
        "/identification/imports/", {"kind": SCHOOL, "file": upload, "school_year": "2026/27"}
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("pupils.txt", "The file must be a .csv or .xlsx file."),
        ("pupils.xlsx.exe", "The file must be a .csv or .xlsx file."),
        ("pupils", "The file must be a .csv or .xlsx file."),
    ],
)
def test_the_upload_page_refuses_a_file_of_another_kind(
    shared_world: World, settings: Any, tmp_path: Path, name: str, message: str
) -> None:
    settings.VAR_DIR = tmp_path
    page = _post(shared_world, SimpleUploadedFile(name, b"upn,year_group,school_urn\n"))
    assert page.status_code == 200
    assert message in page.text
    assert not Job.objects.exists()
    assert not ScreeningImport.objects.exists()
    assert not (tmp_path / "uploads").exists()


def test_the_upload_page_refuses_a_file_over_the_size_limit(
    shared_world: World, settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The limit is 200 MB; it is lowered here so the test need not send 200 MB."""
    monkeypatch.setattr("joinedup.core.uploads.MAX_UPLOAD_BYTES", 1024)
    settings.VAR_DIR = tmp_path
    huge = school_text(shared_world, *[_row(shared_world, upn=f"H{n:04}") for n in range(100)])
    page = _post(shared_world, SimpleUploadedFile("huge.csv", huge.encode()))
    assert page.status_code == 200
    assert "The file is larger than 200 MB. Split it by school and import each part." in page.text
    assert not Job.objects.exists()
    assert not (tmp_path / "uploads").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe", "The file is not valid TOML"),
        (b"minimum_domains = ", "The file is not valid TOML"),
        (b"[[[[", "The file is not valid TOML"),
        (b"minimum_domains = '=HYPERLINK(1)'", "The rules cannot be used"),
        (b"minimum_domains = 99", "The rules cannot be used"),
        (b"x" * 100_001, "too large to be one"),
        (b"\x00" * 10, "The file is not valid TOML"),
    ],
)
def test_a_malformed_rules_file_is_refused_and_publishes_nothing(
    shared_world: World, content: bytes, message: str
) -> None:
    page = shared_world.client_for(Role.DATA_LEAD).post(
        "/identification/rules/upload/", {"file": SimpleUploadedFile("rules.toml", content), "note": "Tried"}
    )
    assert page.status_code == 200
    assert message in page.text
    assert not RuleSetVersion.objects.filter(note="Tried").exists()
