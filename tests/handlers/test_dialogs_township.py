"""The township's correction of a day (更正某日考勤) as a scripted exchange: from the
monthly review's button, cadre → day → status → reason (a too long one refused whole)
→ confirm, and the cadre is told. The review's delivery by the scheduler stays in
tests/e2e/test_township_e2e.py."""

from __future__ import annotations

from datetime import date, datetime

from bot.handlers.conversation import Conversations
from bot.i18n import Catalog
from scheduler.payload import ActionRef, Payload
from scheduler.render import render
from services.clock import FixedClock
from tests.handlers.conftest import BOUND, ZONE
from tests.handlers.dialog import Bot, People, Tap, play


def test_a_secretary_corrects_a_day_from_the_review(fresh: Conversations) -> None:
    fresh.clock = FixedClock(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE), ZONE)
    people = People(fresh)
    secretary, cadre = people["township_secretary"], people["cadre"]
    review = Payload(
        "reminder.attendance_review",
        {"township": "城关街道", "month": "2026-11", "cadres": 2, "onsite": 0, "absent": 0},
        actions=[ActionRef("attendance:correct", "2026-11")],
    )
    with fresh.uow_factory() as uow:  # the review as the dispatcher delivers it
        secretary.receive(
            render(uow, Catalog("zh"), "zh", BOUND["township_secretary"], review.to_json())
        )
    play(
        secretary,
        [
            (
                Tap("更正某日考勤"),
                Bot(
                    "请选择驻村干部", buttons=["张三（东店子村）"], not_buttons=["王五（广东坪村）"]
                ),
            ),
            (Tap("张三（东店子村）"), Bot("张三", buttons=["2026年11月"])),
            (Tap("12"), "2026-11-12"),
            (Tap("公务"), "最多 200 字"),
            # over the limit: kept, its length and the limit said; a shorter one replaces it
            ("长" * 201, Bot(["超过 200 字", "201", "留着"], buttons=["✂️ 保留前 200 字"])),
            ("区委组织部岗位培训", Bot(["公务", "区委组织部岗位培训"], buttons=["✅ 确认"])),
            (
                Tap("✅ 确认"),
                Bot(["已更正", "已将 <b>张三</b> 2026-11-12 的考勤更正为 <b>公务</b>"]),
            ),
        ],
    )
    assert cadre.last == "镇党委书记已将您 11月12日 的考勤更正为：公务（原因：区委组织部岗位培训）"
    with fresh.uow_factory() as uow:
        cadre_id = uow.people.by_telegram_id(BOUND["cadre"]).id
        [entry] = uow.attendance_entries.for_person(cadre_id, date(2026, 11, 1), date(2026, 11, 30))
        assert (entry.day, entry.status, entry.source) == (date(2026, 11, 12), "duty", "correction")
