"""Checking single Code-Point Open rows."""

from __future__ import annotations

import pytest

from joinedup.geo import CodepointRowError, Point, codepoint_row, osgb36_to_wgs84

CODES = ["E92000001", "E19000003", "E18000007", "", "E09000005", "E05013497"]


def test_a_row_gives_the_postcode_and_its_point() -> None:
    row = codepoint_row(["NW10 9ZZ", "10", "521586", "183935", *CODES])
    assert row.postcode == "NW10 9ZZ"
    assert row.point == osgb36_to_wgs84(521586, 183935)
    assert isinstance(row.point, Point)


def test_a_row_without_coordinates_has_no_point() -> None:
    assert codepoint_row(["N1  9ZZ", "90", "0", "0", *CODES]).point is None


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        (["NW10 9ZZ", "10", "521586"], None, "expected 10 columns (Code-Point Open), found 3"),
        (["NW10", "10", "521586", "183935", *CODES], 1, "expected a full postcode, like NW10 4AB, found ‘NW10’"),
        (["NW10 9ZZ", "x", "521586", "183935", *CODES], 2, "expected a positional quality of 10, 20"),
        (["NW10 9ZZ", "10", "52.1e4", "183935", *CODES], 3, "expected a whole number of metres from 0 to 700,000"),
        (["NW10 9ZZ", "10", "521586", "-5", *CODES], 4, "found ‘-5’"),
        (["NW10 9ZZ", "10", "800000", "183935", *CODES], 3, "from 0 to 700,000, found ‘800000’"),
    ],
)
def test_a_malformed_row_names_the_column_and_what_was_expected(
    cells: list[str], column: int | None, message: str
) -> None:
    with pytest.raises(CodepointRowError) as error:
        codepoint_row(cells)
    assert error.value.column == column
    assert message in error.value.message
