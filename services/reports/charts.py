"""Charts of on-site days against the pace for 220 a year (Art. 11), as PNG pictures.

- ``cadre_chart``: each cadre of a township (or of a dispatching unit) — on-site days this
  year as of a day, and the days the pace expects of them by then
  (``domain.pace.onsite_pace``, pro-rated to the days of the year they were posted).
- ``district_chart``: the townships one row each — the average on-site days per cadre and
  the average the pace expects.

Data first (``*_data``, from a few set-based queries), then the drawing (``render_*``),
which takes the words ready-made (``ChartTexts``: services hold no wording) and draws
with matplotlib's Agg canvas directly — no pyplot, whose global state is not safe across
the bot's threads — in a font that has the Chinese glyphs (``services.reports.fonts``).
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.attendance import REQUIRED_ONSITE_DAYS_PER_YEAR
from domain.pace import onsite_pace
from services.reports.fonts import cjk_family
from storage.ids import id_of
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
    postings = uow.roster.postings(first, as_of, township_id=township_id, unit_id=unit_id)
    onsite = uow.rollup.onsite_days_by_person(first, as_of)
    # the pace of each follows all their postings of the year, in scope or not
    everywhere = {
        p.person_id: p.spans
        for p in uow.roster.postings(first, as_of, person_ids=[p.person_id for p in postings])
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
    onsite = uow.rollup.onsite_days_by_person(first, as_of)
    per_township: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for p in uow.roster.postings(first, as_of):
        per_township[p.township_id].append(
            (onsite.get(p.person_id, 0), onsite_pace(0, as_of, p.spans).expected)
        )
    bars = []
    for township in uow.places.townships():
        figures = per_township.get(id_of(township), [])
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


def _font_everywhere(figure: Any, path: str) -> None:
    """Set the Chinese font on every text of the figure (titles, ticks, legend, labels),
    keeping each text's size and weight."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        props = FontProperties(fname=path, size=text.get_fontsize(), weight=text.get_fontweight())
        text.set_fontproperties(props)


#: A chat photo is shown about this many CSS pixels wide on a phone, and chat text is
#: about this many pixels high: every word on a chart must be at least that size there.
PHONE_WIDTH_PX = 400
CHAT_TEXT_PX = 15
#: Narrow figures drawn finely: 4.2 in at 240 dpi is 1,008 pixels, which a phone shrinks
#: to its width, so each point of type is 400 / (4.2 x 72) = 1.32 phone pixels.
WIDTH_IN = 4.2
DPI = 240
#: The smallest type on a chart (12 pt = 15.9 phone pixels) and the title's.
TEXT_PT = 12
TITLE_PT = 14
#: A legend line beside its key holds about this many ems of 12 pt type.
LEGEND_EM = 19


def phone_px(points: float) -> float:
    """How many pixels high ``points`` of type are on a phone showing the chart whole."""
    return points / 72 * PHONE_WIDTH_PX / WIDTH_IN


def _png(figure: Any) -> bytes:
    """The figure as PNG, every text in the bundled CJK font."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    _font_everywhere(figure, str(cjk_family()[0]))
    canvas = FigureCanvasAgg(figure)
    out = io.BytesIO()
    canvas.print_png(out)  # type: ignore[no-untyped-call]  # unannotated in matplotlib
    return out.getvalue()


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _height_in(texts: ChartTexts, labels: list[str]) -> float:
    """Inches of height for the title, the rows (a 12 pt line and some air per line of a
    row's name), the value axis and the legend under it, one entry a line."""
    legend = [texts.on_pace, texts.behind, texts.expected, texts.pace_line, texts.target_line]
    points = (
        _lines(_wrapped(texts.title, 18)) * TITLE_PT * 1.35
        + sum(max(1.7, 1.25 * _lines(label)) for label in labels or ["", ""]) * TEXT_PT
        + (_lines(_wrapped(texts.axis, 15)) + 1) * TEXT_PT * 1.35  # ticks and the label
        + sum(_lines(_wrapped(t, LEGEND_EM)) for t in legend) * TEXT_PT * 1.5
        + 48  # margins and the legend's frame
    )
    return points / 72


def _axes(texts: ChartTexts, labels: list[str]) -> tuple[Any, Any]:
    """A titled figure, as tall as its rows (``labels``, one each) and words need, and its
    axes; when there is nothing to draw, the axes say so."""
    from matplotlib.figure import Figure

    _path, family = cjk_family()
    figure = Figure(figsize=(WIDTH_IN, _height_in(texts, labels)), dpi=DPI)
    figure.set_layout_engine("constrained")
    ax = figure.add_subplot()
    figure.suptitle(_wrapped(texts.title, 18), fontsize=TITLE_PT, family=family)
    ax.tick_params(labelsize=TEXT_PT)
    if not labels:
        ax.text(
            0.5,
            0.5,
            texts.empty,
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontsize=TEXT_PT,
        )
        ax.set_axis_off()
    return figure, ax


def _em(ch: str) -> float:
    """The width of a character in ems: a CJK character is square, Latin about half."""
    return 1.0 if ord(ch) > 0x2E7F else 0.62


def _wrapped(text: str, width: float) -> str:
    """``text`` broken into lines of at most ``width`` ems (a CJK title has no spaces to
    break at; a narrow chart needs it on two or three lines). A line breaks after a space
    or before an opening bracket when one is near the end, else where it is full."""
    lines = []
    for line in text.splitlines() or [""]:
        while sum(map(_em, line)) > width:
            cut, used = 0, 0.0
            while used + _em(line[cut]) <= width:
                used += _em(line[cut])
                cut += 1
            soft = max(line.rfind(" ", 0, cut), line.rfind("（", 0, cut), line.rfind("(", 0, cut))
            if soft > cut // 2:
                cut = soft
            lines.append(line[:cut].rstrip())
            line = line[cut:].lstrip()
        lines.append(line)
    return "\n".join(lines)


def _legend(figure: Any, texts: ChartTexts) -> None:
    """The shared legend (on pace, behind, the expected tick, the pace and target lines)
    under the plot, one entry a line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    figure.legend(
        handles=[
            Patch(color=ON_PACE, label=_wrapped(texts.on_pace, LEGEND_EM)),
            Patch(color=BEHIND, label=_wrapped(texts.behind, LEGEND_EM)),
            Line2D(
                [],
                [],
                marker="|",
                linestyle="",
                color=PACE,
                markersize=12,
                label=_wrapped(texts.expected, LEGEND_EM),
            ),
            Line2D([], [], linestyle="--", color=PACE, label=_wrapped(texts.pace_line, LEGEND_EM)),
            Line2D(
                [], [], linestyle=":", color="#888888", label=_wrapped(texts.target_line, LEGEND_EM)
            ),
        ],
        loc="outside lower center",
        ncols=1,
        fontsize=TEXT_PT,
    )


def _bars(
    ax: Any, values: list[float], expected: list[float], colours: list[str], labels: list[str]
) -> Any:
    """Horizontal bars, one row per label (the first at the top), the value at each bar's
    end and a tick at what the pace expects."""
    positions = list(range(len(values)))
    bars = ax.barh(positions, values, color=colours, height=0.6)
    ax.bar_label(bars, labels=[f"{v:g}" for v in values], padding=3, fontsize=TEXT_PT)
    ax.scatter(expected, positions, marker="|", s=200, color=PACE, zorder=3)
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_xlim(0, max(REQUIRED_ONSITE_DAYS_PER_YEAR, *values) * 1.25)  # room for the value
    ax.set_xticks([0, 100, 200])
    ax.grid(axis="x", alpha=0.3)
    return bars


def _figure(texts: ChartTexts, pace: int, rows: Sequence[tuple[str, float, float, bool]]) -> Any:
    """Horizontal bars, one per (label, value, expected, behind) row, the first at the top;
    a tick at what the pace expects of each; the lines of the pace and of the 220 target;
    the legend under it all."""
    labels = [_wrapped(label, 8) for label, _v, _e, _b in rows]
    figure, ax = _axes(texts, labels)
    if not labels:
        return figure
    _bars(
        ax,
        [value for _l, value, _e, _b in rows],
        [expected for _l, _v, expected, _b in rows],
        [BEHIND if behind else ON_PACE for _l, _v, _e, behind in rows],
        labels,
    )
    ax.axvline(pace, color=PACE, linestyle="--", linewidth=1)
    ax.axvline(REQUIRED_ONSITE_DAYS_PER_YEAR, color="#888888", linestyle=":", linewidth=1)
    ax.set_xlabel(_wrapped(texts.axis, 15), fontsize=TEXT_PT)
    _legend(figure, texts)
    return figure


def cadre_figure(chart: CadreChart, texts: ChartTexts) -> Any:
    """One row per cadre, furthest behind at the top: on-site days and what the pace
    expects of each."""
    rows = [(f"{b.name}（{b.village}）", b.onsite, b.expected, b.behind) for b in chart.bars]
    return _figure(texts, chart.pace, rows)


def district_figure(chart: DistrictChart, texts: ChartTexts) -> Any:
    """The townships one row each: the average on-site days per cadre (the number of
    cadres beside the name) and the average the pace expects."""
    rows = [
        (f"{b.name}（{b.cadres}）", b.average, b.expected_average, b.behind) for b in chart.bars
    ]
    return _figure(texts, chart.pace, rows)


def render_cadre_chart(chart: CadreChart, texts: ChartTexts) -> bytes:
    return _png(cadre_figure(chart, texts))


def render_district_chart(chart: DistrictChart, texts: ChartTexts) -> bytes:
    return _png(district_figure(chart, texts))
