"""Work funds (Art. 20) on SQLite and PostgreSQL: the district's allocation (once per
fund and year), the balance read model, a new year, a First Secretary transferred
mid-year, and a failure halfway leaving no half-written expense."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from domain.errors import DomainError
from domain.work_funds import Fund
from services import work_funds as service
from services.sample_district import seed_sample_district
from storage.tables import Assignment, FundAllocation, Person, Village
from storage.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
FS = Fund.FIRST_SECRETARY


@pytest.fixture
def district(uow_factory: Callable[[], UnitOfWork]) -> dict[str, int]:
    """The sample district posted from 1 January 2026; people's ids by sample key."""
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
        return {key: p.id for key, p in people.items()}


def _village(uow: UnitOfWork, name: str) -> Village:
    return next(v for v in uow.places.villages() if v.name == name)


def _spend(
    uow: UnitOfWork, person_id: int, yuan: int, day: date, fund: Fund = FS, now: datetime = NOW
) -> int:
    person = uow.people.get(person_id)
    assert person is not None
    _expense, balance = service.record_expense(
        uow,
        person,
        fund,
        day=day,
        amount_fen=yuan * 100,
        purpose="党员活动",
        receipt_file_id=None,
        now=now,
    )
    return balance


def test_the_allocation_gives_each_fund_10000_yuan_once(uow_factory, district) -> None:
    with uow_factory() as uow:
        made = service.allocate_year(uow, 2026, NOW)
        uow.commit()
        funds = sorted((_name(uow, a.village_id), a.fund, a.amount_fen) for a in made)
    assert set(funds) == {
        ("东店子村", "first_secretary", 1_000_000),
        ("广东坪村", "first_secretary", 1_000_000),
        ("西关社区", "team", 1_000_000),
    }
    with uow_factory() as uow:
        assert service.allocate_year(uow, 2026, NOW) == []  # a rerun adds nothing
        village = _village(uow, "东店子村")
        with pytest.raises(IntegrityError):  # one allocation per fund and year
            uow.funds.add(
                FundAllocation(
                    year=2026,
                    village_id=village.id,
                    fund="first_secretary",
                    amount_fen=1,
                    allocated_at=NOW,
                )
            )


def _name(uow: UnitOfWork, village_id: int) -> str:
    village = uow.places.village_by_id(village_id)
    assert village is not None
    return village.name


def test_the_balance_counts_this_years_expenses_only(uow_factory, district) -> None:
    cadre = district["cadre"]
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        assert _spend(uow, cadre, 1200, date(2026, 3, 5)) == 880_000
        assert _spend(uow, cadre, 800, date(2026, 11, 30)) == 800_000
        uow.commit()
    with uow_factory() as uow:
        village = _village(uow, "东店子村")
        assert uow.funds.balance_fen(2026, village.id, FS) == 800_000
        assert uow.funds.spent_fen(2026, village.id, FS) == 200_000
        assert [e.day for e in uow.funds.expenses(2026, village.id, FS)] == [
            date(2026, 3, 5),
            date(2026, 11, 30),
        ]
        # a new year is a new allocation: nothing of 2026 is carried or counted
        assert uow.funds.balance_fen(2027, village.id, FS) == 0
        service.allocate_year(uow, 2027, datetime(2027, 1, 4, 1, 0, tzinfo=UTC))
        assert uow.funds.balance_fen(2027, village.id, FS) == 1_000_000
        january = datetime(2027, 1, 5, 1, 0, tzinfo=UTC)
        assert _spend(uow, cadre, 100, date(2027, 1, 5), now=january) == 990_000
        assert uow.funds.balance_fen(2026, village.id, FS) == 800_000


def test_an_expense_over_the_balance_is_refused_with_the_balance(uow_factory, district) -> None:
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        _spend(uow, district["cadre"], 9000, date(2026, 6, 1))
        with pytest.raises(DomainError) as refused:
            _spend(uow, district["cadre"], 1001, date(2026, 6, 2))
        assert refused.value.key == "funds.over_balance"
        assert refused.value.params["balance"] == "1,000.00"
        assert _spend(uow, district["cadre"], 1000, date(2026, 6, 2)) == 0  # exactly the rest


def test_a_manual_amount_is_never_below_what_was_spent(uow_factory, district) -> None:
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        _spend(uow, district["cadre"], 3000, date(2026, 6, 1))
        village = _village(uow, "东店子村")
        with pytest.raises(DomainError) as refused:
            service.set_allocation(uow, 2026, village, FS, 200_000, NOW)
        assert refused.value.key == "work_funds.below_spent"
        service.set_allocation(uow, 2026, village, FS, 500_000, NOW)
        assert uow.funds.balance_fen(2026, village.id, FS) == 200_000
        assert len(uow.funds.allocations(2026)) == 3  # replaced, not added


def test_a_transfer_mid_year_leaves_the_balance_with_the_village(uow_factory, district) -> None:
    """张三 leaves 东店子村 on 30 June; 钱新 is its First Secretary from 1 July: he sees
    and spends the same fund, 张三 no longer can, and the statement names both."""
    old = district["cadre"]
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        june = datetime(2026, 6, 10, 1, 0, tzinfo=UTC)
        _spend(uow, old, 2500, date(2026, 6, 10), now=june)
        village = _village(uow, "东店子村")
        [posting] = uow.assignments.for_person(old)
        posting.end = date(2026, 6, 30)
        new = uow.people.add(Person(name="钱新", phone="+8613900000099", role="first_secretary"))
        uow.assignments.add(
            Assignment(
                person_id=new.id,
                village_id=village.id,
                unit_id=posting.unit_id,
                start=date(2026, 7, 1),
            )
        )
        uow.commit()
        new_id = new.id
    with uow_factory() as uow:
        assert _spend(uow, new_id, 500, date(2026, 11, 30)) == 700_000
        with pytest.raises(DomainError) as refused:
            _spend(uow, old, 10, date(2026, 11, 30))
        assert refused.value.key == "work_funds.not_posted"
        [ledger] = [x for x in uow.funds.statement(2026) if x.village == "东店子村"]
        assert ledger.holders == ["张三", "钱新"]
        assert (ledger.allocated_fen, ledger.spent_fen, ledger.balance_fen) == (
            1_000_000,
            300_000,
            700_000,
        )


def test_the_statement_of_one_township(uow_factory, district) -> None:
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        _spend(uow, district["cadre3"], 100, date(2026, 5, 1))
        township = uow.places.township("北宽坪镇")
        assert township is not None
        ledgers = uow.funds.statement(2026, township.id)
        assert [(x.village, x.fund, x.holders, x.spent_fen) for x in ledgers] == [
            ("广东坪村", "first_secretary", ["王五"], 10_000)
        ]
        whole = uow.funds.statement(2026)
        assert [(x.township, x.village, x.fund) for x in whole] == sorted(
            (x.township, x.village, x.fund) for x in whole
        )
        assert len(whole) == 3


def test_a_failure_halfway_leaves_no_half_written_expense(
    uow_factory, district, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The expense is flushed, then its audit entry fails: nothing of it stays."""
    with uow_factory() as uow:
        service.allocate_year(uow, 2026, NOW)
        uow.commit()
    with pytest.raises(RuntimeError), uow_factory() as uow:

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("the audit log is unreachable")

        monkeypatch.setattr(uow.audit, "record", broken)
        _spend(uow, district["cadre"], 100, date(2026, 11, 30))
        uow.commit()
    with uow_factory() as uow:
        village = _village(uow, "东店子村")
        assert uow.funds.expenses(2026, village.id, FS) == []
        assert uow.funds.balance_fen(2026, village.id, FS) == 1_000_000


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2027, 1, 1)])
def test_the_sample_district_shows_an_allocation_and_two_expenses(uow_factory, today) -> None:
    from services.sample_district import seed_sample_funds

    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(today.year, 1, 1))
        seed_sample_funds(uow, people, today)
        uow.commit()
    with uow_factory() as uow:
        village = _village(uow, "东店子村")
        spent = uow.funds.expenses(today.year, village.id, FS)
        assert [(e.amount_fen, e.receipt_file_id is not None) for e in spent] == [
            (128_050, True),
            (36_000, False),
        ]
        assert all(date(today.year, 1, 1) <= e.day <= today for e in spent)
        assert uow.funds.balance_fen(today.year, village.id, FS) == 1_000_000 - 164_050
        assert len(uow.funds.allocations(today.year)) == 3
