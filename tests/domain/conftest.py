"""Shared bits for the domain tests (pure code: no database, no network, no clock)."""

from __future__ import annotations

import pytest

from domain.roles import Role


@pytest.fixture
def full_holders() -> dict[Role, list[int]]:
    """Every deciding role held by a distinct person; the applicant is id 1."""
    return {
        Role.VILLAGE_SECRETARY: [20],
        Role.TOWNSHIP_LEADER: [30],
        Role.TOWNSHIP_SECRETARY: [40],
        Role.UNIT_LEADER: [50],
        Role.ORG_DEPT: [60],
        Role.POVERTY_BUREAU: [70],
        Role.ADMIN: [90],
    }
