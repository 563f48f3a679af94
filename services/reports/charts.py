"""Charts of on-site days against the pace for 220 a year (Art. 11), as PNG pictures.

- ``cadre_chart``: each cadre of a township (or of a dispatching unit) — on-site days this
  year as of a day, and the days the pace expects of them by then
  (``domain.pace.onsite_pace``, pro-rated to the days of the year they were posted).
- ``district_chart``: the townships side by side — the average on-site days per cadre and
  the average the pace expects.

Data first (``*_data``, from a few set-based queries), then the drawing (``render_*``),
which takes the words ready-made (``ChartTexts``: services hold no wording) and draws
with matplotlib's Agg canvas directly — no pyplot, whose global state is not safe across
the bot's threads — in a font that has the Chinese glyphs (``services.reports.fonts``).
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.attendance import REQUIRED_ONSITE_DAYS_PER_YEAR
from domain.pace import onsite_pace
from services.reports.fonts import cjk_family
from storage import sweeps as q
from storage.unit_of_work import UnitOfWork

#: Beyond this many cadres a chart shows those furthest behind (the picture must stay
#: within Telegram's photo limits and readable on a phone).
MAX_BARS = 60
BEHIND = "#d9534f"
ON_PACE = "#5cb85c"
PACE = "#333333"


@dataclass(frozen=True)
class CadreBar:
    name: str
    village: str
    onsite: int
    expected: int

    @property
    def behind(self) -> bool:
        return self.onsite < self.expected


@dataclass(frozen=True)
class CadreChart:
    as_of: date
    pace: int  # what the pace expects by ``as_of`` of a cadre posted all year
    bars: list[CadreBar]
    total: int  # cadres in the scope (``bars`` may be cut to MAX_BARS)


@dataclass(frozen=True)
class TownshipBar:
    name: str
    cadres: int
    average: float
    expected_average: float

    @property
    def behind(self) -> bool:
        return self.cadres > 0 and self.average < self.expected_average


@dataclass(frozen=True)
class DistrictChart:
    as_of: date
    pace: int
    bars: list[TownshipBar]


@dataclass(frozen=True)
class ChartTexts:
    """Every word on a chart, already in the reader's language."""

    title: str
    axis: str  # the value axis: on-site days
    on_pace: str  # legend: on-site days of those on pace (average for the district)
    behind: str  # legend: on-site days of those behind the pace
    expected: str  # legend: what the pace expects
    pace_line: str  # the line of the pace for a cadre posted all year
    target_line: str  # the 220 of the whole year
    empty: str  # shown when there is nobody to draw


def cadre_chart_data(
    uow: UnitOfWork, as_of: date, *, township_id: int | None = None, unit_id: int | None = None
) -> CadreChart:
    """On-site days this year up to ``as_of`` of each cadre posted in the township or for
    the unit this year (on-site days count wherever in the district, as /status counts)."""
    first = date(as_of.year, 1, 1)
    postings = q.postings(uow.session, first, as_of, township_id=township_id, unit_id=unit_id)
    onsite = q.onsite_days_by_person(uow.session, first, as_of)
    # the pace of each follows all their postings of the year, in scope or not
    everywhere = {
        p.person_id: p.spans
        for p in q.postings(uow.session, first, as_of, person_ids=[p.person_id for p in postings])
    }
    bars = [
        CadreBar(
            p.name,
            p.village,
            onsite.get(p.person_id, 0),
            onsite_pace(0, as_of, everywhere.get(p.person_id, p.spans)).expected,
        )
        for p in postings
    ]
    bars.sort(key=lambda b: (b.onsite - b.expected, b.onsite, b.name))
    return CadreChart(as_of, onsite_pace(0, as_of).expected, bars[:MAX_BARS], len(bars))


def district_chart_data(uow: UnitOfWork, as_of: date) -> DistrictChart:
    """Average on-site days per cadre in each township, and the average the pace expects."""
    first = date(as_of.year, 1, 1)
    onsite = q.onsite_days_by_person(uow.session, first, as_of)
    per_township: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in q.postings(uow.session, first, as_of):
        per_township[p.township_id].append(
            (onsite.get(p.person_id, 0), onsite_pace(0, as_of, p.spans).expected)
        )
    bars = []
    for township in uow.places.townships():
        figures = per_township.get(township.id, [])
        n = len(figures)
        bars.append(
            TownshipBar(
                township.name,
                n,
                round(sum(f[0] for f in figures) / n, 1) if n else 0.0,
                round(sum(f[1] for f in figures) / n, 1) if n else 0.0,
            )
        )
    return DistrictChart(as_of, onsite_pace(0, as_of).expected, bars)


def _font_everywhere(figure, path: str) -> None:  # noqa: ANN001 - a matplotlib Figure
    """Set the Chinese font on every text of the figure (titles, ticks, legend, labels),
    keeping each text's size and weight."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        props = FontProperties(fname=path, size=text.get_fontsize(), weight=text.get_fontweight())
        text.set_fontproperties(props)


def _png(figure: Any) -> bytes:
    """The figure as PNG, every text in the bundled CJK font."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    _font_everywhere(figure, str(cjk_family()[0]))
    canvas = FigureCanvasAgg(figure)
    out = io.BytesIO()
    canvas.print_png(out)
    return out.getvalue()


def _axes(texts: ChartTexts, size: tuple[float, float], empty: bool) -> tuple[Any, Any]:
    """A titled figure and its axes; when there is nothing to draw, the axes say so."""
    from matplotlib.figure import Figure

    _path, family = cjk_family()
    figure = Figure(figsize=size, dpi=110)
    figure.set_layout_engine("constrained")
    ax = figure.add_subplot()
    ax.set_title(texts.title, fontsize=13, family=family)
    if empty:
        ax.text(0.5, 0.5, texts.empty, ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    return figure, ax


def _legend_and_png(figure: Any, texts: ChartTexts, tick: str, tick_size: int) -> bytes:
    """The shared legend (on pace, behind, the expected tick, the pace and target lines)
    under the plot, and the PNG."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    figure.legend(
        handles=[
            Patch(color=ON_PACE, label=texts.on_pace),
            Patch(color=BEHIND, label=texts.behind),
            Line2D(
                [],
                [],
                marker=tick,
                linestyle="",
                color=PACE,
                markersize=tick_size,
                label=texts.expected,
            ),
            Line2D([], [], linestyle="--", color=PACE, label=texts.pace_line),
            Line2D([], [], linestyle=":", color="#888888", label=texts.target_line),
        ],
        loc="outside lower center",
        ncols=2,
        fontsize=8,
    )
    return _png(figure)


def render_cadre_chart(chart: CadreChart, texts: ChartTexts) -> bytes:
    """Horizontal bars (one per cadre, furthest behind at the top), a tick at what the pace
    expects of each, and the lines of the pace and of the 220 target."""
    n = len(chart.bars)
    figure, ax = _axes(texts, (9, min(30.0, 2.2 + 0.42 * max(n, 1))), n == 0)
    if n == 0:
        return _png(figure)
    labels = [f"{b.name}（{b.village}）" for b in chart.bars]
    positions = list(range(n))
    colours = [BEHIND if b.behind else ON_PACE for b in chart.bars]
    bars = ax.barh(positions, [b.onsite for b in chart.bars], color=colours, height=0.6)
    ax.bar_label(bars, padding=3, fontsize=9)
    ax.scatter([b.expected for b in chart.bars], positions, marker="|", s=260, color=PACE, zorder=3)
    ax.axvline(chart.pace, color=PACE, linestyle="--", linewidth=1)
    ax.axvline(REQUIRED_ONSITE_DAYS_PER_YEAR, color="#888888", linestyle=":", linewidth=1)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, REQUIRED_ONSITE_DAYS_PER_YEAR * 1.12)
    ax.set_xlabel(texts.axis)
    ax.grid(axis="x", alpha=0.3)
    return _legend_and_png(figure, texts, "|", 14)


def render_district_chart(chart: DistrictChart, texts: ChartTexts) -> bytes:
    """Townships side by side: the average on-site days per cadre, a tick at the average
    the pace expects, the pace line and the 220 target."""
    n = len(chart.bars)
    figure, ax = _axes(texts, (max(6.5, 1.3 * n + 3), 6), n == 0)
    if n == 0:
        return _png(figure)
    positions = list(range(n))
    colours = [BEHIND if b.behind else ON_PACE for b in chart.bars]
    bars = ax.bar(positions, [b.average for b in chart.bars], color=colours, width=0.6)
    # Values inside tall bars (clear of the pace tick above them), above short ones.
    texts_of = [f"{b.average:g}\n({b.cadres})" for b in chart.bars]
    tall = [b.average >= REQUIRED_ONSITE_DAYS_PER_YEAR * 0.15 for b in chart.bars]
    ax.bar_label(
        bars,
        labels=[t if big else "" for t, big in zip(texts_of, tall, strict=True)],
        label_type="center",
        color="white",
        fontsize=10,
    )
    ax.bar_label(
        bars,
        labels=["" if big else t for t, big in zip(texts_of, tall, strict=True)],
        padding=3,
        fontsize=9,
    )
    ax.scatter(
        positions, [b.expected_average for b in chart.bars], marker="_", s=900, color=PACE, zorder=3
    )
    ax.axhline(chart.pace, color=PACE, linestyle="--", linewidth=1)
    ax.axhline(REQUIRED_ONSITE_DAYS_PER_YEAR, color="#888888", linestyle=":", linewidth=1)
    ax.set_xticks(positions, [b.name for b in chart.bars])
    ax.set_ylim(0, REQUIRED_ONSITE_DAYS_PER_YEAR * 1.15)
    ax.set_ylabel(texts.axis)
    ax.grid(axis="y", alpha=0.3)
    return _legend_and_png(figure, texts, "_", 18)
