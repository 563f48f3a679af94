"""The sample district as the demo page shows it: who one can talk to the bot as.

Each person of ``services.sample_district.PEOPLE`` gets a fixed simulated Telegram user id,
their role in both catalog languages (so the page and the bot use the same words), the
phone a request_contact button shares, and a "home" geofence (their village, else their
township's first village, else the district's first) that the page's location picker is
drawn around. Names stay in Chinese: they are the people's names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.i18n import Catalog
from sandbox.demo.dingtalk import staff_id_of
from services.sample_district import PEOPLE, VILLAGES, SamplePerson

#: Simulated Telegram ids: 7000 + the person's index in ``PEOPLE`` (stable across runs).
FIRST_USER_ID = 7000


@dataclass(frozen=True)
class Geofence:
    township: str
    village: str
    lat: float
    lon: float
    radius_m: float


def user_id_of(key: str) -> int:
    """The simulated Telegram user id of the sample person ``key``."""
    for index, person in enumerate(PEOPLE):
        if person.key == key:
            return FIRST_USER_ID + index
    raise KeyError(f"no sample person {key!r}")


def _home(person: SamplePerson) -> Geofence:
    fences = [Geofence(*row) for row in VILLAGES]
    for fence in fences:
        if person.village and fence.village == person.village:
            return fence
    for fence in fences:
        if person.township and fence.township == person.township:
            return fence
    return fences[0]


def roster_json(catalog: Catalog | None = None, *, dingtalk: bool = False) -> list[dict[str, Any]]:
    """Everyone the page lists, in roster order. ``user_id`` is the simulated Telegram id,
    or on DingTalk the person's staff id (a string): the page keys its chats by it."""
    catalog = catalog or Catalog("zh")
    people = []
    for index, person in enumerate(PEOPLE):
        home = _home(person)
        people.append(
            {
                "key": person.key,
                "user_id": staff_id_of(index) if dingtalk else FIRST_USER_ID + index,
                "name": person.name,
                "phone": person.phone,
                "role": str(person.role),
                "role_zh": catalog.text("zh", f"term.{person.role}"),
                "role_en": catalog.text("en", f"term.{person.role}"),
                "township": person.township,
                "village": person.village,
                "unit": person.unit,
                "home": {
                    "village": home.village,
                    "lat": home.lat,
                    "lon": home.lon,
                    "radius_m": home.radius_m,
                },
            }
        )
    return people
