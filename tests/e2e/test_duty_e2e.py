"""/duty (公务) over the real runtimes: a township secretary records a cadre's training in
a few taps and the cadre is told; a span over approved leave is refused naming the leave
and another last day can be picked; the district departments see every township; nobody
records for a cadre outside their scope."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from storage.tables import AuditEntry, DutyRecord, LeaveRequest
from tests.e2e.conftest import START, District, assert_silent, tap


def records(district: District) -> list[DutyRecord]:
    with district.storage.uow() as uow:
        return list(uow.session.exec(select(DutyRecord).order_by(DutyRecord.id)).all())


async def choose_days(secretary, first: str, last: str):
    """/duty → 张三 → 岗位培训 → December: the picker of the first day, then the last."""
    secretary.send_text("/duty")
    menu = await secretary.next_message()
    assert menu.button_texts == ["张三 · 东店子村", "李四 · 西关社区"]  # their township only
    await tap(secretary, menu, "张三 · 东店子村")
    assert menu.button_texts == ["岗前培训", "岗位培训", "座谈会/观摩", "其他公务"]
    await tap(secretary, menu, "岗位培训")
    assert "2026年11月" in menu.button_texts
    await tap(secretary, menu, "›")
    await tap(secretary, menu, first)
    assert "最后一天" in menu.text
    await tap(secretary, menu, last)
    return menu


async def test_a_township_secretary_records_training_and_the_cadre_is_told(
    district: District,
) -> None:
    secretary, cadre, other = await district.onboard_all(
        "township_secretary", "cadre", "township_secretary_b"
    )
    menu = await choose_days(secretary, "8", "10")
    assert "2026-12-08 至 2026-12-10" in menu.text and menu.buttons == []
    ask = await secretary.next_message()
    assert ask.button_texts == ["不填备注"]
    secretary.send_text("区委党校第3期")
    confirm = await secretary.next_message()
    assert "共 3 天" in confirm.text and "区委党校第3期" in confirm.text
    assert records(district) == []  # nothing stored before the confirmation
    answer = await tap(secretary, confirm, "✅ 确认登记")
    assert answer.text == "已登记" and "已登记公务" in confirm.text
    told = await cadre.next_message()
    assert told.text == "📋 您 12月8日至12月10日 参加岗位培训，记为公务，不计缺勤。"
    [record] = records(district)
    assert (record.start, record.end, record.kind, record.note) == (
        date(2026, 12, 8),
        date(2026, 12, 10),
        "training",
        "区委党校第3期",
    )
    with district.storage.uow() as uow:
        secretary_id = uow.people.by_phone(district.phone("township_secretary")).id
        [entry] = uow.audit.for_subject(f"duty:{record.id}")
    assert (record.recorded_by_id, entry.actor_id, entry.action) == (
        secretary_id,
        secretary_id,
        "duty:record",
    )
    assert entry.detail["source"] == "chat"
    await assert_silent(other)


async def test_days_of_approved_leave_are_refused_naming_the_leave(district: District) -> None:
    with district.storage.uow() as uow:
        leave = uow.leaves.add(
            LeaveRequest(
                applicant_id=uow.people.by_phone(district.phone("cadre")).id,
                start=date(2026, 12, 9),
                end=date(2026, 12, 9),
                days=1,
                combined_days=1,
                tier="short",
                reason="看病",
                status="approved",
                created_at=START - timedelta(days=1),
            )
        )
        uow.commit()
    secretary, cadre = await district.onboard_all("township_secretary", "cadre")
    secretary.send_text("/duty")
    menu = await secretary.next_message()
    await tap(secretary, menu, "张三 · 东店子村")
    await tap(secretary, menu, "岗位培训")
    await tap(secretary, menu, "›")
    await tap(secretary, menu, "8")
    refused = await tap(secretary, menu, "10")
    assert refused.show_alert
    assert f"已批准的请假（#{leave.id}）" in refused.text and "请另选日期" in refused.text
    assert "最后一天" in menu.text  # the picker stays: pick another last day
    await tap(secretary, menu, "8")
    ask = await secretary.next_message()
    await tap(secretary, ask, "不填备注")
    confirm = await secretary.next_message()
    assert "共 1 天" in confirm.text and "（无）" in confirm.text
    await tap(secretary, confirm, "✅ 确认登记")
    assert "12月8日至12月8日" in (await cadre.next_message()).text
    assert [(r.start, r.end, r.note) for r in records(district)] == [
        (date(2026, 12, 8), date(2026, 12, 8), None)
    ]


@pytest.mark.dingtalk
async def test_the_district_departments_pick_any_township(district: District) -> None:
    bureau, cadre3 = await district.onboard_all("poverty_bureau", "cadre3")
    bureau.send_text("/duty")
    menu = await bureau.next_message()
    assert sorted(menu.button_texts) == sorted(["城关街道", "北宽坪镇"])
    await tap(bureau, menu, "北宽坪镇")
    await tap(bureau, menu, "王五 · 广东坪村")
    await tap(bureau, menu, "座谈会/观摩")
    await tap(bureau, menu, "30")  # today, 2026-11-30
    await tap(bureau, menu, "30")
    await tap(bureau, await bureau.next_message(), "不填备注")
    await tap(bureau, await bureau.next_message(), "✅ 确认登记")
    told = await cadre3.next_message()
    assert "11月30日至11月30日" in told.text and "座谈会/观摩" in told.text
    assert [r.kind for r in records(district)] == ["meeting"]


async def test_nobody_records_outside_their_scope(district: District) -> None:
    other, cadre = await district.onboard_all("township_secretary_b", "cadre")
    with district.storage.uow() as uow:
        cadre_id = uow.people.by_phone(district.phone("cadre")).id
        chengguan = uow.places.township("城关街道").id
    other.send_text("/duty")
    menu = await other.next_message()
    assert menu.button_texts == ["王五 · 广东坪村"]
    for data in (f"yc:{cadre_id}", f"yt:{chengguan}"):
        answer = await tap(other, menu, data=data)
        assert answer.show_alert and ("不归您" in answer.text or "失效" in answer.text)
    cadre.send_text("/duty")
    assert "不能使用" in (await cadre.next_message()).text
    answer = await tap(cadre, menu.message_id, data="yo")  # a forged confirmation
    assert answer.show_alert
    assert records(district) == []
    with district.storage.uow() as uow:
        audit = uow.session.exec(select(AuditEntry).where(AuditEntry.action == "duty:record"))
        assert list(audit) == []
