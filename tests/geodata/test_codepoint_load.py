"""Loading Code-Point Open: zip, folder or one file; all or nothing; safe to repeat."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from joinedup.cli import main as joinedup_main
from joinedup.geo import osgb36_to_wgs84
from joinedup.geodata.models import GeodataLoad, Postcode
from joinedup.geodata.services import MAX_PROBLEMS, CodepointError, CodepointReport, codepoint_load
from tests.geodata.conftest import NW, W, codepoint_line, codepoint_zip


def table() -> list[tuple[str, float, float]]:
    return list(Postcode.objects.order_by("postcode").values_list("postcode", "latitude", "longitude"))


def test_loading_the_zip_fills_the_table_and_records_the_load(codepoint: Path) -> None:
    report = codepoint_load(path=codepoint)
    assert report == CodepointReport(files=2, loaded=3, without_coordinates=1)
    point = osgb36_to_wgs84(525400, 182200)
    assert ("W9 9ZZ", point.latitude, point.longitude) in table()
    assert [row[0] for row in table()] == ["NW10 9ZX", "NW10 9ZY", "W9 9ZZ"]
    load = GeodataLoad.objects.get()
    assert (load.file_name, load.files, load.rows_loaded, load.rows_without_coordinates) == ("codepo_gb.zip", 2, 3, 1)
    assert load.loaded_by is None


@pytest.mark.parametrize("layout", ["Data/CSV", "."])
def test_loading_a_folder(tmp_path: Path, layout: str) -> None:
    # The unzipped download (CSVs under Data/CSV) or a folder of the CSVs themselves.
    folder = tmp_path / "codepo_gb" / layout
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nw.csv").write_text(NW)
    (folder / "w.csv").write_text(W)
    assert codepoint_load(path=tmp_path / "codepo_gb").loaded == 3


def test_loading_one_csv_with_a_header_row_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("Postcode,Positional_quality_indicator,Eastings,Northings,a,b,c,d,e,f\n" + W + "\n")
    assert codepoint_load(path=path) == CodepointReport(files=1, loaded=1, without_coordinates=0)


def test_loading_twice_gives_the_same_table_and_a_newer_file_updates_it(codepoint: Path, tmp_path: Path) -> None:
    codepoint_load(path=codepoint)
    first = table()
    codepoint_load(path=codepoint)
    assert table() == first
    assert GeodataLoad.objects.count() == 2
    moved = tmp_path / "w.csv"
    moved.write_text(codepoint_line("W9 9ZZ", 525500, 182300))
    codepoint_load(path=moved)
    assert len(table()) == 3
    assert Postcode.objects.get(postcode="W9 9ZZ").latitude == osgb36_to_wgs84(525500, 182300).latitude


def test_a_malformed_file_changes_nothing_and_names_file_line_and_column(codepoint: Path, tmp_path: Path) -> None:
    codepoint_load(path=codepoint)
    before = table()
    # Good rows in the first file, then three kinds of bad row in the second.
    bad = codepoint_zip(
        tmp_path / "bad.zip",
        {
            "a.csv": codepoint_line("NW109ZW", 521000, 183000) * 3 + codepoint_line("W9 9ZZ", 1, 1),
            "b.csv": W + '"W9 9ZY",10,521000\n' + W.replace("525400", "52540O") + codepoint_line("W9", 1, 1),
        },
    )
    with pytest.raises(CodepointError) as error:
        codepoint_load(path=bad)
    assert [str(problem) for problem in error.value.problems] == [
        "Data/CSV/b.csv, line 2: expected 10 columns (Code-Point Open), found 3",
        "Data/CSV/b.csv, line 3, column 3 (Eastings): expected a whole number of metres from 0 to 700,000, "
        "found ‘52540O’",
        "Data/CSV/b.csv, line 4, column 1 (Postcode): expected a full postcode, like NW10 4AB, found ‘W9’",
    ]
    assert str(error.value).startswith("Nothing was loaded.")
    assert table() == before
    assert GeodataLoad.objects.count() == 1


def test_problems_are_listed_up_to_a_cap(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_text("not,code,point\n" * 50)
    with pytest.raises(CodepointError) as error:
        codepoint_load(path=path)
    assert len(error.value.problems) == MAX_PROBLEMS
    assert f"Only the first {MAX_PROBLEMS} problems are listed" in str(error.value)


def test_a_file_that_is_not_text_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes(W.encode() + b"\xff\xfe\x00garbage\n")
    with pytest.raises(CodepointError, match=r"w.csv, line 2: expected CSV text"):
        codepoint_load(path=path)
    assert table() == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.zip", None, "There is no file or folder at"),
        ("other.zip", "zip", "other.zip is not Code-Point Open: there are no Data/CSV/\\*.csv files inside it"),
        ("notes.txt", "hello", "notes.txt is not Code-Point Open: it is neither a zip file nor a CSV file"),
        ("empty", "folder", "holds no CSV files"),
        ("empty.csv", "", "Nothing was loaded: empty.csv holds no postcodes"),
    ],
)
def test_the_wrong_path_is_refused_clearly(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content == "zip":
        codepoint_zip(path, {})
    elif content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("geodata", "load-codepoint", str(path))
    assert GeodataLoad.objects.count() == 0


def test_progress_ends_at_the_total(codepoint: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    codepoint_load(path=codepoint, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (4, 4)


def test_the_command_says_what_it_loaded(codepoint: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("geodata", "load-codepoint", str(codepoint))
    assert capsys.readouterr().out.strip() == "Loaded 3 postcodes from 2 files; 1 had no coordinates and was skipped."


def test_the_command_reports_a_malformed_file(tmp_path: Path) -> None:
    path = tmp_path / "nw.csv"
    path.write_text(NW + '"NW10 9ZV",10,abc,183000,,,,,,\n')
    with pytest.raises(CommandError, match=r"nw.csv, line 4, column 3 \(Eastings\)"):
        call_command("geodata", "load-codepoint", str(path))


def test_the_joinedup_entry_point_knows_the_hyphenated_names(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        joinedup_main(["joinedup", "geodata", "load-codepoint", "--help"])
    assert exit_.value.code == 0
    assert "codepo_gb.zip" in capsys.readouterr().out
