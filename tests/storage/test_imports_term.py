"""The roster's ``approval`` column (Art. 6: 报经市委组织部同意), on SQLite and PostgreSQL:
a First Secretary's change of village or unit before the term's end is refused without
the city organisation department's consent and kept with the new posting with it; a
team member's move, or a move after the term, needs none."""

from __future__ import annotations

from datetime import date

import pytest

from services.imports import ImportRejected, import_roster, import_villages, read_table
from services.posting_term import current_term
from tests.storage.test_imports import (
    ROSTER,
    TODAY,
    VILLAGES,
    counts,
    person,
    postings,
    rejected_lines,
    write,
)


@pytest.fixture
def roster(uow_factory, tmp_path):
    """The villages and the roster of ``tests/storage/test_imports.py``: 张三 a First
    Secretary from 2026-01-05 (term to 2028-01-04), 李四 a team member."""
    import_villages(uow_factory, read_table(write(tmp_path, VILLAGES, "villages.csv")))
    import_roster(uow_factory, read_table(write(tmp_path, ROSTER, "roster.csv")), today=TODAY)
    return uow_factory


HEADER = "name,phone,role,township,village,unit,start,end,approval\n"


def test_a_mid_term_move_without_approval_is_refused_and_changes_nothing(roster, tmp_path):
    text = HEADER + "张三,13800138000,第一书记,城关镇,南村,区财政局,2026-04-01,,\n"
    before = counts(roster)
    with pytest.raises(ImportRejected) as excinfo:
        import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    [line] = rejected_lines(excinfo)
    assert line.startswith("line 2: the First Secretary's term runs to 2028-01-04")
    assert "2026-04-01" in line and "approval column" in line
    assert counts(roster) == before
    (post,) = postings(roster, "+8613800138000")
    assert post.end is None and post.change_approval is None


def test_the_approval_is_kept_with_the_new_posting_and_shown(roster, tmp_path):
    text = "姓名,手机,角色,镇,村,派出单位,开始,批准\n"  # the Chinese headers, 批准 included
    text += "张三,13800138000,第一书记,城关镇,北村,区农业农村局,2026-05-01,市组干〔2026〕12号\n"
    result = import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    assert "changed with consent: 张三 to 北村 from 2026-05-01 (approval: 市组干〔2026〕12号)" in (
        result.summary
    )
    old, new = postings(roster, "+8613800138000")
    assert old.end == date(2026, 4, 30) and old.change_approval is None
    assert new.change_approval == "市组干〔2026〕12号"
    with roster() as uow:
        term = current_term(uow, uow.people.by_phone("+8613800138000"), date(2026, 6, 1))
    # a change of unit in the same village (因人事调整, Art. 6): the term goes on from the
    # first posting (2026-01-05), with the consent of the change
    assert term is not None and term.start == date(2026, 1, 5)
    assert term.last_day == date(2028, 1, 4)
    assert term.approval == "市组干〔2026〕12号"


def test_a_team_member_or_a_move_after_the_term_needs_no_approval(roster, tmp_path):
    text = HEADER + "李四,13900139000,驻村工作队员,城关镇,南村,区财政局,2026-04-01,,\n"
    import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    assert len(postings(roster, "+8613900139000")) == 2
    # 张三's term (to 2028-01-04) is over when the change begins on 2028-01-05
    text = HEADER + "张三,13800138000,第一书记,城关镇,南村,区财政局,2028-01-05,,\n"
    import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    old, new = postings(roster, "+8613800138000")
    assert old.end == date(2028, 1, 4) and new.change_approval is None


def test_a_roster_end_shortens_the_term_the_approval_is_judged_by(roster, tmp_path):
    text = HEADER + "张三,13800138000,第一书记,城关镇,北村,区财政局,,2026-06-30,\n"
    import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    text = HEADER + "张三,13800138000,第一书记,城关镇,南村,区财政局,2026-06-01,,\n"
    with pytest.raises(ImportRejected, match="term runs to 2026-06-30"):
        import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)


def test_an_approval_on_a_non_cadre_or_over_long_is_refused(roster, tmp_path):
    text = HEADER + "赵六,8613600136000,镇党委书记,城关镇,,,,,某文号\n"
    text += "张三,13800138000,第一书记,城关镇,南村,区财政局,2026-04-01,," + "批" * 201 + "\n"
    with pytest.raises(ImportRejected) as excinfo:
        import_roster(roster, read_table(write(tmp_path, text)), today=TODAY)
    lines = rejected_lines(excinfo)
    assert lines[0] == "line 2: approval is the consent to a cadre's change: leave it blank"
    assert lines[1] == "line 3: approval longer than 200 characters"
    assert person(roster, "+8613800138000").village_id is not None
