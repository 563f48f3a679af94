"""``duty import``: official duty days (公务) kept by the district, one
``phone,start,end,kind[,note]`` row per span of duty of one cadre.

All-or-nothing like every import. Each row is checked as the chat checks a record
(``services.duty.check_record``: a known cadre, posted on every day, 1 to 31 days, no day
already duty or approved leave) and against the file's other rows of the same cadre; a
file with any bad row stores nothing. ``kind`` is the code (``training``) or the Chinese
name (``岗位培训``).
"""

from __future__ import annotations

from datetime import date, datetime

from domain.duty import DutyKind, InvalidDuty, overlaps, parse_duty_kind
from domain.errors import DomainError, InvalidPhone
from domain.phone import normalise_phone
from domain.roles import CADRE_ROLES
from services.duty import check_record, clean_note, store
from services.imports.common import ImportResult, Problems, parse_date
from services.imports.table import Row, Table, begin_validation, with_aliases
from storage.tables import Person
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

REQUIRED = ("phone", "start", "end", "kind")
#: Chinese headers of this file (the shared reader knows phone, start, end and kind).
ALIASES = {"备注": "note", "说明": "note", "公务类型": "kind"}
SOURCE = "import"

#: What a refused row says, by the reason ``check_record`` gives.
REASONS = {
    "duty.end_before_start": "end {end} is before start {start}",
    "duty.too_long": "{days} days from {start} to {end}: one record covers at most {limit}",
    "duty.not_posted": "{name} is not posted on {day}",
    "duty.overlaps_duty": "{name} already has duty ({kind}) from {start} to {end}",
    "duty.overlaps_leave": "{name} has approved leave #{id} from {start} to {end} on these days",
    "duty.note_too_long": "note longer than {limit} characters",
}


def _reason(err: DomainError) -> str:
    return REASONS.get(err.key, err.key).format(**err.params)


def _dates(row: Row, problems: Problems) -> tuple[date | None, date | None]:
    found: list[date | None] = []
    for column in ("start", "end"):
        try:
            found.append(parse_date(row.get(column)))
        except ValueError as exc:
            problems.add(row.line, f"{column}: {exc}" if row.get(column) else f"missing {column}")
            found.append(None)
    return found[0], found[1]


def import_duties(uow_factory: UnitOfWorkFactory, table: Table, *, now: datetime) -> ImportResult:
    """Store every row as one duty record of its cadre, or nothing if any row is bad."""
    table = with_aliases(table, ALIASES)
    problems = begin_validation(table, REQUIRED)
    with uow_factory() as uow:
        accepted: list[tuple[Row, Person, date, date, DutyKind, str | None]] = []
        for row in table.rows:
            start, end = _dates(row, problems)
            kind = note = person = None
            try:
                kind = parse_duty_kind(row.get("kind"))
            except InvalidDuty:
                problems.add(
                    row.line,
                    f"unknown kind {row.get('kind')!r} (pre_training/岗前培训, training/岗位培训, "
                    "meeting/座谈会/观摩, official/公务)"
                    if row.get("kind")
                    else "missing kind",
                )
            try:
                note = clean_note(row.get("note"))
            except DomainError as err:
                problems.add(row.line, _reason(err))
            person = _cadre(uow, row, problems)
            if person is None or start is None or end is None or kind is None:
                continue
            try:
                check_record(uow, person, start, end)
            except DomainError as err:
                problems.add(row.line, _reason(err))
                continue
            clash = next(
                (
                    other
                    for other, cadre, s, e, _k, _n in accepted
                    if cadre.id == person.id and overlaps(start, end, s, e)
                ),
                None,
            )
            if clash is not None:
                problems.add(row.line, f"{person.name}: overlaps line {clash.line} of this file")
                continue
            accepted.append((row, person, start, end, kind, note))
        problems.raise_if_any()
        for _row, person, start, end, kind, note in accepted:
            store(uow, person, start, end, kind, note, by=None, now=now, source=SOURCE)
        uow.commit()
    return ImportResult("duty record", "duty records", len(accepted))


def _cadre(uow: UnitOfWork, row: Row, problems: Problems) -> Person | None:
    """The row's cadre, or None (with the reason added) when the phone names nobody posted."""
    try:
        phone = normalise_phone(row.get("phone"))
    except InvalidPhone:
        problems.add(row.line, f"bad phone {row.get('phone')!r}")
        return None
    person = uow.people.by_phone(phone)
    if person is None:
        problems.add(row.line, f"unknown phone {phone}")
    elif person.role not in CADRE_ROLES:
        problems.add(row.line, f"{phone} ({person.name}) is a {person.role}, not a cadre")
    else:
        return person
    return None
