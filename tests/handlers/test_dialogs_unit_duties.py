"""/unitduty (Art. 15, 19): the unit leader records a meeting, a visit, a health check
and an insurance in a few taps; anyone else is told who does. Today is Monday
2026-11-30 (tests/handlers/conftest.py); 吴局长 leads 区财政局, which posts 张三 (东店子村)
and 李四 (西关社区); 王五 is 区农业农村局's."""

from __future__ import annotations

from datetime import date

from bot.handlers.conversation import Conversations
from services import unit_duties
from tests.handlers.conftest import START
from tests.handlers.dialog import Bot, Photo, Tap, dialog

TODAY = START.date()


def _standing(conversations: Conversations, unit: str) -> unit_duties.UnitStanding:
    with conversations.uow_factory() as uow:
        return next(s for s in unit_duties.standings(uow, TODAY) if s.unit == unit)


def _care(conversations: Conversations, kind: str) -> dict[int, date]:
    with conversations.uow_factory() as uow:
        ids = [p.person_id for p in uow.unit_duties.postings_on(TODAY)]
        return uow.unit_duties.latest_care(kind, ids)


MENU = ["📋 记会议", "🚗 记走访", "🩺 记体检", "🛡 记保险"]


def test_a_unit_leader_records_todays_meeting_in_three_taps(fresh: Conversations) -> None:
    assert "2026-10" in _standing(fresh, "区财政局").months_missing
    dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(["区财政局", "没有记载驻村扶贫专题会议"], only_buttons=MENU)),
            (Tap("📋 记会议"), Bot("哪天召开", buttons=["📅 2026-11-30", "‹"], not_buttons=["›"])),
            (Tap("📅 2026-11-30"), Bot(["会议日期：2026-11-30"], buttons=["不填备注"])),
            ("研究东店子村产业项目", Bot(["已记载 2026-11-30", "研究东店子村产业项目"])),
        ],
    )
    # November is closed tomorrow, and now has its meeting; earlier months still miss one.
    with fresh.uow_factory() as uow:
        tomorrow = unit_duties.standings(uow, date(2026, 12, 1))
    after = next(s for s in tomorrow if s.unit == "区财政局")
    assert "2026-11" not in after.months_missing and "2026-10" in after.months_missing


def test_a_meeting_held_earlier_is_picked_in_the_calendar_without_a_note(
    fresh: Conversations,
) -> None:
    dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(buttons=MENU)),
            (Tap("📋 记会议"), Bot(buttons=["‹"], not_buttons=["›"])),
            (Tap("‹"), Bot(buttons=["2026年10月"])),
            (Tap("20"), "2026-10-20"),
            (Tap("不填备注"), Bot(["已记载 2026-10-20", "（无）"])),
        ],
    )
    assert "2026-10" not in _standing(fresh, "区财政局").months_missing


def test_a_unit_leader_records_a_visit_with_who_went(fresh: Conversations) -> None:
    assert _standing(fresh, "区财政局").visit_days is not None
    dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(buttons=MENU)),
            (Tap("🚗 记走访"), Bot("到哪个村", only_buttons=["东店子村", "西关社区"])),
            (Tap("西关社区"), Bot("西关社区", buttons=["📅 2026-11-30"])),
            ("调研", "请点击上方按钮"),
            (Tap("📅 2026-11-30"), Bot("请发送参加走访的领导", not_buttons=["不填备注"])),
            (Photo(), "请发送参加走访的领导"),
            ("吴局长、李副局长", Bot(["已记载 2026-11-30", "西关社区", "吴局长、李副局长"])),
        ],
    )
    assert _standing(fresh, "区财政局").visit_days is None


def test_a_unit_with_one_village_goes_straight_to_the_day(fresh: Conversations) -> None:
    dialog(
        fresh,
        "unit_leader_b",
        [
            ("/unitduty", Bot("区农业农村局", buttons=MENU)),
            (Tap("🚗 记走访"), Bot("广东坪村", buttons=["📅 2026-11-30"])),
        ],
    )


def test_a_unit_leader_records_a_health_check_and_an_insurance(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(buttons=MENU)),
            (Tap("🩺 记体检"), Bot(only_buttons=["张三 · 东店子村", "李四 · 西关社区"])),
            (Tap("李四 · 西关社区"), Bot("李四", buttons=["📅 2026-11-30"])),
            (Tap("‹"), Bot(buttons=["2026年10月"])),
            (Tap("15"), Bot(["已记载", "李四", "2026-10-15", "2027-10-15 前"])),
        ],
    )
    assert list(_care(fresh, "health_check").values()) == [date(2026, 10, 15)]
    chat.act("/unitduty")
    for tap, says in (
        ("🛡 记保险", "请选择本单位的驻村干部"),
        ("张三 · 东店子村", "有效期到哪天"),
        ("📅 2027-11-29", "有效期至 2027-11-29"),
    ):
        answer = chat.act(Tap(tap))
        assert says in answer.text, (tap, answer.text)
    assert list(_care(fresh, "insurance").values()) == [date(2027, 11, 29)]


def test_the_insurance_picker_offers_no_past_day(fresh: Conversations) -> None:
    dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(buttons=MENU)),
            (Tap("🛡 记保险"), Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(buttons=["30", "›"], not_buttons=["‹", "29"])),
        ],
    )


def test_a_cadre_of_another_unit_is_refused(fresh: Conversations) -> None:
    """A forged or stale button naming 王五 (区农业农村局's) records nothing."""
    from bot.handlers.callbacks import UnitDutyCadre

    with fresh.uow_factory() as uow:
        wang = next(p for p in uow.unit_duties.postings_on(TODAY) if p.name == "王五")
    chat = dialog(fresh, "unit_leader", [("/unitduty", Bot(buttons=MENU))])
    chat.act(Tap("🩺 记体检"))
    answer = chat.act(Tap("", data=UnitDutyCadre(wang.person_id).pack()))
    assert "不是本单位派出的在岗驻村干部" in answer.text
    assert _care(fresh, "health_check") == {}


def test_other_roles_are_told_who_records(conversations: Conversations) -> None:
    for who in ("cadre", "township_secretary", "org_dept"):
        refused = Bot("由派出单位负责人办理", not_says="区财政局")
        dialog(conversations, who, [("/unitduty", refused)])


def test_in_english(fresh: Conversations) -> None:
    dialog(
        fresh,
        "unit_leader",
        [
            ("/lang en", Bot()),
            ("/unitduty", Bot("what do you record", buttons=["📋 Meeting", "🛡 Insurance"])),
            (Tap("📋 Meeting"), Bot("When was", buttons=["📅 2026-11-30"])),
            (Tap("📅 2026-11-30"), Bot(buttons=["No note"])),
            (Tap("No note"), "Recorded the poverty-alleviation meeting of 2026-11-30"),
        ],
    )
    dialog(fresh, "cadre", [("/lang en", Bot()), ("/unitduty", "Ask your unit's leader")])


def test_org_dept_sees_the_units_behind_in_status(fresh: Conversations) -> None:
    dialog(
        fresh,
        "org_dept",
        [("/status", Bot(["派出单位 2 个", "区财政局：未开专题会议", "区农业农村局"]))],
    )


def test_an_over_long_note_is_kept_and_one_tap_saves_what_fits(fresh: Conversations) -> None:
    note = "研究东店子村产业项目。" * 25  # 275 characters, 11 a sentence
    dialog(
        fresh,
        "unit_leader",
        [
            ("/unitduty", Bot(buttons=MENU)),
            (Tap("📋 记会议"), Bot(buttons=["📅 2026-11-30"])),
            (Tap("📅 2026-11-30"), Bot(buttons=["不填备注"])),
            (note, Bot(["275", "200"], buttons=["✂️ 保留前 198 字"])),
            (Tap("✂️ 保留前 198 字"), Bot(["已保留前 198 字", "已记载 2026-11-30"])),
        ],
    )
    from sqlmodel import select

    from storage.tables import UnitMeeting

    with fresh.uow_factory() as uow:
        [meeting] = uow.session.exec(select(UnitMeeting)).all()
    assert meeting.note == note[:198]
