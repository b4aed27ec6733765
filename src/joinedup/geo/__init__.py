"""Geography for the service directory: postcodes, distances and National Grid conversion.

A pure core: plain Python with no Django import, strictly typed. The
``joinedup.geodata`` app holds the postcode tables that use it.
"""

from joinedup.geo.codepoint import (
    CODEPOINT_COLUMNS,
    CodepointRow,
    CodepointRowError,
    codepoint_row,
)
from joinedup.geo.distance import EARTH_RADIUS_MILES, Point, bounding_box, miles_between
from joinedup.geo.osgb import osgb36_to_wgs84
from joinedup.geo.postcodes import (
    PostcodeError,
    PostcodeQuery,
    Precision,
    postcode_district,
    postcode_normalise,
    postcode_parse,
)

__all__ = [
    "CODEPOINT_COLUMNS",
    "EARTH_RADIUS_MILES",
    "CodepointRow",
    "CodepointRowError",
    "Point",
    "PostcodeError",
    "PostcodeQuery",
    "Precision",
    "bounding_box",
    "codepoint_row",
    "miles_between",
    "osgb36_to_wgs84",
    "postcode_district",
    "postcode_normalise",
    "postcode_parse",
]
