"""The organisation's directory and attendance (考勤) on the oapi host (contract section 6).

DingTalk shares no phone number with a robot: the runtime matches a person by
``senderStaffId`` → the directory's mobile → the roster's phone, and learns presence from
attendance check-ins. Both are served here from what the test put in with
``add_member`` / ``record_attendance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, Literal

from aiohttp import web

from sandbox.dingtalk.replies import OapiError, json_object, ok_oapi

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator

CHINA = timezone(timedelta(hours=8))
"""DingTalk's ``workDateFrom`` / ``workDateTo`` and work days are China time."""

MAX_USERS = 50
MAX_LIMIT = 50
MAX_RANGE = timedelta(days=7)
_BASE_TIMES = {"OnDuty": (9, 0), "OffDuty": (18, 0)}


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass
class AttendanceRecord:
    """One check-in, stored as attendance/list answers it."""

    id: int
    user_id: str
    work_date: int
    check_type: Literal["OnDuty", "OffDuty"]
    location_result: str
    user_check_time: int
    base_check_time: int
    source_type: str
    time_result: str = "Normal"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "userId": self.user_id,
            "workDate": self.work_date,
            "checkType": self.check_type,
            "timeResult": self.time_result,
            "locationResult": self.location_result,
            "userCheckTime": self.user_check_time,
            "baseCheckTime": self.base_check_time,
            "sourceType": self.source_type,
        }


class Attendance:
    """The check-ins recorded so far."""

    def __init__(self) -> None:
        self.records: list[AttendanceRecord] = []

    def record(
        self,
        staff_id: str,
        when: datetime,
        *,
        inside: bool,
        check_type: Literal["OnDuty", "OffDuty"],
        source: str,
    ) -> AttendanceRecord:
        if when.tzinfo is None:
            raise ValueError("when must be an aware datetime")
        if check_type not in _BASE_TIMES:
            raise ValueError("check_type is OnDuty or OffDuty")
        local = when.astimezone(CHINA)
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        hour, minute = _BASE_TIMES[check_type]
        record = AttendanceRecord(
            id=len(self.records) + 1,
            user_id=staff_id,
            work_date=_ms(midnight),
            check_type=check_type,
            location_result="Normal" if inside else "Outside",
            user_check_time=_ms(when),
            base_check_time=_ms(midnight.replace(hour=hour, minute=minute)),
            source_type=source,
        )
        self.records.append(record)
        return record


def _parse_day_time(value: Any, name: str) -> datetime:
    try:
        return datetime.strptime(str(value), "%Y-%m-%d %H:%M:%S").replace(tzinfo=CHINA)
    except ValueError:
        raise OapiError(400, f"{name} must be 'yyyy-MM-dd HH:mm:ss'") from None


class DirectoryApi:
    """Handlers of topapi/v2/user/get, topapi/v2/user/getbymobile and attendance/list."""

    def __init__(self, emulator: DingTalkEmulator) -> None:
        self._emu = emulator
        self._state = emulator.state

    async def user_get(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_oapi(request)
        body = await json_object(request, oapi=True)
        member = self._state.members.get(str(body.get("userid") or ""))
        if member is None or not member.in_directory:
            raise OapiError(60121, "找不到该用户")
        return ok_oapi(
            {
                "result": {
                    "userid": member.staff_id,
                    "unionid": f"union{member.staff_id}",
                    "name": member.name,
                    "mobile": member.mobile,
                    "state_code": "86",
                    "active": True,
                    "admin": False,
                    "boss": False,
                    "dept_id_list": [1],
                },
                "request_id": "emulated",
            }
        )

    async def user_by_mobile(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_oapi(request)
        body = await json_object(request, oapi=True)
        mobile = str(body.get("mobile") or "")
        if not mobile:
            raise OapiError(40035, "缺少参数 mobile")
        for member in self._state.members.values():
            if member.in_directory and member.mobile == mobile:
                return ok_oapi({"result": {"userid": member.staff_id}})
        raise OapiError(60121, "找不到该用户")

    async def attendance_list(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_oapi(request)
        body = await json_object(request, oapi=True)
        start = _parse_day_time(body.get("workDateFrom"), "workDateFrom")
        end = _parse_day_time(body.get("workDateTo"), "workDateTo")
        if end < start:
            raise OapiError(400, "workDateTo is before workDateFrom")
        if end - start > MAX_RANGE:
            raise OapiError(400, "workDateFrom 与 workDateTo 的间隔不能超过7天")
        users = body.get("userIdList")
        if not isinstance(users, list) or not users:
            raise OapiError(400, "userIdList is required")
        if len(users) > MAX_USERS:
            raise OapiError(400, f"userIdList 最多 {MAX_USERS} 人")
        offset, limit = body.get("offset", 0), body.get("limit", MAX_LIMIT)
        if not isinstance(offset, int) or offset < 0:
            raise OapiError(400, "offset must be a non-negative integer")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise OapiError(400, f"limit must be 1..{MAX_LIMIT}")
        first_day = _ms(start.replace(hour=0, minute=0, second=0))
        last = _ms(end)
        wanted = set(map(str, users))
        matching = sorted(
            (
                r
                for r in self._emu.attendance.records
                if r.user_id in wanted and first_day <= r.work_date <= last
            ),
            key=lambda r: (r.user_check_time, r.id),
        )
        page = matching[offset : offset + limit]
        return ok_oapi(
            {
                "hasMore": offset + limit < len(matching),
                "recordresult": [record.to_json() for record in page],
            }
        )
