"""Importers for the spreadsheets officials keep: villages, roster, historical attendance,
the official calendar and official duty days.

Every import is all-or-nothing: each row is checked first, and a file with any bad row
changes nothing and is refused with ``ImportRejected`` listing every bad row by line.
Each importer validates and writes in one unit of work that commits only at the end.
"""

from services.imports.attendance import import_attendance
from services.imports.calendar import import_calendar
from services.imports.common import ImportRejected, ImportResult, RowProblem, parse_date
from services.imports.duty import import_duties
from services.imports.roster import import_roster
from services.imports.table import Row, Table, read_bytes, read_table
from services.imports.villages import import_villages

__all__ = [
    "ImportRejected",
    "ImportResult",
    "Row",
    "RowProblem",
    "Table",
    "import_attendance",
    "import_calendar",
    "import_duties",
    "import_roster",
    "import_villages",
    "parse_date",
    "read_bytes",
    "read_table",
]
