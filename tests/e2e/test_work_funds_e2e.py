"""Work funds (Art. 20) over the real runtimes: a First Secretary records an expense with
its receipt photo in a few taps and the balance drops; an amount over the balance is
refused with the balance, and the next amount typed goes on from there."""

from __future__ import annotations

from datetime import date

from domain.work_funds import Fund
from services import work_funds
from storage.tables import FundExpense
from tests.e2e.conftest import START, District, tap


def allocate(district: District) -> None:
    with district.storage.uow() as uow:
        work_funds.allocate_year(uow, 2026, START)
        uow.commit()


def expenses(district: District) -> list[FundExpense]:
    with district.storage.uow() as uow:
        village = next(v for v in uow.places.villages() if v.name == "东店子村")
        return uow.funds.expenses(2026, village.id, Fund.FIRST_SECRETARY)


async def test_a_first_secretary_records_an_expense_with_a_receipt_photo(
    district: District,
) -> None:
    allocate(district)
    cadre = await district.onboard("cadre")
    cadre.send_text("/funds")
    overview = await cadre.next_message()
    assert "余额 10,000.00 元" in overview.text
    await tap(cadre, overview, "➕ 记一笔（第一书记经费）")
    assert "例如 1280.50" in (await cadre.next_message()).text
    cadre.send_text("1280.50")
    assert "金额 1,280.50 元" in (await cadre.next_message()).text
    cadre.send_text("购买党员活动室桌椅")
    day = await cadre.next_message()
    await tap(cadre, day, "📅 今天（2026-11-30）")
    assert "2026-11-30" in day.text  # the picker edited into the day picked
    ask = await cadre.next_message()
    assert ask.button_texts == ["无收据，跳过"]
    sent = cadre.send_photo()
    confirm = await cadre.next_message()
    assert "已附照片" in confirm.text and "购买党员活动室桌椅" in confirm.text
    assert expenses(district) == []  # nothing stored before the confirmation
    answer = await tap(cadre, confirm, "✅ 确认登记")
    assert answer.text == "已登记" and "余额 8,719.50 元" in confirm.text
    [expense] = expenses(district)
    assert (expense.day, expense.amount_fen, expense.purpose) == (
        date(2026, 11, 30),
        128_050,
        "购买党员活动室桌椅",
    )
    assert expense.receipt_file_id == sent["photo"][-1]["file_id"]
    cadre.send_text("/funds")
    again = await cadre.next_message()
    assert "余额 8,719.50 元" in again.text and "（有收据）" in again.text


async def test_an_expense_over_the_balance_is_refused(district: District) -> None:
    allocate(district)
    cadre = await district.onboard("cadre", language="en")
    cadre.send_text("/funds")
    overview = await cadre.next_message()
    await tap(cadre, overview, "➕ Add an expense (First Secretary's fund)")
    await cadre.next_message()
    cadre.send_text("10000.01")
    refused = await cadre.next_message()
    assert "over the funds' balance of 10,000.00 yuan" in refused.text
    cadre.send_text("10000")  # still at the amount: the whole balance goes on
    assert "What was it for" in (await cadre.next_message()).text
    assert expenses(district) == []


async def test_the_township_gets_the_statement_in_report(district: District) -> None:
    import io

    from openpyxl import load_workbook

    allocate(district)
    secretary = await district.onboard("township_secretary")
    secretary.send_text("/report")
    menu = await secretary.next_message()
    await tap(secretary, menu, "💰 2026 年工作经费收支表（城关街道）")
    sheet = await secretary.next_message()
    assert sheet.kind == "document" and sheet.filename == "工作经费收支表_城关街道_2026.xlsx"
    rows = list(load_workbook(io.BytesIO(sheet.document)).worksheets[0].iter_rows(values_only=True))
    assert rows[-1] == ("合计", None, None, None, 20000, 0, 0, 20000)
