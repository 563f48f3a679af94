"""DingTalk's attendance records (考勤打卡) as the ledger's evidence source.

Robot messages carry no location; on DingTalk a cadre checks in with DingTalk's own
attendance app, geofenced by the attendance group (set up to match the village). This is
the ``scheduler.attendance_records.AttendanceRecords`` the scheduler sweeps each evening:
``attendance/list`` for at most 50 people and 7 days a call, paged by 50 records.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.runtime.dingtalk.openapi import DingTalkApi
from services.attendance_records import AttendanceRecord
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

LIST = "/attendance/list"
USERS_PER_CALL = 50
PAGE = 50
SPAN = timedelta(days=7)
#: DingTalk dates attendance in China's time.
CHINA = ZoneInfo("Asia/Shanghai")


class DingTalkAttendance:
    def __init__(self, api: DingTalkApi) -> None:
        self.api = api

    async def between(
        self, accounts: list[str], first: datetime, last: datetime
    ) -> list[AttendanceRecord]:
        records: list[AttendanceRecord] = []
        for start in range(0, len(accounts), USERS_PER_CALL):
            users = accounts[start : start + USERS_PER_CALL]
            begin = first
            while begin <= last:
                end = min(begin + SPAN - timedelta(seconds=1), last)
                records += [
                    AttendanceRecord.from_dingtalk(r) for r in await self._rows(users, begin, end)
                ]
                begin = end + timedelta(seconds=1)
        return records

    async def _rows(
        self, users: list[str], first: datetime, last: datetime
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        offset = 0
        while True:
            answer = await self.api.call_oapi(
                LIST,
                {
                    "workDateFrom": _stamp(first),
                    "workDateTo": _stamp(last),
                    "userIdList": users,
                    "offset": offset,
                    "limit": PAGE,
                },
            )
            rows += answer.get("recordresult") or []
            if not answer.get("hasMore"):
                return rows
            offset += PAGE


def _stamp(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S")


def accounts_of(messenger: str) -> Callable[[UnitOfWork], dict[str, Person]]:
    """Staff id → bound cadre, read in the sweep's unit of work."""

    def read(uow: UnitOfWork) -> dict[str, Person]:
        return uow.messenger_accounts.bound_cadres(messenger)

    return read
