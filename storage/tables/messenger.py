"""Accounts on messengers whose ids are not numbers (DingTalk's staff ids).

The conversations know a person and a chat by one integer (Telegram's user id, kept in
``Person.telegram_user_id``). A DingTalk member is a string (``senderStaffId``); the
runtime gives each one a stable number here, so the handlers, the inbox, the outbox and
every sheet stay as they are, and a reply's chat number is turned back into the staff id
to send to.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class MessengerAccount(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("messenger", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    messenger: str = Field(max_length=16)  # dingtalk
    external_id: str = Field(max_length=128)  # the staff id (userid) in the organisation
    created_at: datetime
