from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from joinedup.rules import Pupil
from joinedup.rules.reading import (
    SCHOOL_DATA_COLUMNS,
    ReadingError,
    RowProblem,
    mapping_from_file,
    read_pupils,
    read_school_data,
    read_survey,
)

HEADER = ",".join(SCHOOL_DATA_COLUMNS)
FULL_ROW = "U1,Amira,Khan,2016-09-01,F,5,100001,NW10 1AB,87.5,below,expected,104,above,Y,N,K,N,BCRB,2,CP"


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_every_canonical_column(tmp_path: Path) -> None:
    data = read_school_data(write(tmp_path, "school.csv", HEADER, FULL_ROW))

    assert data.problems == []
    assert data.rows == 1
    assert data.pupils == [
        Pupil(
            upn="U1",
            forenames="Amira",
            surname="Khan",
            date_of_birth=date(2016, 9, 1),
            sex="F",
            year_group=5,
            school_urn="100001",
            postcode="NW10 1AB",
            attendance_pct=87.5,
            reading="below",
            writing="expected",
            maths=104.0,
            english="above",
            fsm=True,
            pupil_premium=False,
            sen="K",
            eal=False,
            ethnicity="BCRB",
            exclusions=2,
            social_care_status="CP",
        )
    ]


def test_blank_cells_are_missing_not_defaults(tmp_path: Path) -> None:
    blank = "U2,,,,,6,100001,,,,,,,,,,,,,"
    data = read_school_data(write(tmp_path, "school.csv", HEADER, blank))

    assert data.problems == []
    assert data.pupils == [Pupil(upn="U2", school_urn="100001", year_group=6)]
    assert data.pupils[0].fsm is None
    assert data.pupils[0].exclusions is None


def test_absent_optional_columns_are_missing(tmp_path: Path) -> None:
    data = read_school_data(write(tmp_path, "school.csv", "upn,school_urn,year_group,fsm", "U3,100001,4,N"))

    assert data.pupils == [Pupil(upn="U3", school_urn="100001", year_group=4, fsm=False)]


def test_mapped_columns_from_toml_and_json(tmp_path: Path) -> None:
    toml = write(tmp_path, "columns.toml", 'upn = "Pupil UPN"', 'school_urn = "URN"', 'year_group = "NC Year"')
    as_json = tmp_path / "columns.json"
    as_json.write_text(json.dumps({"upn": "Pupil UPN", "school_urn": "URN", "year_group": "NC Year"}))
    school = write(tmp_path, "school.csv", "URN,Pupil UPN,NC Year,fsm", "100002,U4,3,Y")

    for mapping_file in (toml, as_json):
        data = read_school_data(school, mapping_from_file(mapping_file))
        assert data.pupils == [Pupil(upn="U4", school_urn="100002", year_group=3, fsm=True)]


def test_a_bad_mapping_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReadingError, match="‘pupil_id’ is not a column"):
        mapping_from_file(write(tmp_path, "columns.toml", 'pupil_id = "UPN"'))
    with pytest.raises(ReadingError, match="not a valid column mapping"):
        mapping_from_file(write(tmp_path, "broken.toml", "upn = "))


def test_a_missing_required_column_names_the_column(tmp_path: Path) -> None:
    with pytest.raises(ReadingError, match="no ‘year_group’ column"):
        read_school_data(write(tmp_path, "school.csv", "upn,school_urn", "U1,100001"))


def test_every_bad_cell_is_reported_with_row_and_column(tmp_path: Path) -> None:
    school = write(
        tmp_path,
        "school.csv",
        "upn,school_urn,year_group,date_of_birth,attendance_pct,maths,fsm,exclusions,social_care_status",
        "U1,100001,5,2016-09-01,95,expected,Y,0,",  # row 2: good
        "U2,100001,five,31/02/2016,105,great,maybe,-1,XYZ",  # row 3: every typed cell bad
        ",100001,5,,,,,,",  # row 4: no UPN
        "U1,,5,,,,,,",  # row 5: UPN used on row 2, no URN
        "U5,100001",  # row 6: too few cells
        "U6,100001,6,01/09/2015,88.0,98,N,1,CIN",  # row 7: good, UK date
    )
    data = read_school_data(school)

    assert [pupil.upn for pupil in data.pupils] == ["U1", "U6"]
    assert data.pupils[1].date_of_birth == date(2015, 9, 1)
    found = {(problem.row, problem.column, problem.value) for problem in data.problems}
    assert found == {
        (3, "year_group", "five"),
        (3, "date_of_birth", "31/02/2016"),
        (3, "attendance_pct", "105"),
        (3, "maths", "great"),
        (3, "fsm", "maybe"),
        (3, "exclusions", "-1"),
        (3, "social_care_status", "XYZ"),
        (4, "upn", ""),
        (5, "upn", "U1"),
        (5, "school_urn", ""),
        (6, "(whole row)", "2 cells"),
    }
    duplicate = next(problem for problem in data.problems if problem.row == 5 and problem.column == "upn")
    assert str(duplicate) == "school.csv, row 5, column upn: ‘U1’; expected a UPN used once (it is also on row 2)"


def test_problems_name_the_files_own_column(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", "upn,school_urn,Year", "U1,100001,Y7")
    data = read_school_data(school, {"year_group": "Year"})

    assert data.problems == [RowProblem("school.csv", 2, "Year", "Y7", "a whole number from -1 to 14")]


def test_survey_rows_join_by_upn(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", "upn,school_urn,year_group", "U1,100001,5", "U2,100001,5")
    survey = write(
        tmp_path,
        "survey.csv",
        "upn,respondent,sdq_emotional,sdq_peer,sdq_total,stirling_total",
        "U2,teacher,7,4,20,",
        "U9,parent,1,1,5,40",  # row 3: no such pupil
        "U1,nobody,11,,,",  # row 4: bad respondent and score
    )
    data = read_pupils(school, survey)

    u1, u2 = data.pupils
    assert (u1.respondent, u1.sdq_emotional, u1.sdq_peer) == (None, None, None)
    answers = (u2.respondent, u2.sdq_emotional, u2.sdq_peer, u2.sdq_total, u2.stirling_total)
    assert answers == ("teacher", 7, 4, 20, None)
    assert {(p.file, p.row, p.column, p.value) for p in data.problems} == {
        ("survey.csv", 3, "upn", "U9"),
        ("survey.csv", 4, "respondent", "nobody"),
        ("survey.csv", 4, "sdq_emotional", "11"),
    }


def test_survey_scores_need_a_respondent(tmp_path: Path) -> None:
    survey = write(tmp_path, "survey.csv", "upn,respondent,sdq_emotional", "U1,,6", "U2,,")
    returns, problems = read_survey(survey)

    assert list(returns) == ["U2"]
    assert [(problem.row, problem.column) for problem in problems] == [(2, "respondent")]


def test_a_spreadsheet_export_with_a_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "school.csv"
    path.write_text("\ufeffupn,school_urn,year_group\r\nU1,100001,5\r\n\r\n", encoding="utf-8")

    data = read_school_data(path)

    assert data.problems == []
    assert [pupil.upn for pupil in data.pupils] == ["U1"]
