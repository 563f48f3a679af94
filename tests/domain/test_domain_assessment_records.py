"""Who records which assessment for whom (Art. 26.2, 28) and the counts Art. 28 asks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.assessment import (
    AssessmentKind,
    EvidenceKind,
    check_evidence_count,
    may_record,
)
from domain.errors import DomainError
from domain.roles import ASSESSORS, Role

FS, TM = Role.FIRST_SECRETARY, Role.TEAM_MEMBER


def test_the_township_records_its_kinds_and_the_graders_the_evidence() -> None:
    for kind in (AssessmentKind.DAILY, AssessmentKind.HALF_YEAR):
        for cadre in (FS, TM):
            assert {r for r in Role if may_record(r, cadre, kind)} == {
                Role.TOWNSHIP_SECRETARY,
                Role.TOWNSHIP_LEADER,
            }
    for kind in EvidenceKind:
        assert {r for r in Role if may_record(r, FS, kind)} == {
            Role.ORG_DEPT,
            Role.TOWNSHIP_SECRETARY,
        }
        assert {r for r in Role if may_record(r, TM, kind)} == {Role.POVERTY_BUREAU}


def test_everyone_who_records_something_may_open_assess() -> None:
    kinds = [AssessmentKind.DAILY, AssessmentKind.HALF_YEAR, *EvidenceKind]
    recorders = {r for r in Role for c in (FS, TM) for k in kinds if may_record(r, c, k)}
    assert recorders == ASSESSORS


@given(st.integers(min_value=0, max_value=200))
def test_the_counts_of_article_28(count: int) -> None:
    for kind, minimum in ((EvidenceKind.DEMOCRATIC_RATING, 20), (EvidenceKind.INTERVIEWS, 15)):
        if count >= minimum:
            check_evidence_count(kind, count)
        else:
            with pytest.raises(DomainError):
                check_evidence_count(kind, count)
