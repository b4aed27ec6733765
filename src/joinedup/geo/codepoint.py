"""One row of Ordnance Survey Code-Point Open, checked and converted.

Code-Point Open is a set of CSV files, one per postcode area, with no header
row and these ten columns (see ``CODEPOINT_COLUMNS``). We use the postcode,
the positional quality and the grid reference; the codes after them are
administrative areas we do not need.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from joinedup.geo.distance import Point
from joinedup.geo.osgb import osgb36_to_wgs84
from joinedup.geo.postcodes import PostcodeError, postcode_normalise, quoted

CODEPOINT_COLUMNS = (
    "Postcode",
    "Positional_quality_indicator",
    "Eastings",
    "Northings",
    "Country_code",
    "NHS_regional_HA_code",
    "NHS_HA_code",
    "Admin_county_code",
    "Admin_district_code",
    "Admin_ward_code",
)
# 10-60 grade how the grid reference was found; 90 means Code-Point has no
# coordinates for the postcode (its eastings and northings are 0).
_QUALITIES = {"10", "20", "30", "40", "50", "60", "90"}
NO_COORDINATES = "90"
_METRES = re.compile(r"[0-9]{1,7}")
# The National Grid covers Great Britain within these bounds, in metres.
_MAX_EASTING = 700_000
_MAX_NORTHING = 1_300_000


class CodepointRowError(ValueError):
    """A row that is not Code-Point Open. ``column`` is 1-based, or None for the row as a whole."""

    def __init__(self, column: int | None, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message

    @property
    def where(self) -> str:
        """``"column 3 (Eastings)"``, or ``""`` for the row as a whole."""
        if self.column is None:
            return ""
        return f"column {self.column} ({CODEPOINT_COLUMNS[self.column - 1]})"


@dataclass(frozen=True)
class CodepointRow:
    """A checked row: the normalised postcode, and its WGS84 point (None when Code-Point has none)."""

    postcode: str
    point: Point | None


def _metres(cells: Sequence[str], column: int, maximum: int) -> int:
    text = cells[column - 1].strip()
    if not _METRES.fullmatch(text) or int(text) > maximum:
        expected = f"expected a whole number of metres from 0 to {maximum:,}"
        raise CodepointRowError(column, f"{expected}, found {quoted(text)}")
    return int(text)


def codepoint_row(cells: Sequence[str]) -> CodepointRow:
    """Check one Code-Point Open row and convert its grid reference to latitude and longitude.

    Args:
        cells: the row's ten values, as the csv module reads them.

    Raises:
        CodepointRowError: the row has the wrong number of columns, or a value
            is not what Code-Point Open holds there.

    Example:
        >>> row = codepoint_row(["NW104AB", "10", "521586", "183935", "E92000001", "", "", "", "", ""])
        >>> row.postcode, round(row.point.latitude, 4), round(row.point.longitude, 4)
        ('NW10 4AB', 51.5412, -0.2482)
    """
    if len(cells) != len(CODEPOINT_COLUMNS):
        raise CodepointRowError(
            None, f"expected {len(CODEPOINT_COLUMNS)} columns (Code-Point Open), found {len(cells)}"
        )
    try:
        postcode = postcode_normalise(cells[0])
    except PostcodeError:
        raise CodepointRowError(1, f"expected a full postcode, like NW10 4AB, found {quoted(cells[0])}") from None
    quality = cells[1].strip()
    if quality not in _QUALITIES:
        raise CodepointRowError(
            2, f"expected a positional quality of 10, 20, 30, 40, 50, 60 or 90, found {quoted(quality)}"
        )
    if quality == NO_COORDINATES:
        return CodepointRow(postcode, None)
    easting = _metres(cells, 3, _MAX_EASTING)
    northing = _metres(cells, 4, _MAX_NORTHING)
    return CodepointRow(postcode, osgb36_to_wgs84(easting, northing))
