from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.rules import COHORT_COLUMNS

HEADER = "upn,school_urn,year_group,attendance_pct,maths,fsm,social_care_status"
ROWS = (
    "U1,100001,5,84,below,Y,",  # three domains: proposed
    "U2,100001,5,97,expected,N,",  # none
    "U3,100001,5,80,below,Y,CP",  # social care list
)


def write(folder: Path, name: str, *lines: str) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str | Path) -> str:
    out = StringIO()
    call_command("identify", "run", *[str(arg) for arg in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def read_cohort(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_writes_one_row_per_pupil_and_a_summary(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", HEADER, *ROWS)
    out = tmp_path / "cohort.csv"

    summary = run("--school-data", school, "--out", out)

    rows = read_cohort(out)
    assert list(rows[0]) == list(COHORT_COLUMNS)
    by_upn = {row["upn"]: row for row in rows}
    assert by_upn["U1"]["proposed"] == "Y"
    assert by_upn["U1"]["route"] == "programme"
    assert by_upn["U1"]["domains_at_risk"] == "economic_disadvantage;attendance;maths"
    assert "reading" in by_upn["U1"]["domains_missing"].split(";")
    assert by_upn["U1"]["rank"] == "1"
    assert by_upn["U1"]["explanation"].startswith("At risk in 3 areas")
    assert by_upn["U2"]["proposed"] == "N"
    assert by_upn["U3"]["route"] == "social_care"
    assert "Pupils screened: 3" in summary
    assert "Proposed for the programme: 1" in summary
    assert "On the social care list: 1" in summary
    assert "Rows with problems (left out): 0" in summary


def test_refuses_rows_with_problems_unless_told_to_go_on(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", HEADER, *ROWS, "U4,100001,five,90,expected,N,")
    out = tmp_path / "cohort.csv"

    with pytest.raises(CommandError, match=r"1 problem in the data") as refused:
        run("--school-data", school, "--out", out)
    assert "school.csv, row 5, column year_group: ‘five’" in str(refused.value)
    assert "--accept-valid-rows" in str(refused.value)
    assert not out.exists()

    summary = run("--school-data", school, "--out", out, "--accept-valid-rows")
    assert [row["upn"] for row in read_cohort(out)] == ["U1", "U2", "U3"]
    assert "Rows with problems (left out): 1" in summary


def test_uses_the_survey_rules_and_mapping_given(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", HEADER.replace("upn", "UPN"), *ROWS)
    survey = write(tmp_path, "survey.csv", "UPN,respondent,sdq_emotional", "U2,teacher,8")
    mapping = write(tmp_path, "columns.toml", 'upn = "UPN"')
    rules = write(tmp_path, "rules.toml", 'area = "Brent"', 'version = "2026.1"', "minimum_domains = 1")
    out = tmp_path / "cohort.csv"

    summary = run("--school-data", school, "--survey", survey, "--mapping", mapping, "--rules", rules, "--out", out)

    by_upn = {row["upn"]: row for row in read_cohort(out)}
    assert by_upn["U2"]["domains_at_risk"] == "emotional_wellbeing"
    assert by_upn["U2"]["proposed"] == "Y"
    assert "Rules: Brent, version 2026.1." in summary


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        ("--rules", "minimum_domains = 'three'", "The rules in .* cannot be used"),
        ("--rules", "this is not toml", "The rules in .* cannot be used"),
        ("--mapping", 'pupil = "UPN"', "The column mapping cannot be used"),
    ],
)
def test_bad_rules_or_mapping_are_refused(tmp_path: Path, which: str, content: str, message: str) -> None:
    school = write(tmp_path, "school.csv", HEADER, *ROWS)
    settings = write(tmp_path, "settings.toml", content)

    with pytest.raises(CommandError, match=message):
        run("--school-data", school, which, settings, "--out", tmp_path / "cohort.csv")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"The school data file .*nowhere.csv does not exist"):
        run("--school-data", tmp_path / "nowhere.csv", "--out", tmp_path / "cohort.csv")


def test_a_missing_column_is_explained(tmp_path: Path) -> None:
    school = write(tmp_path, "school.csv", "upn,year_group", "U1,5")

    with pytest.raises(CommandError, match="no ‘school_urn’ column"):
        run("--school-data", school, "--out", tmp_path / "cohort.csv")
