"""Written reports (Art. 15) and plans (Art. 14) a cadre files through the bot.

A cadre files the half-year written report, the term's 期满书面总结 (once the term's end
is 30 days off), the three-year plan or the year's goals, as typed text or a document.
Each recipient (``domain.filings.recipients``: org_dept, poverty_bureau and the posting's
unit for a report; the posting's township secretary, org_dept and poverty_bureau for a
plan) gets a notice carrying it. Filing again for the same kind and period replaces the
earlier filing (kept, marked replaced), and the cadre is told so.

The township secretary sees, for their township's cadres posted today, who has filed the
current half year's report and the year's goals (``township_status``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from domain.errors import DomainError
from domain.filings import REPORT_MAX_CHARS, FilingKind, half_year_key, period_of, recipients
from domain.posting_term import WrittenReport, reports_due
from domain.roles import CADRE_ROLES, Role
from services.notices import Attachment, Notice
from services.posting_term import posting_term
from storage.ids import id_of
from storage.tables import Filing, Person
from storage.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class FilingChoice:
    """A kind the cadre may file today, for which period, and the live filing if any."""

    kind: FilingKind
    period: str
    filed_at: datetime | None


@dataclass
class FilingOutcome:
    filing: Filing
    #: When the filing this one replaced was filed (None: the first for the period).
    replaced_at: datetime | None
    #: How many people it was filed with (notices sent).
    recipients: int
    notices: list[Notice] = field(default_factory=list)


def _posted(uow: UnitOfWork, cadre: Person, today: date) -> tuple[int, int, int, str]:
    """(unit id, township id, village id, village name) of the cadre's posting today."""
    if cadre.role not in CADRE_ROLES:
        raise DomainError("filings.cadres_only")
    found = uow.assignments.posting(id_of(cadre), today)
    if found is None:
        raise DomainError("error.no_posting")
    assignment, village = found
    return assignment.unit_id, village.township_id, id_of(village), village.name


def _term_summary_due(uow: UnitOfWork, cadre: Person, today: date) -> bool:
    found = uow.assignments.posting(id_of(cadre), today)
    if found is None:
        return False
    assignment = found[0]
    postings = uow.assignments.for_person(id_of(cadre))
    start, last_day = posting_term(Role(cadre.role), postings, assignment)
    due = reports_due(start, last_day, today)
    return any(d.kind is WrittenReport.TERM_SUMMARY for d in due)


def choices(uow: UnitOfWork, cadre: Person, today: date) -> list[FilingChoice]:
    """What the cadre may file today: the half-year report, the term summary once due,
    the three-year plan and the year's goals; each with the live filing's date."""
    _posted(uow, cadre, today)
    kinds = [FilingKind.HALF_YEAR]
    if _term_summary_due(uow, cadre, today):
        kinds.append(FilingKind.TERM_SUMMARY)
    kinds += [FilingKind.THREE_YEAR_PLAN, FilingKind.YEAR_GOALS]
    found = []
    for kind in kinds:
        period = period_of(kind, today)
        live = uow.filings.live(id_of(cadre), kind, period)
        found.append(FilingChoice(kind, period, live.filed_at if live is not None else None))
    return found


def check_kind(uow: UnitOfWork, cadre: Person, kind: FilingKind, today: date) -> str:
    """The period a filing of ``kind`` made today is for; the term summary is refused
    until 30 days before the term's end."""
    _posted(uow, cadre, today)
    if kind is FilingKind.TERM_SUMMARY and not _term_summary_due(uow, cadre, today):
        raise DomainError("filings.summary_not_due")
    return period_of(kind, today)


def clean_text(text: str | None) -> str | None:
    """A typed report as stored: trimmed, None when blank; refused over the limit."""
    cleaned = (text or "").strip() or None
    if cleaned is not None and len(cleaned) > REPORT_MAX_CHARS:
        raise DomainError("filings.too_long", length=len(cleaned), limit=REPORT_MAX_CHARS)
    return cleaned


def _recipients(uow: UnitOfWork, kind: FilingKind, unit_id: int, township_id: int) -> list[Person]:
    people: list[Person] = []
    for role in recipients(kind):
        if role is Role.UNIT_LEADER:
            people += uow.people.holders(role, unit_id=unit_id)
        elif role is Role.TOWNSHIP_SECRETARY:
            people += uow.people.holders(role, township_id=township_id)
        else:
            people += uow.people.holders(role)
    return people


def submit(
    uow: UnitOfWork,
    cadre: Person,
    kind: FilingKind,
    *,
    now: datetime,
    text: str | None = None,
    file_id: str | None = None,
    file_name: str | None = None,
) -> FilingOutcome:
    """File the cadre's report or plan (text or a document) for the current period and
    tell each recipient; a live filing of the same kind and period is replaced."""
    today = now.date()
    period = check_kind(uow, cadre, kind, today)
    unit_id, township_id, _village_id, village = _posted(uow, cadre, today)
    cleaned = clean_text(text)
    if cleaned is None and not file_id:
        raise DomainError("filings.empty")
    filing = Filing(
        person_id=id_of(cadre),
        kind=kind,
        period=period,
        text=None if file_id else cleaned,
        file_id=file_id or None,
        file_name=(file_name or None) if file_id else None,
        filed_at=now,
    )
    earlier = uow.filings.file(filing)
    uow.audit.record(
        now,
        cadre.id,
        "filing:file",
        f"filing:{filing.id}",
        kind=str(kind),
        period=period,
        replaced=earlier.id if earlier is not None else None,
    )
    attachment = Attachment(
        file_id=filing.file_id,
        name=filing.file_name or f"{kind}-{period}.txt",
        text=filing.text,
    )
    version = uow.filings.replaced_count(id_of(cadre), kind, period) + 1
    params = dict(name=cadre.name, role=cadre.role, village=village, year=today.year)
    params |= dict(day=today, version=version)
    people = _recipients(uow, kind, unit_id, township_id)
    key = notice_key(kind, period)
    notices = [Notice(id_of(p), key, dict(params), attachment=attachment) for p in people]
    return FilingOutcome(
        filing, earlier.filed_at if earlier is not None else None, len(people), notices
    )


def notice_key(kind: FilingKind, period: str) -> str:
    """The notice's catalog key: one per kind, a half year's by its half
    (``filings.notice_half_year_2`` for July to December)."""
    if kind is FilingKind.HALF_YEAR:
        return f"filings.notice_half_year_{period[-1]}"
    return f"filings.notice_{kind}"


@dataclass(frozen=True)
class CadreFilings:
    """One cadre of the township: their village, and when they filed this half year's
    report and this year's goals (None: not yet)."""

    name: str
    village: str
    report_at: datetime | None
    goals_at: datetime | None


def township_status(uow: UnitOfWork, secretary: Person, today: date) -> list[CadreFilings]:
    """The township's cadres posted today, with this half year's report and this
    year's goals as filed; those who have not filed the report first."""
    if secretary.role != Role.TOWNSHIP_SECRETARY or secretary.township_id is None:
        raise DomainError("error.role_cannot")
    posted = uow.assignments.cadres_posted(today, township_id=secretary.township_id)
    ids = [id_of(person) for person, _a, _v in posted]
    reports = uow.filings.filed(ids, FilingKind.HALF_YEAR, half_year_key(today))
    goals = uow.filings.filed(ids, FilingKind.YEAR_GOALS, str(today.year))
    rows = [
        CadreFilings(
            person.name,
            village.name,
            reports[id_of(person)].filed_at if id_of(person) in reports else None,
            goals[id_of(person)].filed_at if id_of(person) in goals else None,
        )
        for person, _assignment, village in posted
    ]
    return sorted(rows, key=lambda r: (r.report_at is not None, r.village, r.name))
