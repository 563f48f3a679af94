"""Chat numbers for DingTalk staff ids: stable, distinct, never a Telegram id, and given
in the caller's transaction (a rollback gives nothing away)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage.repositories.messenger import ACCOUNT_BASE
from storage.tables import Person

NOW = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def test_a_staff_id_keeps_its_number_and_the_number_leads_back(uow_factory) -> None:
    with uow_factory() as uow:
        first = uow.messenger_accounts.number_for("dingtalk", "manager4521", NOW)
        other = uow.messenger_accounts.number_for("dingtalk", "0123456789", NOW)
        uow.commit()
    with uow_factory() as uow:
        again = uow.messenger_accounts.number_for("dingtalk", "manager4521", NOW)
        assert uow.messenger_accounts.external_id("dingtalk", other) == "0123456789"
        assert uow.messenger_accounts.external_id("dingtalk", 5001) is None  # a Telegram id
        assert uow.messenger_accounts.external_id("dingtalk", other + 1000) is None
    assert again == first != other
    assert min(first, other) > ACCOUNT_BASE


def test_a_number_fits_a_bound_person(uow_factory) -> None:
    """The person's messenger id column takes the number (it is larger than 2**31)."""
    with uow_factory() as uow:
        number = uow.messenger_accounts.number_for("dingtalk", "staff-1", NOW)
        uow.people.add(Person(name="钉钉甲", phone="+8613900000777", role="cadre"))
        person = uow.people.by_phone("+8613900000777")
        person.telegram_user_id = number
        uow.commit()
    with uow_factory() as uow:
        bound = uow.people.by_telegram_id(number)
        assert bound is not None and bound.name == "钉钉甲"


def test_without_a_commit_no_number_is_kept(uow_factory) -> None:
    with uow_factory() as uow:
        uow.messenger_accounts.number_for("dingtalk", "staff-rolled-back", NOW)
    with uow_factory() as uow:
        number = uow.messenger_accounts.number_for("dingtalk", "staff-other", NOW)
        uow.commit()
    with uow_factory() as uow:
        assert uow.messenger_accounts.external_id("dingtalk", number) == "staff-other"
