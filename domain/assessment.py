"""Assessment rules (Art. 26, 30): spot-check escalation and the 20% cap on 优秀."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError
from domain.roles import Role


class SpotCheckResult(StrEnum):
    PRESENT = "present"
    ON_LEAVE = "on_leave"  # absent with approved leave
    UNEXCUSED = "unexcused"  # 无故未到岗
    NO_ANSWER = "no_answer"
    NOT_COUNTED = "not_counted"  # made on a non-working day: recorded, proves nothing


class Sanction(StrEnum):
    CRITICISM = "criticism"  # 1st: 批评教育
    DISTRICT_NOTICE = "district_notice"  # 2nd: 全区通报
    NOTICE_AND_INCOMPETENT = "notice_and_incompetent"  # 3rd: 通报 + 年度不称职


def sanction_for(unexcused_count: int) -> Sanction | None:
    """The sanction due after the ``unexcused_count``-th unexcused absence in a year."""
    if unexcused_count <= 0:
        return None
    if unexcused_count == 1:
        return Sanction.CRITICISM
    if unexcused_count == 2:
        return Sanction.DISTRICT_NOTICE
    return Sanction.NOTICE_AND_INCOMPETENT


class Grade(StrEnum):
    EXCELLENT = "excellent"  # 优秀
    COMPETENT = "competent"  # 称职
    INCOMPETENT = "incompetent"  # 不称职


#: One-off rewards by grade (Art. 30), in yuan.
REWARD_YUAN = {Grade.EXCELLENT: 800, Grade.COMPETENT: 500, Grade.INCOMPETENT: 0}
EXCELLENT_SHARE_PERCENT = 20


def excellent_cap(total_cadres: int) -> int:
    """At most 20% of the cadres assessed may be rated 优秀 (rounded down)."""
    return total_cadres * EXCELLENT_SHARE_PERCENT // 100


def check_excellent_share(excellent: int, total_cadres: int) -> None:
    if excellent > excellent_cap(total_cadres):
        raise DomainError(
            "error.excellent_cap", excellent=excellent, cap=excellent_cap(total_cadres)
        )


#: 明查暗访: a cadre asked at a remote spot check has this long to share their location.
SPOT_CHECK_ANSWER_MINUTES = 30
#: How far back an official may record a visit in person in the chat (a round done on
#: paper further back goes through ``cadrebot spotcheck import``).
SPOT_CHECK_BACKDATE_DAYS = 7

GRADE_NAMES: dict[Grade, str] = {
    Grade.EXCELLENT: "优秀",
    Grade.COMPETENT: "称职",
    Grade.INCOMPETENT: "不称职",
}


def spot_check_result(
    *, on_site: bool, on_approved_leave: bool, working_day: bool
) -> SpotCheckResult:
    """What a spot check found: on a non-working day nothing that counts (Art. 26.3 asks
    for presence on working days; a Sunday or a national holiday away is rest, not
    无故未到岗); otherwise on site is present; away with leave approved for that day is
    excused (Art. 11: approved leave is not an absence); away without it is 无故未到岗."""
    if not working_day:
        return SpotCheckResult.NOT_COUNTED
    if on_site:
        return SpotCheckResult.PRESENT
    if on_approved_leave:
        return SpotCheckResult.ON_LEAVE
    return SpotCheckResult.UNEXCUSED


def escalates(result: SpotCheckResult) -> bool:
    """Only an unexcused absence counts towards the sanctions of Art. 26.3. A check nobody
    answered proves no absence (no signal in the hills, a flat battery), so it is recorded
    for the official to follow up in person, not punished; nor does a check on a
    non-working day."""
    return result is SpotCheckResult.UNEXCUSED


def parse_grade(text: str) -> Grade:
    """A grade from its code (``excellent``) or its Chinese name (``优秀``)."""
    cleaned = (text or "").strip()
    try:
        return Grade(cleaned.lower())
    except ValueError:
        pass
    for grade, name in GRADE_NAMES.items():
        if cleaned == name:
            return grade
    raise DomainError("grade.unknown", value=text)


#: 民主测评: 人数在20人以上 (at least 20 raters, "以上" counting 20 itself); 个别谈话:
#: 人数不少于15人 (Art. 28.3-4). A record under either is refused, not stored.
DEMOCRATIC_RATING_MIN_RATERS = 20
INTERVIEWS_MIN_PEOPLE = 15


class AssessmentKind(StrEnum):
    DAILY = "daily"  # 日常考核, by the township
    HALF_YEAR = "half_year"  # 半年考核, by the township before the end of June
    ANNUAL = "annual"  # 年度考核
    END_OF_TERM = "end_of_term"  # 期满考核


class AssessmentItem(StrEnum):
    """What the township's daily and half-year assessment looks at (Art. 26.1)."""

    ON_POST = "on_post"  # 在岗
    VISITS = "visits"  # 走访调研
    PROJECTS = "projects"  # 项目实施
    WORK = "work"  # 工作开展


def graders_of(cadre: Role, kind: AssessmentKind) -> frozenset[Role]:
    """Who grades whom (Art. 26.2): the township records the daily and half-year
    assessment; a First Secretary's annual and end-of-term grade is given jointly by
    org_dept and the township secretary, a work-team member's by poverty_bureau."""
    if kind in (AssessmentKind.DAILY, AssessmentKind.HALF_YEAR):
        return frozenset({Role.TOWNSHIP_SECRETARY})
    if cadre is Role.FIRST_SECRETARY:
        return frozenset({Role.ORG_DEPT, Role.TOWNSHIP_SECRETARY})
    return frozenset({Role.POVERTY_BUREAU})


def check_democratic_rating(raters: int) -> None:
    if raters < DEMOCRATIC_RATING_MIN_RATERS:
        raise DomainError(
            "assessment.too_few_raters", raters=raters, minimum=DEMOCRATIC_RATING_MIN_RATERS
        )


def check_interviews(people: int) -> None:
    if people < INTERVIEWS_MIN_PEOPLE:
        raise DomainError(
            "assessment.too_few_interviewed", people=people, minimum=INTERVIEWS_MIN_PEOPLE
        )


def reward_yuan(grade: Grade) -> int:
    """The one-off reward the unit pays for a year's grade (Art. 30)."""
    return REWARD_YUAN[grade]


def recalled(grade: Grade) -> bool:
    """不称职: the unit recalls and reselects, with a district-wide notice (Art. 30)."""
    return grade is Grade.INCOMPETENT


# --- Assessment records (Art. 26-28): what the township and the graders write down ---

#: A note on one item of the 日常/半年考核, kept short: a line a phone shows whole.
ITEM_NOTE_MAX_CHARS = 200
#: The result of a 民主测评 or the gist of the 个别谈话, as typed.
EVIDENCE_NOTE_MAX_CHARS = 300
#: The township's assessments, recorded item by item.
TOWNSHIP_KINDS = (AssessmentKind.DAILY, AssessmentKind.HALF_YEAR)


class EvidenceKind(StrEnum):
    """What the graders gather for the annual and end-of-term grade (Art. 28.3-4)."""

    DEMOCRATIC_RATING = "democratic_rating"  # 民主测评, with its raters' count
    INTERVIEWS = "interviews"  # 个别谈话, with the number of people heard


def may_record(role: Role, cadre: Role, kind: AssessmentKind | EvidenceKind) -> bool:
    """Whether ``role`` records ``kind`` for a cadre of role ``cadre``: the township's
    daily and half-year assessment by the township (its secretary, or the 分管领导 who
    acts for the township in the cadres' daily work, Art. 11-12); a 民主测评 or 个别谈话
    by those who give the cadre's annual grade (``graders_of``)."""
    if isinstance(kind, AssessmentKind) and kind in TOWNSHIP_KINDS:
        return role in graders_of(cadre, kind) | {Role.TOWNSHIP_LEADER}
    return role in graders_of(cadre, AssessmentKind.ANNUAL)


def check_evidence_count(kind: EvidenceKind, count: int) -> None:
    """A 民主测评 under 20 raters or 个别谈话 under 15 people is refused."""
    if kind is EvidenceKind.DEMOCRATIC_RATING:
        check_democratic_rating(count)
    else:
        check_interviews(count)
