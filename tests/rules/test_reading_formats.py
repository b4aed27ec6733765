"""XLSX input, the fast CSV path, surveys matched by name and date of birth, and SDQ/Stirling items."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from joinedup.rules import Pupil, RuleSet, identify, reading
from joinedup.rules.measures import sdq_scores, stirling_total
from joinedup.rules.reading import (
    COHORT_COLUMNS,
    SCHOOL_DATA_COLUMNS,
    SDQ_ITEM_COLUMNS,
    STIRLING_ITEM_COLUMNS,
    ReadingError,
    read_pupils,
    read_school_data,
    read_survey,
    write_cohort,
)


def write_csv(folder: Path, name: str, rows: Sequence[Sequence[object]]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(folder: Path, name: str, rows: Sequence[Sequence[object]], percent_column: int | None = None) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    if percent_column is not None:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=percent_column + 1, max_col=percent_column + 1):
            cell.number_format = "0.0%"
    path = folder / name
    workbook.save(path)
    return path


HEADER = ["upn", "forenames", "surname", "date_of_birth", "year_group", "school_urn", "attendance_pct", "maths", "fsm"]


def test_xlsx_cells_are_read_as_the_csv_export_would_hold_them(tmp_path: Path) -> None:
    typed: list[list[object]] = [
        [*HEADER],
        ["U1", "Amira", "Khan", datetime(2016, 9, 1), 5.0, 100001, 0.875, 104, True],
    ]
    as_text = [HEADER, ["U1", "Amira", "Khan", "2016-09-01", "5", "100001", "87.5", "104", "Y"]]

    from_xlsx = read_school_data(write_xlsx(tmp_path, "school.xlsx", typed, percent_column=6))
    from_csv = read_school_data(write_csv(tmp_path, "school.csv", as_text))

    assert from_xlsx.problems == []
    assert from_xlsx.pupils == from_csv.pupils
    pupil = from_xlsx.pupils[0]
    assert (pupil.year_group, pupil.school_urn, pupil.date_of_birth) == (5, "100001", date(2016, 9, 1))
    assert (pupil.attendance_pct, pupil.maths, pupil.fsm) == (87.5, 104.0, True)


def test_xlsx_bad_cells_are_reported_with_the_row_excel_shows(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["upn", "school_urn", "year_group", "exclusions"],
        ["U1", 100001, 5, 0],
        [None, None, None, None],  # row 3: blank, skipped as a blank CSV line is
        ["U2", 100001, 5.5, "two"],  # row 4
    ]
    data = read_school_data(write_xlsx(tmp_path, "school.xlsx", rows))

    assert [pupil.upn for pupil in data.pupils] == ["U1"]
    assert {(p.file, p.row, p.column, p.value) for p in data.problems} == {
        ("school.xlsx", 4, "year_group", "5.5"),
        ("school.xlsx", 4, "exclusions", "two"),
    }


def test_a_file_that_is_not_xlsx_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "school.xlsx"
    fake.write_text("upn,school_urn,year_group\nU1,100001,5\n")

    with pytest.raises(ReadingError, match="not a valid XLSX file"):
        read_school_data(fake)


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "school.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))

    with pytest.raises(ReadingError, match="more than 100 times"):
        read_school_data(bomb)


def test_an_xlsx_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path, "school.xlsx", [["upn", "school_urn", "year_group"], ["U1", 100001, 5]])
    monkeypatch.setattr(reading, "_XLSX_MAX_BYTES", 1000)

    with pytest.raises(ReadingError, match="would unpack to"):
        read_school_data(path)


def test_other_extensions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "school.txt"
    path.write_text("upn,school_urn,year_group\nU1,100001,5\n")

    with pytest.raises(ReadingError, match=r"expected a \.csv or \.xlsx file"):
        read_school_data(path)


# Rows of the school data as text, with values the converters accept.
cells = st.fixed_dictionaries(
    {
        "forenames": st.sampled_from(["", "Amira", "Zoë", "Ben, Jr", 'Chloe "CC"']),
        "date_of_birth": st.sampled_from(["", "2016-09-01", "01/09/2015"]),
        "year_group": st.sampled_from(["3", "5", "6"]),
        "attendance_pct": st.sampled_from(["", "87.5", "95", "100"]),
        "maths": st.sampled_from(["", "below", "Expected", "104", "99.5"]),
        "fsm": st.sampled_from(["", "Y", "n"]),
        "social_care_status": st.sampled_from(["", "CIN", "CP"]),
    }
)
BAD = {
    "year_group": ("five", "15", ""),
    "date_of_birth": ("31/02/2016", "yesterday"),
    "attendance_pct": ("105", "abc"),
    "maths": ("great",),
    "fsm": ("maybe",),
    "social_care_status": ("XYZ",),
}


def school_rows(draws: list[dict[str, str]]) -> list[list[object]]:
    names = [*sorted(BAD), "forenames"]
    rows: list[list[object]] = [["upn", "school_urn", *names]]
    for number, draw in enumerate(draws):
        rows.append([f"U{number:04d}", "100001", *(draw[name] for name in names)])
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(draws=st.lists(cells, min_size=1, max_size=30))
def test_csv_and_xlsx_of_the_same_rows_give_the_same_pupils(tmp_path: Path, draws: list[dict[str, str]]) -> None:
    rows = school_rows(draws)
    from_csv = read_school_data(write_csv(tmp_path, "school.csv", rows))
    from_xlsx = read_school_data(write_xlsx(tmp_path, "school.xlsx", rows))

    assert from_csv.problems == []
    assert from_xlsx.problems == []
    assert from_xlsx.pupils == from_csv.pupils
    # The fast (Arrow) reader and the Python reader agree.
    slow = reading._read_school_data(tmp_path / "school.csv", {}, None, fast=False)
    assert slow.pupils == from_csv.pupils
    assert slow.row_numbers == from_csv.row_numbers


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    draws=st.lists(cells, min_size=1, max_size=30),
    planted=st.lists(st.tuples(st.integers(0, 29), st.sampled_from(sorted(BAD)), st.integers(0, 2)), max_size=8),
)
def test_every_planted_bad_cell_is_reported(
    tmp_path: Path, draws: list[dict[str, str]], planted: list[tuple[int, str, int]]
) -> None:
    rows = school_rows(draws)
    header = rows[0]
    planted_cells: dict[tuple[int, str], str] = {}  # a cell planted twice holds the second value
    for row_index, column, choice in planted:
        if row_index >= len(draws):
            continue
        value = BAD[column][choice % len(BAD[column])]
        rows[row_index + 1][header.index(column)] = value
        planted_cells[(row_index + 2, column)] = value
    expected = {(row, column, value) for (row, column), value in planted_cells.items()}

    for path in (write_csv(tmp_path, "school.csv", rows), write_xlsx(tmp_path, "school.xlsx", rows)):
        data = read_school_data(path)
        assert {(p.row, p.column, p.value) for p in data.problems} == expected
        bad_rows = {row for row, _, _ in expected}
        assert len(data.pupils) == len(draws) - len(bad_rows)


def test_a_blank_line_keeps_row_numbers_exact(tmp_path: Path) -> None:
    path = tmp_path / "school.csv"
    path.write_text("upn,school_urn,year_group\nU1,100001,5\n\nU2,100001,6\nU3,,6\n")

    data = read_school_data(path)

    assert data.row_numbers == [2, 4]
    assert [(p.row, p.column) for p in data.problems] == [(5, "school_urn")]


def test_every_slot_of_a_pupil_is_set_by_the_fast_constructor() -> None:
    values = {field.name: f"v{index}" for index, field in enumerate(fields(Pupil))}
    made = reading._pupil(*[values[column] for column in SCHOOL_DATA_COLUMNS])  # type: ignore[arg-type]
    expected = Pupil(**{column: values[column] for column in SCHOOL_DATA_COLUMNS})  # type: ignore[arg-type]
    assert made == expected


SCHOOL = [
    ["upn", "forenames", "surname", "date_of_birth", "school_urn", "year_group"],
    ["U1", "Zoë", "O'Brien", "2015-03-02", "100001", "5"],
    ["U2", "Ben", "Smith", "2015-04-05", "100001", "5"],
    ["U3", "Ben", "Smith", "2015-04-05", "100001", "5"],  # same name and birthday as U2
    ["U4", "Ella", "Jones", "2015-01-01", "100001", "5"],
]


def test_survey_rows_without_a_upn_are_matched_by_name_and_date_of_birth(tmp_path: Path) -> None:
    school = write_csv(tmp_path, "school.csv", SCHOOL)
    survey = write_csv(
        tmp_path,
        "survey.csv",
        [
            ["upn", "forenames", "surname", "date_of_birth", "respondent", "sdq_emotional"],
            ["", "  zoe ", "o'brien", "02/03/2015", "pupil", "7"],  # accents, case, spaces ignored
            ["U4", "", "", "", "teacher", "2"],  # by UPN
            ["", "Ben", "Smith", "2015-04-05", "pupil", "3"],  # row 4: two pupils match
            ["", "Amy", "Nobody", "2015-04-05", "pupil", "3"],  # row 5: no pupil matches
            ["", "", "", "", "pupil", "3"],  # row 6: nothing to match on
        ],
    )

    data = read_pupils(school, survey)

    by_upn = {pupil.upn: pupil for pupil in data.pupils}
    assert (by_upn["U1"].respondent, by_upn["U1"].sdq_emotional) == ("pupil", 7)
    assert by_upn["U4"].sdq_emotional == 2
    assert by_upn["U2"].sdq_emotional is None
    problems = {(p.row, p.column): p for p in data.problems}
    assert set(problems) == {(4, "surname"), (5, "surname"), (6, "upn")}
    assert "UPNs U2, U3" in problems[(4, "surname")].expected
    assert problems[(5, "surname")].value == "Amy Nobody, born 2015-04-05"


def test_a_survey_with_only_names_needs_the_school_data(tmp_path: Path) -> None:
    survey = write_csv(
        tmp_path,
        "survey.csv",
        [
            ["forenames", "surname", "date_of_birth", "respondent", "sdq_peer"],
            ["Ella", "Jones", "2015-01-01", "parent", "4"],
        ],
    )

    returns, problems = read_survey(survey)
    assert returns == {}
    assert "needs the school data" in problems[0].expected

    school = read_school_data(write_csv(tmp_path, "school.csv", SCHOOL))
    returns, problems = read_survey(survey, pupils=school.pupils)
    assert problems == []
    assert returns["U4"].sdq_peer == 4


def test_a_survey_with_neither_upn_nor_names_is_refused(tmp_path: Path) -> None:
    survey = write_csv(tmp_path, "survey.csv", [["respondent", "sdq_peer"], ["parent", "4"]])

    with pytest.raises(ReadingError, match="nor forenames, surname and date_of_birth"):
        read_survey(survey)


def test_sdq_scores_follow_the_published_scoring() -> None:
    answers: list[int | None] = [1] * 25
    # Every item "somewhat true": each subscale is 5, reversed items too (2 - 1 = 1).
    assert sdq_scores(answers) == (5, 5, 20)
    answers = [2] * 25
    # Peer: items 6, 19, 23 score 2; items 11 and 14 are reversed and score 0.
    assert sdq_scores(answers).peer == 6
    answers = [0] * 25
    answers[2], answers[7], answers[12] = None, None, None  # three emotional items blank
    assert sdq_scores(answers).emotional is None
    assert sdq_scores(answers).total is None


@given(st.lists(st.none() | st.integers(0, 2), min_size=25, max_size=25))
def test_sdq_subscales_stay_in_range(answers: list[int | None]) -> None:
    scores = sdq_scores(answers)
    for value in (scores.emotional, scores.peer):
        assert value is None or 0 <= value <= 10
    assert scores.total is None or 0 <= scores.total <= 40


def test_stirling_total_leaves_out_the_social_desirability_items() -> None:
    answers: list[int | None] = [5] * 15
    answers[1], answers[6], answers[12] = 1, 1, 1  # items 2, 7 and 13
    assert stirling_total(answers) == 60
    answers[0] = None
    assert stirling_total(answers) is None


def test_survey_items_are_scored_and_a_given_subscale_wins(tmp_path: Path) -> None:
    header = ["upn", "respondent", "sdq_emotional", *SDQ_ITEM_COLUMNS, *STIRLING_ITEM_COLUMNS]
    sdq = ["1"] * 25
    stirling = ["4"] * 15
    survey = write_csv(
        tmp_path,
        "survey.csv",
        [
            header,
            ["U1", "pupil", "", *sdq, *stirling],
            ["U2", "pupil", "9", *sdq, *stirling],
            ["U3", "pupil", "3", *[""] * 40],
        ],
    )

    returns, problems = read_survey(survey)

    assert problems == []
    assert returns["U1"][1:] == (5, 5, 20, 48)
    assert returns["U2"][1:] == (9, 5, 20, 48)
    assert returns["U3"][1:] == (3, None, None, None)


def test_a_bad_item_answer_is_reported(tmp_path: Path) -> None:
    header = ["upn", "respondent", *SDQ_ITEM_COLUMNS]
    survey = write_csv(tmp_path, "survey.csv", [header, ["U1", "pupil", "3", *["0"] * 24]])

    _, problems = read_survey(survey)

    assert [(p.row, p.column, p.value) for p in problems] == [(2, "sdq_1", "3")]


def test_the_cohort_file_is_written_as_the_csv_module_writes_it(tmp_path: Path) -> None:
    school = write_csv(
        tmp_path,
        "school.csv",
        [
            ["upn", "school_urn", "year_group", "fsm", "attendance_pct", "maths", "social_care_status"],
            ["U1", "100001", "5", "Y", "80", "below", ""],
            ['U"2,', "100001", "5", "N", "95", "above", "CP"],
            ["U3", "100001", "5", "", "", "", ""],
        ],
    )
    results = identify(read_school_data(school).pupils, RuleSet())
    out = tmp_path / "cohort.csv"

    write_cohort(out, results)

    expected = io.StringIO(newline="")
    writer = csv.writer(expected)
    writer.writerow(COHORT_COLUMNS)
    for r in results:
        domains = ";".join(flag.domain for flag in r.domains_at_risk)
        missing = ";".join(r.domains_missing)
        proposed = "Y" if r.proposed else "N"
        writer.writerow(
            (r.upn, r.school_urn, r.year_group, r.rank, r.n_domains, domains, missing, proposed, r.route, r.explanation)
        )
    assert out.read_bytes() == expected.getvalue().encode()


@pytest.mark.parametrize(
    ("cell", "level"),
    [("WTS", "below"), ("pkf", "below"), ("EXS", "expected"), ("Greater  depth", "above"), ("GDS", "above")],
)
def test_teacher_assessment_codes_are_read_as_levels(tmp_path: Path, cell: str, level: str) -> None:
    path = tmp_path / "school.csv"
    path.write_text(f"upn,school_urn,year_group,reading\nA1,100001,6,{cell}\n", encoding="utf-8")
    assert read_school_data(path).pupils[0].reading == level


def test_attendance_is_worked_out_from_sessions_where_the_percentage_is_blank(tmp_path: Path) -> None:
    path = tmp_path / "school.csv"
    path.write_text(
        "upn,school_urn,year_group,attendance_pct,sessions_possible,sessions_attended\n"
        "A1,100001,6,,300,261\n"
        "A2,100001,6,97.5,300,200\n"
        "A3,100001,6,,300,301\n"
        "A4,100001,6,,,\n",
        encoding="utf-8",
    )
    data = read_school_data(path)
    assert [(p.upn, p.attendance_pct) for p in data.pupils] == [("A1", 87.0), ("A2", 97.5), ("A4", None)]
    assert [(p.row, p.column, p.value) for p in data.problems] == [(4, "sessions_attended", "301")]
