"""Ordnance Survey National Grid references (OSGB36) to GPS latitude and longitude (WGS84).

Follows "A guide to coordinate systems in Great Britain" (Ordnance Survey):
the inverse Transverse Mercator projection on the Airy 1830 ellipsoid gives
OSGB36 latitude and longitude; a 7-parameter Helmert transformation moves
them to WGS84. The Helmert step is good to about 5 metres across Great
Britain, which is what a postcode needs (OSTN15 would give centimetres, at the
cost of a 15 MB grid file).
"""

from __future__ import annotations

import math

from joinedup.geo.distance import Point

# Airy 1830 ellipsoid, on which OSGB36 is defined.
_AIRY_A = 6377563.396
_AIRY_B = 6356256.909
# GRS80, the ellipsoid of WGS84 (the two differ by 0.1 mm, which does not matter here).
_WGS84_A = 6378137.000
_WGS84_B = 6356752.3141

# The National Grid: scale on the central meridian, true origin (49N, 2W) and false origin.
_F0 = 0.9996012717
_LAT0 = math.radians(49.0)
_LNG0 = math.radians(-2.0)
_E0 = 400000.0
_N0 = -100000.0

# OSGB36 -> WGS84. OS publishes WGS84 -> OSGB36 (tx=-446.448 m, ty=+125.157 m,
# tz=-542.060 m, s=+20.4894 ppm, rx=-0.1502", ry=-0.2470", rz=-0.8421"); going
# the other way negates every parameter, which is accurate to well under a
# millimetre at these small rotations.
_TX, _TY, _TZ = 446.448, -125.157, 542.060
_S = -20.4894e-6
_ARCSEC = math.pi / (180 * 3600)
_RX, _RY, _RZ = 0.1502 * _ARCSEC, 0.2470 * _ARCSEC, 0.8421 * _ARCSEC


def _meridional_arc(lat: float) -> float:
    """Distance along the central meridian from the true origin's latitude to ``lat`` (OS guide, C1)."""
    n = (_AIRY_A - _AIRY_B) / (_AIRY_A + _AIRY_B)
    dlat, slat = lat - _LAT0, lat + _LAT0
    return (
        _AIRY_B
        * _F0
        * (
            (1 + n + 5 / 4 * n**2 + 5 / 4 * n**3) * dlat
            - (3 * n + 3 * n**2 + 21 / 8 * n**3) * math.sin(dlat) * math.cos(slat)
            + (15 / 8 * n**2 + 15 / 8 * n**3) * math.sin(2 * dlat) * math.cos(2 * slat)
            - 35 / 24 * n**3 * math.sin(3 * dlat) * math.cos(3 * slat)
        )
    )


def _grid_to_airy(easting: float, northing: float) -> tuple[float, float]:
    """Inverse Transverse Mercator (OS guide, C2): grid metres to OSGB36 latitude and longitude, in radians."""
    a, b = _AIRY_A, _AIRY_B
    e2 = 1 - (b * b) / (a * a)
    lat = _LAT0
    m = 0.0
    # Iterate until the arc matches the northing to 0.01 mm.
    while True:
        lat = (northing - _N0 - m) / (a * _F0) + lat
        m = _meridional_arc(lat)
        if abs(northing - _N0 - m) < 0.00001:
            break
    sin_lat, cos_lat, tan_lat = math.sin(lat), math.cos(lat), math.tan(lat)
    nu = a * _F0 / math.sqrt(1 - e2 * sin_lat**2)
    rho = a * _F0 * (1 - e2) / (1 - e2 * sin_lat**2) ** 1.5
    eta2 = nu / rho - 1
    sec_lat = 1 / cos_lat
    vii = tan_lat / (2 * rho * nu)
    viii = tan_lat / (24 * rho * nu**3) * (5 + 3 * tan_lat**2 + eta2 - 9 * tan_lat**2 * eta2)
    ix = tan_lat / (720 * rho * nu**5) * (61 + 90 * tan_lat**2 + 45 * tan_lat**4)
    x = sec_lat / nu
    xi = sec_lat / (6 * nu**3) * (nu / rho + 2 * tan_lat**2)
    xii = sec_lat / (120 * nu**5) * (5 + 28 * tan_lat**2 + 24 * tan_lat**4)
    xiia = sec_lat / (5040 * nu**7) * (61 + 662 * tan_lat**2 + 1320 * tan_lat**4 + 720 * tan_lat**6)
    de = easting - _E0
    return (
        lat - vii * de**2 + viii * de**4 - ix * de**6,
        _LNG0 + x * de - xi * de**3 + xii * de**5 - xiia * de**7,
    )


def _to_cartesian(lat: float, lng: float, a: float, b: float) -> tuple[float, float, float]:
    """Geodetic to Earth-centred cartesian metres, at height zero on the ellipsoid (OS guide, B1)."""
    e2 = 1 - (b * b) / (a * a)
    nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
    return (
        nu * math.cos(lat) * math.cos(lng),
        nu * math.cos(lat) * math.sin(lng),
        (1 - e2) * nu * math.sin(lat),
    )


def _helmert(x: float, y: float, z: float) -> tuple[float, float, float]:
    """The OSGB36 -> WGS84 Helmert transformation (OS guide, 6.2), small-angle form."""
    s1 = 1 + _S
    return (
        _TX + s1 * x - _RZ * y + _RY * z,
        _TY + _RZ * x + s1 * y - _RX * z,
        _TZ - _RY * x + _RX * y + s1 * z,
    )


def _from_cartesian(x: float, y: float, z: float, a: float, b: float) -> tuple[float, float]:
    """Earth-centred cartesian metres to geodetic latitude and longitude in radians (OS guide, B2)."""
    e2 = 1 - (b * b) / (a * a)
    p = math.hypot(x, y)
    lat = math.atan2(z, p * (1 - e2))
    # Converges to well under a millimetre in three or four steps.
    for _ in range(10):
        nu = a / math.sqrt(1 - e2 * math.sin(lat) ** 2)
        previous, lat = lat, math.atan2(z + e2 * nu * math.sin(lat), p)
        if abs(lat - previous) < 1e-12:
            break
    return lat, math.atan2(y, x)


def osgb36_to_wgs84(easting: float, northing: float) -> Point:
    """The WGS84 latitude and longitude of a National Grid reference, to within about 5 metres.

    Args:
        easting: metres east of the National Grid's false origin (0 to 700,000 in Great Britain).
        northing: metres north of the false origin (0 to 1,300,000).

    Example:
        >>> point = osgb36_to_wgs84(521586, 183935)  # the middle of the NW10 district
        >>> round(point.latitude, 5), round(point.longitude, 5)
        (51.54123, -0.24816)
    """
    lat, lng = _grid_to_airy(easting, northing)
    x, y, z = _helmert(*_to_cartesian(lat, lng, _AIRY_A, _AIRY_B))
    lat, lng = _from_cartesian(x, y, z, _WGS84_A, _WGS84_B)
    return Point(math.degrees(lat), math.degrees(lng))
