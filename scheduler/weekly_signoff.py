"""The Monday push to the village secretaries: entries awaiting their weekly signature.

Summed batch by batch as ``scheduler.weekly`` plans the cadres' standings, then one
message per village to whoever signs for it (``domain.diary.WEEKLY_SIGNERS``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime

from domain.diary import weekly_signer_role
from domain.roles import Role
from scheduler.common import by_place
from scheduler.payload import Payload
from services.outbox import Draft
from storage import sweeps as q
from storage.sweeps import PostingRow

SIGNER_KIND = "weekly_signoff"


class VillageSignoffs:
    """Per village, what the village secretary's message needs, summed batch by batch:
    entries awaiting the weekly signature and the cadres they belong to."""

    def __init__(self, diaries: dict[int, q.DiaryWindow]) -> None:
        self.diaries = diaries
        self.entries: dict[int, int] = defaultdict(int)
        self.cadres: dict[int, int] = defaultdict(int)
        self.names: dict[int, str] = {}
        self.townships: dict[int, int] = {}

    def add(self, posted: Iterable[PostingRow]) -> None:
        no_diaries = q.DiaryWindow()
        for p in posted:
            count = self.diaries.get(p.person_id, no_diaries).awaiting_week
            if count:
                self.names[p.village_id] = p.village
                self.townships[p.village_id] = p.township_id
                self.entries[p.village_id] += count
                self.cadres[p.village_id] += 1

    def drafts(self, week: str, not_after: datetime, holders: list[q.HolderRow]) -> Iterator[Draft]:
        """Each village's weekly signers (``domain.diary.WEEKLY_SIGNERS``: its secretary,
        else the township leader, else the township secretary) with entries of the
        village's cadres awaiting the weekly signature (the batches /signoff lists). A
        stand-in is told why it is theirs, once per village it stands in for (the period
        names the village: one signer may stand in for several)."""
        villages = by_place(holders, Role.VILLAGE_SECRETARY, "village_id")
        leaders = by_place(holders, Role.TOWNSHIP_LEADER, "township_id")
        secretaries = by_place(holders, Role.TOWNSHIP_SECRETARY, "township_id")
        for village_id in sorted(self.entries):
            township_id = self.townships[village_id]
            held = {
                Role.VILLAGE_SECRETARY: villages.get(village_id, []),
                Role.TOWNSHIP_LEADER: leaders.get(township_id, []),
                Role.TOWNSHIP_SECRETARY: secretaries.get(township_id, []),
            }
            role = weekly_signer_role(held)
            if role is None:
                continue
            own = role is Role.VILLAGE_SECRETARY
            payload = Payload(
                "reminder.weekly_signoff" if own else "reminder.weekly_signoff_standin",
                {
                    "village": self.names[village_id],
                    "entries": self.entries[village_id],
                    "cadres": self.cadres[village_id],
                },
            ).to_json()
            period = week if own else f"{week}:v{village_id}"
            for signer in held[role]:
                yield Draft(signer, SIGNER_KIND, period, payload, not_after)
