"""What every XLSX sheet the district receives shares: cells that hold only what Excel can
hold, text that stays text, and columns wide enough to read their header and every value
without widening them by hand (a township office prints these)."""

from __future__ import annotations

import math
from typing import Any

#: A header may wrap onto this many lines; a column is never narrower than this many
#: characters nor wider than the second figure (a long note wraps instead).
HEADER_LINES = 3
MIN_WIDTH, MAX_WIDTH = 6, 40


def cell(value: Any) -> Any:
    """``value`` without the control characters Excel cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def display_width(value: Any) -> int:
    """Columns ``value`` takes in Excel's units: a CJK character two, others one."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(value)) if value is not None else 0


def finish(ws: Any, bold_rows: tuple[int, ...]) -> None:
    """Keep formula-looking text as text, bold the header and ``bold_rows``, wrap the
    header, size every column to its values and its header (wrapped onto at most
    ``HEADER_LINES`` lines) and freeze the names column and the header."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for cells in ws.iter_rows(min_row=2):
        for c in cells:
            if c.data_type == "f":  # a name starting with "=" is text, not a formula
                c.data_type = "s"
    for row in (1, *bold_rows):
        for c in ws[row]:
            c.font = Font(bold=True)
    notes = {r for r in range(2, ws.max_row + 1) if _spanning_note(ws, r)}
    lines = 1
    for index, header in enumerate(ws[1], start=1):
        letter = get_column_letter(index)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        # a note under the table runs across the row: it does not size column A
        values = [display_width(c.value) for c in ws[letter][1:] if c.row not in notes]
        need = max([*values, math.ceil(display_width(header.value) / HEADER_LINES), MIN_WIDTH])
        width = min(need + 2, MAX_WIDTH)
        ws.column_dimensions[letter].width = width
        lines = max(lines, math.ceil(display_width(header.value) / (width - 1)))
    ws.row_dimensions[1].height = 15 * lines
    ws.freeze_panes = "B2"


def _spanning_note(ws: Any, row: int) -> bool:
    """A row with only its first cell filled (a note under the table, not a cadre)."""
    cells = ws[row]
    return cells[0].value is not None and all(c.value in (None, "") for c in cells[1:])
