"""/funds (work funds, Art. 20) as scripted exchanges: the First Secretary records an
expense in a few taps; a bad amount is refused with an example and an amount over the
balance with the balance, the dialog kept either way; a team member and the village
secretary are told whom to hand the receipt to."""

from __future__ import annotations

from datetime import date

from bot.handlers.callbacks import FundsConfirm
from bot.handlers.conversation import Conversations
from bot.i18n import Catalog
from domain.work_funds import Fund
from services import work_funds
from tests.handlers.conftest import BOUND, START
from tests.handlers.dialog import Bot, Photo, Tap, dialog, play

NOW = START  # Monday 2026-11-30 09:00
STALE = str(Catalog("zh").text("zh", "error.stale_button"))


def _allocate(conversations: Conversations, *, first_secretary_yuan: int | None = None) -> None:
    """The district's allocation of 2026 (10,000 yuan a fund), one fund set by hand."""
    with conversations.uow_factory() as uow:
        work_funds.allocate_year(uow, 2026, NOW)
        if first_secretary_yuan is not None:
            village = uow.places.village(uow.places.township("城关街道").id, "东店子村")
            work_funds.set_allocation(
                uow, 2026, village, Fund.FIRST_SECRETARY, first_secretary_yuan * 100, NOW
            )
        uow.commit()


def _expenses(conversations: Conversations) -> list:
    with conversations.uow_factory() as uow:
        village = uow.places.village(uow.places.township("城关街道").id, "东店子村")
        return uow.funds.expenses(2026, village.id, Fund.FIRST_SECRETARY)


def test_a_first_secretary_records_an_expense_with_its_receipt(fresh: Conversations) -> None:
    _allocate(fresh)
    chat = dialog(
        fresh,
        "cadre",
        [
            (
                "/funds",
                Bot(
                    ["东店子村 2026 年工作经费", "拨付 10,000.00 元", "余额 <b>10,000.00</b>"],
                    only_buttons=["➕ 记一笔（第一书记经费）"],
                ),
            ),
            (Tap("➕ 记一笔（第一书记经费）"), Bot(["余额 10,000.00 元", "例如 1280.50"])),
            ("1,280.5", "金额 1,280.50 元"),
            ("购买党员活动室桌椅", Bot("支出日期", buttons=["📅 今天（2026-11-30）", "12"])),
            (Tap("📅 今天（2026-11-30）"), Bot(["2026-11-30", "收据"], buttons=["无收据，跳过"])),
            ("这是收据", "请发送收据的照片"),  # text where the photo is asked: asked again
            (
                Photo("receipt-1"),
                Bot(["1,280.50", "购买党员活动室桌椅", "已附照片"], buttons=["✅ 确认登记"]),
            ),
            (
                Tap("✅ 确认登记"),
                Bot(["已登记第一书记经费支出 1,280.50 元", "余额 <b>8,719.50</b>"]),
            ),
            (
                "/funds",
                Bot(["已支出 1,280.50 元", "2026-11-30 1,280.50 元 购买党员活动室桌椅（有收据）"]),
            ),
            ("/status", "2026 年工作经费余额：第一书记经费 8,719.50 元"),
        ],
    )
    [expense] = _expenses(fresh)
    assert (expense.day, expense.amount_fen, expense.receipt_file_id) == (
        date(2026, 11, 30),
        128_050,
        "receipt-1",
    )
    assert expense.recorded_by_id is not None
    play(
        chat, [(Tap("✅ 确认登记", data=FundsConfirm().pack()), STALE)]
    )  # a second tap records nothing
    assert len(_expenses(fresh)) == 1


def test_over_the_balance_is_refused_with_the_balance_and_the_dialog_kept(
    fresh: Conversations,
) -> None:
    _allocate(fresh, first_secretary_yuan=500)
    dialog(
        fresh,
        "cadre",
        [
            ("/funds", "余额 <b>500.00</b>"),
            (Tap("记一笔（第一书记经费）"), "余额 500.00 元"),
            ("600", Bot(["600.00 元超过经费余额 500.00 元", "请核对金额"])),
            ("300", "金额 300.00 元"),  # still at the amount: typed again, goes on
            ("村道维修材料", "支出日期"),
            (Tap("‹"), Bot(buttons=["2026年10月", "31"])),  # the month before
            (Tap("1"), Bot("2026-10-01", buttons=["无收据，跳过"])),
            (Tap("无收据，跳过"), Bot(["不附收据", "收据：无"], buttons=["✅ 确认登记"])),
            (Tap("✅ 确认登记"), "余额 <b>200.00</b>"),
            ("/funds", "2026-10-01 300.00 元 村道维修材料（无收据）"),
        ],
    )
    [expense] = _expenses(fresh)
    assert (expense.day, expense.amount_fen, expense.receipt_file_id) == (
        date(2026, 10, 1),
        30_000,
        None,
    )


def test_a_bad_amount_is_refused_with_an_example(fresh: Conversations) -> None:
    _allocate(fresh)
    dialog(
        fresh,
        "cadre",
        [
            ("/funds", "余额"),
            (Tap("记一笔（第一书记经费）"), "例如 1280.50"),
            ("一千块", Bot(["「一千块」不是有效金额", "例如 1280.50"])),
            ("0", "不是有效金额"),
            ("12.345", "不是有效金额"),
            ("¥80", "金额 80.00 元"),
            ("   ", "请写明这笔支出的用途"),  # an empty purpose: refused, still asked
            (
                "宣传资料印制。" * 30,
                Bot(["用途有 <b>210</b> 字", "200 字"], buttons=["✂️ 保留前 196 字"]),
            ),
            (Tap("✂️ 保留前 196 字"), Bot(["已保留前 196 字", "支出日期"])),
        ],
    )
    assert _expenses(fresh) == []


def test_the_balance_is_checked_again_when_confirmed(fresh: Conversations) -> None:
    """The allocation lowered while the dialog was open: the confirmation is refused with
    the balance, and the dialog stays (the First Secretary can /cancel or wait)."""
    _allocate(fresh)
    chat = dialog(
        fresh,
        "cadre",
        [
            ("/funds", "余额"),
            (Tap("记一笔（第一书记经费）"), "金额"),
            ("900", "用途"),
            ("培训", "支出日期"),
            (Tap("📅 今天"), "收据"),
            (Tap("无收据，跳过"), "确认"),
        ],
    )
    with fresh.uow_factory() as uow:
        village = uow.places.village(uow.places.township("城关街道").id, "东店子村")
        work_funds.set_allocation(uow, 2026, village, Fund.FIRST_SECRETARY, 50_000, NOW)
        uow.commit()
    play(chat, [(Tap("✅ 确认登记"), "超过经费余额 500.00 元")])
    assert _expenses(fresh) == []
    with fresh.uow_factory() as uow:
        person = uow.people.by_telegram_id(BOUND["cadre"])
        assert uow.dialogs.get(person.id).step == "confirm"


def test_without_an_allocation_nothing_can_be_spent(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            ("/funds", Bot(["拨付 0.00 元", "本年还没有支出"])),
            (Tap("记一笔（第一书记经费）"), "余额 0.00 元"),
            ("100", Bot(["2026 年的这项经费还没有登记拨付", "区委组织部"])),
        ],
    )


def test_a_team_member_and_the_village_secretary_are_told_whom_to_ask(
    fresh: Conversations,
) -> None:
    _allocate(fresh)
    # 李四's village (西关社区) has a work team but no First Secretary
    dialog(fresh, "cadre2", [("/funds", Bot(["没有第一书记", "请联系镇党委"]))])
    dialog(fresh, "village_secretary", [("/funds", "交给本村第一书记 张三")])
    dialog(fresh, "township_leader", [("/funds", "您的职务不能使用这个功能")])


def test_a_team_fund_is_offered_and_kept_apart(fresh: Conversations) -> None:
    """王五 (广东坪村) gets a work-team member posted: the team's fund is allocated and
    offered beside his own; an expense of one leaves the other's balance whole."""
    from storage.tables import Assignment

    with fresh.uow_factory() as uow:
        wang = uow.people.by_telegram_id(BOUND["cadre3"])
        li = uow.people.by_telegram_id(BOUND["cadre2"])
        [posting] = uow.assignments.for_person(li.id)
        posting.end = date(2026, 6, 30)
        uow.assignments.add(
            Assignment(
                person_id=li.id,
                village_id=uow.assignments.for_person(wang.id)[0].village_id,
                unit_id=posting.unit_id,
                start=date(2026, 7, 1),
            )
        )
        uow.commit()
    _allocate(fresh)
    dialog(
        fresh,
        "cadre3",
        [
            ("/funds", Bot("驻村工作队经费", buttons=["➕ 记一笔（驻村工作队经费）"])),
            (Tap("➕ 记一笔（驻村工作队经费）"), "驻村工作队经费余额 10,000.00 元"),
            ("2000", "用途"),
            ("工作队入户走访交通费", "支出日期"),
            (Tap("📅 今天"), "收据"),
            (Photo("r-team"), "驻村工作队经费"),
            (Tap("✅ 确认登记"), "余额 <b>8,000.00</b>"),
            ("/status", "第一书记经费 10,000.00 元；驻村工作队经费 8,000.00 元"),
        ],
    )
    dialog(fresh, "cadre2", [("/funds", "交给本村第一书记 王五")])


def test_in_english(fresh: Conversations) -> None:
    _allocate(fresh)
    dialog(
        fresh,
        "cadre",
        [
            (
                "/funds",
                Bot(
                    "balance <b>10,000.00</b>",
                    buttons=["➕ Add an expense (First Secretary's fund)"],
                ),
            ),
            (Tap("➕ Add an expense"), "for example 1280.50"),
            ("ten", "e.g. 1280.50"),
            ("20000", "over the funds' balance of 10,000.00 yuan"),
            ("80", "What was it for"),
            ("Printing", "The day of the expense"),
            (Tap("📅 Today (2026-11-30)"), "No receipt"),
            (Tap("No receipt, skip"), "Please confirm"),
            (Tap("✅ Record it"), "Balance <b>9,920.00</b>"),
        ],
        language_code="en",
    )


def test_the_statement_in_report_for_the_township_and_the_district(fresh: Conversations) -> None:
    import io

    from openpyxl import load_workbook

    from bot.handlers.callbacks import FundsReport

    _allocate(fresh)
    secretary = dialog(
        fresh,
        "township_secretary",
        [("/report", Bot(buttons=["💰 2026 年工作经费收支表（城关街道）"]))],
    )
    play(
        secretary, [(Tap("💰 2026 年工作经费收支表（城关街道）"), "城关街道 2026 年工作经费收支表")]
    )
    filename, data = secretary.inbox[-1].document
    assert filename == "工作经费收支表_城关街道_2026.xlsx"
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["东店子村", "西关社区", None]
    with fresh.uow_factory() as uow:
        other = uow.places.township("北宽坪镇").id
    for forged in (FundsReport(other, 2026), FundsReport(0, 2026)):
        play(secretary, [(Tap("", data=forged.pack()), "无权")])
    org = dialog(
        fresh, "org_dept", [("/report", Bot(buttons=["💰 2026 年工作经费收支表（全区）"]))]
    )
    play(org, [(Tap("💰 2026 年工作经费收支表（全区）"), "3 项经费")])
    assert org.inbox[-1].document[0] == "工作经费收支表_全区_2026.xlsx"
    unit = dialog(fresh, "unit_leader", [("/report", Bot(buttons=["区财政局"]))])
    assert not [b for row in unit.inbox[-1].buttons for b in row if "工作经费" in b.text]


def test_help_and_a_photo_where_text_is_asked(fresh: Conversations) -> None:
    _allocate(fresh)
    dialog(fresh, "cadre", [("/help", "/funds 工作经费：本村经费余额和本年支出，由第一书记记一笔")])
    dialog(fresh, "cadre2", [("/help", "/funds 工作经费：由本村第一书记记账")])
    dialog(
        fresh,
        "cadre",
        [
            ("/funds", "余额"),
            (Tap("记一笔（第一书记经费）"), "金额"),
            (Photo("not-an-amount"), "请输入这笔支出的金额（元，文字）"),
            ("50", "用途"),
            (Photo("not-a-purpose"), "请用文字写明这笔支出的用途"),
            ("茶水", "支出日期"),
            ("今天", "请点上面的按钮继续"),  # the day is a tap
        ],
    )
