"""Diary signatures on both databases (Art. 12): who verifies a village's weeks when it
has no secretary, a month refused until its weeks are verified (with why), and who may
open an entry whole. The sample district: 东店子村 has a village secretary (赵村支书),
西关社区 none (城关街道's leader 钱分管 stands in), 广东坪村 none and 北宽坪镇 no leader
(its secretary 周书记 verifies the weeks and confirms the month)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.diary import Gap
from domain.errors import DomainError
from domain.roles import Role
from services import diary
from services.sample_district import seed_sample_district
from storage.tables import Person

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # Monday of 2026-W49
FRIDAY_BEFORE = NOW - timedelta(days=3)  # 2026-11-27, in 2026-W48


@pytest.fixture
def ids(uow_factory) -> dict[str, int]:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(2026, 1, 1))
        uow.commit()
        return {key: person.id for key, person in people.items()}


def write(uow_factory, key: str, ids: dict[str, int], when: datetime, text: str = "走访") -> int:
    with uow_factory() as uow:
        entry_id = diary.write_entry(uow, uow.people.get(ids[key]), text=text, photos=[], now=when)
        uow.commit()
        return entry_id


def batches(uow_factory, key: str, ids: dict[str, int]) -> list[tuple[str, str, str]]:
    with uow_factory() as uow:
        found = diary.awaiting_signature(uow, uow.people.get(ids[key]), NOW.date())
        return [(b.cadre.name, b.scope, b.period) for b in found]


def bind(uow_factory, key: str, ids: dict[str, int], user_id: int) -> None:
    with uow_factory() as uow:
        uow.people.get(ids[key]).telegram_user_id = user_id
        uow.commit()


def test_each_village_has_its_weekly_signer(uow_factory, ids) -> None:
    for key in ("cadre", "cadre2", "cadre3"):
        write(uow_factory, key, ids, NOW)
    assert batches(uow_factory, "village_secretary", ids) == [("张三", "week", "2026-W49")]
    # 西关社区 has no village secretary: the township leader in charge verifies its weeks
    assert batches(uow_factory, "township_leader", ids) == [("李四", "week", "2026-W49")]
    assert batches(uow_factory, "township_secretary", ids) == [
        ("张三", "month", "2026-11"),
        ("李四", "month", "2026-11"),
    ]
    # 北宽坪镇 has no leader either: its secretary verifies the week and confirms the month
    assert batches(uow_factory, "township_secretary_b", ids) == [
        ("王五", "week", "2026-W49"),
        ("王五", "month", "2026-11"),
    ]
    with uow_factory() as uow:
        leader = uow.people.get(ids["township_leader"])
        signoff = diary.sign(
            uow, leader, cadre_id=ids["cadre2"], scope="week", period="2026-W49", now=NOW
        )
        uow.commit()
        assert signoff.signer_id == ids["township_leader"]
    assert batches(uow_factory, "township_leader", ids) == []
    # nobody else may sign that week, nor another village's
    with uow_factory() as uow, pytest.raises(DomainError, match="diary.nothing_to_sign"):
        diary.sign(
            uow,
            uow.people.get(ids["township_leader"]),
            cadre_id=ids["cadre"],
            scope="week",
            period="2026-W49",
            now=NOW,
        )


def test_a_secretary_added_to_the_roster_takes_the_village_back(uow_factory, ids) -> None:
    write(uow_factory, "cadre2", ids, NOW)
    with uow_factory() as uow:
        xiguan = uow.people.get(ids["cadre2"]).village_id
        township = uow.people.get(ids["cadre2"]).township_id
        uow.people.add(
            Person(
                name="西关支书",
                phone="+8613900000012",
                role=Role.VILLAGE_SECRETARY,
                township_id=township,
                village_id=xiguan,
            )
        )
        uow.commit()
    assert batches(uow_factory, "township_leader", ids) == []
    with uow_factory() as uow:
        new = uow.people.by_phone("+8613900000012")
        found = diary.awaiting_signature(uow, new, NOW.date())
        assert [(b.cadre.name, b.scope) for b in found] == [("李四", "week")]


def test_the_month_waits_for_every_week_and_says_why(uow_factory, ids) -> None:
    """Entries of 2026-W48 and 2026-W49 in November: the month is refused while either
    week is unverified, each gap naming its week, count and reason."""
    write(uow_factory, "cadre", ids, FRIDAY_BEFORE)
    write(uow_factory, "cadre", ids, NOW)
    write(uow_factory, "cadre", ids, NOW, "第二篇")

    def month_gaps() -> list[tuple[str, int, Gap, tuple[str, ...]]]:
        with uow_factory() as uow:
            secretary = uow.people.get(ids["township_secretary"])
            found = diary.awaiting_signature(uow, secretary, NOW.date())
            [batch] = [b for b in found if b.scope == "month"]
            return [(g.week, g.entries, g.reason, g.signers) for g in batch.gaps]

    def confirm() -> None:
        with uow_factory() as uow:
            secretary = uow.people.get(ids["township_secretary"])
            diary.sign(
                uow, secretary, cadre_id=ids["cadre"], scope="month", period="2026-11", now=NOW
            )
            uow.commit()

    assert month_gaps() == [
        ("2026-W48", 1, Gap.NOT_BOUND, ("赵村支书",)),
        ("2026-W49", 2, Gap.NOT_BOUND, ("赵村支书",)),
    ]
    bind(uow_factory, "village_secretary", ids, 7001)
    assert [gap[2] for gap in month_gaps()] == [Gap.NOT_SIGNED, Gap.NOT_SIGNED]
    with uow_factory() as uow:
        signer = uow.people.get(ids["village_secretary"])
        diary.sign(uow, signer, cadre_id=ids["cadre"], scope="week", period="2026-W48", now=NOW)
        uow.commit()
    assert month_gaps() == [("2026-W49", 2, Gap.NOT_SIGNED, ("赵村支书",))]
    with pytest.raises(DomainError, match="diary.month_unverified") as refused:
        confirm()
    assert refused.value.params == {"name": "张三", "month": "2026-11", "weeks": 1}
    with uow_factory() as uow:
        assert all(e.month_signoff_id is None for e in uow.diaries.between(ids["cadre"], *NOV))
        signer = uow.people.get(ids["village_secretary"])
        diary.sign(uow, signer, cadre_id=ids["cadre"], scope="week", period="2026-W49", now=NOW)
        uow.commit()
    assert month_gaps() == []
    confirm()
    with uow_factory() as uow:
        entries = uow.diaries.between(ids["cadre"], *NOV)
        assert len(entries) == 3 and all(e.month_signoff_id for e in entries)


NOV = (date(2026, 11, 1), date(2026, 11, 30))


def test_a_village_nobody_can_verify(uow_factory, ids) -> None:
    """广东坪村 with nobody at all to verify its weeks (周书记 off the roster): no week
    goes to anyone (and no month is shown: there is no township secretary to confirm)."""
    write(uow_factory, "cadre3", ids, NOW)
    with uow_factory() as uow:
        uow.people.get(ids["township_secretary_b"]).active = False
        uow.commit()
    with uow_factory() as uow:
        village = uow.places.village_by_id(uow.people.get(ids["cadre3"]).village_id)
        signers = diary.week_signers(uow, village)
        assert (signers.role, signers.people) == (None, ())
    for key in ("village_secretary", "township_leader", "township_secretary"):
        assert batches(uow_factory, key, ids) == []


def test_who_may_open_an_entry_whole(uow_factory, ids) -> None:
    own = write(uow_factory, "cadre", ids, NOW)
    other = write(uow_factory, "cadre2", ids, NOW)
    allowed = {
        "cadre": {own},
        "cadre2": {other},
        "village_secretary": {own},
        "township_leader": {other},
        "township_secretary": {own, other},
        "township_secretary_b": set(),
        "org_dept": set(),
    }
    with uow_factory() as uow:
        for key, readable in allowed.items():
            reader = uow.people.get(ids[key])
            for entry_id in (own, other):
                if entry_id in readable:
                    entry, cadre = diary.entry_to_read(
                        uow, reader, entry_id=entry_id, today=NOW.date()
                    )
                    assert (entry.id, cadre.id) == (entry_id, entry.person_id)
                else:
                    with pytest.raises(DomainError, match="error.not_yours"):
                        diary.entry_to_read(uow, reader, entry_id=entry_id, today=NOW.date())
        with pytest.raises(DomainError, match="error.not_yours"):
            diary.entry_to_read(uow, reader, entry_id=own + other + 100, today=NOW.date())
