"""民情日记 (Art. 12): at least 10 entries a month, signed weekly by the village party
secretary and confirmed monthly by the township party secretary. A signed entry is
locked; entries and sign-offs are only ever added."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain import diary as rules
from domain.attendance import Period
from domain.diary import Gap, week_key, week_of
from domain.errors import DomainError
from domain.roles import DIARY_SIGNERS, Role
from storage.tables import Assignment, DiaryEntry, DiarySignoff, Person, Village
from storage.unit_of_work import UnitOfWork

MAX_PHOTOS = 10
MAX_TEXT = 3000
#: How far back unsigned diaries are still offered for signature.
SIGNOFF_LOOKBACK = timedelta(days=62)


def write_entry(
    uow: UnitOfWork, person: Person, *, text: str, photos: list[str], now: datetime
) -> int:
    """Store a new entry and audit it; returns its id (all the caller needs: the dialog
    that follows attaches photos by id)."""
    text = (text or "").strip()
    if not text:
        raise DomainError("diary.empty")
    if len(text) > MAX_TEXT:
        raise DomainError("diary.too_long", limit=MAX_TEXT, length=len(text))
    if len(photos) > MAX_PHOTOS:
        raise DomainError("diary.too_many_photos", limit=MAX_PHOTOS)
    entry_id = uow.diaries.insert(
        person_id=person.id, day=now.date(), written_at=now, text=text, photos=photos
    )
    uow.audit.record(now, person.id, "diary:write", f"diary:{entry_id}")
    return entry_id


def write_split_entry(
    uow: UnitOfWork, person: Person, *, text: str, photos: list[str], now: datetime
) -> list[int]:
    """Store an entry over ``MAX_TEXT`` as consecutive entries broken at its paragraph or
    sentence ends (domain.diary.split_text), all or none; the photos go with the first.
    Returns the ids in order."""
    parts = rules.split_text(text or "", MAX_TEXT)
    if not parts:
        raise DomainError("diary.empty")
    return [
        write_entry(uow, person, text=part, photos=photos if i == 0 else [], now=now)
        for i, part in enumerate(parts)
    ]


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
    uow.flush()
    return len(entry.photo_file_ids)


def month_entries(uow: UnitOfWork, person: Person, today: date) -> list[DiaryEntry]:
    period = Period.month(today.year, today.month)
    return list(uow.diaries.between(person.id, period.first, period.last))


def month_count(uow: UnitOfWork, person: Person, today: date) -> int:
    """How many entries the person has this month (counted, not loaded)."""
    period = Period.month(today.year, today.month)
    return uow.diaries.count_between(person.id, period.first, period.last)


def month_key(day: date) -> str:
    return f"{day.year}-{day.month:02d}"


def month_span(key: str) -> Period:
    year, month = key.split("-")
    return Period.month(int(year), int(month))


def period_days(scope: str, key: str) -> Period:
    """The days a signature's period covers (a late signature's ``+2`` suffix aside)."""
    key = key.split("+", 1)[0]
    return week_of(key) if scope == "week" else month_span(key)


@dataclass(frozen=True)
class WeekSigners:
    """Who verifies one village's weeks (``domain.diary.WEEKLY_SIGNERS``): the role,
    None when nobody in the roster can, and the active people holding it there."""

    role: Role | None
    people: tuple[Person, ...]

    @property
    def bound(self) -> tuple[Person, ...]:
        """Those of them who have started the bot (only they can be asked to sign)."""
        return tuple(p for p in self.people if p.telegram_user_id is not None)

    def includes(self, person: Person) -> bool:
        return any(p.id == person.id for p in self.people)


def week_signers(uow: UnitOfWork, village: Village) -> WeekSigners:
    """The village's weekly signers: its party secretary, else (a village without one in
    the roster) the township leader in charge, else the township secretary."""
    held = {
        Role.VILLAGE_SECRETARY: uow.people.holders(Role.VILLAGE_SECRETARY, village_id=village.id),
        Role.TOWNSHIP_LEADER: uow.people.holders(
            Role.TOWNSHIP_LEADER, township_id=village.township_id
        ),
        Role.TOWNSHIP_SECRETARY: uow.people.holders(
            Role.TOWNSHIP_SECRETARY, township_id=village.township_id
        ),
    }
    role = rules.weekly_signer_role({r: [p.id for p in people] for r, people in held.items()})
    return WeekSigners(role, tuple(held[role]) if role else ())


@dataclass(frozen=True)
class WeekGap:
    """A week of a month awaiting confirmation that is not verified yet, and why: the
    township secretary is told which week, how many entries, and who should sign it."""

    week: str
    days: Period
    entries: int
    reason: Gap
    #: Who should verify it (``WeekSigners.people``; only those bound when NOT_SIGNED).
    signers: tuple[str, ...]


@dataclass(frozen=True)
class Batch:
    """A cadre's entries of one week (or month) awaiting a signature; a month's ``gaps``
    are its weeks not verified yet (a month with gaps cannot be confirmed)."""

    cadre: Person
    scope: str
    period: str
    entries: list[DiaryEntry]
    gaps: tuple[WeekGap, ...] = ()

    @property
    def days(self) -> Period:
        return period_days(self.scope, self.period)


def _cadres_for(
    uow: UnitOfWork, signer: Person, today: date
) -> list[tuple[Person, Assignment, Village]]:
    """The cadres whose diaries this signer might sign: the village's or the township's."""
    if signer.role == Role.VILLAGE_SECRETARY:
        return uow.assignments.cadres_posted(today, village_id=signer.village_id)
    return uow.assignments.cadres_posted(today, township_id=signer.township_id)


def _grouped(entries: list[DiaryEntry], scope: str) -> dict[str, list[DiaryEntry]]:
    """Unsigned entries of one scope by period key, in calendar order."""
    grouped: dict[str, list[DiaryEntry]] = defaultdict(list)
    for entry in entries:
        if scope == "week" and entry.week_signoff_id is None:
            grouped[week_key(entry.day)].append(entry)
        elif scope == "month" and entry.month_signoff_id is None:
            grouped[month_key(entry.day)].append(entry)
    return {key: grouped[key] for key in sorted(grouped)}


def _gaps(entries: list[DiaryEntry], signers: WeekSigners) -> tuple[WeekGap, ...]:
    weeks = rules.unverified_weeks((e.day, e.week_signoff_id is not None) for e in entries)
    reason = rules.gap_reason(bool(signers.bound))
    names = signers.bound if reason is Gap.NOT_SIGNED else signers.people
    return tuple(
        WeekGap(key, week_of(key), count, reason, tuple(p.name for p in names))
        for key, count in weeks.items()
    )


def awaiting_signature(uow: UnitOfWork, signer: Person, today: date) -> list[Batch]:
    """What awaits this signer: the weeks of the villages whose weekly signer they are
    (``week_signers``), then, for the township secretary, the months of the township's
    cadres, each with the weeks in it not verified yet (``Batch.gaps``)."""
    if signer.role not in DIARY_SIGNERS:
        raise DomainError("error.role_cannot")
    weeks: list[Batch] = []
    months: list[Batch] = []
    since = today - SIGNOFF_LOOKBACK
    signers_of: dict[int, WeekSigners] = {}
    for cadre, _assignment, village in _cadres_for(uow, signer, today):
        signers = signers_of.get(village.id)
        if signers is None:
            signers = signers_of[village.id] = week_signers(uow, village)
        entries = list(uow.diaries.between(cadre.id, since, today))
        if signers.includes(signer):
            for key, group in _grouped(entries, "week").items():
                weeks.append(Batch(cadre, "week", key, group))
        if signer.role == Role.TOWNSHIP_SECRETARY:
            for key, group in _grouped(entries, "month").items():
                months.append(Batch(cadre, "month", key, group, _gaps(group, signers)))
    return weeks + months


def entry_to_read(
    uow: UnitOfWork, reader: Person, *, entry_id: int, today: date
) -> tuple[DiaryEntry, Person]:
    """The entry and its cadre, for reading it whole before signing: the cadre's own, or
    one of a cadre whose diaries the reader signs (the village's weekly signer, the
    township secretary)."""
    entry = uow.diaries.get(entry_id)
    if entry is None:
        raise DomainError("error.not_yours")
    cadre = uow.people.get(entry.person_id)
    if cadre.id == reader.id:
        return entry, cadre
    if reader.role not in DIARY_SIGNERS:
        raise DomainError("error.not_yours")
    for posted, _assignment, village in _cadres_for(uow, reader, today):
        if posted.id == cadre.id and (
            reader.role == Role.TOWNSHIP_SECRETARY or week_signers(uow, village).includes(reader)
        ):
            return entry, cadre
    raise DomainError("error.not_yours")


def sign(
    uow: UnitOfWork, signer: Person, *, cadre_id: int, scope: str, period: str, now: datetime
) -> DiarySignoff:
    """Sign every unsigned entry of the cadre's week/month; entries written afterwards in
    the same period stay open for the next signature.

    A month is confirmed only when every entry in it is verified weekly: the township
    secretary's 签字确认 rests on the village's 签字核实, so confirming over an unverified
    week would certify what nobody checked. The refusal names how many weeks wait;
    /signoff lists which, with why (nobody to verify them, the signer has not started
    the bot, or has not signed yet), so the secretary knows whom to chase. Nothing is
    confirmed in part: the month is one signature over all its entries."""
    batches = [
        b
        for b in awaiting_signature(uow, signer, now.date())
        if b.cadre.id == cadre_id and b.scope == scope and b.period == period
    ]
    if not batches:
        raise DomainError("diary.nothing_to_sign")
    batch = batches[0]
    if batch.gaps:
        raise DomainError(
            "diary.month_unverified", name=batch.cadre.name, month=period, weeks=len(batch.gaps)
        )
    entries = batch.entries
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
    uow.flush()
    return signoff
