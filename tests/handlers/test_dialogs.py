"""The conversations whose logic is the handlers', played as scripted exchanges
(``tests.handlers.dialog``) on a database of their own: the guided leave and 补假, the
diary with photos, the check-in's work record, /duty and a typed command ending a dialog.
tests/e2e keeps what needs the real runtimes (HTTP, the emulator, delivery, restarts)."""

from __future__ import annotations

from bot.handlers.conversation import Conversations
from bot.handlers.events import Location
from services.sample_district import VILLAGES
from tests.handlers.dialog import Bot, Photo, Share, Tap, dialog

INSIDE = Location(VILLAGES[0][2], VILLAGES[0][3])  # 东店子村, 张三's village


def test_guided_leave_with_the_date_picker(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            # today, 2026-11-30, can be picked; yesterday cannot
            ("/leave", Bot("开始", buttons=["30", "›"], not_buttons=["29"])),
            (Tap("›"), Bot(buttons=["1", "2"])),
            (Tap("1"), "结束"),
            (Tap("2"), "事由"),
            ("看病", "2026-12-01 至 2026-12-02"),
        ],
    )
    assert any("看病" in m.text for m in chat.people["township_leader"].inbox)


def test_guided_retroactive_leave_offers_the_last_three_days(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            ("/leave", Bot(buttons=["🤒 补假（因病/急事）"])),
            (
                Tap("🤒 补假（因病/急事）"),
                Bot("补假", only_buttons=["11-27 五", "11-28 六", "11-29 日"]),
            ),
            (Tap("11-29 日"), "结束"),
            (Tap("30"), "事由"),
            ("急性肠胃炎", Bot(["【补假】", "2026-11-29 至 2026-11-30"])),
        ],
    )
    assert any("【补假】" in m.text for m in chat.people["township_leader"].inbox)


def test_typed_text_in_the_picker_points_at_it_and_a_stale_day_is_refused(
    fresh: Conversations,
) -> None:
    dialog(
        fresh,
        "cadre",
        [
            ("/leave", "开始"),
            ("明天", "请点击上方日历选择日期"),  # the picker answers, not typing
            ("/cancel", "已退出当前操作"),
            (Tap("30"), "这个按钮已失效"),  # its dialog is over: the button is stale
        ],
    )


def test_guided_diary_with_photos(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            ("/diary", "日记内容"),
            ("今天召开村民代表会", Bot(buttons=["✅ 完成"])),
            (Photo("p1"), Bot(buttons=["✅ 完成"])),
            (Photo("p2"), Bot(buttons=["✅ 完成"])),
            (Tap("✅ 完成"), Bot(not_says="日记内容")),
            ("/diaries", "今天召开村民代表会"),
        ],
    )


def test_a_photo_without_text_does_not_start_an_entry(fresh: Conversations) -> None:
    dialog(fresh, "cadre", [("/diary", "日记内容"), (Photo("p1"), Bot(not_says="✅"))])


def test_work_record_after_an_on_site_checkin(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            (Share(INSIDE), Bot(["签到成功", "工作纪实"], buttons=["✅ 完成"])),
            ("走访了五户贫困户", "已记入"),
            (Photo("p1"), "已记入"),
            (Tap("✅ 完成"), Bot()),
        ],
    )


def test_a_township_secretary_records_training(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "township_secretary",
        [
            ("/duty", Bot(buttons=["张三 · 东店子村", "李四 · 西关社区"])),
            (
                Tap("张三 · 东店子村"),
                Bot(buttons=["岗前培训", "岗位培训", "座谈会/观摩", "其他公务"]),
            ),
            (Tap("岗位培训"), Bot(buttons=["2026年11月"])),
            (Tap("›"), Bot()),
            (Tap("8"), "最后一天"),
            (Tap("10"), Bot("2026-12-08 至 2026-12-10", buttons=["不填备注"])),
            ("区委党校第3期", Bot(["共 3 天", "区委党校第3期"], buttons=["✅ 确认登记"])),
            (Tap("✅ 确认登记"), Bot(["已登记", "已登记公务"])),
        ],
    )
    assert [m.text for m in chat.people["cadre"].inbox] == [
        "📋 您 12月8日至12月10日 参加岗位培训，记为公务，不计缺勤。"
    ]


def test_typed_text_at_a_duty_button_step_points_at_the_buttons(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_secretary",
        [
            ("/duty", Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(buttons=["岗位培训"])),
            ("培训", "请点击上方按钮继续"),
        ],
    )


def test_a_pressed_label_in_a_dialog_acts_as_its_command(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre3",
        [
            ("📝 日记", "请发送日记内容"),
            # In the diary dialog, the 我的情况 button shows the standing, not a diary.
            ("📊 My standing", "驻村天数（今年）"),
            ("📊 我的情况", "驻村天数（今年）"),
        ],
    )


def test_cancel_leaves_a_dialog_and_unknown_input_gets_a_hint(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            ("/diary", "日记内容"),
            ("/cancel", "已退出"),
            ("随便说点什么", "/help"),
            ("/nosuchcommand", "/nosuchcommand"),
        ],
    )
    with fresh.uow_factory() as uow:
        assert uow.diaries.all_rows() == []


def test_the_language_is_picked_with_a_button_and_kept(fresh: Conversations) -> None:
    dialog(
        fresh,
        "village_secretary",
        [
            ("/lang", Bot("当前语言：中文", buttons=["中文", "English"])),
            (Tap("English"), "Switched to English"),
            ("/help", Bot(not_says="请")),
        ],
    )
