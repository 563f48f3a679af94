"""Assessment records (Art. 26-28): the township's 日常考核 and 半年考核 of a cadre, a
note on each of the four items, and the graders' 民主测评 and 个别谈话.

Who records what for whom is ``domain.assessment.may_record``: the township (secretary or
分管领导) for the cadres posted in its township, the annual graders of Art. 26.2 (org_dept
and the township secretary for a First Secretary, poverty_bureau for a work-team member)
the evidence of the annual grade. A rating under 20 raters or interviews under 15 people
are refused before anything is stored. Every record is in the audit log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, datetime

from domain.assessment import (
    EVIDENCE_NOTE_MAX_CHARS,
    ITEM_NOTE_MAX_CHARS,
    TOWNSHIP_KINDS,
    AssessmentItem,
    AssessmentKind,
    EvidenceKind,
    check_evidence_count,
    may_record,
)
from domain.errors import DomainError
from domain.roles import ASSESSORS, CADRE_ROLES, TOWNSHIP_ROLES, Role
from services.places import CadreChoice, cadres_in_township
from storage.ids import id_of
from storage.tables import AssessmentRecord, Person, Township
from storage.unit_of_work import UnitOfWork

RecordKind = AssessmentKind | EvidenceKind
#: What /assess offers, in this order (the annual grade itself comes from the import).
RECORD_KINDS: tuple[RecordKind, ...] = (*TOWNSHIP_KINDS, *EvidenceKind)


def record_kind(code: str) -> RecordKind:
    """A kind /assess records, from its stored code; anything else is a stale button."""
    for kind in RECORD_KINDS:
        if kind.value == code:
            return kind
    raise DomainError("error.stale_button")


def _township_of(official: Person) -> int | None:
    """The township an official's records are limited to (None: the whole district)."""
    if official.role not in ASSESSORS:
        raise DomainError("error.role_cannot")
    return official.township_id if official.role in TOWNSHIP_ROLES else None


def townships(uow: UnitOfWork, official: Person) -> list[Township]:
    own = _township_of(official)
    return [t for t in uow.places.townships() if own is None or t.id == own]


def cadres_in(
    uow: UnitOfWork, official: Person, township_id: int, today: date
) -> list[CadreChoice]:
    if _township_of(official) not in (None, township_id):
        raise DomainError("error.not_yours")
    return cadres_in_township(uow, township_id, today)


def _cadre(uow: UnitOfWork, official: Person, cadre_id: int, today: date) -> Person:
    own = _township_of(official)
    cadre = uow.people.get(cadre_id)
    if cadre is None or cadre.role not in CADRE_ROLES or not cadre.active:
        raise DomainError("error.stale_button")
    if own is not None:
        found = uow.assignments.posting(id_of(cadre), today)
        if found is None or found[1].township_id != own:
            raise DomainError("error.not_yours")
    return cadre


def kinds_for(
    uow: UnitOfWork, official: Person, cadre_id: int, today: date
) -> tuple[Person, list[RecordKind]]:
    """The cadre and what this official records for them; none at all is refused with
    who does (Art. 26.2), so the official can pass it on."""
    cadre = _cadre(uow, official, cadre_id, today)
    role = Role(official.role)
    kinds = [k for k in RECORD_KINDS if may_record(role, Role(cadre.role), k)]
    if not kinds:
        raise DomainError(f"assess.not_grader_{cadre.role}", name=cadre.name)
    return cadre, kinds


def _check_may(official: Person, cadre: Person, kind: RecordKind) -> None:
    if not may_record(Role(official.role), Role(cadre.role), kind):
        raise DomainError(f"assess.not_grader_{cadre.role}", name=cadre.name)


def clean_item_note(text: str | None) -> str:
    """An item's note as stored: trimmed, not empty, at most 200 characters."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("assess.note_empty")
    if len(cleaned) > ITEM_NOTE_MAX_CHARS:
        raise DomainError("assess.note_too_long", limit=ITEM_NOTE_MAX_CHARS, length=len(cleaned))
    return cleaned


def clean_evidence_note(text: str | None) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise DomainError("assess.note_empty")
    if len(cleaned) > EVIDENCE_NOTE_MAX_CHARS:
        raise DomainError(
            "assess.note_too_long", limit=EVIDENCE_NOTE_MAX_CHARS, length=len(cleaned)
        )
    return cleaned


def split_item_notes(
    text: str | None, labels: Mapping[AssessmentItem, Collection[str]]
) -> dict[AssessmentItem, str] | None:
    """The four notes of one message written as four lines, each starting with its item's
    name and a colon in order ("在岗：…", "走访调研：…"); None for anything else (then
    the message is the first item's note alone)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) != len(AssessmentItem):
        return None
    notes: dict[AssessmentItem, str] = {}
    for item, line in zip(AssessmentItem, lines, strict=True):
        head, colon, rest = line.replace("：", ":", 1).partition(":")
        if not colon or head.strip().lower() not in {name.lower() for name in labels[item]}:
            return None
        notes[item] = clean_item_note(rest)
    return notes


def parse_count(kind: EvidenceKind, text: str | None) -> int:
    """The raters' or people's count as typed ("23", "23人"), checked against Art. 28."""
    cleaned = (text or "").strip().removesuffix("人").strip()
    if not cleaned.isdigit() or len(cleaned) > 6:
        raise DomainError("assess.bad_count", value=(text or "").strip())
    count = int(cleaned)
    check_evidence_count(kind, count)
    return count


def record_township_assessment(
    uow: UnitOfWork,
    official: Person,
    cadre_id: int,
    kind: AssessmentKind,
    notes: Mapping[AssessmentItem, str],
    *,
    now: datetime,
) -> AssessmentRecord:
    """Store a 日常考核 or 半年考核 with a note on each of the four items."""
    if kind not in TOWNSHIP_KINDS:
        raise DomainError("error.stale_button")
    cleaned = {item: clean_item_note(notes.get(item)) for item in AssessmentItem}
    return _store(
        uow,
        official,
        cadre_id,
        kind,
        now,
        on_post=cleaned[AssessmentItem.ON_POST],
        visits=cleaned[AssessmentItem.VISITS],
        projects=cleaned[AssessmentItem.PROJECTS],
        work=cleaned[AssessmentItem.WORK],
    )


def record_evidence(
    uow: UnitOfWork,
    official: Person,
    cadre_id: int,
    kind: EvidenceKind,
    count: int,
    note: str,
    *,
    now: datetime,
) -> AssessmentRecord:
    """Store a 民主测评 (``count`` raters) or 个别谈话 (``count`` people) with its result."""
    check_evidence_count(kind, count)
    return _store(uow, official, cadre_id, kind, now, count=count, note=clean_evidence_note(note))


def _store(
    uow: UnitOfWork,
    official: Person,
    cadre_id: int,
    kind: RecordKind,
    now: datetime,
    *,
    on_post: str | None = None,
    visits: str | None = None,
    projects: str | None = None,
    work: str | None = None,
    count: int | None = None,
    note: str | None = None,
) -> AssessmentRecord:
    """The one way a record is stored: the cadre in the official's scope, the official
    one who records ``kind`` for them, dated ``now``, with its audit entry."""
    cadre = _cadre(uow, official, cadre_id, now.date())
    _check_may(official, cadre, kind)
    record = uow.assessments.add(
        AssessmentRecord(
            cadre_id=id_of(cadre),
            year=now.year,
            day=now.date(),
            kind=kind,
            on_post=on_post,
            visits=visits,
            projects=projects,
            work=work,
            count=count,
            note=note,
            recorded_by_id=official.id,
            recorded_at=now,
        )
    )
    uow.audit.record(
        now,
        official.id,
        "assessment",
        f"assessment:{record.id}",
        cadre=cadre.id,
        kind=record.kind,
        count=record.count,
    )
    return record
