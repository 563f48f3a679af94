"""The demo's example of issue 15's term and visits (Art. 6, 10.1), added to the sample
district's history: 王五's term ends 45 days after the demo's today, so the 60-day notice
is owed at once (the sweep catches it up), and a few of his recent diaries are tagged with
whom he visited, one kind still missing."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.posting_term import add_years
from domain.visits import VisitKind
from storage.ids import id_of
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

#: Whose term ends soon, and in how many days.
TERM_ENDING = "cadre3"
DAYS_LEFT = 45
#: His tagged diaries: days before today, and whom each visited (上访人员 never).
VISITED: tuple[tuple[int, tuple[VisitKind, ...]], ...] = (
    (1, (VisitKind.POOR_FAMILIES,)),
    (3, (VisitKind.PARTY_CADRES, VisitKind.VILLAGER_REPRESENTATIVES)),
    (6, (VisitKind.POOR_FAMILIES, VisitKind.ENTREPRENEURS)),
    (10, (VisitKind.PARTY_CADRES,)),
)
DIARY = "走访村里的{who}，了解生产生活情况，记录问题和诉求。"


def seed_term_example(
    uow: UnitOfWork, people: dict[str, Person], today: date, zone: ZoneInfo
) -> None:
    """Move 王五's posting start back so its two years end ``DAYS_LEFT`` days after
    ``today`` (before January 1 either way: this year's figures do not change), and write
    his tagged diaries (days before January 1 fall on today instead)."""
    person = people[TERM_ENDING]
    posting = uow.assignments.current(id_of(person), today)
    assert posting is not None, "the sample cadres are posted"
    posting.start = add_years(today + timedelta(days=DAYS_LEFT + 1), -2)
    names = {
        VisitKind.PARTY_CADRES: "党员干部",
        VisitKind.VILLAGER_REPRESENTATIVES: "村民代表",
        VisitKind.ENTREPRENEURS: "致富能手",
        VisitKind.POOR_FAMILIES: "贫困家庭",
    }
    for back, kinds in VISITED:
        day = max(today - timedelta(days=back), date(today.year, 1, 1))
        entry_id = uow.diaries.insert(
            person_id=id_of(person),
            day=day,
            written_at=datetime.combine(day, time(20, 30), zone),
            text=DIARY.format(who="、".join(names[k] for k in kinds)),
            photos=[],
        )
        for kind in kinds:
            uow.visits.tag(entry_id, kind.value)
