"""Coordinates: haversine distance, GCJ-02/BD-09 offsets, geofence, input checks."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from domain.errors import InvalidCoordinates
from domain.geo import (
    Crs,
    check_coordinates,
    distance_m,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    inside_geofence,
    to_wgs84,
    wgs84_to_gcj02,
)

SETTINGS = settings(max_examples=200, deadline=None)
LAT = st.floats(-90, 90, allow_nan=False)
LON = st.floats(-180, 180, allow_nan=False)
CN_LAT = st.floats(18, 53)
CN_LON = st.floats(73, 135)


@SETTINGS
@given(LAT, LON, LAT, LON)
def test_distance_symmetric_and_non_negative(lat1, lon1, lat2, lon2) -> None:
    d = distance_m(lat1, lon1, lat2, lon2)
    assert d >= 0
    assert math.isclose(d, distance_m(lat2, lon2, lat1, lon1), rel_tol=1e-12, abs_tol=1e-6)
    assert d <= math.pi * 6_371_008.8 + 1e-6  # never more than half the globe


@SETTINGS
@given(LAT, LON)
def test_distance_to_itself_is_zero(lat, lon) -> None:
    assert distance_m(lat, lon, lat, lon) == 0


def test_distance_known_values() -> None:
    # One degree of latitude on the 6371.0088 km sphere is ~111.195 km.
    assert distance_m(0, 0, 1, 0) == pytest.approx(111_195.08, abs=0.1)
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * 6_371_008.8, rel=1e-12)
    # Beijing Tiananmen to Shanghai People's Square: about 1,067 km.
    assert distance_m(39.9087, 116.3975, 31.2304, 121.4737) == pytest.approx(1_067_000, rel=0.01)


@SETTINGS
@given(CN_LAT, CN_LON)
def test_gcj02_round_trip_within_a_metre(lat, lon) -> None:
    glat, glon = wgs84_to_gcj02(lat, lon)
    wlat, wlon = gcj02_to_wgs84(glat, glon)
    assert distance_m(lat, lon, wlat, wlon) < 1.0
    assert to_wgs84(glat, glon, Crs.GCJ02) == (wlat, wlon)


@SETTINGS
@given(CN_LAT, CN_LON)
def test_bd09_round_trip_within_a_metre(lat, lon) -> None:
    blat, blon = gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    wlat, wlon = to_wgs84(blat, blon, Crs.BD09)
    assert distance_m(lat, lon, wlat, wlon) < 1.0


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(39.9087, 116.3975), (31.2304, 121.4737), (23.1291, 113.2644), (30.5728, 104.0668)],
)
def test_offset_in_china_is_hundreds_of_metres(lat: float, lon: float) -> None:
    # The reason the conversion exists: a GCJ-02 point is off by more than a geofence.
    offset = distance_m(lat, lon, *wgs84_to_gcj02(lat, lon))
    assert 100 < offset < 1000
    bd_offset = distance_m(lat, lon, *gcj02_to_bd09(*wgs84_to_gcj02(lat, lon)))
    assert 100 < bd_offset < 2000


OUTSIDE = st.one_of(
    st.tuples(LAT, st.floats(-180, 71.9)),
    st.tuples(LAT, st.floats(137.9, 180)),
    st.tuples(st.floats(-90, 0.8), LON),
    st.tuples(st.floats(55.9, 90), LON),
)


@SETTINGS
@given(OUTSIDE)
def test_outside_china_no_change(point) -> None:
    lat, lon = point
    assert wgs84_to_gcj02(lat, lon) == (lat, lon)
    assert gcj02_to_wgs84(lat, lon) == (lat, lon)
    assert to_wgs84(lat, lon, Crs.GCJ02) == (lat, lon)


def test_outside_china_examples() -> None:
    for lat, lon in [(48.8566, 2.3522), (40.7128, -74.0060), (-33.8688, 151.2093)]:
        assert to_wgs84(lat, lon, Crs.GCJ02) == (lat, lon)
        assert wgs84_to_gcj02(lat, lon) == (lat, lon)


@SETTINGS
@given(LAT, LON)
def test_wgs84_is_identity(lat, lon) -> None:
    assert to_wgs84(lat, lon, Crs.WGS84) == (lat, lon)


def test_inside_geofence_at_the_radius_boundary() -> None:
    centre = (30.0, 110.0)
    point = (30.001, 110.0)  # ~111 m north
    inside, d = inside_geofence(*point, *centre, radius_m=1000)
    assert inside
    assert d == pytest.approx(111.195, abs=0.01)
    assert inside_geofence(*point, *centre, radius_m=d) == (True, d)  # on the edge: inside
    assert inside_geofence(*point, *centre, radius_m=math.nextafter(d, 0)) == (False, d)
    assert inside_geofence(*point, *centre, radius_m=111.0)[0] is False
    assert inside_geofence(*point, *centre, radius_m=112.0)[0] is True
    assert inside_geofence(*centre, *centre, radius_m=0) == (True, 0.0)


@SETTINGS
@given(CN_LAT, CN_LON, st.floats(-0.02, 0.02), st.floats(-0.02, 0.02))
def test_inside_geofence_boundary_property(lat, lon, dlat, dlon) -> None:
    d = distance_m(lat + dlat, lon + dlon, lat, lon)
    assume(d > 0)
    assert inside_geofence(lat + dlat, lon + dlon, lat, lon, d) == (True, d)
    assert inside_geofence(lat + dlat, lon + dlon, lat, lon, math.nextafter(d, 0))[0] is False


@pytest.mark.parametrize(
    ("lat", "lon"),
    [
        (math.nan, 110.0),
        (30.0, math.nan),
        (math.inf, 110.0),
        (30.0, -math.inf),
        (91.0, 110.0),
        (-91.0, 110.0),
        (90.000001, 0.0),
        (30.0, 181.0),
        (30.0, -180.5),
    ],
)
def test_check_coordinates_refuses(lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinates):
        check_coordinates(lat, lon)
    with pytest.raises(InvalidCoordinates):
        to_wgs84(lat, lon, Crs.GCJ02)


@pytest.mark.parametrize(
    ("lat", "lon"), [(90.0, 0.0), (-90.0, 0.0), (0.0, 180.0), (0.0, -180.0), (30.5, 110.2)]
)
def test_check_coordinates_accepts(lat: float, lon: float) -> None:
    check_coordinates(lat, lon)
