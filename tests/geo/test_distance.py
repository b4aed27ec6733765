"""Distances and bounding boxes, checked against geometry with known answers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.geo import EARTH_RADIUS_MILES, Point, bounding_box, miles_between

latitudes = st.floats(min_value=-90, max_value=90)
longitudes = st.floats(min_value=-180, max_value=180)
points = st.builds(Point, latitudes, longitudes)


def destination(start: Point, bearing_degrees: float, miles: float) -> Point:
    """The point ``miles`` from ``start`` along a great circle (standard spherical formula)."""
    angle = miles / EARTH_RADIUS_MILES
    bearing = math.radians(bearing_degrees)
    lat1, lng1 = math.radians(start.latitude), math.radians(start.longitude)
    lat2 = math.asin(math.sin(lat1) * math.cos(angle) + math.cos(lat1) * math.sin(angle) * math.cos(bearing))
    lng2 = lng1 + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(lat1), math.cos(angle) - math.sin(lat1) * math.sin(lat2)
    )
    lng = (math.degrees(lng2) + 540) % 360 - 180
    return Point(math.degrees(lat2), lng)


def test_one_degree_of_latitude_is_about_69_miles() -> None:
    assert miles_between(Point(51, -1), Point(52, -1)) == pytest.approx(2 * math.pi * EARTH_RADIUS_MILES / 360)


def test_a_point_is_no_distance_from_itself() -> None:
    assert miles_between(Point(51.54, -0.25), Point(51.54, -0.25)) == 0


@given(points, points)
def test_distance_is_symmetric_and_at_most_half_way_round(a: Point, b: Point) -> None:
    assert miles_between(a, b) == pytest.approx(miles_between(b, a))
    assert 0 <= miles_between(a, b) <= math.pi * EARTH_RADIUS_MILES + 1e-6


@given(
    centre=points,
    miles=st.floats(min_value=0, max_value=3000),
    bearing=st.floats(min_value=0, max_value=360),
    fraction=st.floats(min_value=0, max_value=1),
)
def test_every_point_within_the_radius_is_inside_the_box(
    centre: Point, miles: float, bearing: float, fraction: float
) -> None:
    point = destination(centre, bearing, miles * fraction)
    assert miles_between(centre, point) <= miles + 1e-6
    min_lat, max_lat, min_lng, max_lng = bounding_box(centre, miles)
    assert min_lat <= point.latitude <= max_lat
    assert min_lng <= point.longitude <= max_lng


def test_the_box_is_tight_in_the_uk() -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(Point(51.54, -0.25), 1)
    # North-south it is exactly the radius; east-west the circle touches the box's sides.
    assert miles_between(Point(min_lat, -0.25), Point(max_lat, -0.25)) == pytest.approx(2)
    assert max_lng - min_lng == pytest.approx(2 / 69.09 / math.cos(math.radians(51.54)), rel=1e-3)


def test_a_circle_round_a_pole_takes_every_longitude() -> None:
    min_lat, max_lat, min_lng, max_lng = bounding_box(Point(89.9, 10), 50)
    assert min_lat == pytest.approx(89.9 - 50 / 69.09, rel=1e-3)
    assert (max_lat, min_lng, max_lng) == (90, -180, 180)


def test_a_negative_radius_is_refused() -> None:
    with pytest.raises(ValueError, match="zero or more miles"):
        bounding_box(Point(51, 0), -1)
