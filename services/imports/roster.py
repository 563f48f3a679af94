"""``roster import``: people, their roles and places, and cadres' postings.

Rows are matched to people by normalised phone. Which places a role takes:

- cadres (first_secretary, team_member): township, village and unit; ``start``/``end``
  date their posting (``start`` defaults to the import day);
- village_secretary: township and village; township roles: township; unit_leader: unit;
- district roles (org_dept, poverty_bureau, admin): none.

A place the role does not take must be left blank: a row naming one is refused rather
than stored half-meant (the same for ``start``/``end`` on a non-cadre). Townships and
villages must exist (``villages import`` first); units are created as needed.

A new posting to a village whose cadre of the same role was recalled (a confirmed
request over 30 days) replaces them: the recalled posting ends the day before the new
one starts and leaves the district's list of recalls pending.

Postings (see ``plan_posting``): a cadre whose village or unit changed has the current
posting end the day before the new start and a new one begin (a new start on the same day
as the current one corrects its place instead; an earlier one is refused). Same village
and unit: the posting's dates are updated where the row gives them, else nothing changes.
A posting that ended before the row's start is left alone and a new one begins. Someone
who stops being a cadre has their open posting ended the day before the import.

Mid-term change (Art. 6: 报经市委组织部同意): a First Secretary whose village or unit
changes before their term's last day (``domain.posting_term.term_last_day``: the
posting's roster end, else two years from its start) needs the city organisation
department's consent in the ``approval`` column (批准: the approving office and document
number, or a note, up to 200 characters); a row without it is refused, saying so (a
same-day correction of the place, a team member's move and a move after the term's end
need none). The
approval is kept with the new posting (``Assignment.change_approval``), listed in the
import's summary and shown in the cadre's /status. Optional columns: ``start``, ``end``,
``approval``.

People missing from the file are left as they are; a listed person is (re)activated and
keeps their Telegram binding.
"""

from __future__ import annotations

from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from domain.errors import DomainError, InvalidPhone, UnknownRole
from domain.phone import normalise_phone
from domain.posting_term import check_mid_term_change
from domain.roles import CADRE_ROLES, TOWNSHIP_ROLES, Role, parse_role
from services.imports.common import ImportResult, Problems, parse_date
from services.imports.table import Row, Table, begin_validation, with_aliases
from services.posting_term import posting_term
from storage.tables import Assignment, Person, Township, Unit, Village
from storage.unit_of_work import UnitOfWork, UnitOfWorkFactory

REQUIRED = ("name", "phone", "role", "township", "village", "unit")
MAX_NAME = 100
MAX_UNIT = 200
#: The consent to a First Secretary's mid-term change (Art. 6): its column and its limit.
ALIASES = {"批准": "approval", "批准文号": "approval", "市委组织部批准": "approval"}
MAX_APPROVAL = 200
#: What a refused row says, by the domain's reason (the catalog's words, in English).
REASONS = {
    "posting_term.change_needs_consent": (
        "the First Secretary's term runs to {last_day}: a change of village or unit on {day} "
        "needs the city organisation department's consent (Art. 6); fill in the approving "
        "office and document number in the approval column (批准) and import it again"
    ),
    "posting_term.end_before_start": "end {end} is before start {start}",
}


def places_of(role: Role) -> tuple[str, ...]:
    """The place columns a role takes (all of them required)."""
    if role in CADRE_ROLES:
        return ("township", "village", "unit")
    if role is Role.VILLAGE_SECRETARY:
        return ("township", "village")
    if role in TOWNSHIP_ROLES:
        return ("township",)
    if role is Role.UNIT_LEADER:
        return ("unit",)
    return ()


@dataclass
class RosterRow:
    line: int
    name: str
    phone: str
    role: Role
    township: Township | None
    village: Village | None
    unit: str | None
    start: date
    start_given: bool
    end: date | None
    approval: str | None = None


@dataclass
class _Known:
    townships: dict[str, Township]
    villages: dict[tuple[int, str], Village]
    units: dict[str, Unit]
    people: dict[str, Person]
    postings: dict[int, list[Assignment]]  # person id → postings, latest last


def _load(uow: UnitOfWork, phones: list[str]) -> _Known:
    people = uow.people.by_phones(phones)
    postings: dict[int, list[Assignment]] = defaultdict(list)
    postings.update(uow.assignments.for_people(p.id for p in people.values() if p.id is not None))
    return _Known(
        townships={t.name: t for t in uow.places.townships()},
        villages={(v.township_id, v.name): v for v in uow.places.villages()},
        units={u.name: u for u in uow.places.units()},
        people=people,
        postings=postings,
    )


def _parse(row: Row, known: _Known, today: date, problems: Problems) -> RosterRow | None:
    count = len(problems.items)
    name = row.get("name")
    if not name:
        problems.add(row.line, "missing name")
    elif len(name) > MAX_NAME:
        problems.add(row.line, f"name longer than {MAX_NAME} characters")
    phone = ""
    try:
        phone = normalise_phone(row.get("phone"))
    except InvalidPhone:
        problems.add(row.line, f"bad phone {row.get('phone')!r}")
    role: Role | None = None
    try:
        role = parse_role(row.get("role"))
    except UnknownRole:
        problems.add(row.line, f"unknown role {row.get('role')!r}")

    township = village = None
    unit = row.get("unit") or None
    start, start_given, end = today, False, None
    for column in ("start", "end"):
        text = row.get(column)
        if not text:
            continue
        try:
            value = parse_date(text)
        except ValueError as exc:
            problems.add(row.line, f"{column}: {exc}")
            continue
        if column == "start":
            start, start_given = value, True
        else:
            end = value
    if start_given and end is not None and end < start:
        problems.add(row.line, f"end {end} is before start {start}")

    if role is not None:
        wanted = places_of(role)
        for column in ("township", "village", "unit"):
            if column in wanted and not row.get(column):
                problems.add(row.line, f"{role.value} needs a {column}")
            elif column not in wanted and row.get(column):
                problems.add(row.line, f"{role.value} takes no {column}: leave it blank")
        if role not in CADRE_ROLES and (row.get("start") or row.get("end")):
            problems.add(row.line, "start/end date a cadre's posting: leave them blank")
        if "township" in wanted and row.get("township"):
            township = known.townships.get(row.get("township"))
            if township is None:
                problems.add(row.line, f"unknown township {row.get('township')}")
        if "village" in wanted and row.get("village") and township is not None:
            assert township.id is not None  # read from the table
            village = known.villages.get((township.id, row.get("village")))
            if village is None:
                problems.add(row.line, f"unknown village {row.get('village')} in {township.name}")
        if unit is not None and len(unit) > MAX_UNIT:
            problems.add(row.line, f"unit name longer than {MAX_UNIT} characters")
        if "unit" not in wanted:
            unit = None
    approval = row.get("approval") or None
    if approval is not None and len(approval) > MAX_APPROVAL:
        problems.add(row.line, f"approval longer than {MAX_APPROVAL} characters")
    if approval is not None and role is not None and role not in CADRE_ROLES:
        problems.add(row.line, "approval is the consent to a cadre's change: leave it blank")
    if len(problems.items) > count or role is None:
        return None
    return RosterRow(
        row.line, name, phone, role, township, village, unit, start, start_given, end, approval
    )


@dataclass(frozen=True)
class Plan:
    """What a cadre row does to their postings."""

    action: str  # none|new|update|correct|move
    start: date
    end: date | None


def plan_posting(item: RosterRow, latest: Assignment | None, same_place: bool) -> Plan:
    """The posting change a cadre row asks for, given their latest posting.

    Raises ``ValueError`` with the reason when the dates do not fit."""
    if latest is None:
        plan = Plan("new", item.start, item.end)
    elif same_place:
        if item.start_given and latest.end is not None and latest.end < item.start:
            plan = Plan("new", item.start, item.end)  # posted there again after a gap
        else:
            start = item.start if item.start_given else latest.start
            end = item.end if item.end is not None else latest.end
            action = "none" if (start, end) == (latest.start, latest.end) else "update"
            plan = Plan(action, start, end)
    elif latest.end is not None and latest.end < item.start:
        plan = Plan("new", item.start, item.end)
    elif item.start == latest.start:
        plan = Plan("correct", item.start, item.end)  # same-day correction of the place
    elif item.start < latest.start:
        raise ValueError(
            f"the new posting starts {item.start}, before the current one "
            f"(started {latest.start}): give a later start"
        )
    else:
        plan = Plan("move", item.start, item.end)
    if plan.end is not None and plan.end < plan.start:
        raise ValueError(f"end {plan.end} is before start {plan.start}")
    return plan


def _plan_for(item: RosterRow, known: _Known) -> Plan | None:
    if item.role not in CADRE_ROLES:
        return None
    person = known.people.get(item.phone)
    postings = (
        known.postings.get(person.id, []) if person is not None and person.id is not None else []
    )
    latest = postings[-1] if postings else None
    same = (
        latest is not None
        and item.village is not None
        and latest.village_id == item.village.id
        and item.unit in known.units
        and known.units[item.unit].id == latest.unit_id
    )
    plan = plan_posting(item, latest, same)
    if plan.action == "move" and person is not None and latest is not None:
        _check_consent(Role(person.role), postings, latest, plan.start, item.approval)
    return plan


def _check_consent(
    role: Role, postings: list[Assignment], latest: Assignment, day: date, approval: str | None
) -> None:
    """A First Secretary's move before their term is up needs the city organisation
    department's consent (Art. 6); raises ``ValueError`` with the reason when it is
    missing."""
    try:
        _, last_day = posting_term(role, postings, latest)
        check_mid_term_change(role, last_day, day, approval)
    except DomainError as err:
        raise ValueError(REASONS.get(err.key, err.key).format(**err.params)) from None


def import_roster(uow_factory: UnitOfWorkFactory, table: Table, *, today: date) -> ImportResult:
    """Create or update every person of ``table``; ``today`` is the default posting start."""
    table = with_aliases(table, ALIASES)
    problems = begin_validation(table, REQUIRED)
    with uow_factory() as uow:
        phones: set[str] = set()
        for row in table.rows:
            with suppress(InvalidPhone):
                phones.add(normalise_phone(row.get("phone")))
        known = _load(uow, sorted(phones))
        planned: list[tuple[RosterRow, Plan | None]] = []
        lines_of: dict[str, int] = {}
        for row in table.rows:
            duplicate = False
            with suppress(InvalidPhone):
                phone = normalise_phone(row.get("phone"))
                if phone in lines_of:
                    duplicate = True
                    problems.add(
                        row.line, f"duplicate phone {phone} (also on line {lines_of[phone]})"
                    )
                else:
                    lines_of[phone] = row.line
            item = _parse(row, known, today, problems)
            if item is None or duplicate:
                continue
            try:
                planned.append((item, _plan_for(item, known)))
            except ValueError as exc:
                problems.add(row.line, str(exc))
        problems.raise_if_any()

        result = _apply(uow, planned, known, today)
        uow.commit()
    return result


def _replace_recalled(uow: UnitOfWork, person: Person, item: RosterRow, start: date) -> int:
    """A new posting to a village whose cadre of the same role was recalled (over 30 days
    away, Art. 11: 召回并重新选派) is the replacement: the recalled posting ends the day
    before it starts and no longer awaits one. Returns how many postings it ended."""
    assert item.village is not None
    ended = 0
    assert item.village.id is not None  # read from the table
    for recalled in uow.assignments.replaced_by(item.village.id, item.role.value, start):
        if recalled.person_id == person.id:
            continue
        recalled.end = max(recalled.start, start - timedelta(days=1))
        recalled.recall_pending = False
        ended += 1
    return ended


def _apply(
    uow: UnitOfWork, planned: list[tuple[RosterRow, Plan | None]], known: _Known, today: date
) -> ImportResult:
    new = updated = unchanged = started = ended = 0
    consented: list[str] = []
    for item, plan in planned:
        unit = None
        if item.unit is not None:
            unit = known.units.get(item.unit)
            if unit is None:
                unit = uow.places.add(Unit(name=item.unit))
                known.units[item.unit] = unit
        values: dict[str, Any] = {
            "name": item.name,
            "role": item.role.value,
            "township_id": item.township.id if item.township else None,
            "village_id": item.village.id if item.village else None,
            "unit_id": unit.id if unit else None,
            "active": True,
        }
        person = known.people.get(item.phone)
        is_new = person is None
        changed = False
        if person is None:
            person = uow.people.add(Person(phone=item.phone, **values))
        elif any(getattr(person, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(person, key, value)
            changed = True
        assert person.id is not None  # read from the table, or added and flushed just now
        postings = known.postings.get(person.id, [])
        latest = postings[-1] if postings else None
        if plan is not None and plan.action != "none":
            assert item.village is not None and unit is not None
            assert item.village.id is not None and unit.id is not None  # stored rows
            changed = True
            if plan.action in {"update", "correct"} and latest is not None:
                latest.start, latest.end = plan.start, plan.end
                latest.village_id, latest.unit_id = item.village.id, unit.id
            else:
                approval = None
                if plan.action == "move" and latest is not None:
                    latest.end = plan.start - timedelta(days=1)
                    ended += 1
                    if item.approval is not None:  # Art. 6: the consent to the change
                        approval = item.approval
                        consented.append(
                            f"{item.name} to {item.village.name} from {plan.start} "
                            f"(approval: {approval})"
                        )
                ended += _replace_recalled(uow, person, item, plan.start)
                uow.assignments.stage(
                    Assignment(
                        person_id=person.id,
                        village_id=item.village.id,
                        unit_id=unit.id,
                        start=plan.start,
                        end=plan.end,
                        change_approval=approval,
                    )
                )
                started += 1
        elif plan is None and latest is not None and (latest.end is None or latest.end >= today):
            # no longer a cadre: the posting ends the day before the import
            latest.end = max(latest.start, today - timedelta(days=1))
            changed, ended = True, ended + 1
        if is_new:
            new += 1
        elif changed:
            updated += 1
        else:
            unchanged += 1
    uow.flush()
    notes: tuple[str, ...] = (
        (f"{started} posting(s) started, {ended} ended",) if started or ended else ()
    )
    if consented:
        notes += (f"changed with consent: {'; '.join(consented)}",)
    return ImportResult("person", "people", new, updated, unchanged, notes)
