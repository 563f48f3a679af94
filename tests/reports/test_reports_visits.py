"""The annual sheet's 五必访 columns (Art. 10.1), opened with openpyxl: per cadre, the
year's diary entries tagged with each kind (an entry with two kinds counts in both; an
entry of another year, or another cadre's, does not), and their totals."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.i18n import Catalog
from bot.reporting import sheet_label
from services.reports.annual_sheet import COLUMNS, VISIT_COLUMNS, gather_annual, to_xlsx
from storage.tables import Person
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")


def diary(uow: UnitOfWork, person: Person, day: date, *kinds: str) -> None:
    entry_id = uow.diaries.insert(
        person_id=person.id,
        day=day,
        written_at=datetime.combine(day, time(20), ZONE),
        text="走访",
        photos=[],
    )
    for kind in kinds:
        uow.visits.tag(entry_id, kind)


def test_the_visit_columns_count_the_year_per_kind(
    uow_factory: Callable[[], UnitOfWork], people: dict[str, Person]
) -> None:
    zhang, li = people["cadre"], people["cadre2"]
    with uow_factory() as uow:
        diary(uow, zhang, date(2026, 3, 2), "poor_families", "party_cadres")
        diary(uow, zhang, date(2026, 7, 9), "poor_families")
        diary(uow, zhang, date(2026, 8, 1))  # untagged: counts in no kind
        diary(uow, zhang, date(2025, 12, 30), "petitioners")  # last year's
        diary(uow, li, date(2026, 5, 5), "petitioners", "entrepreneurs")
        diary(uow, li, date(2026, 12, 31), "villager_representatives")  # after the as-of day
        uow.commit()
    with uow_factory() as uow:
        sheet = gather_annual(uow, 2026, as_of=date(2026, 11, 30), zone=ZONE)
        data = to_xlsx(sheet, sheet_label(Catalog()))
    cadres = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [c.value for c in cadres[1]]
    assert [header[COLUMNS.index(k)] for k in VISIT_COLUMNS] == [
        "五必访·党员干部(篇)",
        "五必访·村(居)民代表(篇)",
        "五必访·致富能手(篇)",
        "五必访·贫困家庭(篇)",
        "五必访·上访人员(篇)",
    ]
    # the group sits with the diaries' columns
    first = COLUMNS.index(VISIT_COLUMNS[0])
    assert COLUMNS[first - 1] == "diaries_month_signed"
    rows = {
        r[0]: dict(zip(COLUMNS, r, strict=True))
        for r in cadres.iter_rows(min_row=2, values_only=True)
    }

    def visits(name: str) -> list[int]:
        return [rows[name][k] for k in VISIT_COLUMNS]

    assert visits("张三") == [1, 0, 0, 2, 0]
    assert visits("李四") == [0, 0, 1, 0, 1]
    assert visits("王五") == [0, 0, 0, 0, 0]
    assert visits("合计") == [1, 0, 1, 2, 1]
