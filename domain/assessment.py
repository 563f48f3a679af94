"""Assessment rules (Art. 26, 30): spot-check escalation and the 20% cap on 优秀."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import DomainError


class SpotCheckResult(StrEnum):
    PRESENT = "present"
    ON_LEAVE = "on_leave"  # absent with approved leave
    UNEXCUSED = "unexcused"  # 无故未到岗
    NO_ANSWER = "no_answer"


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
