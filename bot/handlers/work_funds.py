"""/funds (work funds, Art. 20) for the First Secretary: the balance of each of the
village's funds and the year's expenses, and 记一笔 — amount typed → purpose typed → the
day (today in one tap, or the date picker, back to 1 January) → the receipt photo (or
无收据: an expense may be entered before its receipt is at hand; the statement marks it
so the township can ask) → confirm.

Each answer is checked as it is typed: a bad amount is refused with an example, an
amount over the balance with the balance and what to do, before the purpose is asked
for. A refused update rolls back, so the dialog stays where it was and nothing already
typed is lost; the person just types again. A team member or the village secretary is
told to hand the receipt to the First Secretary (who signs every expense off).
"""

from __future__ import annotations

from datetime import date

from bot.handlers.callbacks import FundsAdd, FundsConfirm, FundsNoReceipt, PickDate, PickMonth
from bot.handlers.context import Context
from bot.handlers.date_picker import month_keyboard
from bot.handlers.dialogs import Dialog, DialogAt, FundsStep
from bot.handlers.over_long import kept_over_long, text_or_ask
from domain.work_funds import MAX_PURPOSE_CHARS, Fund, parse_yuan, yuan_text
from services import work_funds as service

DIALOG = Dialog.FUNDS


def _fund_name(ctx: Context, fund: str) -> str:
    return ctx.t(f"work_funds.fund_{fund}")


def funds_command(ctx: Context, _args: str = "") -> None:
    """Each fund's balance and this year's expenses, with a 记一笔 button per fund."""
    today = ctx.now.date()
    village, views = service.funds_of(ctx.uow, ctx.me, today)
    lines = [ctx.t("work_funds.title", village=village.name, year=today.year)]
    for view in views:
        lines.append(
            ctx.t(
                "work_funds.fund_line",
                fund=_fund_name(ctx, view.fund),
                allocated=yuan_text(view.allocated_fen),
                spent=yuan_text(view.spent_fen),
                balance=yuan_text(view.balance_fen),
            )
        )
        lines += [
            ctx.t(
                "work_funds.expense_line",
                day=e.day,
                amount=yuan_text(e.amount_fen),
                purpose=e.purpose,
                receipt=ctx.t(
                    "work_funds.receipt_mark" if e.receipt_file_id else "work_funds.no_receipt_mark"
                ),
            )
            for e in view.expenses
        ] or [ctx.t("work_funds.no_expenses")]
    buttons = [
        [ctx.button("work_funds.button_add", FundsAdd(v.fund), fund=_fund_name(ctx, v.fund))]
        for v in views
    ]
    ctx.say_text("\n".join(lines), buttons)


def _state(ctx: Context, *steps: FundsStep) -> DialogAt | None:
    state = ctx.at(DIALOG, *steps)
    if state is None:
        ctx.toast("error.stale_button", alert=True)
    return state


def add(ctx: Context, data: FundsAdd) -> None:
    """Open the dialog for this fund and ask for the amount."""
    if data.fund not in set(Fund):
        ctx.toast("error.stale_button", alert=True)
        return
    today = ctx.now.date()
    balance = service.balance_of(ctx.uow, ctx.me, Fund(data.fund), today)
    ctx.dialog(DIALOG, FundsStep.AMOUNT, fund=data.fund)
    ctx.say("work_funds.ask_amount", fund=_fund_name(ctx, data.fund), balance=yuan_text(balance))


def amount_text(ctx: Context, data: dict, text: str) -> None:
    """The amount: refused (the dialog stays here) when it is no amount or over the
    balance; else the purpose is asked for."""
    amount = parse_yuan(text)
    service.check_amount(ctx.uow, ctx.me, Fund(data["fund"]), amount, ctx.now.date())
    ctx.dialog(DIALOG, FundsStep.PURPOSE, **data, amount=amount)
    ctx.say("work_funds.ask_purpose", amount=yuan_text(amount))


#: A photo or a sticker where text is asked for gets the question again.
typed_amount = text_or_ask("work_funds.ask_amount_again", amount_text)


def purpose_text(ctx: Context, data: dict, text: str) -> None:
    """The purpose (an over-long one kept, to shorten in one tap); then the day, today
    in one tap."""
    if kept_over_long(ctx, text, MAX_PURPOSE_CHARS, "work_funds.purpose_what"):
        return
    purpose = service.clean_purpose(text)
    ctx.dialog(DIALOG, FundsStep.DAY, **data, purpose=purpose)
    today = ctx.now.date()
    rows = [[ctx.button("work_funds.button_today", PickDate(today), day=today)]]
    rows += month_keyboard(ctx, today, today.replace(month=1, day=1), today)
    ctx.say("work_funds.ask_day", buttons=rows)


typed_purpose = text_or_ask("work_funds.ask_purpose_again", purpose_text)


def pick(ctx: Context, data: PickDate | PickMonth) -> None:
    """A day (or a month turned) in the /funds date picker: this year, up to today."""
    state = _state(ctx, FundsStep.DAY)
    if state is None:
        return
    today = ctx.now.date()
    earliest = today.replace(month=1, day=1)
    if isinstance(data, PickMonth):
        rows = [[ctx.button("work_funds.button_today", PickDate(today), day=today)]]
        rows += month_keyboard(ctx, data.first, earliest, today)
        ctx.edit(ctx.t("work_funds.ask_day"), rows)
        return
    if not earliest <= data.day <= today:
        ctx.toast("error.stale_button", alert=True)
        return
    ctx.dialog(DIALOG, FundsStep.RECEIPT, **state.data, day=data.day.isoformat())
    ctx.edit(ctx.t("work_funds.picked_day", day=data.day))
    ctx.say(
        "work_funds.ask_receipt",
        buttons=[[ctx.button("work_funds.button_no_receipt", FundsNoReceipt())]],
    )


def sent_receipt(ctx: Context, data: dict) -> None:
    """The receipt photo (its Telegram file id is kept); text points at the photo."""
    if ctx.event.photo_file_id is None:
        ctx.say(
            "work_funds.send_photo",
            buttons=[[ctx.button("work_funds.button_no_receipt", FundsNoReceipt())]],
        )
        return
    _confirm(ctx, data, ctx.event.photo_file_id)


def no_receipt(ctx: Context, _data: FundsNoReceipt) -> None:
    state = _state(ctx, FundsStep.RECEIPT)
    if state is not None:
        ctx.edit(ctx.t("work_funds.receipt_skipped"))
        _confirm(ctx, state.data, None)


def _confirm(ctx: Context, data: dict, receipt: str | None) -> None:
    ctx.dialog(DIALOG, FundsStep.CONFIRM, **data, receipt=receipt or "")
    ctx.say(
        "work_funds.confirm",
        fund=_fund_name(ctx, data["fund"]),
        amount=yuan_text(int(data["amount"])),
        purpose=data["purpose"],
        day=date.fromisoformat(data["day"]),
        receipt=ctx.t("work_funds.receipt_yes" if receipt else "work_funds.receipt_no"),
        buttons=[[ctx.button("work_funds.button_confirm", FundsConfirm())]],
    )


def confirm(ctx: Context, _data: FundsConfirm) -> None:
    """Record the expense (every check again: the balance may have moved meanwhile)."""
    state = _state(ctx, FundsStep.CONFIRM)
    if state is None:
        return
    values = state.data
    expense, balance = service.record_expense(
        ctx.uow,
        ctx.me,
        Fund(values["fund"]),
        day=date.fromisoformat(values["day"]),
        amount_fen=int(values["amount"]),
        purpose=values["purpose"],
        receipt_file_id=values["receipt"] or None,
        now=ctx.now,
    )
    ctx.end_dialog()
    ctx.edit(
        ctx.t(
            "work_funds.recorded",
            fund=_fund_name(ctx, expense.fund),
            amount=yuan_text(expense.amount_fen),
            purpose=expense.purpose,
            day=expense.day,
            balance=yuan_text(balance),
        )
    )
    ctx.toast("work_funds.recorded_toast")


def use_buttons(ctx: Context, _data: dict) -> None:
    """Typed at a step the buttons answer."""
    ctx.say("work_funds.use_buttons")


def status_line(ctx: Context) -> None:
    """/status of a First Secretary: each allocated fund's balance this year, one line."""
    today = ctx.now.date()
    _village, views = service.funds_of(ctx.uow, ctx.me, today)
    shown = [
        ctx.t(
            "work_funds.status_fund", fund=_fund_name(ctx, v.fund), balance=yuan_text(v.balance_fen)
        )
        for v in views
        if v.allocated_fen
    ]
    if shown:
        ctx.say("work_funds.status", year=today.year, funds="；".join(shown))
