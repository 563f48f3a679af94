"""民情日记: writing, listing against 10, weekly and monthly signatures, locking."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import District, tap


def entries(district: District, key: str):  # noqa: ANN201
    with district.storage.uow() as uow:
        person = uow.people.by_phone(district.phone(key))
        return list(
            uow.diaries.between(
                person.id,
                district.clock.today().replace(day=1),
                district.clock.today() + timedelta(days=40),
            )
        )


async def test_one_line_diary_and_the_month_count(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary 走访李家，<孩子>上学 & 医保问题 😀")
    saved = await cadre.next_message()
    assert "1</b>/10" in saved.html or "1/10" in saved.text
    cadre.send_text("/diaries")
    listing = await cadre.next_message()
    assert "1/10" in listing.text
    assert "<孩子>上学 & 医保问题 😀" in listing.text
    [entry] = entries(district, "cadre")
    assert entry.text == "走访李家，<孩子>上学 & 医保问题 😀"


async def test_guided_diary_with_photos(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary")
    assert "日记内容" in (await cadre.next_message()).text
    cadre.send_text("今天召开村民代表会")
    saved = await cadre.next_message()
    for _ in range(2):
        cadre.send_photo()
        await cadre.next_message()
    await tap(cadre, saved, "✅ 完成")
    await cadre.wait_until_quiet()
    [entry] = entries(district, "cadre")
    assert entry.text == "今天召开村民代表会" and len(entry.photo_file_ids) == 2


async def test_more_than_ten_photos_are_refused(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary 照片很多的一天")
    await cadre.next_message()
    for _ in range(10):
        cadre.send_photo()
    await cadre.wait_until_quiet(0.5)
    cadre.send_photo()
    await cadre.wait_until_quiet(1.5, timeout=30)
    assert "最多 10 张" in cadre.inbox[-1].text, cadre.transcript()
    [entry] = entries(district, "cadre")
    assert len(entry.photo_file_ids) == 10


async def test_empty_diary_is_refused_and_nothing_stored(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/diary")
    await cadre.next_message()
    cadre.send_sticker()
    assert "日记内容" in (await cadre.next_message()).text
    cadre.send_text("/diary    ")
    await cadre.next_message()
    assert entries(district, "cadre") == []


async def test_village_secretary_signs_the_week_and_the_entry_locks(district: District) -> None:
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary")
    cadre.send_text("/diary 第一篇")
    await cadre.next_message()
    cadre.send_text("/diary 第二篇 <b>加粗?</b>")
    await cadre.next_message()
    signer.send_text("/signoff")
    batch = await signer.next_message()
    assert "张三" in batch.text and "第一篇" in batch.text and "<b>加粗?</b>" in batch.text
    sign_data = batch.buttons[0]["callback_data"]
    await tap(signer, batch, "✍️ 签字核实（本周）")
    await signer.wait_until_quiet()
    assert "已签字" in signer.inbox[-1].text
    assert signer.last_callback_answer.text == "已签字"
    signed = entries(district, "cadre")
    assert all(e.week_signoff_id for e in signed)
    # a double tap on the same button changes nothing and explains why
    await tap(signer, batch.message_id, data=sign_data)
    await signer.wait_until_quiet()
    assert "已经签过字" in signer.last_callback_answer.text
    assert [e.week_signoff_id for e in entries(district, "cadre")] == [
        e.week_signoff_id for e in signed
    ]
    signer.send_text("/signoff")
    assert "没有待签字" in (await signer.next_message()).text


async def test_township_secretary_confirms_the_month(district: District) -> None:
    cadre = await district.onboard("cadre")
    secretary = await district.onboard("township_secretary")
    cadre.send_text("/diary 月度确认测试")
    await cadre.next_message()
    secretary.send_text("/signoff")
    batch = await secretary.next_message()
    assert "本月" in batch.text and "月度确认测试" in batch.text
    await tap(secretary, batch, "✍️ 签字确认（本月）")
    await secretary.wait_until_quiet()
    [entry] = entries(district, "cadre")
    assert entry.month_signoff_id is not None


async def test_cadres_cannot_sign_and_signers_cannot_write(district: District) -> None:
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary")
    cadre.send_text("/signoff")
    assert "不能使用" in (await cadre.next_message()).text
    signer.send_text("/diary 我不是驻村干部")
    assert "不能使用" in (await signer.next_message()).text
