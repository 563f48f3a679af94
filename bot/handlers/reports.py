"""/report: this month's attendance sheet (XLSX) and on-site days chart (PNG) for what the
person may see — their township, their unit's quarter, or any township and the whole
district (plus the annual assessment sheet) for the district departments.

Every press is checked again in ``services.reports.scope.resolve``: the button's data is
never trusted, so forged data naming another township gets a refusal.
"""

from __future__ import annotations

from datetime import date

from bot import reporting
from bot.handlers import work_funds_report
from bot.handlers.callbacks import ReportMenu, ReportPick
from bot.handlers.context import Context
from bot.handlers.events import Button, Outgoing
from domain.errors import DomainError
from domain.roles import Role
from services.reports.rewards_sheet import check_scope, rewards_scope
from services.reports.scope import (
    Scope,
    ScopeKind,
    as_of_for,
    month_key,
    period_of,
    quarter_key,
    resolve,
    scopes_for,
    shift,
)


def _default_key(ctx: Context) -> str:
    """Unit leaders get their cadres' attendance quarterly (Art. 11), others monthly."""
    today = ctx.now.date()
    return quarter_key(today) if ctx.me.role == Role.UNIT_LEADER else month_key(today)


def _buttons(ctx: Context, scopes: list[Scope], key: str) -> list[list[Button]]:
    townships = [
        Button(s.name, ReportPick(s.kind, s.ref, key).pack())
        for s in scopes
        if s.kind in (ScopeKind.TOWNSHIP, ScopeKind.UNIT)
    ]
    rows = [townships[i : i + 2] for i in range(0, len(townships), 2)]
    year = period_of(key).last.year
    for s in scopes:
        if s.kind == ScopeKind.DISTRICT:
            rows.append([ctx.button("report.button_district", ReportPick(s.kind, 0, key))])
        elif s.kind == ScopeKind.ANNUAL:
            data = ReportPick(s.kind, 0, str(year))
            rows.append([ctx.button("report.button_annual", data, year=year)])
    rows += work_funds_report.report_buttons(ctx, scopes, year)  # work funds (Art. 20)
    rewards = rewards_scope(ctx.me)  # the rewards of Art. 30 (#15)
    if rewards is not None:
        data = ReportPick(ScopeKind.REWARDS, rewards, str(year))
        rows.append([ctx.button("rewards.button", data, year=year)])
    nav = [ctx.button("report.button_previous", ReportMenu(shift(key, -1)))]
    later = shift(key, 1)
    if period_of(later).first <= ctx.now.date():
        nav.append(ctx.button("report.button_next", ReportMenu(later)))
    rows.append(nav)
    return rows


def _menu_key(ctx: Context) -> str:
    return "report.choose_unit" if ctx.me.role == Role.UNIT_LEADER else "report.choose"


def report_command(ctx: Context, _args: str = "") -> None:
    """The menu of what this person may see, for the current month (quarter for units)."""
    scopes = scopes_for(ctx.uow, ctx.me)
    if not scopes:
        ctx.say("report.nothing")
        return
    key = _default_key(ctx)
    ctx.say(_menu_key(ctx), buttons=_buttons(ctx, scopes, key), period=key)


def menu(ctx: Context, data: ReportMenu) -> None:
    """Another period in the same menu (the message is edited in place)."""
    if period_of(data.period).first > ctx.now.date():
        raise DomainError("report.future", period=data.period)
    scopes = scopes_for(ctx.uow, ctx.me)
    if not scopes:
        raise DomainError("error.role_cannot")
    ctx.edit(ctx.t(_menu_key(ctx), period=data.period), _buttons(ctx, scopes, data.period))


def _sheet(ctx: Context, scope: Scope, period: str, as_of: date) -> reporting.ReportFile:
    """The annual assessment sheet for a year, else the attendance sheet of the period."""
    if scope.kind == ScopeKind.ANNUAL:
        if len(period) != 4:
            raise DomainError("report.bad_period", period=period)
        zone = ctx.now.tzinfo
        assert zone is not None, "the clock's moments carry the district's zone"
        return reporting.annual_file(
            ctx.uow, ctx.catalog, ctx.lang, int(period), as_of, zone, allowance=ctx.allowance
        )
    if len(period) == 4:
        raise DomainError("report.bad_period", period=period)
    return reporting.attendance_file(
        ctx.uow, ctx.catalog, ctx.lang, scope, period, as_of, ctx.allowance
    )


def pick(ctx: Context, data: ReportPick) -> None:
    """Send the sheet of the chosen scope (refused if not the presser's) and its chart;
    the annual sheet comes alone (its chart is the district's, one tap away)."""
    if data.scope == ScopeKind.REWARDS:
        _rewards(ctx, data)
        return
    scope = resolve(ctx.uow, ctx.me, data.scope, data.ref)
    as_of = as_of_for(data.period, ctx.now.date())
    sheet = _sheet(ctx, scope, data.period, as_of)
    # a running period stops at yesterday, where /status counts today: say so
    today = ctx.now.date()
    running = period_of(data.period).last >= today
    note = ctx.t("report.today_not_counted", today=today) if running else ""
    chat = ctx.event.chat_id
    ctx.response.messages.append(
        Outgoing(chat, sheet.caption + note, document=(sheet.filename, sheet.data))
    )
    if scope.kind != ScopeKind.ANNUAL:
        chart = reporting.chart_file(ctx.uow, ctx.catalog, ctx.lang, scope, as_of)
        ctx.response.messages.append(Outgoing(chat, chart.caption + note, photo=chart.data))
    ctx.toast("report.sending_toast")


def _rewards(ctx: Context, data: ReportPick) -> None:
    """The year's rewards list (Art. 30): the district's, or a unit leader's own unit."""
    check_scope(ctx.me, data.ref)
    if len(data.period) != 4:
        raise DomainError("report.bad_period", period=data.period)
    sheet = reporting.rewards_file(ctx.uow, ctx.catalog, ctx.lang, int(data.period), data.ref)
    chat = ctx.event.chat_id
    ctx.response.messages.append(
        Outgoing(chat, sheet.caption, document=(sheet.filename, sheet.data))
    )
    ctx.toast("report.sending_toast")
