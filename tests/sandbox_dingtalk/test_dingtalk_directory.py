"""Directory look-ups and attendance/list: paging, the 7-day and 50-user limits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp

from sandbox.dingtalk import DingTalkEmulator
from tests.sandbox_dingtalk.conftest import get_token

CHINA = timezone(timedelta(hours=8))


async def oapi(
    http: aiohttp.ClientSession, emu: DingTalkEmulator, path: str, body: dict[str, Any]
) -> dict[str, Any]:
    token = await get_token(http, emu)
    async with http.post(f"{emu.base_url}{path}?access_token={token}", json=body) as response:
        assert response.status == 200
        return dict(await response.json())


async def test_user_get_and_by_mobile(emu: DingTalkEmulator, http) -> None:
    found = await oapi(http, emu, "/topapi/v2/user/get", {"userid": "staff1", "language": "zh_CN"})
    assert found["errcode"] == 0
    assert found["result"]["name"] == "张三" and found["result"]["mobile"] == "13800000001"
    by_mobile = await oapi(http, emu, "/topapi/v2/user/getbymobile", {"mobile": "13800000002"})
    assert by_mobile["result"] == {"userid": "staff2"}
    emu.remove_member("staff2")
    gone = await oapi(http, emu, "/topapi/v2/user/get", {"userid": "staff2"})
    assert gone["errcode"] == 60121
    gone = await oapi(http, emu, "/topapi/v2/user/getbymobile", {"mobile": "13800000002"})
    assert gone["errcode"] == 60121


async def test_attendance_paging_and_results(emu: DingTalkEmulator, http) -> None:
    day = datetime(2024, 6, 3, 8, 55, tzinfo=CHINA)
    emu.record_attendance("staff1", day)
    emu.record_attendance("staff1", day + timedelta(hours=9), check_type="OffDuty", inside=False)
    emu.record_attendance("staff2", day + timedelta(minutes=1))
    emu.record_attendance("staff1", day + timedelta(days=3))  # outside the asked range
    body = {
        "workDateFrom": "2024-06-03 00:00:00",
        "workDateTo": "2024-06-03 23:59:59",
        "userIdList": ["staff1", "staff2"],
        "offset": 0,
        "limit": 2,
    }
    first = await oapi(http, emu, "/attendance/list", body)
    assert first["errcode"] == 0 and first["hasMore"] is True
    assert [r["userId"] for r in first["recordresult"]] == ["staff1", "staff2"]
    record = first["recordresult"][0]
    assert record["workDate"] == int(datetime(2024, 6, 3, tzinfo=CHINA).timestamp() * 1000)
    assert record["userCheckTime"] == int(day.timestamp() * 1000)
    assert (record["checkType"], record["locationResult"], record["timeResult"]) == (
        "OnDuty",
        "Normal",
        "Normal",
    )
    second = await oapi(http, emu, "/attendance/list", {**body, "offset": 2})
    assert second["hasMore"] is False
    (last,) = second["recordresult"]
    assert (last["checkType"], last["locationResult"]) == ("OffDuty", "Outside")


async def test_attendance_limits(emu: DingTalkEmulator, http) -> None:
    body = {
        "workDateFrom": "2024-06-01 00:00:00",
        "workDateTo": "2024-06-09 00:00:00",
        "userIdList": ["staff1"],
        "offset": 0,
        "limit": 50,
    }
    assert (await oapi(http, emu, "/attendance/list", body))["errcode"] == 400
    body["workDateTo"] = "2024-06-07 00:00:00"
    assert (await oapi(http, emu, "/attendance/list", body))["errcode"] == 0
    many = {**body, "userIdList": [f"u{i}" for i in range(51)]}
    assert (await oapi(http, emu, "/attendance/list", many))["errcode"] == 400
    assert (await oapi(http, emu, "/attendance/list", {**body, "limit": 51}))["errcode"] == 400
