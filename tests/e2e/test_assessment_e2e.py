"""/assess over the real runtimes: a township secretary records a 半年考核 in a few taps
(cadre, kind, the four items' notes, confirm); a democratic rating under 20 raters is
refused with what to do, nothing stored, and 23 raters are then taken; after the grade
import the unit receives its rewards list and the 不称职's recall goes out, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.i18n import Catalog
from scheduler.dispatch import Dispatcher
from services.imports.grades import import_grades
from services.imports.table import read_bytes
from tests.e2e.conftest import District, assert_silent, tap

NOTES = ["每周在村5天以上", "走访贫困户32户", "自来水项目已完工", "完成村集体经济规划"]


def records(district: District, phone_key: str) -> list:
    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone(phone_key))
        return uow.assessments.for_cadre(cadre.id, 2026)


async def test_a_township_secretary_records_a_half_year_assessment(district: District) -> None:
    secretary, other = await district.onboard_all("township_secretary", "township_secretary_b")
    secretary.send_text("/assess")
    menu = await secretary.next_message()
    assert menu.button_texts == ["张三 · 东店子村", "李四 · 西关社区"]  # their township only
    await tap(secretary, menu, "张三 · 东店子村")
    assert menu.button_texts == ["日常考核", "半年考核", "民主测评", "个别谈话"]
    await tap(secretary, menu, "半年考核")
    for n, note in enumerate(NOTES, 1):
        ask = await secretary.next_message()
        assert f"（{n}/4）" in ask.text
        secretary.send_text(note)
    confirm = await secretary.next_message()
    assert "在岗：每周在村5天以上" in confirm.text and "项目实施：自来水项目已完工" in confirm.text
    assert records(district, "cadre") == []  # nothing stored before the confirmation
    answer = await tap(secretary, confirm, "✅ 确认登记")
    assert answer.text == "已登记" and "已登记 张三 的半年考核" in confirm.text
    [record] = records(district, "cadre")
    assert (record.kind, record.on_post, record.work) == ("half_year", NOTES[0], NOTES[3])
    await assert_silent(other)


@pytest.mark.dingtalk
async def test_a_rating_under_20_raters_is_refused_with_what_to_do(district: District) -> None:
    (official,) = await district.onboard_all("org_dept")
    official.send_text("/assess")
    menu = await official.next_message()
    await tap(official, menu, "城关街道")
    await tap(official, menu, "张三 · 东店子村")
    assert menu.button_texts == ["民主测评", "个别谈话"]  # the township's kinds are its own
    await tap(official, menu, "民主测评")
    await official.next_message()
    official.send_text("19")
    refused = await official.next_message()
    assert "只有 19 人" in refused.text and "请补足测评人员后再登记" in refused.text
    assert records(district, "cadre") == []
    official.send_text("23")
    assert "23 人参加" in (await official.next_message()).text
    official.send_text("优秀 15 票、称职 8 票")
    confirm = await official.next_message()
    await tap(official, confirm, "✅ 确认登记")
    [record] = records(district, "cadre")
    assert (record.kind, record.count) == ("democratic_rating", 23)


@pytest.mark.dingtalk
async def test_after_the_grade_import_the_unit_gets_its_rewards_and_a_recall_goes_out(
    district: District, running_bot
) -> None:
    """The year's grades imported (as ``cadrebot grade import`` does): 吴局长 receives
    区财政局's list, 称职 500 yuan and the 不称职 to recall; the recall's district-wide
    notice reaches org_dept; a second import of the same file sends nothing more."""
    unit, official, other_unit = await district.onboard_all(
        "unit_leader", "org_dept", "unit_leader_b"
    )
    rows = "手机号,年度,等次\n13900000001,2026,称职\n13900000002,2026,不称职\n"
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    for _ in range(2):
        table = read_bytes(rows.encode(), "grades.csv")
        import_grades(district.storage.uow, table, now=datetime(2026, 11, 30, 2, tzinfo=UTC))
        await dispatcher.drain()
    texts = [(await unit.next_message()).text for _ in range(2)]
    [rewards] = [t for t in texts if "一次性奖励" in t]
    assert (
        "张三（东店子村）：称职，奖励 500 元" in rewards and "李四（西关社区）：不称职" in rewards
    )
    assert "奖励合计 500 元" in rewards
    [recall] = [t for t in texts if "全区通报" in t]
    assert "李四" in recall and "请区财政局召回并选派接替人选" in recall
    told = await official.next_message()
    assert "全区通报" in told.text and "李四" in told.text
    await assert_silent(unit)
    await assert_silent(official)
    await assert_silent(other_unit)
