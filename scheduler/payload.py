"""A reminder's payload as the sweeps build it and ``scheduler.render`` reads it.

The outbox stores a payload as JSON (``storage.tables.Reminder.payload``); these
dataclasses are its shape. ``to_json`` writes only the parts a payload has, in the order
the sweeps always wrote them (key, params, lines, parts, actions, document, open_step,
card), so the stored JSON is byte for byte what it was before the dataclasses
(``tests/scheduler/test_scheduler_payload.py`` round-trips each kind); ``from_json``
reads any stored row, old or new, and the payloads services write as plain
``{"key", "params"}`` dicts. Catalog values (``params``, a line's items) and a sheet's
``document`` stay dicts: they are the catalog's and the sheet builder's, not this
module's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

JSON = dict[str, Any]


@dataclass(frozen=True)
class Lines:
    """A list shown as one catalog line per item, joined into the parameter ``param``
    (``alert_key`` for items marked ``alert``; ``marks`` names the item value holding
    the weekly grid's letters; ``more``: how many were left out; ``empty``: the message
    when there are no items)."""

    param: str
    key: str
    items: list[JSON]
    alert_key: str | None = None
    marks: str | None = None
    more: int | None = None
    empty: str | None = None

    def to_json(self) -> JSON:
        data: JSON = {"param": self.param, "key": self.key}
        if self.alert_key is not None:
            data["alert_key"] = self.alert_key
        if self.marks is not None:
            data["marks"] = self.marks
        data["items"] = self.items
        if self.more is not None:
            data["more"] = self.more
        if self.empty is not None:
            data["empty"] = self.empty
        return data

    @classmethod
    def from_json(cls, data: JSON) -> Lines:
        return cls(
            param=data["param"],
            key=data["key"],
            items=list(data.get("items", [])),
            alert_key=data.get("alert_key"),
            marks=data.get("marks"),
            more=data.get("more"),
            empty=data.get("empty"),
        )


@dataclass(frozen=True)
class Part:
    """A further paragraph: a catalog message and its values."""

    key: str
    params: JSON = field(default_factory=dict)

    def to_json(self) -> JSON:
        return {"key": self.key, "params": self.params}

    @classmethod
    def from_json(cls, data: JSON) -> Part:
        return cls(data["key"], dict(data.get("params", {})))


@dataclass(frozen=True)
class _Flat:
    """A part of flat JSON values, stored as its fields in their order."""

    def to_json(self) -> JSON:
        return asdict(self)

    @classmethod
    def from_json(cls: type[F], data: JSON) -> F:
        return cls(**data)


F = TypeVar("F", bound=_Flat)


@dataclass(frozen=True)
class ActionRef(_Flat):
    """A button: a leave or claim decision (``verb`` and the step or claim id) or a
    period's action (the review, corrections, the weekly grid; ``ref`` the period key)."""

    verb: str
    ref: int | str


@dataclass(frozen=True)
class OpenStep(_Flat):
    """The leave step a reminder is about: sent only while it waits (for this person
    when ``holder``), else closed (``scheduler.dispatch``)."""

    id: int
    holder: bool


@dataclass(frozen=True)
class Card(_Flat):
    """A leave card, edited once its buttons no longer apply (``services.leave_cards``)."""

    request: int
    step: int


@dataclass(frozen=True)
class Payload:
    """One reminder: the catalog message and its values, and what goes with it."""

    key: str
    params: JSON = field(default_factory=dict)
    #: None: the payload has no such part (an empty list is stored as one: a week's
    #: standing always carries its ``parts``, none or some).
    lines: list[Lines] | None = None
    parts: list[Part] | None = None
    actions: list[ActionRef] | None = None
    #: An attendance sheet to attach (``services.reports.attendance_sheet.document_spec``).
    document: JSON | None = None
    open_step: OpenStep | None = None
    card: Card | None = None

    def to_json(self) -> JSON:
        """The stored form: only the parts this payload has, in the sweeps' order."""
        data: JSON = {"key": self.key, "params": self.params}
        if self.lines is not None:
            data["lines"] = [spec.to_json() for spec in self.lines]
        if self.parts is not None:
            data["parts"] = [part.to_json() for part in self.parts]
        if self.actions is not None:
            data["actions"] = [action.to_json() for action in self.actions]
        if self.document is not None:
            data["document"] = self.document
        if self.open_step is not None:
            data["open_step"] = self.open_step.to_json()
        if self.card is not None:
            data["card"] = self.card.to_json()
        return data

    @classmethod
    def from_json(cls, data: JSON) -> Payload:
        open_step, card = data.get("open_step"), data.get("card")
        lines, parts, actions = data.get("lines"), data.get("parts"), data.get("actions")
        return cls(
            key=data["key"],
            params=dict(data.get("params", {})),
            lines=[Lines.from_json(spec) for spec in lines] if lines is not None else None,
            parts=[Part.from_json(part) for part in parts] if parts is not None else None,
            actions=[ActionRef.from_json(a) for a in actions] if actions is not None else None,
            document=data.get("document"),
            open_step=OpenStep.from_json(open_step) if open_step else None,
            card=Card.from_json(card) if card else None,
        )


@dataclass(frozen=True)
class TermNoticeParams(_Flat):
    """A posting's term notice (Art. 6, ``scheduler.posting_term``): which notice (a
    ``domain.posting_term.TermNotice`` code), whose posting, its last day (ISO) and the
    days left on the day the sweep planned it (a caught-up notice says the truth)."""

    notice: str
    name: str
    role: str
    village: str
    township: str
    unit: str
    last_day: str
    days_left: int

    def payload(self, audience: str) -> Payload:
        """The message for ``audience``: ``cadre`` (their own term) or ``others`` (the
        unit, the township secretary, org_dept)."""
        timing = "ends" if self.notice == "ends" else "before"
        return Payload(f"tenure.{audience}_{timing}", self.to_json())
