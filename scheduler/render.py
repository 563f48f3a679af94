"""An outbox payload in the recipient's language: text, buttons and an attached sheet.

Payload parts (``scheduler.payload.Payload``; all optional but ``key``):

- ``key`` / ``params``: the catalog message and its values (``role``, ``kind``... are shown
  as the regulation's terms, as ``bot.handlers.notify`` does);
- ``lines``: lists rendered one catalog line per item (``alert_key`` for items marked
  ``alert``), joined into the parameter ``param``, with "… and N more" past the cap; an
  item's ``marks`` (named by the spec's ``marks``) is a string of the weekly grid's
  letters (``domain.township_attendance.GRID_MARKS``), each shown as its catalog symbol
  (``grid.mark_<letter>``);
- ``parts``: further paragraphs, each a catalog message;
- ``actions``: buttons, ``{"verb", "ref"}`` (leave and claim decisions, the review, the
  township's corrections, the weekly grid's exceptions and confirmation);
- ``document``: an attendance sheet to attach (``services.reports.attendance_sheet``).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from bot.handlers.callbacks import AttendanceReview, CallbackData, FixStart, WeekConfirm
from bot.handlers.events import Button, Outgoing
from bot.handlers.notify import decision_buttons, display, params_for_display
from bot.i18n import Catalog, Markup
from domain.attendance import ONSITE_DAYS_ONLY, AllowanceRule
from domain.diary import week_of
from scheduler.payload import ActionRef, Lines, Payload
from services.notices import Action, CardRef
from services.reports.attendance_sheet import build_from_spec
from storage.unit_of_work import UnitOfWork

#: Sheets are reported to Chinese government offices: headers in Chinese.
SHEET_LANGUAGE = "zh"


def _marks(catalog: Catalog, lang: str, letters: str) -> Markup:
    return Markup("".join(catalog.text(lang, f"grid.mark_{letter}") for letter in letters))


def _lines(catalog: Catalog, lang: str, spec: Lines) -> str:
    marks = spec.marks
    items = [
        catalog.text(
            lang,
            spec.alert_key if item.get("alert") and spec.alert_key else spec.key,
            **params_for_display(
                {**item, marks: _marks(catalog, lang, item[marks])} if marks else item
            ),
        )
        for item in spec.items
    ]
    if spec.more:
        items.append(catalog.text(lang, "reminder.more", count=spec.more))
    if not items:
        return catalog.text(lang, spec.empty or "reminder.none")
    return Markup("\n".join(items))


#: Buttons of a period (a month, a week), one row each: verb → (label key, callback data).
_PERIOD_BUTTONS: dict[str, tuple[str, Callable[[str], CallbackData]]] = {
    "attendance:review": ("review.button", AttendanceReview),
    "attendance:correct": ("township.button_correct", FixStart),
    "attendance:grid_fix": ("township.button_exception", FixStart),
    "attendance:week_confirm": ("township.button_confirm_week", WeekConfirm),
}


def _buttons(catalog: Catalog, lang: str, actions: list[ActionRef]) -> list[list[Button]]:
    rows: list[list[Button]] = []
    decisions = []
    for action in actions:
        period_button = _PERIOD_BUTTONS.get(action.verb)
        if period_button is not None:
            key, make = period_button
            rows.append([Button(catalog.text(lang, key), make(str(action.ref)).pack())])
        else:
            decisions.append(Action(action.verb, int(action.ref)))
    return decision_buttons(catalog, lang, decisions) + rows


def _weeks_by_dates(params: dict[str, Any]) -> dict[str, Any]:
    """A payload's ``week`` (the ISO week key it is stored as) shown by its dates."""
    if isinstance(params.get("week"), str):
        return {**params, "week": week_of(params["week"])}
    return params


def render_text(
    catalog: Catalog, lang: str, payload: dict[str, Any] | Payload
) -> tuple[str, list[list[Button]]]:
    """The message text (HTML) and its inline buttons (of a stored payload, or one built)."""
    if not isinstance(payload, Payload):
        payload = Payload.from_json(payload)
    params = display(catalog, lang, _weeks_by_dates(dict(payload.params)))
    for spec in payload.lines or []:
        params[spec.param] = _lines(catalog, lang, spec)
    text = catalog.text(lang, payload.key, **params)
    for part in payload.parts or []:
        text += "\n\n" + catalog.text(lang, part.key, **params_for_display(part.params))
    return Markup(text), _buttons(catalog, lang, payload.actions or [])


def sheet_label(catalog: Catalog) -> Callable[[str], str]:
    """The words of the attendance sheet: column headers, totals, flags, role names."""

    def label(key: str) -> str:
        for full in (f"sheet.{key}", f"term.{key}"):
            if catalog.has(full):
                return str(catalog.text(SHEET_LANGUAGE, full))
        return key

    return label


def document_for(
    uow: UnitOfWork,
    catalog: Catalog,
    lang: str,
    spec: dict[str, Any],
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> tuple[str, bytes]:
    """The file name and XLSX bytes of a payload's ``document``, built when it is sent
    (the records as they are then, the allowance as the district pays it)."""
    name = html.unescape(
        catalog.text(lang, "sheet.filename", name=spec["name"], label=spec["label"])
    )
    return name, build_from_spec(uow, spec, sheet_label(catalog), allowance)


def render(
    uow: UnitOfWork,
    catalog: Catalog,
    lang: str,
    chat_id: int,
    payload: dict[str, Any],
    allowance: AllowanceRule = ONSITE_DAYS_ONLY,
) -> Outgoing:
    """The whole message for one outbox row, ready for ``Delivery``."""
    typed = Payload.from_json(payload)
    text, buttons = render_text(catalog, lang, typed)
    document, card = typed.document, typed.card
    return Outgoing(
        chat_id,
        text,
        buttons=buttons or None,
        card=CardRef(card.request, "step", card.step) if card else None,
        document=document_for(uow, catalog, lang, document, allowance) if document else None,
    )
