"""Report files in words: the sheets (XLSX) and charts (PNG) of ``services.reports`` with the
catalog's words, for the bot's /report and the ``cadrebot report|chart`` commands alike.

Sheets go to Chinese government offices, so their headers are Chinese whatever the
reader's language (``SHEET_LANGUAGE``); captions and charts are in the reader's language.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, tzinfo

from bot.i18n import Catalog
from domain.attendance import ONSITE_DAYS_ONLY, REQUIRED_ONSITE_DAYS_PER_YEAR, AllowanceRule
from services.reports import annual_sheet, attendance_sheet, charts, rewards_sheet
from services.reports.scope import Scope, ScopeKind, period_of
from storage.unit_of_work import UnitOfWork

SHEET_LANGUAGE = "zh"


@dataclass(frozen=True)
class ReportFile:
    filename: str
    data: bytes
    caption: str


#: The catalog tables a sheet's words are looked up in, in this order.
LABEL_SECTIONS = ("annual", "sheet", "term", "visits", "filings")


def sheet_label(catalog: Catalog, lang: str = SHEET_LANGUAGE) -> Callable[[str], str]:
    """The words of the sheets: column headers, totals, flags, roles, grades, sanctions."""

    def label(key: str) -> str:
        for full in (f"{section}.{key}" for section in LABEL_SECTIONS):
            if catalog.has(full):
                return html.unescape(str(catalog.text(lang, full)))
        return key

    return label


def _plain(catalog: Catalog, lang: str, key: str, **params: object) -> str:
    """Catalog text for a file name or a chart (no HTML there)."""
    return html.unescape(str(catalog.text(lang, key, **params)))


def scope_name(catalog: Catalog, lang: str, scope: Scope) -> str:
    if scope.kind in (ScopeKind.DISTRICT, ScopeKind.ANNUAL) or not scope.name:
        return _plain(catalog, lang, "report.district_name")
    return scope.name


def attendance_file(
    uow: UnitOfWork,
    catalog: Catalog,
    lang: str,
    scope: Scope,
    key: str,
    as_of: date,
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> ReportFile:
    """The attendance sheet of a township, a unit or the district for a month or quarter."""
    sheet = attendance_sheet.gather(
        uow,
        period_of(key),
        township_id=scope.ref if scope.kind == ScopeKind.TOWNSHIP else None,
        unit_id=scope.ref if scope.kind == ScopeKind.UNIT else None,
        as_of=as_of,
        allowance=allowance,
    )
    name = scope_name(catalog, SHEET_LANGUAGE, scope)
    return ReportFile(
        _plain(catalog, SHEET_LANGUAGE, "sheet.filename", name=name, label=key),
        attendance_sheet.to_xlsx(sheet, sheet_label(catalog)),
        catalog.text(
            lang,
            "report.sheet_caption",
            name=scope_name(catalog, lang, scope),
            period=key,
            as_of=sheet.as_of,
            cadres=len(sheet.rows),
        ),
    )


def annual_file(
    uow: UnitOfWork,
    catalog: Catalog,
    lang: str,
    year: int,
    as_of: date,
    zone: tzinfo,
    township: Scope | None = None,
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> ReportFile:
    """The annual assessment sheet of the district (or of one township)."""
    sheet = annual_sheet.gather_annual(
        uow,
        year,
        as_of=as_of,
        zone=zone,
        township_id=township.ref if township else None,
        allowance=allowance,
    )
    scope = township or Scope(ScopeKind.ANNUAL, 0, "")
    return ReportFile(
        _plain(
            catalog,
            SHEET_LANGUAGE,
            "annual.filename",
            name=scope_name(catalog, SHEET_LANGUAGE, scope),
            year=year,
        ),
        annual_sheet.to_xlsx(sheet, sheet_label(catalog)),
        catalog.text(
            lang,
            "report.annual_caption",
            name=scope_name(catalog, lang, scope),
            year=year,
            as_of=sheet.as_of,
            cadres=len(sheet.rows),
            excellent=sheet.grades.excellent,
            cap=sheet.grades.cap,
        ),
    )


def _texts(catalog: Catalog, lang: str, *, title: str, pace: int, average: bool) -> dict:
    suffix = "_average" if average else ""
    return {
        "title": title,
        "axis": _plain(catalog, lang, f"chart.axis{suffix}"),
        "on_pace": _plain(catalog, lang, f"chart.on_pace{suffix}"),
        "behind": _plain(catalog, lang, f"chart.behind{suffix}"),
        "expected": _plain(catalog, lang, f"chart.expected{suffix}"),
        "pace_line": _plain(catalog, lang, "chart.pace_line", pace=pace),
        "target_line": _plain(
            catalog, lang, "chart.target_line", target=REQUIRED_ONSITE_DAYS_PER_YEAR
        ),
        "empty": _plain(catalog, lang, "chart.empty"),
    }


def chart_file(
    uow: UnitOfWork, catalog: Catalog, lang: str, scope: Scope, as_of: date
) -> ReportFile:
    """On-site days this year against the pace: per cadre for a township or a unit, per
    township for the district."""
    name = scope_name(catalog, lang, scope)
    if scope.kind in (ScopeKind.TOWNSHIP, ScopeKind.UNIT):
        filters = {"township_id" if scope.kind == ScopeKind.TOWNSHIP else "unit_id": scope.ref}
        data = charts.cadre_chart_data(uow, as_of, **filters)
        title = _plain(catalog, lang, "chart.cadre_title", name=name, as_of=as_of)
        if data.total > len(data.bars):
            title += _plain(catalog, lang, "chart.cut", shown=len(data.bars), total=data.total)
        texts = charts.ChartTexts(
            **_texts(catalog, lang, title=title, pace=data.pace, average=False)
        )
        png = charts.render_cadre_chart(data, texts)
    else:
        district = charts.district_chart_data(uow, as_of)
        title = _plain(catalog, lang, "chart.district_title", as_of=as_of)
        texts = charts.ChartTexts(
            **_texts(catalog, lang, title=title, pace=district.pace, average=True)
        )
        png = charts.render_district_chart(district, texts)
    return ReportFile(
        f"chart_{as_of:%Y%m%d}.png",
        png,
        catalog.text(lang, "report.chart_caption", name=name, as_of=as_of),
    )


# -- work funds (Art. 20) -------------------------------------------------------------------


def funds_file(
    uow: UnitOfWork, catalog: Catalog, lang: str, year: int, township: Scope | None = None
) -> ReportFile:
    """The yearly statement of the work funds of the district (or of one township)."""
    from domain.work_funds import yuan_text
    from services.reports import funds_sheet

    statement = funds_sheet.gather(uow, year, township.ref if township else None)
    scope = township or Scope(ScopeKind.DISTRICT, 0, "")

    def label(key: str) -> str:
        return _plain(catalog, SHEET_LANGUAGE, f"work_funds.sheet_{key}")

    return ReportFile(
        _plain(
            catalog,
            SHEET_LANGUAGE,
            "work_funds.sheet_filename",
            name=scope_name(catalog, SHEET_LANGUAGE, scope),
            year=year,
        ),
        funds_sheet.to_xlsx(statement, label),
        catalog.text(
            lang,
            "work_funds.sheet_caption",
            name=scope_name(catalog, lang, scope),
            year=year,
            funds=len(statement.ledgers),
            allocated=yuan_text(statement.allocated_fen),
            spent=yuan_text(statement.spent_fen),
            balance=yuan_text(statement.balance_fen),
        ),
    )


# --- the rewards of Art. 30 (#15) ---


def rewards_file(
    uow: UnitOfWork, catalog: Catalog, lang: str, year: int, unit_id: int | None = None
) -> ReportFile:
    """The year's one-off rewards by unit (of one unit, with ``unit_id``)."""
    sheet = rewards_sheet.gather(uow, year, unit_id=unit_id)
    words = sheet_label(catalog)

    def label(key: str) -> str:
        full = f"rewards.{key}"
        return _plain(catalog, SHEET_LANGUAGE, full) if catalog.has(full) else words(key)

    name = sheet.unit or _plain(catalog, SHEET_LANGUAGE, "report.district_name")
    shown = sheet.unit or _plain(catalog, lang, "report.district_name")
    return ReportFile(
        _plain(catalog, SHEET_LANGUAGE, "rewards.filename", name=name, year=year),
        rewards_sheet.to_xlsx(sheet, label),
        catalog.text(
            lang,
            "rewards.caption",
            name=shown,
            year=year,
            cadres=len(sheet.rows),
            total=sheet.total,
            recalled=sum(r.recalled for r in sheet.rows),
        ),
    )
