"""/assess over the real runtimes: a township secretary records a 半年考核 in a few taps
(cadre, kind, the four items' notes, confirm); a democratic rating under 20 raters is
refused with what to do, nothing stored, and 23 raters are then taken."""

from __future__ import annotations

from tests.e2e.conftest import District, assert_silent, tap

NOTES = ["每周在村5天以上", "走访贫困户32户", "自来水项目已完工", "完成村集体经济规划"]


def records(district: District, phone_key: str) -> list:
    with district.storage.uow() as uow:
        cadre = uow.people.by_phone(district.phone(phone_key))
        return uow.assessments.for_cadre(cadre.id, 2026)


async def test_a_township_secretary_records_a_half_year_assessment(district: District) -> None:
    secretary, other = await district.onboard_all("township_secretary", "township_secretary_b")
    secretary.send_text("/assess")
    menu = await secretary.next_message()
    assert menu.button_texts == ["张三 · 东店子村", "李四 · 西关社区"]  # their township only
    await tap(secretary, menu, "张三 · 东店子村")
    assert menu.button_texts == ["日常考核", "半年考核", "民主测评", "个别谈话"]
    await tap(secretary, menu, "半年考核")
    for n, note in enumerate(NOTES, 1):
        ask = await secretary.next_message()
        assert f"（{n}/4）" in ask.text
        secretary.send_text(note)
    confirm = await secretary.next_message()
    assert "在岗：每周在村5天以上" in confirm.text and "项目实施：自来水项目已完工" in confirm.text
    assert records(district, "cadre") == []  # nothing stored before the confirmation
    answer = await tap(secretary, confirm, "✅ 确认登记")
    assert answer.text == "已登记" and "已登记 张三 的半年考核" in confirm.text
    [record] = records(district, "cadre")
    assert (record.kind, record.on_post, record.work) == ("half_year", NOTES[0], NOTES[3])
    await assert_silent(other)


async def test_a_rating_under_20_raters_is_refused_with_what_to_do(district: District) -> None:
    (official,) = await district.onboard_all("org_dept")
    official.send_text("/assess")
    menu = await official.next_message()
    await tap(official, menu, "城关街道")
    await tap(official, menu, "张三 · 东店子村")
    assert menu.button_texts == ["民主测评", "个别谈话"]  # the township's kinds are its own
    await tap(official, menu, "民主测评")
    await official.next_message()
    official.send_text("19")
    refused = await official.next_message()
    assert "只有 19 人" in refused.text and "请补足测评人员后再登记" in refused.text
    assert records(district, "cadre") == []
    official.send_text("23")
    assert "23 人参加" in (await official.next_message()).text
    official.send_text("优秀 15 票、称职 8 票")
    confirm = await official.next_message()
    await tap(official, confirm, "✅ 确认登记")
    [record] = records(district, "cadre")
    assert (record.kind, record.count) == ("democratic_rating", 23)
