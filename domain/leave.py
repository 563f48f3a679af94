"""Leave routing (Art. 11) as a declarative approval graph.

A request's length in calendar days (first and last day included) picks a ``LeaveTier``;
the tier's ``ROUTES`` entry lists the stages in order. A stage with several roles is
会签: every role must act before the next stage starts. Back-to-back requests that form one
continuous absence are judged by their combined length so the rule cannot be dodged by
splitting a long absence into short ones, not even across a weekend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.calendar import WorkdayCalendar
from domain.errors import InvalidLeave
from domain.roles import DISTRICT_DEPARTMENTS, NEXT_ROLE_UP, Role


class LeaveTier(StrEnum):
    SHORT = "short"  # up to 2 days
    MEDIUM = "medium"  # over 2, up to 5
    LONG = "long"  # over 5, up to 10
    EXTENDED = "extended"  # over 10, up to 30
    RECALL = "recall"  # over 30: not a leave, the unit recalls the cadre


class StepKind(StrEnum):
    COMMENT = "comment"  # 填注意见: an opinion (同意/不同意), never a decision
    APPLY = "apply"  # 由派出部门…请假: the unit applies on the cadre's behalf (or declines)
    APPROVE = "approve"  # 审批 / 批准: the only kind that decides
    FILE = "file"  # 备案: a notice, nothing to decide


@dataclass(frozen=True)
class Stage:
    """One stage of a route; several roles means all must act (会签)."""

    kind: StepKind
    roles: tuple[Role, ...]


ROUTES: Mapping[LeaveTier, tuple[Stage, ...]] = {
    LeaveTier.SHORT: (
        Stage(StepKind.COMMENT, (Role.TOWNSHIP_LEADER,)),
        Stage(StepKind.APPROVE, (Role.TOWNSHIP_SECRETARY,)),
    ),
    LeaveTier.MEDIUM: (
        Stage(StepKind.COMMENT, (Role.UNIT_LEADER,)),
        Stage(StepKind.APPROVE, (Role.TOWNSHIP_SECRETARY,)),
        Stage(StepKind.FILE, DISTRICT_DEPARTMENTS),
    ),
    LeaveTier.LONG: (
        Stage(StepKind.COMMENT, (Role.TOWNSHIP_SECRETARY, Role.UNIT_LEADER)),
        Stage(StepKind.APPROVE, DISTRICT_DEPARTMENTS),
    ),
    LeaveTier.EXTENDED: (
        # 镇(办)加注意见后, 由派出部门向组织部门、扶贫部门请假: the township comments
        # first, then the unit applies on the cadre's behalf, then the district decides.
        Stage(StepKind.COMMENT, (Role.TOWNSHIP_SECRETARY,)),
        Stage(StepKind.APPLY, (Role.UNIT_LEADER,)),
        Stage(StepKind.APPROVE, DISTRICT_DEPARTMENTS),
    ),
    LeaveTier.RECALL: (
        # 超过30天的由派出部门召回并重新选派: the unit recalls, the district is informed
        # (org_dept records the replacement), and the township, which keeps the cadre's
        # attendance, learns its cadre is leaving.
        Stage(
            StepKind.FILE,
            (Role.UNIT_LEADER, *DISTRICT_DEPARTMENTS, Role.TOWNSHIP_SECRETARY),
        ),
    ),
}

#: The longest leave the regulation knows; anything longer is a recall.
MAX_LEAVE_DAYS = 30


def leave_days(start: date, end: date) -> int:
    """Calendar days of a leave, first and last day included."""
    if end < start:
        raise InvalidLeave("error.leave_end_before_start", start=start, end=end)
    return (end - start).days + 1


def tier_for(days: int) -> LeaveTier:
    """The tier of a (combined) length in days."""
    if days < 1:
        raise InvalidLeave("error.leave_invalid", days=days)
    if days <= 2:
        return LeaveTier.SHORT
    if days <= 5:
        return LeaveTier.MEDIUM
    if days <= 10:
        return LeaveTier.LONG
    if days <= MAX_LEAVE_DAYS:
        return LeaveTier.EXTENDED
    return LeaveTier.RECALL


@dataclass(frozen=True)
class DateSpan:
    start: date
    end: date

    @property
    def days(self) -> int:
        return leave_days(self.start, self.end)

    def overlaps(self, other: DateSpan) -> bool:
        return self.start <= other.end and other.start <= self.end

    def touches(self, other: DateSpan) -> bool:
        """Adjacent or overlapping: together they form one continuous absence."""
        return self.start <= other.end + timedelta(days=1) and other.start <= self.end + timedelta(
            days=1
        )


def check_no_overlap(new: DateSpan, existing: Iterable[DateSpan]) -> None:
    """A day can be asked off once; an overlapping request is refused."""
    for span in existing:
        if new.overlaps(span):
            raise InvalidLeave("error.leave_overlaps", start=span.start, end=span.end)


def _bridged(gap_first: date, gap_last: date, calendar: WorkdayCalendar, onsite: Set[date]) -> bool:
    """Whether the days ``gap_first``..``gap_last`` between two requests join them: every
    one a non-working day (weekend, holiday) on which the cadre was not on site. An empty
    gap (the requests touch) joins them too."""
    day = gap_first
    while day <= gap_last:
        if day in onsite or calendar.is_workday(day):
            return False
        day += timedelta(days=1)
    return True


def _joins(span: DateSpan, whole: DateSpan, calendar: WorkdayCalendar, onsite: Set[date]) -> bool:
    if span.overlaps(whole):
        return True
    if span.end < whole.start:
        return _bridged(
            span.end + timedelta(days=1), whole.start - timedelta(days=1), calendar, onsite
        )
    return _bridged(whole.end + timedelta(days=1), span.start - timedelta(days=1), calendar, onsite)


def continuous_absence(
    new: DateSpan,
    existing: Iterable[DateSpan],
    *,
    calendar: WorkdayCalendar,
    onsite: Set[date],
) -> DateSpan:
    """The whole continuous absence ``new`` belongs to, from its first request's first day
    to its last request's last day, the gap days included.

    Requests chain when they touch, or when only non-working days on which the cadre was
    not on site lie between them: Mon-Fri and the next Mon-Fri are one 12-day absence, so
    a long absence cannot be split across weekends into short leaves. A working day, or a
    weekend day the cadre spent on site (``onsite``), between two requests breaks the chain.
    """
    pending = sorted(existing, key=lambda s: (s.start, s.end))
    whole = new
    changed = True
    while changed:
        changed = False
        for span in list(pending):
            if _joins(span, whole, calendar, onsite):
                whole = DateSpan(min(whole.start, span.start), max(whole.end, span.end))
                pending.remove(span)
                changed = True
    return whole


@dataclass(frozen=True)
class Assignment:
    """Who acts in one stage and in which role; ``fallback_from`` names the stage's own
    role when nobody held it and ``role`` stood in (the admin is then told)."""

    stage: int
    kind: StepKind
    role: Role
    assignee_id: int
    fallback_from: Role | None = None


class NoHolder(InvalidLeave):
    """Nobody, not even the admin, can decide a step."""

    key = "error.no_holder"


def resolve_holder(
    role: Role, holders: Mapping[Role, Sequence[int]], applicant_id: int
) -> tuple[Role, int]:
    """The role and person who decide for ``role``: its first holder who is not the
    applicant, else the next role up (``NEXT_ROLE_UP``), ending with the admin."""
    current: Role | None = role
    seen: set[Role] = set()
    while current is not None and current not in seen:
        seen.add(current)
        for person_id in holders.get(current, ()):
            if person_id != applicant_id:
                return current, person_id
        current = NEXT_ROLE_UP.get(current)
    raise NoHolder(role=role)


def plan_route(
    tier: LeaveTier, holders: Mapping[Role, Sequence[int]], applicant_id: int
) -> list[Assignment]:
    """Every step of a request's route with the person who holds it.

    ``holders`` maps each role to the people who hold it *for this applicant* (their
    township, their unit, the district). Nobody is ever assigned a step of their own
    request. One person standing in for two roles of one 会签 stage acts once.
    """
    plan: list[Assignment] = []
    for number, stage in enumerate(ROUTES[tier], start=1):
        taken: set[int] = set()
        for role in stage.roles:
            acting_role, person_id = resolve_holder(role, holders, applicant_id)
            if person_id in taken:
                continue
            taken.add(person_id)
            fallback = role if acting_role != role else None
            plan.append(Assignment(number, stage.kind, acting_role, person_id, fallback))
    return plan


class Decision(StrEnum):
    APPROVED = "approved"  # an approval step: 批准
    REJECTED = "rejected"  # an approval step: 驳回, ends the request
    AGREED = "agreed"  # a comment step: 同意 (the request goes on)
    DISAGREED = "disagreed"  # a comment step: 不同意 (the request still goes on)
    APPLIED = "applied"  # the unit applied on the cadre's behalf
    DECLINED = "declined"  # the unit declined to apply: ends the request
    FILED = "filed"


_DECISIONS: Mapping[StepKind, tuple[Decision, Decision]] = {
    StepKind.COMMENT: (Decision.AGREED, Decision.DISAGREED),
    StepKind.APPLY: (Decision.APPLIED, Decision.DECLINED),
    StepKind.APPROVE: (Decision.APPROVED, Decision.REJECTED),
}

#: Decisions that end the request: only an approver (驳回) or the unit that was to apply
#: for it (over 10 days) can stop a request; a commenter's 不同意 is an opinion.
ENDING: Set[Decision] = frozenset({Decision.REJECTED, Decision.DECLINED})


def decision_for(kind: StepKind, yes: bool) -> Decision:
    """What a holder's yes or no means at a step of this kind; a filing has no decision."""
    if kind not in _DECISIONS:
        raise InvalidLeave("leave.not_your_turn")
    agree, refuse = _DECISIONS[kind]
    return agree if yes else refuse


def needs_reason(decision: Decision) -> bool:
    """A no must say why (Art. 11: the cadre is told the reason); a yes may say nothing."""
    return decision in (Decision.REJECTED, Decision.DISAGREED, Decision.DECLINED)


class LeaveStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    RECALL = "recall"


@dataclass(frozen=True)
class StepState:
    stage: int
    kind: StepKind
    decision: Decision | None


def current_stage(steps: Sequence[StepState]) -> int | None:
    """The first stage that still has a decision-bearing step undecided, or None."""
    for step in sorted(steps, key=lambda s: s.stage):
        if step.kind is not StepKind.FILE and step.decision is None:
            return step.stage
    return None


def outcome(tier: LeaveTier, steps: Sequence[StepState]) -> LeaveStatus:
    """The request's status from its steps: a rejection (or the unit's refusal to apply)
    ends it; a commenter's 不同意 does not; every step acted on approves it."""
    if tier is LeaveTier.RECALL:
        return LeaveStatus.RECALL
    if any(s.decision in ENDING for s in steps):
        return LeaveStatus.REJECTED
    if current_stage(steps) is None:
        return LeaveStatus.APPROVED
    return LeaveStatus.PENDING


def step_kinds_of(role: Role) -> frozenset[StepKind]:
    """The kinds of leave step ``role`` holds on some route (the admin, the last stand-in
    of every role, any): what its help may speak of, and nothing more."""
    if role == Role.ADMIN:
        return frozenset(StepKind)
    return frozenset(
        stage.kind for stages in ROUTES.values() for stage in stages if role in stage.roles
    )
