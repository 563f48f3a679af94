"""Issue 15's term and visits over both runtimes: a cadre tags a saved diary with whom
they visited in one tap and /status counts it (with the term's last day); a term notice
planned by the sweep reaches the cadre and org_dept through the dispatcher."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.i18n import Catalog
from scheduler.dispatch import Dispatcher
from scheduler.posting_term import sweep_posting_terms
from tests.e2e.conftest import ZONE, District, tap


def visit_kinds(district: District) -> set[str]:
    with district.storage.uow() as uow:
        person = uow.people.by_phone(district.phone("cadre"))
        [entry] = uow.diaries.between(person.id, district.clock.today(), district.clock.today())
        return set(uow.visits.kinds_of(entry.id))


async def test_a_diary_tagged_in_one_tap_is_counted_in_status(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary 走访贫困户老李家，了解冬季取暖。")
    saved = await cadre.next_message()
    assert "走访了谁" in saved.text
    answer = await tap(cadre, saved, "☐ 贫困家庭")
    assert "已标注" in (answer.text or "")
    assert visit_kinds(district) == {"poor_families"}
    [edited] = [m for m in cadre.inbox if m.message_id == saved.message_id]
    assert edited.edited and "走访对象（五必访）：贫困家庭" in edited.text
    assert "✅ 贫困家庭" in edited.button_texts and "☐ 党员干部" in edited.button_texts
    cadre.send_text("/status")
    status = await cadre.next_message()
    assert "贫困家庭 1" in status.text and "党员干部 0" in status.text
    assert "尚未走访" in status.text and "任期至 2027-12-31" in status.text


async def test_tagging_in_english(district: District) -> None:
    cadre = await district.onboard("cadre", language="en")
    cadre.send_text("/diary Met the villager representatives.")
    saved = await cadre.next_message()
    assert "Whom did you visit" in saved.text
    await tap(cadre, saved, "☐ Villager representatives")
    assert visit_kinds(district) == {"villager_representatives"}
    cadre.send_text("/status")
    status = await cadre.next_message()
    assert "Villager representatives 1" in status.text


@pytest.mark.dingtalk
async def test_a_term_notice_reaches_the_cadre_and_org_dept(
    district: District, running_bot
) -> None:
    cadre = await district.onboard("cadre")
    org = await district.onboard("org_dept")
    today = district.clock.today()
    with district.storage.uow() as uow:  # the roster ends 张三's posting in 60 days
        person = uow.people.by_phone(district.phone("cadre"))
        uow.assignments.current(person.id, today).end = today + timedelta(days=60)
        uow.commit()
    drafts = sweep_posting_terms(district.storage.uow, district.clock.now(), zone=ZONE)
    assert len(drafts) == 4  # 张三, 吴局长, 孙书记, 组织部 (only two of them bound)
    dispatcher = Dispatcher(
        district.storage.uow, running_bot.delivery, Catalog("zh"), clock=district.clock
    )
    report = await dispatcher.drain()
    assert report.sent == 2
    own = await cadre.next_message()
    assert "任期提醒" in own.text and "还有 60 天" in own.text and "期满书面总结" in own.text
    told = await org.next_message()
    assert "张三" in told.text and "第一书记" in told.text and "区财政局" in told.text
    assert sweep_posting_terms(district.storage.uow, district.clock.now(), zone=ZONE) == []
