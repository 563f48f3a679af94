"""The people of the regulation (Art. 2-9) and how one role stands in for another."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import UnknownRole


class Role(StrEnum):
    FIRST_SECRETARY = "first_secretary"
    TEAM_MEMBER = "team_member"
    VILLAGE_SECRETARY = "village_secretary"
    TOWNSHIP_LEADER = "township_leader"
    TOWNSHIP_SECRETARY = "township_secretary"
    UNIT_LEADER = "unit_leader"
    ORG_DEPT = "org_dept"
    POVERTY_BUREAU = "poverty_bureau"
    ADMIN = "admin"


#: Cadres posted to a village: they check in, write diaries and ask for leave.
CADRE_ROLES = frozenset({Role.FIRST_SECRETARY, Role.TEAM_MEMBER})
#: Roles whose holder belongs to one township.
TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_LEADER, Role.TOWNSHIP_SECRETARY})
#: Roles that act for the whole district (no township, no village): the two district
#: departments and the admin.
DISTRICT_ROLES = frozenset({Role.ORG_DEPT, Role.POVERTY_BUREAU, Role.ADMIN})
#: The district departments (区委组织部, 区扶贫局), in this order: over 10 days a leave's
#: approvers (Art. 11), the monthly sheet's recipients, and who the scheduler tells of
#: overdue steps, removal triggers and the assessment seasons. Not the admin.
DISTRICT_DEPARTMENTS: tuple[Role, ...] = (Role.ORG_DEPT, Role.POVERTY_BUREAU)

#: Who verifies a village's weeks of diaries, in order: the village party secretary
#: (Art. 12); a village without one (nobody active in the roster) falls back to the
#: township leader in charge (分管领导), as a short leave's 填注意见 does, and without one
#: either to the township secretary. The township leader comes before the secretary so
#: that, where possible, the month is confirmed by someone other than the person who
#: verified its weeks.
WEEKLY_SIGNERS: tuple[Role, ...] = (
    Role.VILLAGE_SECRETARY,
    Role.TOWNSHIP_LEADER,
    Role.TOWNSHIP_SECRETARY,
)
#: Who signs diaries (/signoff): the village secretary weekly, the township secretary
#: monthly, and the township leader (or secretary) weekly for a village without a
#: secretary (Art. 12).
DIARY_SIGNERS = frozenset({*WEEKLY_SIGNERS, Role.TOWNSHIP_SECRETARY})
#: Who may make spot checks (/spotcheck; Art. 26.3: the district's organisation department
#: and poverty-alleviation bureau assess the cadres).
INSPECTORS = frozenset(DISTRICT_DEPARTMENTS)
#: Who may record duty days (公务, /duty): the district departments for any cadre, a
#: township party secretary (who owns daily attendance, Art. 11) for the cadres of their
#: township.
DUTY_RECORDERS = frozenset({*DISTRICT_DEPARTMENTS, Role.TOWNSHIP_SECRETARY})
#: Who may record a grade: the annual assessment is org_dept's and poverty_bureau's
#: (Art. 26); the admin operates imports.
GRADERS = DISTRICT_ROLES
#: Everyone who may ask for reports (/report): the township's leaders for their township,
#: the dispatching unit for its cadres, the district departments (and the admin) for all.
REPORT_ROLES = frozenset(TOWNSHIP_ROLES | DISTRICT_ROLES | {Role.UNIT_LEADER})

CHINESE_NAMES: dict[Role, str] = {
    Role.FIRST_SECRETARY: "第一书记",
    Role.TEAM_MEMBER: "驻村工作队员",
    Role.VILLAGE_SECRETARY: "村党支部书记",
    Role.TOWNSHIP_LEADER: "镇党委分管领导",
    Role.TOWNSHIP_SECRETARY: "镇党委书记",
    Role.UNIT_LEADER: "派出单位",
    Role.ORG_DEPT: "区委组织部",
    Role.POVERTY_BUREAU: "区扶贫局",
    Role.ADMIN: "管理员",
}

_ALIASES: dict[str, Role] = {
    "村(社区)党支部书记": Role.VILLAGE_SECRETARY,
    "村（社区）党支部书记": Role.VILLAGE_SECRETARY,
    "镇(办)党委分管领导": Role.TOWNSHIP_LEADER,
    "镇（办）党委分管领导": Role.TOWNSHIP_LEADER,
    "镇(办)党委书记": Role.TOWNSHIP_SECRETARY,
    "镇（办）党委书记": Role.TOWNSHIP_SECRETARY,
    "派出单位负责人": Role.UNIT_LEADER,
    "工作队员": Role.TEAM_MEMBER,
}

#: Who stands in when nobody holds a role (Art. 11 gives the township and the district
#: the final word, so a missing local holder falls back upwards, ending with the admin).
NEXT_ROLE_UP: dict[Role, Role] = {
    Role.VILLAGE_SECRETARY: Role.TOWNSHIP_SECRETARY,
    Role.TOWNSHIP_LEADER: Role.TOWNSHIP_SECRETARY,
    Role.TOWNSHIP_SECRETARY: Role.ORG_DEPT,
    Role.UNIT_LEADER: Role.ORG_DEPT,
    Role.POVERTY_BUREAU: Role.ORG_DEPT,
    Role.ORG_DEPT: Role.ADMIN,
}


def parse_role(text: str) -> Role:
    """A role from its code (``first_secretary``) or its Chinese name (``第一书记``)."""
    cleaned = text.strip()
    try:
        return Role(cleaned.lower())
    except ValueError:
        pass
    for role, name in CHINESE_NAMES.items():
        if cleaned == name:
            return role
    if cleaned in _ALIASES:
        return _ALIASES[cleaned]
    raise UnknownRole(value=text)


def is_cadre(role: Role) -> bool:
    return role in CADRE_ROLES


#: Who records assessments (/assess, Art. 26-28): the township (its secretary and the
#: 分管领导) the 日常/半年考核, the district departments the 民主测评 and 个别谈话 of the
#: cadres they grade (``domain.assessment.may_record`` says which for whom).
ASSESSORS = frozenset(TOWNSHIP_ROLES | set(DISTRICT_DEPARTMENTS))
