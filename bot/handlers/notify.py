"""Turn services' notices into messages in each recipient's language, with buttons."""

from __future__ import annotations

import html
from collections.abc import Iterable

from bot.handlers.callbacks import CallbackData, ClaimVote, LeaveComment, LeaveDelegate, LeaveVote
from bot.handlers.events import Button, Outgoing
from bot.i18n import Catalog, Markup, Term
from services.notices import Action, Attachment, Notice, Replaces
from storage.leave_cards import DeliveredCard
from storage.unit_of_work import UnitOfWork

#: Values shown as the regulation's terms; ``mark`` and ``joined`` are the leave cards'
#: flags (补假, part of a longer absence), empty when they do not apply.
_TERMS = ("role", "tier", "kind", "status", "scope", "mark", "joined", "decision")
#: List values shown as text: each item through its line message, the lines joined by the
#: separator message, the whole through the wrapping message ("" when the list is empty).
#: ``opinions`` are the earlier holders' 填注意见 on a card, ``next`` who holds it now.
_LISTS = {
    "opinions": ("leave.opinion_line", "leave.opinion_sep", "leave.opinions"),
    "next": ("leave.next_item", "leave.next_sep", "leave.next"),
}


def _callback(action: Action) -> tuple[str, CallbackData]:
    verb, ref = action.verb, action.ref
    table: dict[str, tuple[str, CallbackData]] = {
        "leave:approve": ("button.approve", LeaveVote(ref, True)),
        "leave:reject": ("button.reject", LeaveVote(ref, False)),
        "leave:agree": ("button.agree", LeaveVote(ref, True)),
        "leave:disagree": ("button.disagree", LeaveVote(ref, False)),
        "leave:apply": ("button.apply", LeaveVote(ref, True)),
        "leave:decline": ("button.decline", LeaveVote(ref, False)),
        "leave:comment": ("button.comment", LeaveComment(ref)),
        "leave:delegate": ("button.delegate", LeaveDelegate(ref, 0)),
        "claim:approve": ("button.approve", ClaimVote(ref, True)),
        "claim:reject": ("button.reject", ClaimVote(ref, False)),
    }
    return table[verb]


def params_for_display(params: dict) -> dict:
    return {k: Term(v) if k in _TERMS and isinstance(v, str) else v for k, v in params.items()}


def _item(catalog: Catalog, lang: str, item: dict) -> dict:
    """One list item's values; its ``comment`` (an opinion), when given, in brackets."""
    shown = params_for_display(item)
    if item.get("comment"):
        shown["comment"] = catalog.text(lang, "leave.history_comment", comment=item["comment"])
    return shown


def display(catalog: Catalog, lang: str, params: dict) -> dict:
    """``params_for_display``, with the list values (``_LISTS``) written out as text."""
    shown = params_for_display(params)
    for name, (line, sep, wrap) in _LISTS.items():
        items = params.get(name)
        if not isinstance(items, list):
            continue
        lines = [catalog.text(lang, line, **_item(catalog, lang, item)) for item in items]
        joined = Markup(catalog.text(lang, sep).join(lines))
        shown[name] = Markup(catalog.text(lang, wrap, lines=joined)) if lines else ""
    return shown


def decision_buttons(catalog: Catalog, lang: str, actions: Iterable[Action]) -> list[list[Button]]:
    buttons = [
        Button(catalog.text(lang, key), data.pack()) for key, data in map(_callback, actions)
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)] if buttons else []


def render_notices(uow: UnitOfWork, catalog: Catalog, notices: list[Notice]) -> list[Outgoing]:
    """One message per notice to a bound person; unbound people see the work in /status."""
    people = uow.people.by_ids(n.person_id for n in notices)
    messages = []
    for notice in notices:
        person = people.get(notice.person_id)
        if person is None or person.telegram_user_id is None:
            continue
        lang = catalog.language_for(person.language, None)
        text = catalog.text(lang, notice.key, **display(catalog, lang, notice.params))
        if notice.replaces is not None:
            messages.append(retired_card(notice.replaces, text))
            continue
        if notice.attachment is not None:
            messages += with_attachment(person.telegram_user_id, text, notice.attachment)
            continue
        buttons = decision_buttons(catalog, lang, notice.actions) or None
        card = notice.card if buttons else None
        messages.append(Outgoing(person.telegram_user_id, text, buttons=buttons, card=card))
    return messages


#: Telegram's longest message (characters after parsing; HTML-escaped text is longer,
#: so measuring it errs on the safe side).
MESSAGE_MAX_CHARS = 4096


def with_attachment(chat_id: int, text: str, attachment: Attachment) -> list[Outgoing]:
    """A notice with what it carries: a document by its file id after the text; a text
    under the notice when both fit one message, else as a .txt document after it."""
    messages = [Outgoing(chat_id, text)]
    if attachment.file_id is not None:
        messages.append(Outgoing(chat_id, "", document_id=attachment.file_id))
    elif attachment.text:
        body = html.escape(attachment.text, quote=False)
        if len(text) + 2 + len(body) <= MESSAGE_MAX_CHARS:
            messages[0] = Outgoing(chat_id, f"{text}\n\n{body}")
        else:
            name = attachment.name or "report.txt"
            data = attachment.text.encode("utf-8")
            messages.append(Outgoing(chat_id, "", document=(name, data)))
    return messages


def retired_card(card: Replaces, line: str) -> Outgoing:
    """The edit of a delivered card whose buttons no longer apply: its text as sent with
    a line saying what happened, and no buttons."""
    return Outgoing(card.chat_id, f"{card.text}\n\n{line}", edit_message_id=card.message_id)


def delivered_card(message: Outgoing, message_id: int | None) -> DeliveredCard | None:
    """The leave card a delivered message is, to be recorded with its message id (None
    when it is no card: no buttons, or not about a leave request)."""
    card = message.card
    if card is None or message_id is None or not message.buttons:
        return None
    return DeliveredCard(
        card.request_id, card.step_id, card.kind, message.chat_id, message_id, message.text
    )
