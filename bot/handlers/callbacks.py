"""Typed callback data, packed into Telegram's 64 bytes.

Each kind of button is a small frozen dataclass with a short prefix and integer or short
string fields; ``pack`` and ``unpack`` are the only places that touch the wire format, so
a forged or stale payload is rejected as a whole rather than half-parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import ClassVar, get_type_hints

MAX_BYTES = 64
_REGISTRY: dict[str, type[CallbackData]] = {}


class BadCallback(ValueError):
    """Callback data that no button of ours produces."""


@dataclass(frozen=True)
class CallbackData:
    prefix: ClassVar[str]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("prefix"):
            assert cls.prefix not in _REGISTRY, cls.prefix
            _REGISTRY[cls.prefix] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                value = int(value)
            elif isinstance(value, date):
                value = value.strftime("%Y%m%d")
            text = str(value)
            if ":" in text:
                raise ValueError(f"':' not allowed in callback field {f.name}")
            parts.append(text)
        packed = ":".join(parts)
        if len(packed.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {packed!r}")
        return packed


def unpack(data: str) -> CallbackData:
    prefix, *values = (data or "").split(":")
    cls = _REGISTRY.get(prefix)
    if cls is None:
        raise BadCallback(data)
    hints = get_type_hints(cls)
    cls_fields = fields(cls)
    if len(values) != len(cls_fields):
        raise BadCallback(data)
    kwargs: dict[str, object] = {}
    try:
        for f, raw in zip(cls_fields, values, strict=True):
            kind = hints[f.name]
            if kind is bool:
                if raw not in ("0", "1"):
                    raise BadCallback(data)
                kwargs[f.name] = raw == "1"
            elif kind is int:
                if not raw.lstrip("-").isdigit() or len(raw) > 18:
                    raise BadCallback(data)
                kwargs[f.name] = int(raw)
            elif kind is date:
                kwargs[f.name] = date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
            else:
                kwargs[f.name] = raw
    except (ValueError, IndexError) as exc:
        raise BadCallback(data) from exc
    return cls(**kwargs)


@dataclass(frozen=True)
class LeaveVote(CallbackData):
    """Yes or no at a leave step: what it means follows the step's kind (同意/不同意 an
    opinion, apply/decline for the unit, approve/reject for an approver)."""

    prefix: ClassVar[str] = "lv"
    step_id: int
    approve: bool


@dataclass(frozen=True)
class LeaveComment(CallbackData):
    prefix: ClassVar[str] = "lc"
    step_id: int


@dataclass(frozen=True)
class LeaveDelegate(CallbackData):
    """Open the list of deputies (deputy_id 0) or hand the step to one."""

    prefix: ClassVar[str] = "ld"
    step_id: int
    deputy_id: int


@dataclass(frozen=True)
class LeaveWithdraw(CallbackData):
    prefix: ClassVar[str] = "lw"
    request_id: int


@dataclass(frozen=True)
class LeaveWithdrawConfirm(CallbackData):
    """Withdraw the request for good: the second tap after /myleave's Withdraw asked."""

    prefix: ClassVar[str] = "lx"
    request_id: int


@dataclass(frozen=True)
class LeaveKeep(CallbackData):
    """Close a withdrawal's or a 销假's confirmation: the request stays as it is."""

    prefix: ClassVar[str] = "lk"
    request_id: int


@dataclass(frozen=True)
class LeaveEnd(CallbackData):
    """销假: the cadre is back early from an approved leave (next: the day back)."""

    prefix: ClassVar[str] = "le"
    request_id: int


@dataclass(frozen=True)
class LeaveEndOn(CallbackData):
    """销假 from ``day`` (today or tomorrow): the leave's days from then on are released."""

    prefix: ClassVar[str] = "lo"
    request_id: int
    day: date


@dataclass(frozen=True)
class LeaveRetroactive(CallbackData):
    """补假 (sudden illness or an emergency): pick the first day from the last few days."""

    prefix: ClassVar[str] = "lb"


@dataclass(frozen=True)
class LeaveRetroactiveConfirm(CallbackData):
    """Send (or drop) the typed 补假 the open leave dialog holds: a past start is filed only
    after the cadre confirms it, so a mistyped date never becomes a retroactive request."""

    prefix: ClassVar[str] = "lq"
    send: bool


@dataclass(frozen=True)
class LeaveRecallConfirm(CallbackData):
    """Send (or drop) the request over 30 days the open leave dialog holds: it is not a
    leave but a recall (Art. 11), sent only after the cadre read what that means."""

    prefix: ClassVar[str] = "lr"
    send: bool


@dataclass(frozen=True)
class ClaimVote(CallbackData):
    prefix: ClassVar[str] = "cv"
    claim_id: int
    approve: bool


@dataclass(frozen=True)
class DiarySign(CallbackData):
    prefix: ClassVar[str] = "ds"
    cadre_id: int
    scope: str
    period: str


@dataclass(frozen=True)
class DiaryRead(CallbackData):
    """Open one diary entry whole, with its photos, before signing it."""

    prefix: ClassVar[str] = "dr"
    entry_id: int


@dataclass(frozen=True)
class DiarySplit(CallbackData):
    """Save an entry too long for one as ``parts`` entries, broken where the text pauses."""

    prefix: ClassVar[str] = "dsp"
    parts: int


@dataclass(frozen=True)
class KeepFitting(CallbackData):
    """Keep the part of an over-long typed text that fits ``limit`` (bot/handlers/over_long.py)."""

    prefix: ClassVar[str] = "kf"
    limit: int


@dataclass(frozen=True)
class PickDate(CallbackData):
    """A day tapped in the inline date picker."""

    prefix: ClassVar[str] = "pd"
    day: date


@dataclass(frozen=True)
class PickMonth(CallbackData):
    """Turn the date picker to another month (the first day of it)."""

    prefix: ClassVar[str] = "pm"
    first: date


@dataclass(frozen=True)
class Done(CallbackData):
    """Finish the current dialog (diary photos, work record)."""

    prefix: ClassVar[str] = "dn"
    dialog: str


@dataclass(frozen=True)
class Noop(CallbackData):
    prefix: ClassVar[str] = "nx"


@dataclass(frozen=True)
class AttendanceReview(CallbackData):
    """A township secretary confirms a month's attendance (``2026-11``); the sheet then
    goes to the district departments."""

    prefix: ClassVar[str] = "ar"
    period: str


@dataclass(frozen=True)
class ReportMenu(CallbackData):
    """Turn the /report menu to another period (``2026-10``, ``2026-Q3``)."""

    prefix: ClassVar[str] = "rm"
    period: str


@dataclass(frozen=True)
class ReportPick(CallbackData):
    """Send the report of a scope (``t`` township, ``d`` district, ``u`` unit, ``a`` the
    annual sheet) for a period; the scope is checked against the presser."""

    prefix: ClassVar[str] = "rp"
    scope: str
    ref: int
    period: str


@dataclass(frozen=True)
class SpotTownship(CallbackData):
    """Spot check: list the cadres of this township."""

    prefix: ClassVar[str] = "xt"
    township_id: int


@dataclass(frozen=True)
class SpotCadre(CallbackData):
    """Spot check: this cadre — offer a remote check or an in-person record."""

    prefix: ClassVar[str] = "xc"
    cadre_id: int


@dataclass(frozen=True)
class SpotRemote(CallbackData):
    """Spot check: ask the cadre for their location now."""

    prefix: ClassVar[str] = "xr"
    cadre_id: int


@dataclass(frozen=True)
class SpotInPerson(CallbackData):
    """Spot check made in person: the cadre was ``found`` on site or not — next, the day."""

    prefix: ClassVar[str] = "xp"
    cadre_id: int
    found: bool


@dataclass(frozen=True)
class SpotVisit(CallbackData):
    """Spot check made in person on ``day`` (today or up to 7 days back): record it."""

    prefix: ClassVar[str] = "xv"
    cadre_id: int
    found: bool
    day: date


@dataclass(frozen=True)
class FixStart(CallbackData):
    """The township secretary enters days of their cadres for a scope: a reviewed month
    (``2026-11``, a correction) or a grid's week (``2026-W48``, an exception)."""

    prefix: ClassVar[str] = "fs"
    scope: str


@dataclass(frozen=True)
class FixCadre(CallbackData):
    """The cadre whose day the secretary enters (the scope is in the open dialog)."""

    prefix: ClassVar[str] = "fc"
    cadre_id: int


@dataclass(frozen=True)
class FixStatus(CallbackData):
    """What the day was: ``on_site``, ``absent`` or ``duty``."""

    prefix: ClassVar[str] = "fx"
    status: str


@dataclass(frozen=True)
class FixConfirm(CallbackData):
    """Record the entry the dialog holds (the cadre and day say which, so a stale button
    of another entry is refused)."""

    prefix: ClassVar[str] = "fk"
    cadre_id: int
    day: date


@dataclass(frozen=True)
class DutyTownship(CallbackData):
    """Duty days (公务): list the cadres of this township."""

    prefix: ClassVar[str] = "yt"
    township_id: int


@dataclass(frozen=True)
class DutyCadre(CallbackData):
    """Duty days: record for this cadre (opens the dialog)."""

    prefix: ClassVar[str] = "yc"
    cadre_id: int


@dataclass(frozen=True)
class DutyKindPick(CallbackData):
    """Duty days: the kind (a ``domain.duty.DutyKind`` code)."""

    prefix: ClassVar[str] = "yk"
    kind: str


@dataclass(frozen=True)
class DutyNoNote(CallbackData):
    """Duty days: go on without a note."""

    prefix: ClassVar[str] = "yn"


@dataclass(frozen=True)
class DutyConfirm(CallbackData):
    """Duty days: store the record the dialog holds."""

    prefix: ClassVar[str] = "yo"


@dataclass(frozen=True)
class WeekConfirm(CallbackData):
    """The township secretary confirms the weekly grid of a week (``2026-W48``)."""

    prefix: ClassVar[str] = "wc"
    week: str


@dataclass(frozen=True)
class LangPick(CallbackData):
    """/lang: the language picked (``zh`` or ``en``)."""

    prefix: ClassVar[str] = "lg"
    lang: str


@dataclass(frozen=True)
class VisitTag(CallbackData):
    """五必访 (Art. 10.1): tag (``on``) or untag the cadre's diary entry with a kind of
    visit (a ``domain.visits.VisitKind`` code). A state, not a flip: a second tap of the
    same button changes nothing."""

    prefix: ClassVar[str] = "vt"
    entry_id: int
    kind: str
    on: bool


# Work funds (Art. 20, /funds)


@dataclass(frozen=True)
class FundsAdd(CallbackData):
    """/funds: enter an expense of this fund (a ``domain.work_funds.Fund`` code)."""

    prefix: ClassVar[str] = "wfa"
    fund: str


@dataclass(frozen=True)
class FundsNoReceipt(CallbackData):
    """/funds: go on without a receipt photo (the statement marks it 无)."""

    prefix: ClassVar[str] = "wfr"


@dataclass(frozen=True)
class FundsConfirm(CallbackData):
    """/funds: record the expense the dialog holds."""

    prefix: ClassVar[str] = "wfo"


@dataclass(frozen=True)
class FundsReport(CallbackData):
    """/report: the work funds statement of a year for a township (``ref`` its id) or
    the district (``ref`` 0); checked against the presser."""

    prefix: ClassVar[str] = "wfp"
    ref: int
    year: int


# Written reports and plans (/workreport, Art. 14-15)


@dataclass(frozen=True)
class FilingKindPick(CallbackData):
    """/workreport: what to file (a ``domain.filings.FilingKind`` code)."""

    prefix: ClassVar[str] = "wrk"
    kind: str


@dataclass(frozen=True)
class FilingSubmit(CallbackData):
    """/workreport: file the text the dialog holds."""

    prefix: ClassVar[str] = "wrs"


# --- the unit's duties (/unitduty, Art. 15, 19) ---


@dataclass(frozen=True)
class UnitDutyPick(CallbackData):
    """/unitduty: what the unit leader records (a ``domain.unit_duties.UnitRecord``)."""

    prefix: ClassVar[str] = "uk"
    what: str


@dataclass(frozen=True)
class UnitDutyVillage(CallbackData):
    """/unitduty: the village of the unit's postings the leadership visited."""

    prefix: ClassVar[str] = "uv"
    village_id: int


@dataclass(frozen=True)
class UnitDutyCadre(CallbackData):
    """/unitduty: the unit's cadre whose health check or insurance is recorded."""

    prefix: ClassVar[str] = "uc"
    cadre_id: int


@dataclass(frozen=True)
class UnitDutyNoNote(CallbackData):
    """/unitduty: save the meeting without a note."""

    prefix: ClassVar[str] = "un"


# --- /assess: assessment records (#15, Art. 26-28) ---


@dataclass(frozen=True)
class AssessTownship(CallbackData):
    """Assessment records: list the cadres of this township."""

    prefix: ClassVar[str] = "qt"
    township_id: int


@dataclass(frozen=True)
class AssessCadre(CallbackData):
    """Assessment records: record for this cadre (opens the dialog)."""

    prefix: ClassVar[str] = "qc"
    cadre_id: int


@dataclass(frozen=True)
class AssessKindPick(CallbackData):
    """Assessment records: what to record (an ``AssessmentKind`` or ``EvidenceKind``)."""

    prefix: ClassVar[str] = "qk"
    kind: str


@dataclass(frozen=True)
class AssessConfirm(CallbackData):
    """Assessment records: store the record the dialog holds."""

    prefix: ClassVar[str] = "qo"
