"""National Grid to WGS84, against Ordnance Survey's worked example and the districts file."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from joinedup.geo import osgb36_to_wgs84
from joinedup.geo.osgb import _grid_to_airy

DISTRICTS_CSV = Path(__file__).resolve().parents[2] / "src/joinedup/geodata/data/postcode_districts.csv"


def test_projection_matches_the_ordnance_survey_worked_example() -> None:
    # "A guide to coordinate systems in Great Britain", annex C: Caister water tower,
    # E 651409.903 N 313177.270 is 52°39'27.2531"N 1°43'4.5177"E on OSGB36.
    lat, lng = (math.degrees(v) for v in _grid_to_airy(651409.903, 313177.270))
    assert lat == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-8)
    assert lng == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-8)


def test_every_district_centre_converts_to_its_stated_latitude_and_longitude() -> None:
    with DISTRICTS_CSV.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) > 2800
    misses = []
    for row in rows:
        point = osgb36_to_wgs84(float(row["easting"]), float(row["northing"]))
        error = max(abs(point.latitude - float(row["latitude"])), abs(point.longitude - float(row["longitude"])))
        # 0.00005 degrees is about 5 metres. The brief asked for 0.0005, but a Helmert
        # transform with its rotations the wrong way round still lands within 0.0004,
        # and leaving it out altogether within 0.002: only a tighter bound tells them apart.
        if error > 0.00005:
            misses.append((row["district"], error))
    assert misses == []
