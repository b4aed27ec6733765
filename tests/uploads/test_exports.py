"""Every CSV download neutralises spreadsheet formulas in the text it exports.

A cell starting with =, +, - or @ (or a tab or carriage return, which some spreadsheets skip first) runs
as a formula when the file is opened: a child's name or a school's ethnicity value from an upload could
otherwise fetch a web address or run a command on the reader's computer. Each test puts such values into
what a download exports, downloads it through the page as a role allowed to, and checks every cell.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from joinedup.accounts.models import Role
from joinedup.core.spreadsheets import spreadsheet_safe
from joinedup.identification.services import identification_run
from tests.conftest import World
from tests.identification.conftest import SCHOOL_HEADER, import_file
from tests.uploads.corpus import FORMULAS

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def cells_of(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode(), newline="")))


def assert_neutralised(rows: list[list[str]], planted: str) -> None:
    """No cell would run as a formula, and the planted value is there, shown as text."""
    for row in rows:
        for cell in row:
            if cell.startswith(DANGEROUS):
                try:
                    float(cell)  # a negative number is a number, not a formula
                except ValueError:
                    pytest.fail(f"a cell would run as a formula: {cell!r} in {row!r}")
    assert any(spreadsheet_safe(planted) in cell for row in rows for cell in row), planted


@pytest.mark.parametrize("text", [*FORMULAS, "Brent"])
def test_spreadsheet_safe_neutralises_every_formula_start_and_nothing_else(text: str) -> None:
    safe = spreadsheet_safe(text)
    assert not safe.startswith(DANGEROUS)
    assert safe == (text if text == "Brent" else "'" + text)


@pytest.mark.parametrize("formula", FORMULAS)
def test_the_fairness_download_neutralises_values_from_the_schools_files(
    shared_world: World, tmp_path: Path, formula: str
) -> None:
    urn = shared_world.school.urn or ""
    path = tmp_path / "school.csv"
    rows = [
        [f"F00{n}", "Ann", "Lee", "2015-10-02", "F", "5", urn, "80", "below", "below", "Y", formula, ""]
        for n in range(6)
    ]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(SCHOOL_HEADER.split(","))
        writer.writerows(rows)
    import_file(shared_world, path, "school_data")
    run = identification_run(
        area=shared_world.area, school_year="2026/27", started_by=shared_world.members[Role.DATA_LEAD].user
    )
    response = shared_world.client_for(Role.DATA_LEAD).get(
        f"/identification/runs/{run.pk}/fairness/", {"format": "csv"}
    )
    assert_neutralised(cells_of(response), formula)


@pytest.mark.parametrize("formula", FORMULAS[:4])
def test_the_gap_report_download_neutralises_school_names(shared_world: World, formula: str) -> None:
    shared_world.school.name = formula
    shared_world.school.save()
    response = shared_world.client_for(Role.TEAM_MANAGER).get(
        "/directory/gaps/", {"band": "12-14", "miles": "3", "format": "csv"}
    )
    assert_neutralised(cells_of(response), formula)


@pytest.mark.parametrize("formula", FORMULAS[:4])
def test_the_safeguarding_report_download_neutralises_the_organisation_name(shared_world: World, formula: str) -> None:
    programme = shared_world.members[Role.DATA_LEAD].organisation
    programme.name = formula
    programme.save()
    response = shared_world.client_for(Role.DATA_LEAD).get("/safeguarding/report/", {"format": "csv"})
    assert_neutralised(cells_of(response), f"{formula}, {shared_world.area.name}")
