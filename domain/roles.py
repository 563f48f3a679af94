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
#: Roles that act for the whole district (no township, no village).
DISTRICT_ROLES = frozenset({Role.ORG_DEPT, Role.POVERTY_BUREAU, Role.ADMIN})

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
