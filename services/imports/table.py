"""Reading a spreadsheet an official saved: CSV (UTF-8, UTF-8 with BOM, or GB18030 as
Chinese Excel writes it) or XLSX (first sheet), header row first.

Each row keeps its line number in the file (the header is line 1 when it is the first
line) so a refusal can point at it. Blank rows are skipped but still counted. Header
names are matched case-insensitively and a few Chinese headers are understood.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path

from services.imports.common import ImportRejected, Problems, RowProblem

#: Chinese (and a few English) headers for the canonical column names.
HEADER_ALIASES: dict[str, str] = {
    "乡镇": "township",
    "镇": "township",
    "镇(办)": "township",
    "镇（办）": "township",
    "村": "village",
    "村(社区)": "village",
    "村（社区）": "village",
    "纬度": "lat",
    "latitude": "lat",
    "经度": "lon",
    "lng": "lon",
    "longitude": "lon",
    "半径": "radius_m",
    "半径(米)": "radius_m",
    "半径（米）": "radius_m",
    "radius": "radius_m",
    "坐标系": "crs",
    "姓名": "name",
    "手机": "phone",
    "手机号": "phone",
    "电话": "phone",
    "角色": "role",
    "职务": "role",
    "派出单位": "unit",
    "单位": "unit",
    "开始": "start",
    "开始日期": "start",
    "结束": "end",
    "结束日期": "end",
    "日期": "date",
    "类型": "kind",
}


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]
    #: Non-empty values beyond the header's last column.
    extra: tuple[str, ...] = ()

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    header_line: int = 1

    def require(self, required: Iterable[str]) -> None:
        """Refuse a file lacking a required column, or with no data rows."""
        missing = [c for c in required if c not in self.columns]
        if missing:
            raise ImportRejected(
                [
                    RowProblem(
                        self.header_line,
                        f"missing required column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)} (the header has: {', '.join(self.columns)})",
                    )
                ]
            )
        if not self.rows:
            raise ImportRejected([RowProblem(None, f"{self.name}: no data rows under the header")])


def canonical_header(text: str) -> str:
    cleaned = text.replace("\ufeff", "").strip()
    key = cleaned.lower().replace(" ", "_")
    return HEADER_ALIASES.get(cleaned, HEADER_ALIASES.get(key, key))


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person typed (numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def table_from_rows(name: str, lines: Iterable[tuple[int, Sequence[object]]]) -> Table:
    """Build a table from (line number, cells) pairs: the first non-blank one is the header."""
    header: list[str] | None = None
    header_line = 1
    rows: list[Row] = []
    for line, raw in lines:
        cells = [cell_text(v) for v in raw]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header, header_line = [canonical_header(c) for c in cells], line
            named = [h for h in header if h]
            duplicates = sorted({h for h in named if named.count(h) > 1})
            if duplicates:
                raise ImportRejected(
                    [RowProblem(line, f"column {', '.join(duplicates)} appears more than once")]
                )
            continue
        values = {h: c for h, c in zip(header, cells, strict=False) if h}
        extra = tuple(c for c in cells[len(header) :] if c.strip())
        rows.append(Row(line, values, extra))
    if header is None:
        raise ImportRejected([RowProblem(None, f"{name}: the file is empty")])
    columns = tuple(h for h in header if h)
    return Table(name, columns, tuple(rows), header_line)


def decode_csv_bytes(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportRejected(
            [RowProblem(None, f"{name}: neither UTF-8 nor GB18030 text; save it as CSV or XLSX")]
        ) from None


def _csv_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    for cells in reader:
        yield previous + 1, cells
        previous = reader.line_num


def read_csv(data: bytes, name: str = "file") -> Table:
    text = decode_csv_bytes(data, name)
    try:
        return table_from_rows(name, _csv_lines(text))
    except csv.Error as exc:
        problem = RowProblem(None, f"{name}: not a readable CSV file ({exc})")
        raise ImportRejected([problem]) from None


def read_xlsx(data: bytes, name: str = "file") -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise ImportRejected(
            [RowProblem(None, f"{name}: not a readable XLSX workbook ({exc})")]
        ) from None
    try:
        sheet = workbook.worksheets[0]
        lines = enumerate(sheet.iter_rows(values_only=True), start=1)
        return table_from_rows(name, lines)
    finally:
        workbook.close()


def read_table(path: Path | str) -> Table:
    """A CSV or XLSX file as a table (by its extension, or by its content when unsure)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportRejected([RowProblem(None, f"cannot read {path}: {exc.strerror}")]) from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> Table:
    """Like ``read_table`` for a file already in memory (e.g. a document sent to the bot)."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise ImportRejected(
            [RowProblem(None, f"{name}: old .xls workbook; save it as .xlsx or CSV")]
        )
    if data.startswith(b"PK\x03\x04") or suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, name)
    return read_csv(data, name)


def begin_validation(table: Table, required: Iterable[str]) -> Problems:
    """Check the header and the rows' shape; the importer adds its own problems after."""
    table.require(required)
    problems = Problems()
    for row in table.rows:
        if row.extra:
            problems.add(
                row.line,
                f"{len(row.extra)} value(s) beyond the header's {len(table.columns)} columns",
            )
    return problems


def with_aliases(table: Table, aliases: dict[str, str]) -> Table:
    """``table`` with an importer's own header names (Chinese ones the shared reader does
    not know) renamed to its canonical columns."""
    columns = tuple(aliases.get(c, c) for c in table.columns)
    rows = tuple(
        replace(row, values={aliases.get(k, k): v for k, v in row.values.items()})
        for row in table.rows
    )
    return replace(table, columns=columns, rows=rows)
