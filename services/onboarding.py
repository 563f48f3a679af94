"""Binding a Telegram account to a person on the roster by their shared phone number."""

from __future__ import annotations

from datetime import datetime

from domain.errors import DomainError, InvalidPhone
from domain.phone import masked, normalise_phone
from domain.roles import CADRE_ROLES
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork


def bind_contact(
    uow: UnitOfWork,
    *,
    sender_id: int,
    contact_user_id: int | None,
    phone: str,
    language: str | None,
    now: datetime,
) -> Person:
    """Bind the sender's account to the roster entry with this phone.

    Only the sender's own contact proves the phone is theirs: Telegram sets the contact's
    user id to the sender's when they tap "share my contact"."""
    if contact_user_id != sender_id:
        raise DomainError("onboarding.not_own_contact")
    try:
        normalised = normalise_phone(phone)
    except InvalidPhone:
        raise DomainError("onboarding.not_on_roster") from None
    person = uow.people.by_phone(normalised)
    if person is None or not person.active:
        raise DomainError("onboarding.not_on_roster")
    if person.telegram_user_id not in (None, sender_id):
        # A new phone or account: the roster's phone wins, the old binding is replaced.
        uow.audit.record(now, person.id, "rebind", f"person:{person.id}")
    other = uow.people.by_telegram_id(sender_id)
    if other is not None and other.id != person.id:
        other.telegram_user_id = None
        uow.flush()
    person.telegram_user_id = sender_id
    person.blocked_bot = False
    if language:
        person.language = language
    uow.audit.record(now, person.id, "bind", f"person:{person.id}", phone=masked(normalised))
    uow.flush()
    return person


def release_held_reminders(uow: UnitOfWork, person: Person, now: datetime) -> int:
    """Late binding catches up: the reminders that came due while the person had no
    account bound were held (closed as unbound), and those still within their period go
    back to the outbox now. An approver's reminders about the leave steps they hold stay
    closed, as the welcome lists each step waiting for them with its buttons. Returns
    how many will go."""
    reopened = uow.reminders.reopen_held_for_binding(
        id_of(person), now, skip_open_steps=person.role not in CADRE_ROLES
    )
    uow.flush()
    return reopened


def choose_language(
    uow: UnitOfWork, person: Person, language: str, offered: tuple[str, ...], now: datetime
) -> None:
    """Keep the person's language (``/lang``): it wins over their Telegram client's from
    then on, for replies and for the scheduler's reminders alike."""
    if language not in offered:
        raise DomainError("lang.unknown", languages=" / ".join(offered))
    person.language = language
    uow.audit.record(now, person.id, "language", f"person:{person.id}", language=language)
    uow.flush()
