"""民情日记 (Art. 12): at least 10 entries a month, signed weekly by the village party
secretary and confirmed monthly by the township party secretary. A signed entry is
locked; entries and sign-offs are only ever added."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.attendance import Period
from domain.errors import DomainError
from domain.roles import Role
from storage.tables import DiaryEntry, DiarySignoff, Person
from storage.unit_of_work import UnitOfWork

MAX_PHOTOS = 10
MAX_TEXT = 3000


def write_entry(
    uow: UnitOfWork, person: Person, *, text: str, photos: list[str], now: datetime
) -> int:
    """Store a new entry and audit it; returns its id (all the caller needs: the dialog
    that follows attaches photos by id)."""
    text = (text or "").strip()
    if not text:
        raise DomainError("diary.empty")
    if len(text) > MAX_TEXT:
        raise DomainError("diary.too_long", limit=MAX_TEXT)
    if len(photos) > MAX_PHOTOS:
        raise DomainError("diary.too_many_photos", limit=MAX_PHOTOS)
    entry_id = uow.diaries.insert(
        person_id=person.id, day=now.date(), written_at=now, text=text, photos=photos
    )
    uow.audit.record(now, person.id, "diary:write", f"diary:{entry_id}")
    return entry_id


def attach_photo(uow: UnitOfWork, person: Person, *, entry_id: int, file_id: str) -> int:
    """Add a photo to the cadre's own unsigned entry; returns the photo count."""
    entry = uow.diaries.get(entry_id)
    if entry is None or entry.person_id != person.id:
        raise DomainError("error.not_yours")
    if entry.week_signoff_id or entry.month_signoff_id:
        raise DomainError("diary.locked")
    if len(entry.photo_file_ids) >= MAX_PHOTOS:
        raise DomainError("diary.too_many_photos", limit=MAX_PHOTOS)
    entry.photo_file_ids = [*entry.photo_file_ids, file_id]
    uow.session.flush()
    return len(entry.photo_file_ids)


def month_entries(uow: UnitOfWork, person: Person, today: date) -> list[DiaryEntry]:
    period = Period.month(today.year, today.month)
    return list(uow.diaries.between(person.id, period.first, period.last))


def month_count(uow: UnitOfWork, person: Person, today: date) -> int:
    """How many entries the person has this month (counted, not loaded)."""
    period = Period.month(today.year, today.month)
    return uow.diaries.count_between(person.id, period.first, period.last)


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_span(key: str) -> Period:
    year, week = key.split("-W")
    first = date.fromisocalendar(int(year), int(week), 1)
    return Period(first, first + timedelta(days=6))


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_span(key: str) -> Period:
    year, month = key.split("-")
    return Period.month(int(year), int(month))


@dataclass(frozen=True)
class Batch:
    """A cadre's entries of one week (or month) awaiting a signature."""

    cadre: Person
    scope: str
    period: str
    entries: list[DiaryEntry]


def _cadres_for(uow: UnitOfWork, signer: Person, today: date) -> list[Person]:
    """The cadres whose diaries this signer signs: the village's or the township's."""
    if signer.role == Role.VILLAGE_SECRETARY:
        rows = uow.assignments.cadres_posted(today, village_id=signer.village_id)
    else:
        rows = uow.assignments.cadres_posted(today, township_id=signer.township_id)
    return [person for person, _assignment, _village in rows]


def awaiting_signature(uow: UnitOfWork, signer: Person, today: date) -> list[Batch]:
    """Weeks (village secretary) or months (township secretary) with unsigned entries."""
    if signer.role == Role.VILLAGE_SECRETARY:
        scope, key_of, field = "week", week_key, "week_signoff_id"
    elif signer.role == Role.TOWNSHIP_SECRETARY:
        scope, key_of, field = "month", month_key, "month_signoff_id"
    else:
        raise DomainError("error.role_cannot")
    batches: list[Batch] = []
    since = today - timedelta(days=62)
    for cadre in _cadres_for(uow, signer, today):
        grouped: dict[str, list[DiaryEntry]] = defaultdict(list)
        for entry in uow.diaries.between(cadre.id, since, today):
            if getattr(entry, field) is None:
                grouped[key_of(entry.day)].append(entry)
        for period in sorted(grouped):
            batches.append(Batch(cadre, scope, period, grouped[period]))
    return batches


def sign(
    uow: UnitOfWork, signer: Person, *, cadre_id: int, scope: str, period: str, now: datetime
) -> DiarySignoff:
    """Sign every unsigned entry of the cadre's week/month; entries written afterwards in
    the same period stay open for the next signature."""
    batches = [
        b
        for b in awaiting_signature(uow, signer, now.date())
        if b.cadre.id == cadre_id and b.scope == scope and b.period == period
    ]
    if not batches:
        raise DomainError("diary.nothing_to_sign")
    entries = batches[0].entries
    existing = uow.diaries.signoff(cadre_id, scope, period)
    if existing is not None:
        # Late entries of an already signed period get a second, separate signature row.
        period = (
            f"{period}+{len(uow.audit.for_subject(f'signoff:{cadre_id}:{scope}:{period}')) + 1}"
        )
    signoff = uow.diaries.add(
        DiarySignoff(
            cadre_id=cadre_id,
            scope=scope,
            period=period,
            signer_id=signer.id,
            signed_at=now,
            entry_count=len(entries),
        )
    )
    for entry in entries:
        if scope == "week":
            entry.week_signoff_id = signoff.id
        else:
            entry.month_signoff_id = signoff.id
    uow.audit.record(
        now,
        signer.id,
        f"diary:sign_{scope}",
        f"signoff:{cadre_id}:{scope}:{period}",
        entries=[e.id for e in entries],
    )
    uow.session.flush()
    return signoff
