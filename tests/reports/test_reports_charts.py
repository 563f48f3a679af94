"""Charts of on-site days against the pace: the figures drawn, and Chinese names rendered
with real glyphs (a font without them would draw empty boxes)."""

from __future__ import annotations

import io
import struct
import warnings
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.ft2font import FT2Font

from bot.i18n import Catalog
from bot.reporting import _plain, _texts, chart_file
from domain.pace import onsite_pace
from services.reports import charts
from services.reports.fonts import cjk_family, cjk_font_path
from services.reports.scope import Scope, ScopeKind
from storage.tables import Assignment, CheckIn, Person
from storage.unit_of_work import UnitOfWork

ZONE = ZoneInfo("Asia/Shanghai")
AS_OF = date(2026, 11, 29)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def onsite(uow_factory: Callable[[], UnitOfWork], person: Person, days: list[date]) -> None:
    with uow_factory() as uow:
        for day in days:
            at = datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)
            uow.checkins.add(CheckIn(person_id=person.id, day=day, at=at, on_site=True))
        uow.commit()


def test_cadre_chart_data_against_the_pace(
    uow_factory: Callable[[], UnitOfWork], people: dict[str, Person]
) -> None:
    first = date(2026, 1, 1)
    onsite(uow_factory, people["cadre"], [first + timedelta(days=i) for i in range(250)])
    onsite(uow_factory, people["cadre2"], [first + timedelta(days=i) for i in range(100)])
    onsite(uow_factory, people["cadre"], [date(2026, 11, 30)])  # after the day asked
    with uow_factory() as uow:
        township = uow.places.township("城关街道")
        # 李四 moved in on July 1: the pace counts from then
        uow.session.get(Assignment, 2).start = date(2026, 7, 1)
        uow.commit()
    with uow_factory() as uow:
        data = charts.cadre_chart_data(uow, AS_OF, township_id=township.id)
        district = charts.district_chart_data(uow, AS_OF)
    # 220 * 333 days elapsed / 365 = 200.7 → 201; from July 1: 220 * 152 / 365 = 91.6 → 92
    assert data.pace == onsite_pace(0, AS_OF).expected == 201
    assert [(b.name, b.village, b.onsite, b.expected, b.behind) for b in data.bars] == [
        ("李四", "西关社区", 100, 92, False),
        ("张三", "东店子村", 250, 201, False),
    ]
    assert data.total == 2
    assert [(b.name, b.cadres, b.average, b.expected_average) for b in district.bars] == [
        ("北宽坪镇", 1, 0.0, 201.0),
        ("城关街道", 2, 175.0, 146.5),
    ]
    assert [b.behind for b in district.bars] == [True, False]


def test_chinese_names_render_with_real_glyphs(
    uow_factory: Callable[[], UnitOfWork], people: dict[str, Person], tmp_path
) -> None:
    onsite(uow_factory, people["cadre"], [date(2026, 1, 1) + timedelta(days=i) for i in range(120)])
    catalog = Catalog()
    with uow_factory() as uow:
        township = uow.places.township("城关街道")
        scope = Scope(ScopeKind.TOWNSHIP, township.id, township.name)
        with warnings.catch_warnings():
            # matplotlib warns "Glyph ... missing from font(s)" for every box it draws
            warnings.simplefilter("error")
            cadre = chart_file(uow, catalog, "zh", scope, AS_OF)
            district = chart_file(uow, catalog, "zh", Scope(ScopeKind.DISTRICT, 0, ""), AS_OF)
    (tmp_path / "township.png").write_bytes(cadre.data)
    (tmp_path / "district.png").write_bytes(district.data)
    path, family = cjk_family()
    assert path == cjk_font_path() and family
    font = FT2Font(str(path))
    drawn = "张三李四东店子村西关社区城关街道北宽坪镇驻村天数按进度应达全年要求人均截至"
    assert all(font.get_char_index(ord(ch)) != 0 for ch in drawn)
    for png in (cadre.data, district.data):
        width, height = png_size(png)
        assert width > 600 and height > 300
        assert len(png) > 20_000  # bars, text and legend, not a blank canvas
    assert "城关街道" in cadre.caption and "2026-11-29" in cadre.caption


def test_an_empty_scope_still_draws(uow_factory: Callable[[], UnitOfWork]) -> None:
    with uow_factory() as uow:
        data = charts.cadre_chart_data(uow, AS_OF, township_id=999)
    texts = charts.ChartTexts("标题", "天数", "达到", "落后", "应达", "进度", "220", "暂无驻村干部")
    png = charts.render_cadre_chart(data, texts)
    assert png_size(png)[0] > 0 and data.bars == []
    assert io.BytesIO(png).getbuffer().nbytes > 1000


def _drawn_texts(figure):
    """Every visible, non-empty text of a drawn figure, with its box in the figure."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    charts._font_everywhere(figure, str(cjk_family()[0]))
    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    return [
        (t, t.get_window_extent(renderer))
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


NAMES = [
    ("张三", "东店子村"),
    ("欧阳明月", "北宽坪镇中心社区"),
    ("Li", "Xiguan"),
    ("王五", "广东坪村"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("rows", [1, 4, charts.MAX_BARS])
def test_charts_read_on_a_phone(lang: str, rows: int) -> None:
    """Shown whole at a phone's width every word is at least chat-text size, and nothing
    (title, names, values, legend) runs off the picture."""
    catalog = Catalog()
    bars = [
        charts.CadreBar(*NAMES[i % len(NAMES)], onsite=(i * 37) % 260, expected=201)
        for i in range(rows)
    ]
    townships = [
        charts.TownshipBar(f"{NAMES[i % len(NAMES)][1]}{i}", i + 1, (i * 53) % 250, 190.0)
        for i in range(min(rows, 12))
    ]
    figures = [
        charts.cadre_figure(
            charts.CadreChart(AS_OF, 201, bars, rows),
            charts.ChartTexts(
                **_texts(
                    catalog,
                    lang,
                    title=_plain(catalog, lang, "chart.cadre_title", name="北宽坪镇", as_of=AS_OF),
                    pace=201,
                    average=False,
                )
            ),
        ),
        charts.district_figure(
            charts.DistrictChart(AS_OF, 201, townships),
            charts.ChartTexts(
                **_texts(
                    catalog,
                    lang,
                    title=_plain(catalog, lang, "chart.district_title", as_of=AS_OF),
                    pace=201,
                    average=True,
                )
            ),
        ),
    ]
    for figure, drawn in zip(figures, (rows, len(townships)), strict=True):
        box = figure.bbox
        texts = _drawn_texts(figure)
        assert len(texts) > 2 * drawn  # a name and a value per row, ticks, legend
        for text, extent in texts:
            assert charts.phone_px(text.get_fontsize()) >= charts.CHAT_TEXT_PX, text.get_text()
            assert extent.x0 >= box.x0 - 1 and extent.x1 <= box.x1 + 1, text.get_text()
            assert extent.y0 >= box.y0 - 1 and extent.y1 <= box.y1 + 1, text.get_text()
        width, height = figure.bbox.width, figure.bbox.height
        assert width + height <= 10_000 and height / width <= 20  # Telegram's photo limits
