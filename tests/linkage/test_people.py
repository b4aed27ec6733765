"""Reading a partner's person list: the standard schema, column mappings, and every refusal."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from joinedup.linkage import CLEAN_COLUMNS, ListError, mapping_read, people_clean, people_read

HEADER = "record_id,forenames,surname,date_of_birth,sex,postcode,address,school,nhs_number,upn\n"


def write(tmp_path: Path, text: str, name: str = "list.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_list_in_the_standard_columns_is_cleaned(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "\ufeff"
        + HEADER
        + "L1, Mr Bobby  James ,O'NEIL-SMITH,2015-04-03,Male,nw104ab,12 High St.,Oak Primary,943 476 5919,"
        "a123456789012\n",
    )
    people = people_read(path)
    assert people.rows == 1
    assert people.table.column_names == list(CLEAN_COLUMNS)
    row = people.table.to_pylist()[0]
    assert row["forename"] == "bobby"
    assert row["forename_group"] == "robert"
    assert row["forenames"] == "bobby james"
    assert row["surname"] == "oneil smith"
    assert row["dob"] == "2015-04-03"
    assert row["dob_swapped"] == "2015-03-04"
    assert row["sex"] == "m"
    assert (row["postcode"], row["postcode_sector"], row["postcode_district"]) == ("NW10 4AB", "NW10 4", "NW10")
    assert row["address"] == "12 high st"
    assert row["address_words"] == ["12", "high", "st"]
    assert row["school"] == "oak primary"
    assert row["nhs_number"] == "9434765919"
    assert row["upn"] == "A123456789012"


def test_a_mapping_names_the_files_columns_and_joins_address_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "ID,First,Last,DOB,Line 1,Town\n7,Amina,Hassan,1/2/2016,3 Park Road,Wembley\n")
    mapping = write(
        tmp_path,
        'record_id = "ID"\nforenames = "First"\nsurname = "Last"\ndate_of_birth = "DOB"\n'
        'address = ["Line 1", "Town"]\n',
        "mapping.toml",
    )
    row = people_read(path, mapping=mapping_read(mapping)).table.to_pylist()[0]
    assert (row["record_id"], row["forename"], row["surname"], row["dob"]) == ("7", "amina", "hassan", "2016-02-01")
    assert row["address"] == "3 park road wembley"
    assert row["postcode"] is None


def test_xlsx_and_parquet_lists_read_the_same_as_csv(tmp_path: Path) -> None:
    rows = [["record_id", "forenames", "surname", "date_of_birth"], ["1", "Zofia", "Wójcik", "2014-07-09"]]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(tmp_path / "list.xlsx")
    pq.write_table(
        pa.table({name: [value] for name, value in zip(rows[0], rows[1], strict=True)}), tmp_path / "l.parquet"
    )
    csv_path = write(tmp_path, "\n".join(",".join(row) for row in rows) + "\n")
    expected = people_read(csv_path).table.to_pylist()
    assert people_read(tmp_path / "list.xlsx").table.to_pylist() == expected
    assert people_read(tmp_path / "l.parquet").table.to_pylist() == expected
    assert expected[0]["surname"] == "wojcik"
    # Some spreadsheets save "CSV" with semicolons or tabs between the columns.
    for delimiter, name in ((";", "semicolons.csv"), ("\t", "tabs.csv")):
        other = write(tmp_path, "\n".join(delimiter.join(row) for row in rows) + "\n", name)
        assert people_read(other).table.to_pylist() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("record_id,forenames,surname\n1,A,B\n", "has no ‘date_of_birth’ column"),
        ("", "is empty"),
        ("record_id,forenames,surname,date_of_birth\n", "has a header row but no children"),
        (
            "record_id,forenames,surname,date_of_birth\n,Ann,Lee,2015-01-01\n",
            "row 2 has no record number (record_id, or the column the mapping names for it)",
        ),
        (
            "record_id,forenames,surname,date_of_birth\n1,Ann,Lee,2015-01-01\n1,Bo,Lee,2016-01-01\n",
            "record_id ‘1’ (rows 2, 3) is on more than one row; every child needs their own",
        ),
        (
            "record_id,forenames,surname,date_of_birth\n1,Ann,Lee,31/02/2015\n2,Bo,Lee,soon\n",
            "2 dates of birth are not a date (row 2: ‘31/02/2015’; row 3: ‘soon’)",
        ),
    ],
)
def test_a_list_that_cannot_be_used_is_refused_with_the_reason(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ListError) as refused:
        people_read(write(tmp_path, text))
    assert message in str(refused.value)


def test_a_file_that_is_not_utf8_or_not_a_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="is not text in UTF-8, as a CSV file must be: open it in the spreadsheet"):
        people_read(write(tmp_path, HEADER + "1,Seán,Ó Briain,2015-01-01,,,,,,\n", encoding="utf-16"))
    with pytest.raises(ListError, match=r"expected a \.csv, \.xlsx or \.parquet file"):
        people_read(write(tmp_path, HEADER, "list.txt"))
    with pytest.raises(ListError, match="not a valid XLSX file"):
        people_read(write(tmp_path, HEADER, "list.xlsx"))
    with pytest.raises(ListError, match="cannot be opened"):
        people_read(tmp_path / "missing.csv")


def test_unreadable_dates_can_be_read_as_missing_and_are_counted(tmp_path: Path) -> None:
    path = write(tmp_path, "record_id,forenames,surname,date_of_birth\n1,Ann,Lee,31/02/2015\n2,Bo,Lee,05/06/2015\n")
    people = people_read(path, unreadable_dates="missing")
    assert [row["dob"] for row in people.table.to_pylist()] == [None, "2015-06-05"]
    assert people.notes == (
        "1 date of birth is not a date and is treated as missing.",
        "1 date of birth could be read either way round (05/06/2015); read day first, as UK lists write them.",
    )


def test_mapping_files_are_checked(tmp_path: Path) -> None:
    with pytest.raises(ListError, match="‘first_name’ is not a column of a person list"):
        mapping_read(write(tmp_path, 'first_name = "First"\n', "m.toml"))
    with pytest.raises(ListError, match="surname must name a column"):
        mapping_read(write(tmp_path, '{"surname": 3}', "m.json"))
    with pytest.raises(ListError, match="not a valid column mapping"):
        mapping_read(write(tmp_path, "surname = ", "m.toml"))
    with pytest.raises(ListError, match="has no ‘Last’ column, which the column mapping gives for surname"):
        people_read(write(tmp_path, HEADER + "1,Ann,Lee,2015-01-01,,,,,,\n"), mapping={"surname": "Last"})


def test_postcodes_of_other_countries_are_compared_as_written(tmp_path: Path) -> None:
    path = write(tmp_path, "record_id,forenames,surname,date_of_birth,postcode\n1,A,B,,2913\n2,C,D,,not one\n")
    people = people_read(path)
    assert [row["postcode"] for row in people.table.to_pylist()] == ["2913", None]
    assert [row["postcode_district"] for row in people.table.to_pylist()] == [None, None]
    assert people.notes == ("1 postcode is not a postcode and is treated as missing.",)


text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(text, text, text, text, text), min_size=1, max_size=8))
def test_any_text_in_the_detail_columns_is_cleaned_or_missing_never_an_error(
    rows: list[tuple[str, str, str, str, str]],
) -> None:
    raw = pa.table(
        {
            "record_id": [str(index) for index in range(len(rows))],
            "forenames": [row[0] for row in rows],
            "surname": [row[1] for row in rows],
            "date_of_birth": [row[2] for row in rows],
            "postcode": [row[3] for row in rows],
            "address": [row[4] for row in rows],
        }
    )
    people = people_clean(raw, "list", unreadable_dates="missing")
    assert people.rows == len(rows)
    for row in people.table.to_pylist():
        assert row["forename"] is None or row["forename"].isascii()
        assert row["dob"] is None or len(row["dob"]) == 10
