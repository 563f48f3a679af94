"""Leave routing (Art. 11): tiers, routes, continuous absences (back to back or across
rest days off site), holders and outcomes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.calendar import DayKind, WorkdayCalendar, calendar_from_overrides
from domain.errors import InvalidLeave
from domain.leave import (
    ENDING,
    MAX_LEAVE_DAYS,
    ROUTES,
    Assignment,
    DateSpan,
    Decision,
    LeaveStatus,
    LeaveTier,
    NoHolder,
    Stage,
    StepKind,
    StepState,
    check_no_overlap,
    continuous_absence,
    current_stage,
    decision_for,
    leave_days,
    needs_reason,
    outcome,
    plan_route,
    resolve_holder,
    tier_for,
)
from domain.roles import NEXT_ROLE_UP, Role

SETTINGS = settings(max_examples=150, deadline=None)
BASE = date(2026, 3, 1)
APPLICANT = 1

# --------------------------------------------------------------------------- tiers


@pytest.mark.parametrize(
    ("days", "tier"),
    [
        (1, LeaveTier.SHORT),
        (2, LeaveTier.SHORT),
        (3, LeaveTier.MEDIUM),
        (5, LeaveTier.MEDIUM),
        (6, LeaveTier.LONG),
        (10, LeaveTier.LONG),
        (11, LeaveTier.EXTENDED),
        (30, LeaveTier.EXTENDED),
        (31, LeaveTier.RECALL),
        (365, LeaveTier.RECALL),
    ],
)
def test_tier_boundaries(days: int, tier: LeaveTier) -> None:
    assert tier_for(days) is tier


@pytest.mark.parametrize("days", [0, -1, -30])
def test_tier_for_non_positive_raises(days: int) -> None:
    with pytest.raises(InvalidLeave):
        tier_for(days)


def _expected_tier(days: int) -> LeaveTier:
    # Art. 11 as written: 2天以内 / 3天至5天 / 6—10天 / 10天以上 / 超过30天.
    if days in range(1, 3):
        return LeaveTier.SHORT
    if days in range(3, 6):
        return LeaveTier.MEDIUM
    if days in range(6, 11):
        return LeaveTier.LONG
    if days in range(11, 31):
        return LeaveTier.EXTENDED
    return LeaveTier.RECALL


@SETTINGS
@given(st.integers(min_value=1, max_value=1000))
def test_tier_matches_article_11(days: int) -> None:
    assert tier_for(days) is _expected_tier(days)


def test_max_leave_days_is_30() -> None:
    assert MAX_LEAVE_DAYS == 30


@SETTINGS
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 400))
def test_leave_days_counts_first_and_last_day(start: date, extra: int) -> None:
    end = start + timedelta(days=extra)
    assert leave_days(start, end) == extra + 1
    assert DateSpan(start, end).days == extra + 1


def test_leave_days_single_day_is_one() -> None:
    assert leave_days(date(2026, 5, 1), date(2026, 5, 1)) == 1


def test_leave_days_end_before_start_raises() -> None:
    with pytest.raises(InvalidLeave):
        leave_days(date(2026, 5, 2), date(2026, 5, 1))


@pytest.mark.parametrize(
    ("start", "end", "tier"),
    [
        # Calendar days, weekends and holidays included.
        (date(2026, 10, 1), date(2026, 10, 2), LeaveTier.SHORT),
        (date(2026, 10, 1), date(2026, 10, 3), LeaveTier.MEDIUM),
        (date(2026, 10, 1), date(2026, 10, 5), LeaveTier.MEDIUM),
        (date(2026, 10, 1), date(2026, 10, 6), LeaveTier.LONG),
        (date(2026, 10, 1), date(2026, 10, 10), LeaveTier.LONG),
        (date(2026, 10, 1), date(2026, 10, 11), LeaveTier.EXTENDED),
        (date(2026, 10, 1), date(2026, 10, 30), LeaveTier.EXTENDED),
        (date(2026, 10, 1), date(2026, 10, 31), LeaveTier.RECALL),
        # Across the end of a leap February.
        (date(2024, 2, 28), date(2024, 3, 1), LeaveTier.MEDIUM),
        (date(2023, 2, 28), date(2023, 3, 1), LeaveTier.SHORT),
    ],
)
def test_tier_of_date_range(start: date, end: date, tier: LeaveTier) -> None:
    assert tier_for(leave_days(start, end)) is tier


# --------------------------------------------------------------------------- routes

C, P, A, F = StepKind.COMMENT, StepKind.APPLY, StepKind.APPROVE, StepKind.FILE
R = Role


def test_route_short() -> None:
    assert ROUTES[LeaveTier.SHORT] == (
        Stage(C, (R.TOWNSHIP_LEADER,)),
        Stage(A, (R.TOWNSHIP_SECRETARY,)),
    )


def test_route_medium() -> None:
    assert ROUTES[LeaveTier.MEDIUM] == (
        Stage(C, (R.UNIT_LEADER,)),
        Stage(A, (R.TOWNSHIP_SECRETARY,)),
        Stage(F, (R.ORG_DEPT, R.POVERTY_BUREAU)),
    )


def test_route_long_is_countersigned() -> None:
    # 6—10天由镇(办)党委、派出单位填注意见, 报区委组织部、区扶贫局批准: one 会签 stage each.
    assert ROUTES[LeaveTier.LONG] == (
        Stage(C, (R.TOWNSHIP_SECRETARY, R.UNIT_LEADER)),
        Stage(A, (R.ORG_DEPT, R.POVERTY_BUREAU)),
    )


def test_route_extended() -> None:
    # 镇(办)加注意见后, 由派出部门向组织部门、扶贫部门请假: township first, then the unit.
    assert ROUTES[LeaveTier.EXTENDED] == (
        Stage(C, (R.TOWNSHIP_SECRETARY,)),
        Stage(P, (R.UNIT_LEADER,)),
        Stage(A, (R.ORG_DEPT, R.POVERTY_BUREAU)),
    )


def test_route_recall_only_files() -> None:
    # the unit recalls, the district records the replacement, the township is told
    assert ROUTES[LeaveTier.RECALL] == (
        Stage(F, (R.UNIT_LEADER, R.ORG_DEPT, R.POVERTY_BUREAU, R.TOWNSHIP_SECRETARY)),
    )


def test_only_an_approval_step_decides() -> None:
    """填注意见 is an opinion: a township leader's yes on a 2-day leave is "agree", not an
    approval, and its no does not end the request; only 驳回 or the unit declining does."""
    assert [decision_for(k, True) for k in (C, P, A)] == [Decision.AGREED, Decision.APPLIED, AP]
    assert [decision_for(k, False) for k in (C, P, A)] == [
        Decision.DISAGREED,
        Decision.DECLINED,
        RJ,
    ]
    assert {RJ, Decision.DECLINED} == ENDING
    assert all(needs_reason(decision_for(k, False)) for k in (C, P, A))
    assert not any(needs_reason(decision_for(k, True)) for k in (C, P, A))
    with pytest.raises(InvalidLeave):
        decision_for(F, True)


def test_every_tier_has_a_route() -> None:
    assert set(ROUTES) == set(LeaveTier)


# --------------------------------------------------------------------------- back-to-back


def span(offset: int, length: int) -> DateSpan:
    start = BASE + timedelta(days=offset)
    return DateSpan(start, start + timedelta(days=length - 1))


#: Every day a working day: only touching requests chain (the weekend rule has no gaps
#: to bridge). 2026 is "covered", so days without an override are Mon-Fri; the overrides
#: make every day of the test window a working day.
ALL_WORKDAYS = WorkdayCalendar(
    {BASE + timedelta(days=i): DayKind.WORKDAY for i in range(-10, 120)}, frozenset({2026})
)
#: The official 2026 calendar from the chinesecalendar package (weekends, holidays, 调休).
OFFICIAL = WorkdayCalendar()


def chain(
    new: DateSpan,
    existing: list[DateSpan],
    calendar: WorkdayCalendar = ALL_WORKDAYS,
    onsite: frozenset[date] = frozenset(),
) -> DateSpan:
    return continuous_absence(new, existing, calendar=calendar, onsite=onsite)


def test_two_adjacent_short_leaves_are_medium() -> None:
    first = span(0, 2)
    second = span(2, 2)
    whole = chain(second, [first])
    assert whole == DateSpan(first.start, second.end)
    assert whole.days == 4
    assert tier_for(whole.days) is LeaveTier.MEDIUM


def test_one_working_day_gap_breaks_the_chain() -> None:
    first = span(0, 2)
    second = span(3, 2)  # day 2 is a working day, neither asked off
    whole = chain(second, [first])
    assert whole == second
    assert tier_for(whole.days) is LeaveTier.SHORT
    assert chain(second, [first], OFFICIAL) == second  # 2026-03-03, a Tuesday


def test_chain_is_transitive_both_ways() -> None:
    # [0,1] [2,3] new [4,5] [6,7] [9,9]: the last is cut off by day 8.
    existing = [span(0, 2), span(2, 2), span(6, 2), span(9, 1)]
    whole = chain(span(4, 2), existing)
    assert whole == DateSpan(span(0, 1).start, span(7, 1).start)
    assert whole.days == 8
    assert tier_for(whole.days) is LeaveTier.LONG


def test_new_span_bridging_two_existing() -> None:
    whole = chain(span(2, 1), [span(0, 2), span(3, 3)])
    assert whole == DateSpan(span(0, 1).start, span(5, 1).start)
    assert whole.days == 6


def test_overlapping_existing_spans_merge() -> None:
    whole = chain(span(5, 2), [span(0, 4), span(3, 3)])
    assert whole == DateSpan(span(0, 1).start, span(6, 1).start)


def test_no_existing_spans() -> None:
    assert chain(span(0, 3), []) == span(0, 3)


def test_splitting_a_long_absence_does_not_dodge_the_route() -> None:
    # Eleven two-day requests in a row are one 22-day absence: EXTENDED, not SHORT.
    parts = [span(2 * i, 2) for i in range(11)]
    whole = chain(parts[5], parts[:5] + parts[6:])
    assert whole.days == 22
    assert tier_for(whole.days) is LeaveTier.EXTENDED


# ---- no splitting across weekends: gaps of non-working days off site chain the requests

MON_FRI = DateSpan(date(2026, 11, 30), date(2026, 12, 4))
NEXT_MON_FRI = DateSpan(date(2026, 12, 7), date(2026, 12, 11))


def test_mon_fri_and_the_next_mon_fri_are_one_twelve_day_absence() -> None:
    # Two 5-day leaves would each go to the township; across the weekend they are one
    # absence of 12 calendar days (the weekend counted): the over-10 route.
    for new, other in ((NEXT_MON_FRI, MON_FRI), (MON_FRI, NEXT_MON_FRI)):
        whole = chain(new, [other], OFFICIAL)
        assert whole == DateSpan(date(2026, 11, 30), date(2026, 12, 11))
        assert whole.days == 12
        assert tier_for(whole.days) is LeaveTier.EXTENDED


def test_a_weekend_day_on_site_breaks_the_chain() -> None:
    saturday = frozenset({date(2026, 12, 5)})
    assert chain(NEXT_MON_FRI, [MON_FRI], OFFICIAL, onsite=saturday) == NEXT_MON_FRI
    # an on-site day elsewhere changes nothing
    elsewhere = frozenset({date(2026, 11, 28)})
    assert chain(NEXT_MON_FRI, [MON_FRI], OFFICIAL, onsite=elsewhere).days == 12


def test_a_public_holiday_bridges_and_an_adjusted_workday_breaks() -> None:
    # 2026: 国庆 1-7 October off, Saturday 10 October an adjusted working day (调休).
    before = DateSpan(date(2026, 9, 28), date(2026, 9, 30))
    after = DateSpan(date(2026, 10, 8), date(2026, 10, 9))
    assert chain(after, [before], OFFICIAL) == DateSpan(before.start, after.end)
    assert chain(after, [before], OFFICIAL).days == 12
    next_week = DateSpan(date(2026, 10, 12), date(2026, 10, 16))
    assert chain(next_week, [after], OFFICIAL) == next_week  # Sat 10 Oct is a working day


def test_a_year_without_the_package_table_chains_by_its_imported_calendar() -> None:
    # chinesecalendar stops at 2026; once 2027 is imported its weekends bridge as usual.
    imported = calendar_from_overrides({date(2027, 1, 1): DayKind.HOLIDAY})
    first = DateSpan(date(2027, 1, 4), date(2027, 1, 8))
    second = DateSpan(date(2027, 1, 11), date(2027, 1, 15))
    assert chain(second, [first], imported).days == 12
    holiday_gap = DateSpan(date(2026, 12, 28), date(2026, 12, 31))
    assert chain(first, [holiday_gap], imported) == DateSpan(holiday_gap.start, first.end)


WINDOW = 70
spans = st.builds(span, st.integers(0, 60), st.integers(1, 8))
#: A random calendar over the test window: which day offsets are non-working.
rest_offsets = st.sets(st.integers(-1, WINDOW), max_size=WINDOW)
onsite_offsets = st.sets(st.integers(-1, WINDOW), max_size=20)


def _calendar(rest: set[int]) -> WorkdayCalendar:
    return WorkdayCalendar(
        {
            BASE + timedelta(days=i): DayKind.HOLIDAY if i in rest else DayKind.WORKDAY
            for i in range(-2, WINDOW + 20)  # past the last gap day a span can reach
        },
        frozenset({2026}),
    )


def _on(offsets: set[int]) -> frozenset[date]:
    return frozenset(BASE + timedelta(days=i) for i in offsets)


def _oracle_run(
    new: DateSpan, existing: list[DateSpan], calendar: WorkdayCalendar, onsite: frozenset[date]
) -> DateSpan:
    """Independent of the domain: the maximal run around ``new`` of days either asked off
    or bridgeable (non-working, off site), trimmed to the days asked off at its ends."""
    covered: set[date] = set()
    for s in [new, *existing]:
        covered |= _days(s)

    def usable(day: date) -> bool:
        return day in covered or (day not in onsite and not calendar.is_workday(day))

    start, end = new.start, new.end
    while usable(start - timedelta(days=1)):
        start -= timedelta(days=1)
    while usable(end + timedelta(days=1)):
        end += timedelta(days=1)
    while start not in covered:
        start += timedelta(days=1)
    while end not in covered:
        end -= timedelta(days=1)
    return DateSpan(start, end)


@SETTINGS
@given(
    spans,
    st.lists(spans, max_size=10),
    rest_offsets,
    onsite_offsets,
    st.randoms(use_true_random=False),
)
def test_continuous_absence_properties(
    new: DateSpan, existing: list[DateSpan], rest: set[int], onsite_at: set[int], rnd
) -> None:
    calendar, onsite = _calendar(rest), _on(onsite_at)
    whole = chain(new, existing, calendar, onsite)
    # it covers the new request and every request it chained, from a first day to a last day
    assert whole.start <= new.start and new.end <= whole.end
    assert whole.start in {s.start for s in [new, *existing]}
    assert whole.end in {s.end for s in [new, *existing]}
    # order-independent
    shuffled = list(existing)
    rnd.shuffle(shuffled)
    assert chain(new, shuffled, calendar, onsite) == whole
    assert chain(new, list(reversed(existing)), calendar, onsite) == whole
    # the same absence whichever of its requests is the new one
    for s in existing:
        if s.overlaps(whole):
            others = [o for o in existing if o is not s] + [new]
            assert chain(s, others, calendar, onsite) == whole
    assert whole == _oracle_run(new, existing, calendar, onsite)


@SETTINGS
@given(spans, st.integers(1, 6), st.integers(1, 8), st.data())
def test_a_gap_chains_only_if_every_gap_day_is_off_work_and_off_site(
    first: DateSpan, gap: int, length: int, data: st.DataObject
) -> None:
    second_start = first.end + timedelta(days=gap + 1)
    second = DateSpan(second_start, second_start + timedelta(days=length - 1))
    gap_days = [first.end + timedelta(days=i) for i in range(1, gap + 1)]
    offsets = {(d - BASE).days for d in gap_days}
    # all gap days are rest days, off site: one absence of every calendar day in between
    bridged = _calendar(offsets)
    assert chain(second, [first], bridged) == DateSpan(first.start, second.end)
    assert chain(second, [first], bridged).days == (second.end - first.start).days + 1
    # one gap day is a working day, or a rest day spent on site: two absences
    spoiler = data.draw(st.sampled_from(gap_days))
    worked = _calendar(offsets - {(spoiler - BASE).days})
    assert chain(second, [first], worked) == second
    assert chain(second, [first], bridged, frozenset({spoiler})) == second
    assert chain(first, [second], bridged, frozenset({spoiler})) == first


@SETTINGS
@given(spans, st.lists(spans, max_size=10))
def test_with_no_rest_days_only_touching_requests_chain(
    new: DateSpan, existing: list[DateSpan]
) -> None:
    whole = chain(new, existing, _calendar(set()))
    covered = set().union(*(_days(s) for s in [new, *existing]))
    assert _days(whole) <= covered  # no gap day inside: the requests touch


def test_check_no_overlap_refuses_a_shared_day() -> None:
    with pytest.raises(InvalidLeave):
        check_no_overlap(span(2, 3), [span(0, 3)])  # day 2 in both
    with pytest.raises(InvalidLeave):
        check_no_overlap(span(0, 10), [span(3, 1)])  # contains
    with pytest.raises(InvalidLeave):
        check_no_overlap(span(3, 1), [span(0, 10)])  # contained


def test_check_no_overlap_accepts_adjacent_and_apart() -> None:
    check_no_overlap(span(3, 2), [span(0, 3), span(5, 2)])
    check_no_overlap(span(10, 2), [span(0, 3)])
    check_no_overlap(span(0, 1), [])


def _days(s: DateSpan) -> set[date]:
    return {s.start + timedelta(days=i) for i in range((s.end - s.start).days + 1)}


@SETTINGS
@given(spans, st.lists(spans, max_size=6))
def test_check_no_overlap_iff_shared_day(new: DateSpan, existing: list[DateSpan]) -> None:
    shared = any(_days(new) & _days(s) for s in existing)
    if shared:
        with pytest.raises(InvalidLeave):
            check_no_overlap(new, existing)
    else:
        check_no_overlap(new, existing)


# --------------------------------------------------------------------------- holders


def test_next_role_up_chain() -> None:
    assert dict(NEXT_ROLE_UP) == {
        R.TOWNSHIP_LEADER: R.TOWNSHIP_SECRETARY,
        R.UNIT_LEADER: R.ORG_DEPT,
        R.VILLAGE_SECRETARY: R.TOWNSHIP_SECRETARY,
        R.TOWNSHIP_SECRETARY: R.ORG_DEPT,
        R.POVERTY_BUREAU: R.ORG_DEPT,
        R.ORG_DEPT: R.ADMIN,
    }


@pytest.mark.parametrize(("role", "up"), list(NEXT_ROLE_UP.items()))
def test_resolve_holder_falls_back_one_step(role: Role, up: Role) -> None:
    assert resolve_holder(role, {up: [7]}, APPLICANT) == (up, 7)


def test_resolve_holder_prefers_the_role_itself(full_holders) -> None:
    for role, people in full_holders.items():
        assert resolve_holder(role, full_holders, APPLICANT) == (role, people[0])


def test_resolve_holder_climbs_to_admin() -> None:
    assert resolve_holder(R.TOWNSHIP_LEADER, {R.ADMIN: [9]}, APPLICANT) == (R.ADMIN, 9)
    assert resolve_holder(R.VILLAGE_SECRETARY, {R.ADMIN: [9]}, APPLICANT) == (R.ADMIN, 9)


def test_resolve_holder_skips_the_applicant() -> None:
    holders = {R.TOWNSHIP_SECRETARY: [APPLICANT, 41], R.ORG_DEPT: [60]}
    assert resolve_holder(R.TOWNSHIP_SECRETARY, holders, APPLICANT) == (R.TOWNSHIP_SECRETARY, 41)
    holders = {R.TOWNSHIP_SECRETARY: [APPLICANT], R.ORG_DEPT: [60]}
    assert resolve_holder(R.TOWNSHIP_SECRETARY, holders, APPLICANT) == (R.ORG_DEPT, 60)


def test_no_holder_when_nobody_can_act() -> None:
    with pytest.raises(NoHolder):
        resolve_holder(R.TOWNSHIP_LEADER, {}, APPLICANT)
    everything_mine = {role: [APPLICANT] for role in Role}
    with pytest.raises(NoHolder):
        resolve_holder(R.UNIT_LEADER, everything_mine, APPLICANT)
    with pytest.raises(NoHolder):
        plan_route(LeaveTier.SHORT, everything_mine, APPLICANT)
    # NoHolder is an InvalidLeave, so callers catching InvalidLeave see it too.
    assert issubclass(NoHolder, InvalidLeave)


def test_plan_short_with_everyone_present(full_holders) -> None:
    assert plan_route(LeaveTier.SHORT, full_holders, APPLICANT) == [
        Assignment(1, C, R.TOWNSHIP_LEADER, 30),
        Assignment(2, A, R.TOWNSHIP_SECRETARY, 40),
    ]


def test_plan_medium_with_everyone_present(full_holders) -> None:
    assert plan_route(LeaveTier.MEDIUM, full_holders, APPLICANT) == [
        Assignment(1, C, R.UNIT_LEADER, 50),
        Assignment(2, A, R.TOWNSHIP_SECRETARY, 40),
        Assignment(3, F, R.ORG_DEPT, 60),
        Assignment(3, F, R.POVERTY_BUREAU, 70),
    ]


def test_plan_long_with_everyone_present(full_holders) -> None:
    assert plan_route(LeaveTier.LONG, full_holders, APPLICANT) == [
        Assignment(1, C, R.TOWNSHIP_SECRETARY, 40),
        Assignment(1, C, R.UNIT_LEADER, 50),
        Assignment(2, A, R.ORG_DEPT, 60),
        Assignment(2, A, R.POVERTY_BUREAU, 70),
    ]


def test_plan_extended_with_everyone_present(full_holders) -> None:
    assert plan_route(LeaveTier.EXTENDED, full_holders, APPLICANT) == [
        Assignment(1, C, R.TOWNSHIP_SECRETARY, 40),
        Assignment(2, P, R.UNIT_LEADER, 50),
        Assignment(3, A, R.ORG_DEPT, 60),
        Assignment(3, A, R.POVERTY_BUREAU, 70),
    ]


def test_plan_recall_with_everyone_present(full_holders) -> None:
    assert plan_route(LeaveTier.RECALL, full_holders, APPLICANT) == [
        Assignment(1, F, R.UNIT_LEADER, 50),
        Assignment(1, F, R.ORG_DEPT, 60),
        Assignment(1, F, R.POVERTY_BUREAU, 70),
        Assignment(1, F, R.TOWNSHIP_SECRETARY, 40),
    ]


def test_plan_missing_township_leader_falls_back(full_holders) -> None:
    del full_holders[R.TOWNSHIP_LEADER]
    plan = plan_route(LeaveTier.SHORT, full_holders, APPLICANT)
    assert plan[0] == Assignment(1, C, R.TOWNSHIP_SECRETARY, 40, fallback_from=R.TOWNSHIP_LEADER)
    assert plan[1] == Assignment(2, A, R.TOWNSHIP_SECRETARY, 40)


def test_plan_missing_unit_leader_falls_back_to_org_dept(full_holders) -> None:
    del full_holders[R.UNIT_LEADER]
    plan = plan_route(LeaveTier.MEDIUM, full_holders, APPLICANT)
    assert plan[0] == Assignment(1, C, R.ORG_DEPT, 60, fallback_from=R.UNIT_LEADER)


def test_one_person_for_both_roles_of_a_countersigned_stage_acts_once() -> None:
    # Only org_dept (60) and admin (90) are held: org_dept stands in for the township
    # secretary and the unit, and for the poverty bureau in the approval stage.
    holders = {R.ORG_DEPT: [60], R.ADMIN: [90]}
    plan = plan_route(LeaveTier.LONG, holders, APPLICANT)
    assert plan == [
        Assignment(1, C, R.ORG_DEPT, 60, fallback_from=R.TOWNSHIP_SECRETARY),
        Assignment(2, A, R.ORG_DEPT, 60),
    ]


def test_same_person_holding_two_roles_of_a_stage_acts_once() -> None:
    holders = {R.ORG_DEPT: [60], R.POVERTY_BUREAU: [60], R.TOWNSHIP_SECRETARY: [40]}
    plan = plan_route(LeaveTier.EXTENDED, holders, APPLICANT)
    assert [(a.stage, a.assignee_id) for a in plan] == [(1, 40), (2, 60), (3, 60)]


ROLE_POOL = [r for r in Role if r not in (R.FIRST_SECRETARY, R.TEAM_MEMBER)]
holders_maps = st.dictionaries(
    st.sampled_from(ROLE_POOL),
    st.lists(st.integers(APPLICANT, 6), max_size=3),  # the applicant is often a holder
    max_size=len(ROLE_POOL),
)


def _chain(role: Role) -> list[Role]:
    out = [role]
    while out[-1] in NEXT_ROLE_UP:
        out.append(NEXT_ROLE_UP[out[-1]])
    return out


@SETTINGS
@given(st.sampled_from(list(LeaveTier)), holders_maps)
def test_plan_route_properties(tier: LeaveTier, holders: dict[Role, list[int]]) -> None:
    def can_act(role: Role) -> bool:
        return any(p != APPLICANT for r in _chain(role) for p in holders.get(r, ()))

    route = ROUTES[tier]
    if not all(can_act(role) for stage in route for role in stage.roles):
        with pytest.raises(NoHolder):
            plan_route(tier, holders, APPLICANT)
        return
    plan = plan_route(tier, holders, APPLICANT)
    assert APPLICANT not in {a.assignee_id for a in plan}
    for number, stage in enumerate(route, start=1):
        mine = [a for a in plan if a.stage == number]
        people = [a.assignee_id for a in mine]
        assert mine, "every stage has at least one assignee"
        assert len(people) == len(set(people)), "nobody acts twice in one stage"
        for a in mine:
            assert a.kind is stage.kind
            stage_role = a.fallback_from or a.role
            assert stage_role in stage.roles
            own = [p for p in holders.get(stage_role, ()) if p != APPLICANT]
            if own:
                assert a.fallback_from is None and a.assignee_id == own[0]
            else:
                # The stand-in acts in the role up the chain that they really hold.
                assert a.role in _chain(stage_role)[1:]
                assert a.assignee_id in holders.get(a.role, ())
        # Every role of the stage is covered by someone who acts in it.
        for role in stage.roles:
            assert resolve_holder(role, holders, APPLICANT)[1] in people


# --------------------------------------------------------------------------- outcomes


def steps_for(tier: LeaveTier, decisions: list[bool | Decision | None]) -> list[StepState]:
    """The steps of a tier's route; True/False are the holder's yes/no at their kind."""
    out = []
    flat = [(n, s.kind) for n, s in enumerate(ROUTES[tier], start=1) for _ in s.roles]
    for (number, kind), decision in zip(flat, decisions, strict=True):
        if isinstance(decision, bool):
            decision = decision_for(kind, decision)
        out.append(StepState(number, kind, decision))
    return out


AP, RJ, FI = Decision.APPROVED, Decision.REJECTED, Decision.FILED
Y, N = True, False


def test_fresh_request_is_pending_at_stage_one() -> None:
    steps = steps_for(LeaveTier.SHORT, [None, None])
    assert current_stage(steps) == 1
    assert outcome(LeaveTier.SHORT, steps) is LeaveStatus.PENDING


def test_stage_advances_after_decision() -> None:
    steps = steps_for(LeaveTier.SHORT, [Y, None])
    assert current_stage(steps) == 2
    assert outcome(LeaveTier.SHORT, steps) is LeaveStatus.PENDING


def test_countersigned_stage_waits_for_both() -> None:
    steps = steps_for(LeaveTier.LONG, [Y, None, None, None])
    assert current_stage(steps) == 1
    steps = steps_for(LeaveTier.LONG, [Y, N, Y, None])
    assert current_stage(steps) == 2


def test_all_decided_is_approved_and_filing_does_not_block() -> None:
    steps = steps_for(LeaveTier.MEDIUM, [Y, Y, None, None])
    assert current_stage(steps) is None
    assert outcome(LeaveTier.MEDIUM, steps) is LeaveStatus.APPROVED
    steps = steps_for(LeaveTier.MEDIUM, [Y, Y, FI, FI])
    assert outcome(LeaveTier.MEDIUM, steps) is LeaveStatus.APPROVED


def test_a_commenters_disagreement_does_not_end_the_request() -> None:
    steps = steps_for(LeaveTier.SHORT, [N, None])
    assert outcome(LeaveTier.SHORT, steps) is LeaveStatus.PENDING
    assert current_stage(steps) == 2  # the approver decides, with the opinion on the card
    assert outcome(LeaveTier.SHORT, steps_for(LeaveTier.SHORT, [N, Y])) is LeaveStatus.APPROVED


def test_rejection_or_the_unit_declining_ends_the_request() -> None:
    assert outcome(LeaveTier.SHORT, steps_for(LeaveTier.SHORT, [Y, N])) is LeaveStatus.REJECTED
    steps = steps_for(LeaveTier.LONG, [N, N, Y, N])
    assert outcome(LeaveTier.LONG, steps) is LeaveStatus.REJECTED
    # over 10 days: the township agrees, the unit declines to apply
    steps = steps_for(LeaveTier.EXTENDED, [Y, N, None, None])
    assert outcome(LeaveTier.EXTENDED, steps) is LeaveStatus.REJECTED
    steps = steps_for(LeaveTier.EXTENDED, [N, Y, None, None])
    assert outcome(LeaveTier.EXTENDED, steps) is LeaveStatus.PENDING


def test_recall_tier_is_recall() -> None:
    assert outcome(LeaveTier.RECALL, steps_for(LeaveTier.RECALL, [None] * 4)) is (
        LeaveStatus.RECALL
    )
    assert outcome(LeaveTier.RECALL, steps_for(LeaveTier.RECALL, [FI] * 4)) is (LeaveStatus.RECALL)


@SETTINGS
@given(st.sampled_from(list(LeaveTier)), st.data())
def test_outcome_properties(tier: LeaveTier, data) -> None:
    flat = [s.kind for s in ROUTES[tier] for _ in s.roles]
    drawn = [
        data.draw(st.sampled_from([None, FI] if kind is F else [None, True, False]))
        for kind in flat
    ]
    steps = steps_for(tier, drawn)
    rnd_order = data.draw(st.permutations(steps))
    status = outcome(tier, steps)
    assert outcome(tier, rnd_order) is status
    undecided = [s.stage for s in steps if s.kind is not StepKind.FILE and s.decision is None]
    assert current_stage(steps) == (min(undecided) if undecided else None)
    refused = [s for s, d in zip(steps, drawn, strict=True) if s.kind in (A, P) and d is False]
    if tier is LeaveTier.RECALL:
        assert status is LeaveStatus.RECALL
    elif refused:
        assert status is LeaveStatus.REJECTED
    elif not undecided:
        assert status is LeaveStatus.APPROVED  # whatever the commenters' opinions
    else:
        assert status is LeaveStatus.PENDING
