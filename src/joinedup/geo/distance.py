"""Distances on the Earth's surface, in miles, treating the Earth as a sphere.

A sphere is within 0.5% of the true ellipsoid, which is far finer than
"services within 3 miles" needs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.8
_ROUNDING = 1e-9  # degrees


@dataclass(frozen=True)
class Point:
    """A place on the Earth in WGS84 degrees, as GPS and web maps use them."""

    latitude: float
    longitude: float


def miles_between(a: Point, b: Point) -> float:
    """The great-circle distance between two points, in miles (haversine formula).

    Args:
        a: one point.
        b: the other point.

    Example:
        >>> round(miles_between(Point(51.5007, -0.1246), Point(51.5014, -0.1419)), 2)
        0.75
    """
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlng = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    # min() guards against rounding pushing h a hair above 1 for antipodal points.
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(point: Point, miles: float) -> tuple[float, float, float, float]:
    """The smallest latitude/longitude box holding every place within ``miles`` of ``point``.

    Use it to narrow a database query with indexable comparisons, then check
    ``miles_between`` on what comes back.

    Args:
        point: the centre.
        miles: the radius, zero or more.

    Returns:
        ``(min_latitude, max_latitude, min_longitude, max_longitude)``. When the
        circle reaches a pole or crosses the 180th meridian, the longitudes are
        the whole range, -180 to 180, so the box still holds the circle.

    Example:
        >>> [round(x, 3) for x in bounding_box(Point(51.5, -0.1), 1)]
        [51.486, 51.514, -0.123, -0.077]
    """
    if miles < 0 or math.isnan(miles):
        raise ValueError(f"The radius must be zero or more miles, not {miles}.")
    angle = miles / EARTH_RADIUS_MILES  # the radius as an angle at the Earth's centre, in radians
    # Widened by about 0.1 mm, so that floating-point rounding never leaves a
    # place on the very edge of the circle just outside the box.
    dlat = math.degrees(angle) + _ROUNDING
    min_lat, max_lat = point.latitude - dlat, point.latitude + dlat
    if min_lat <= -90 or max_lat >= 90:
        # The circle holds a pole: every longitude is inside it.
        return (max(-90.0, min_lat), min(90.0, max_lat), -180.0, 180.0)
    # The circle's widest east-west reach is not at the centre's latitude but
    # where meridians touch it; this is the exact half-width for a spherical cap.
    dlng = math.degrees(math.asin(math.sin(angle) / math.cos(math.radians(point.latitude)))) + _ROUNDING
    min_lng, max_lng = point.longitude - dlng, point.longitude + dlng
    if min_lng < -180 or max_lng > 180:
        # Crossing the 180th meridian: a single box cannot wrap round, so take every longitude.
        min_lng, max_lng = -180.0, 180.0
    return (min_lat, max_lat, min_lng, max_lng)
