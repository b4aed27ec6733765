"""Synthetic paired lists: the truth is known, and linking them is as hard as real lists make it."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pa_parquet
import pytest

from joinedup.demo.names import BOROUGHS
from joinedup.demo.pupils import upn_check_letter
from joinedup.linkage import date_read, name_clean, nhs_number_clean, postcode_clean, same_given_name
from joinedup.linkage.people import COLUMNS
from joinedup.linkage.synthetic import PairedLists, paired_lists

Row = dict[str, str]


@pytest.fixture(scope="module")
def lists() -> PairedLists:
    return paired_lists(4000, 3000, overlap=0.6, seed=11)


@pytest.fixture(scope="module")
def pairs(lists: PairedLists) -> list[tuple[Row, Row]]:
    """Each child on both lists: our row and the partner's row."""
    left = {row["record_id"]: row for row in lists.left.to_pylist()}
    right = {row["record_id"]: row for row in lists.right.to_pylist()}
    return [(left[pair["left_id"]], right[pair["right_id"]]) for pair in lists.truth.to_pylist()]


def share(pairs: list[tuple[Row, Row]], differs: str) -> float:
    """The share of true pairs whose rows differ in the way named (a test below says how)."""
    checks = {
        "date_of_birth": lambda left, right: (
            date_read(left["date_of_birth"]).value != date_read(right["date_of_birth"]).value
        ),
        "surname": lambda left, right: name_clean(left["surname"]) != name_clean(right["surname"]),
        "first forename": lambda left, right: (
            name_clean(left["forenames"]).split()[0] != (name_clean(right["forenames"]).split() or [""])[0]
        ),
        "moved": lambda left, right: postcode_clean(right["postcode"]) not in ("", left["postcode"]),
        "postcode blank": lambda _, right: right["postcode"] == "",
        "sex blank": lambda _, right: right["sex"] == "",
        "school blank": lambda _, right: right["school"] == "",
        "capitals": lambda _, right: right["surname"].isupper(),
    }
    check = checks[differs]
    return sum(1 for left, right in pairs if check(left, right)) / len(pairs)


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_lists(tmp_path: Path) -> None:
    first = paired_lists(300, 200, seed=5).write(tmp_path / "first")
    again = paired_lists(300, 200, seed=5).write(tmp_path / "again")
    other = paired_lists(300, 200, seed=6).write(tmp_path / "other")
    assert [path.read_bytes() for path in first] == [path.read_bytes() for path in again]
    assert all(a.read_bytes() != b.read_bytes() for a, b in zip(first, other, strict=True))


@pytest.mark.parametrize(
    ("left_size", "right_size", "overlap", "shared"),
    [(300, 200, 0.5, 100), (200, 300, 0.25, 50), (100, 100, 0.0, 0), (50, 80, 1.0, 50), (0, 10, 0.5, 0)],
)
def test_sizes_and_overlap_are_honoured(left_size: int, right_size: int, overlap: float, shared: int) -> None:
    lists = paired_lists(left_size, right_size, overlap=overlap)
    assert (lists.left.num_rows, lists.right.num_rows, lists.truth.num_rows) == (left_size, right_size, shared)


@pytest.mark.parametrize(("left_size", "right_size", "overlap"), [(-1, 10, 0.5), (10, 10, 1.5), (10, 10, -0.1)])
def test_impossible_sizes_are_refused(left_size: int, right_size: int, overlap: float) -> None:
    with pytest.raises(ValueError, match=r"overlap|negative"):
        paired_lists(left_size, right_size, overlap=overlap)


def test_every_column_is_text_with_blanks_not_nulls(lists: PairedLists) -> None:
    for table, columns in ((lists.left, COLUMNS), (lists.right, COLUMNS)):
        assert tuple(table.column_names) == columns
        assert all(field.type == pa.string() for field in table.schema)
        assert all(table[name].null_count == 0 for name in columns)
    assert lists.truth.column_names == ["left_id", "right_id"]
    assert all(field.type == pa.string() for field in lists.truth.schema)


def test_truth_ids_are_on_both_lists_one_to_one(lists: PairedLists) -> None:
    left_ids = lists.left["record_id"].to_pylist()
    right_ids = lists.right["record_id"].to_pylist()
    truth_left, truth_right = lists.truth["left_id"].to_pylist(), lists.truth["right_id"].to_pylist()
    assert left_ids == [f"L{number:07d}" for number in range(1, 4001)]
    assert right_ids == [f"R{number:07d}" for number in range(1, 3001)]
    assert set(truth_left) <= set(left_ids)
    assert set(truth_right) <= set(right_ids)
    assert len(set(truth_left)) == len(set(truth_right)) == lists.truth.num_rows == 1800


def test_row_order_does_not_give_the_truth_away(lists: PairedLists) -> None:
    right_numbers = [int(right_id[1:]) for right_id in lists.truth["right_id"].to_pylist()]
    rising = sum(1 for a, b in pairwise(right_numbers) if b > a)
    assert 0.4 < rising / len(right_numbers) < 0.6


def test_many_children_on_both_lists_have_a_brother_or_sister_on_the_partners_list(
    lists: PairedLists, pairs: list[tuple[Row, Row]]
) -> None:
    household: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for row in lists.right.to_pylist():
        household[name_clean(row["surname"]), postcode_clean(row["postcode"])].add(row["record_id"])
    with_sibling = [
        left for left, right in pairs if household[name_clean(left["surname"]), left["postcode"]] - {right["record_id"]}
    ]
    assert len(with_sibling) / len(pairs) > 0.25


def test_twins_share_a_date_of_birth_and_a_home_but_not_a_forename(lists: PairedLists) -> None:
    together = Counter(
        (row["surname"], row["postcode"], row["date_of_birth"]) for row in lists.left.to_pylist() if row["postcode"]
    )
    twins = [key for key, count in together.items() if count >= 2]
    assert len(twins) >= 5
    rows = lists.left.to_pylist()
    for key in twins:
        names = [row["forenames"] for row in rows if (row["surname"], row["postcode"], row["date_of_birth"]) == key]
        assert len(set(names)) == len(names)


@pytest.mark.parametrize(
    ("differs", "low", "high"),
    [
        ("date_of_birth", 0.02, 0.08),
        ("surname", 0.03, 0.15),
        ("first forename", 0.04, 0.15),
        ("moved", 0.03, 0.12),
        ("postcode blank", 0.015, 0.08),
        ("sex blank", 0.015, 0.08),
        ("school blank", 0.04, 0.13),
        ("capitals", 0.15, 0.35),
    ],
)
def test_the_partner_makes_mistakes_at_about_the_intended_rates(
    pairs: list[tuple[Row, Row]], differs: str, low: float, high: float
) -> None:
    assert low < share(pairs, differs) < high


def test_most_children_on_both_lists_are_written_the_same_once_cleaned(pairs: list[tuple[Row, Row]]) -> None:
    def key(row: Row) -> tuple[str, str, object]:
        return name_clean(row["forenames"]), name_clean(row["surname"]), date_read(row["date_of_birth"]).value

    assert 0.7 < sum(1 for left, right in pairs if key(left) == key(right)) / len(pairs) < 0.9


def test_nicknames_are_known_forms_of_the_name(pairs: list[tuple[Row, Row]]) -> None:
    nicknames = [
        (ours, theirs)
        for left, right in pairs
        if (ours := name_clean(left["forenames"]).split()[0])
        != (theirs := (name_clean(right["forenames"]).split() or [""])[0])
        and same_given_name(ours, theirs)
    ]
    assert len(nicknames) >= 10


def test_each_list_writes_dates_postcodes_and_sex_its_own_way(lists: PairedLists) -> None:
    left, right = lists.left.to_pylist(), lists.right.to_pylist()
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", row["date_of_birth"]) for row in left)
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4}", row["date_of_birth"]) for row in right)
    districts = {district for borough in BOROUGHS for district in borough.districts}
    assert all(postcode_clean(row["postcode"]) == row["postcode"] for row in left)
    assert all(row["postcode"].split(" ")[0] in districts for row in left)
    assert any(" " not in row["postcode"] and row["postcode"] for row in right)
    assert any(row["postcode"].islower() for row in right)
    assert {row["sex"] for row in left} == {"F", "M"}
    assert {row["sex"] for row in right} == {"Female", "Male", ""}


def test_ages_are_three_to_eighteen(lists: PairedLists) -> None:
    born = [date_read(text).value for text in lists.left["date_of_birth"].to_pylist()]
    assert min(day.year for day in born if day) >= 2008
    assert max(day.year for day in born if day) <= 2023


def test_identifiers_are_valid_and_agree_across_lists(lists: PairedLists, pairs: list[tuple[Row, Row]]) -> None:
    left_rows = lists.left.to_pylist()
    nhs_numbers = [row["nhs_number"] for row in left_rows if row["nhs_number"]]
    upns = [row["upn"] for row in left_rows if row["upn"]]
    assert 0.5 < len(nhs_numbers) / len(left_rows) < 0.7
    assert 0.75 < len(upns) / len(left_rows) < 0.95
    assert all(nhs_number_clean(number) == number for number in nhs_numbers)
    assert all(re.fullmatch(r"[A-Z]\d{12}", upn) and upn_check_letter(upn[1:]) == upn[0] for upn in upns)
    assert len(set(nhs_numbers)) == len(nhs_numbers)
    assert len(set(upns)) == len(upns)
    both = [(left, right) for left, right in pairs if left["nhs_number"] and right["nhs_number"]]
    agree = [pair for pair in both if nhs_number_clean(pair[1]["nhs_number"]) == pair[0]["nhs_number"]]
    assert len(both) > 200
    assert len(agree) / len(both) > 0.97
    both_upn = [(left, right) for left, right in pairs if left["upn"] and right["upn"]]
    assert len(both_upn) > 200
    assert sum(1 for left, right in both_upn if left["upn"] == right["upn"]) / len(both_upn) > 0.97


@pytest.mark.parametrize("format", ["csv", "parquet"])
def test_written_lists_read_back_the_same(tmp_path: Path, format: str) -> None:
    lists = paired_lists(200, 150, seed=2)
    paths = lists.write(tmp_path / "out", format=format)
    assert [path.name for path in paths] == [f"left.{format}", f"right.{format}", f"truth.{format}"]
    for table, path in zip((lists.left, lists.right, lists.truth), paths, strict=True):
        if format == "csv":
            read = pa_csv.read_csv(
                path,
                convert_options=pa_csv.ConvertOptions(
                    column_types=dict.fromkeys(table.column_names, pa.string()),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        else:
            read = pa_parquet.read_table(path)
        assert read.equals(table)


def test_an_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format='csv'"):
        paired_lists(5, 5).write(tmp_path, format="xlsx")
