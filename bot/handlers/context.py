"""The context of one update: its unit of work, the person, the clock and the replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.handlers.callbacks import CallbackData
from bot.handlers.events import Button, Incoming, KeyButton, Outgoing, Response
from bot.i18n import Catalog
from services.notices import Notice
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


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

    def say_text(self, text: str) -> Outgoing:
        """Send text already built from catalog messages (escaped values inside)."""
        message = Outgoing(self.event.chat_id, text)
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

    def dialog(self, name: str, step: str, **data: Any) -> None:
        self.uow.dialogs.put(self.me.id, name, step, data, self.now)

    def end_dialog(self) -> bool:
        return self.uow.dialogs.clear(self.me.id)
