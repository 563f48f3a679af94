"""The demo's sample district shows the assessment records (Art. 26-30): one 半年考核 of
张三 with a note on each item, a 民主测评 of 23 raters, and grades within the 20% cap on
优秀 whose rewards /report lists (区财政局: two 称职, 1000 yuan)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from bot import reporting
from bot.i18n import Catalog
from services.grades import summary
from services.sample_district import seed_sample_district, seed_sample_history


@pytest.mark.parametrize("today", [date(2026, 11, 30), date(2026, 3, 2)])
def test_the_sample_shows_a_half_year_assessment_a_rating_and_rewards(
    uow_factory, today: date
) -> None:
    with uow_factory() as uow:
        people = seed_sample_district(uow, posted_from=date(today.year, 1, 1))
        seed_sample_history(uow, people, today)
        uow.commit()
    with uow_factory() as uow:
        half, rating = uow.assessments.for_cadre(people["cadre"].id, today.year)
        assert half.kind == ("half_year" if today.month > 6 else "daily") and half.day < today
        assert all((half.on_post, half.visits, half.projects, half.work))
        assert (rating.kind, rating.count) == ("democratic_rating", 23)
        grades = summary(uow, today.year)
        assert grades.within_cap and (grades.competent, grades.ungraded) == (2, 1)
        file = reporting.rewards_file(uow, Catalog("zh"), "zh", today.year)
    rows = list(load_workbook(io.BytesIO(file.data)).worksheets[0].iter_rows(values_only=True))
    assert [(r[3], r[6]) for r in rows if r[3] in ("张三", "李四")] == [
        ("张三", 500),
        ("李四", 500),
    ]
    assert rows[-1][6] == 1000
