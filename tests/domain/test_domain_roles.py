"""Roles (Art. 2-9): parsing codes and Chinese names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.errors import UnknownRole
from domain.roles import CADRE_ROLES, CHINESE_NAMES, Role, is_cadre, parse_role

SETTINGS = settings(max_examples=200, deadline=None)


@pytest.mark.parametrize("role", list(Role))
def test_every_code_parses(role: Role) -> None:
    assert parse_role(role.value) is role
    assert parse_role(role.value.upper()) is role
    assert parse_role(f"  {role.value.title()}\t") is role
    assert parse_role(f"\u3000{role.value}\n") is role


@pytest.mark.parametrize("role", list(Role))
def test_every_chinese_name_parses(role: Role) -> None:
    assert parse_role(CHINESE_NAMES[role]) is role
    assert parse_role(f" {CHINESE_NAMES[role]} ") is role


def test_every_role_has_a_chinese_name() -> None:
    assert set(CHINESE_NAMES) == set(Role)
    assert len(set(CHINESE_NAMES.values())) == len(Role)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("村(社区)党支部书记", Role.VILLAGE_SECRETARY),
        ("村（社区）党支部书记", Role.VILLAGE_SECRETARY),
        ("镇(办)党委分管领导", Role.TOWNSHIP_LEADER),
        ("镇（办）党委书记", Role.TOWNSHIP_SECRETARY),
        ("派出单位负责人", Role.UNIT_LEADER),
        ("工作队员", Role.TEAM_MEMBER),
    ],
)
def test_regulation_spellings(text: str, role: Role) -> None:
    assert parse_role(text) is role


@pytest.mark.parametrize(
    "text", ["", "  ", "secretary", "first secretary", "first_secretary_x", "书记", "admin1"]
)
def test_unknown_examples_raise(text: str) -> None:
    with pytest.raises(UnknownRole) as info:
        parse_role(text)
    assert info.value.params == {"value": text}


KNOWN_CODES = {r.value for r in Role}
KNOWN_NAMES = set(CHINESE_NAMES.values()) | {
    "村(社区)党支部书记",
    "村（社区）党支部书记",
    "镇(办)党委分管领导",
    "镇（办）党委分管领导",
    "镇(办)党委书记",
    "镇（办）党委书记",
    "派出单位负责人",
    "工作队员",
}


@SETTINGS
@given(
    st.one_of(
        st.text(max_size=25),
        st.text(alphabet="abcdefghijklmnopqrstuvwxyz_ ", max_size=20),
        st.sampled_from(sorted(KNOWN_CODES)).map(lambda c: c + "_"),
        st.sampled_from(sorted(KNOWN_NAMES)).map(lambda n: n[:-1]),
    )
)
def test_anything_else_raises(text: str) -> None:
    cleaned = text.strip()
    if cleaned.lower() in KNOWN_CODES or cleaned in KNOWN_NAMES:
        assert isinstance(parse_role(text), Role)
        return
    with pytest.raises(UnknownRole):
        parse_role(text)


def test_is_cadre() -> None:
    assert set(CADRE_ROLES) == {Role.FIRST_SECRETARY, Role.TEAM_MEMBER}
    for role in Role:
        assert is_cadre(role) is (role in (Role.FIRST_SECRETARY, Role.TEAM_MEMBER))
