"""The context of one update: its unit of work, the person, the clock and the replies.

The person's dialog is loaded with the person and kept here while the update is handled;
``save_dialog`` writes it once at the end, and only if it changed. A command that ends one
dialog and opens another (``/diary text`` after a check-in) then costs one upsert instead
of a read, a DELETE, a read and an INSERT, and a person with no dialog costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, TypeVar

from bot.handlers.callbacks import CallbackData
from bot.handlers.dialogs import Dialog, DialogAt, Step
from bot.handlers.events import Button, Incoming, KeyButton, Outgoing, Response
from bot.i18n import Catalog
from domain.attendance import AllowanceRule
from services.notices import Notice
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

T = TypeVar("T")


class Stored(Protocol):
    """A table row: SQLModel types its id ``int | None`` for a row not inserted yet."""

    id: int | None


def stored_id(row: Stored) -> int:
    """The id of a row read from the database (never None once stored)."""
    assert row.id is not None, f"{type(row).__name__} read from the database has no id"
    return row.id


def known(row: T | None) -> T:
    """A row this update's own data refers to (a foreign key, an id the service just
    returned): there, unless the database broke its own constraints."""
    assert row is not None, "a row the update refers to is missing"
    return row


@dataclass
class Context:
    uow: UnitOfWork
    event: Incoming
    person: Person | None
    now: datetime
    lang: str
    catalog: Catalog
    response: Response = field(default_factory=Response)
    notices: list[Notice] = field(default_factory=list)
    #: The person's dialog as it stands now in this update (None: no dialog open).
    open_dialog: DialogAt | None = None
    #: The district's allowance rule (``CADREBOT_DUTY_DAYS_EARN_ALLOWANCE``) for the sheets.
    allowance: AllowanceRule = field(default_factory=AllowanceRule)
    #: The dialog as stored when the update began, to tell whether it needs writing.
    stored_dialog: DialogAt | None = field(init=False)

    def __post_init__(self) -> None:
        self.stored_dialog = self.open_dialog

    @property
    def sent_at(self) -> datetime:
        """When the person sent this update's message, in the district's zone: the moment
        evidence (a check-in, a spot check's answer) counts at, however late the bot
        handles it (after an outage across midnight 23:50 still counts for its own day).
        Never later than now: a phone's clock does not date Telegram's messages, but a
        redelivered update must not count in the future either."""
        sent = self.event.sent_at
        if sent is None:
            return self.now
        return min(sent.astimezone(self.now.tzinfo), self.now)

    @property
    def me(self) -> Person:
        assert self.person is not None
        return self.person

    def t(self, key: str, **params: Any) -> str:
        return self.catalog.text(self.lang, key, **params)

    def button(self, key: str, data: CallbackData, **params: Any) -> Button:
        return Button(self.t(key, **params), data.pack())

    def say(
        self,
        key: str,
        *,
        buttons: list[list[Button]] | None = None,
        keyboard: list[list[KeyButton]] | None = None,
        remove_keyboard: bool = False,
        **params: Any,
    ) -> Outgoing:
        message = Outgoing(
            self.event.chat_id,
            self.t(key, **params),
            buttons=buttons,
            keyboard=keyboard,
            remove_keyboard=remove_keyboard,
        )
        self.response.messages.append(message)
        return message

    def say_text(self, text: str, buttons: list[list[Button]] | None = None) -> Outgoing:
        """Send text already built from catalog messages (escaped values inside)."""
        message = Outgoing(self.event.chat_id, text, buttons=buttons)
        self.response.messages.append(message)
        return message

    def photos(self, file_ids: list[str]) -> Outgoing:
        """Send photos Telegram holds (file ids) back to this chat as one album."""
        message = Outgoing(self.event.chat_id, "", photo_ids=list(file_ids))
        self.response.messages.append(message)
        return message

    def edit(self, text: str, buttons: list[list[Button]] | None = None) -> None:
        """Replace the message whose button was pressed (drops its buttons by default)."""
        if self.event.message_id is not None:
            self.response.messages.append(
                Outgoing(
                    self.event.chat_id, text, buttons=buttons, edit_message_id=self.event.message_id
                )
            )

    def toast(self, key: str, *, alert: bool = False, **params: Any) -> None:
        self.response.answer = self.t(key, **params)
        self.response.alert = alert

    def dialog(self, name: Dialog, step: Step, **data: Any) -> None:
        """Open or move the person's dialog (stored by ``save_dialog``)."""
        assert self.person is not None, "only a bound person has a dialog"
        self.open_dialog = DialogAt(name, step, data)

    def at(self, dialog: Dialog, *steps: Step) -> DialogAt | None:
        """The open dialog if it is ``dialog`` at one of ``steps`` (any step when none are
        given); None otherwise: a button of another step, or of no open dialog, is stale."""
        state = self.open_dialog
        return state if state is not None and state.at(dialog, *steps) else None

    def end_dialog(self) -> bool:
        """End the person's dialog; False when none was open."""
        was_open = self.open_dialog is not None
        self.open_dialog = None
        return was_open

    def save_dialog(self) -> None:
        """Store the dialog as this update left it, in at most one statement, before the
        transaction commits (a refused update rolls back and stores nothing, as before)."""
        if self.person is None or self.open_dialog == self.stored_dialog:
            return
        if self.open_dialog is None:
            self.uow.dialogs.clear(stored_id(self.person))
        else:
            state = self.open_dialog
            self.uow.dialogs.put(
                stored_id(self.person), state.dialog.value, state.step.value, state.data, self.now
            )
        self.stored_dialog = self.open_dialog
