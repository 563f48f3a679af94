"""``villages import``: township, village, centre and geofence radius.

Coordinates may come from a Chinese map app (``crs`` gcj02 or bd09); they are converted
to WGS-84, what Telegram reports, before they are stored.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from domain.errors import InvalidCoordinates
from domain.geo import Crs, to_wgs84
from services.imports.common import ImportResult
from services.imports.table import Row, Table, begin_validation
from storage.tables import Township, Village
from storage.unit_of_work import UnitOfWorkFactory

REQUIRED = ("township", "village", "lat", "lon", "radius_m")
#: A geofence wider than this is a typo (metres for kilometres, or a whole county).
MAX_RADIUS_M = 50_000.0
MAX_NAME = 100


@dataclass(frozen=True)
class VillageRow:
    line: int
    township: str
    village: str
    lat: float
    lon: float
    radius_m: float


def _number(row: Row, column: str) -> float:
    text = row.get(column)
    if not text:
        raise ValueError(f"missing {column}")
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{column} {text!r} is not a finite number")
    return value


def _parse(row: Row) -> tuple[VillageRow | None, list[str]]:
    reasons: list[str] = []
    township, village = row.get("township"), row.get("village")
    for column, value in (("township", township), ("village", village)):
        if not value:
            reasons.append(f"missing {column}")
        elif len(value) > MAX_NAME:
            reasons.append(f"{column} name longer than {MAX_NAME} characters")
    crs_text = row.get("crs").lower() or Crs.WGS84.value
    crs: Crs | None
    try:
        crs = Crs(crs_text)
    except ValueError:
        crs = None
        reasons.append(f"unknown crs {row.get('crs')!r} (wgs84, gcj02 or bd09)")
    numbers: dict[str, float] = {}
    for column in ("lat", "lon", "radius_m"):
        try:
            numbers[column] = _number(row, column)
        except ValueError as exc:
            reasons.append(str(exc))
    lat = lon = None
    if "lat" in numbers and "lon" in numbers and crs is not None:
        try:
            lat, lon = to_wgs84(numbers["lat"], numbers["lon"], crs)
        except InvalidCoordinates:
            reasons.append(
                f"bad coordinates lat {row.get('lat')}, lon {row.get('lon')} "
                "(lat -90..90, lon -180..180)"
            )
    radius = numbers.get("radius_m")
    if radius is not None and not 0 < radius <= MAX_RADIUS_M:
        reasons.append(f"radius_m {row.get('radius_m')} must be over 0 and at most 50000 metres")
    if reasons or lat is None or lon is None or radius is None:
        return None, reasons
    return VillageRow(row.line, township, village, lat, lon, radius), []


def import_villages(uow_factory: UnitOfWorkFactory, table: Table) -> ImportResult:
    """Create or update every village of ``table`` (matched by township and name)."""
    problems = begin_validation(table, REQUIRED)
    parsed: list[VillageRow] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        village, reasons = _parse(row)
        for reason in reasons:
            problems.add(row.line, reason)
        if village is None:
            continue
        key = (village.township, village.village)
        if key in seen:
            problems.add(
                row.line,
                f"village {village.village} in {village.township} repeats line {seen[key]}",
            )
            continue
        seen[key] = row.line
        parsed.append(village)
    problems.raise_if_any()

    new = updated = unchanged = 0
    with uow_factory() as uow:
        townships = {t.name: t for t in uow.places.townships()}
        villages = {(v.township_id, v.name): v for v in uow.places.villages()}
        for item in parsed:
            township = townships.get(item.township)
            if township is None:
                township = uow.places.add(Township(name=item.township))
                townships[item.township] = township
            assert township.id is not None  # stored, or added and flushed just now
            existing = villages.get((township.id, item.village))
            values = {"lat": item.lat, "lon": item.lon, "radius_m": item.radius_m}
            if existing is None:
                uow.places.stage(
                    Village(
                        township_id=township.id,
                        name=item.village,
                        lat=item.lat,
                        lon=item.lon,
                        radius_m=item.radius_m,
                    )
                )
                new += 1
            elif all(getattr(existing, k) == v for k, v in values.items()):
                unchanged += 1
            else:
                for field, value in values.items():
                    setattr(existing, field, value)
                updated += 1
        uow.flush()
        uow.commit()
    return ImportResult("village", "villages", new, updated, unchanged)
