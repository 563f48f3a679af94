"""民情日记: writing, listing against 10, weekly and monthly signatures, locking."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.handlers.callbacks import DiaryRead, DiarySign, DiarySplit
from sandbox.media import _png
from tests.e2e.conftest import District, assert_silent, tap


def entries(district: District, key: str):
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


@pytest.mark.dingtalk
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


@pytest.mark.dingtalk
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


@pytest.mark.dingtalk
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
    # the week by its dates (Monday 2026-11-30 to Sunday 2026-12-06), never "2026-W49"
    assert "11月30日—12月6日 这一周" in batch.text and "W49" not in batch.text
    assert batch.button_texts == ["📖 1", "📖 2", "✍️ 签字核实这一周"]
    sign_data = batch.buttons[-1]["callback_data"]
    await tap(signer, batch, "✍️ 签字核实这一周")
    await signer.wait_until_quiet()
    assert "已签字核实：张三 11月30日—12月6日 这一周，共 2 篇" in signer.inbox[-1].text
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


def distinct_png(n: int) -> bytes:
    """A small PNG of its own size, so each photo sent back can be told apart."""
    return _png(4 + n, 3, (10 * n, 30, 30))


async def test_the_signer_reads_each_diary_whole_with_its_photos(district: District) -> None:
    """The list cuts an entry at 120 characters; its button opens it whole, then its
    photos: several as one album (sendMediaGroup), one as a photo."""
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary")
    long_text = (
        "走访五保户王大爷，" + "了解到冬季取暖和看病报销的困难，" * 12 + "已记下并转村委会。"
    )
    assert len(long_text) > 120
    cadre.send_text("/diary")
    await cadre.next_message()
    cadre.send_text(long_text)
    saved = await cadre.next_message()
    photos = [distinct_png(n) for n in range(3)]
    for data in photos:
        cadre.send_photo(data)
        await cadre.next_message()
    await tap(cadre, saved, "✅ 完成")
    cadre.send_text("/diary 只有一张照片的一篇")
    single = await cadre.next_message()
    cadre.send_photo(distinct_png(7))
    await cadre.next_message()
    await tap(cadre, single, "✅ 完成")

    signer.send_text("/signoff")
    batch = await signer.next_message()
    assert long_text not in batch.text and long_text[:60] in batch.text
    await tap(signer, batch, "📖 1")
    full = await signer.next_message()
    assert long_text in full.text and "张三" in full.text and "2026-11-30" in full.text
    album = [await signer.next_message() for _ in photos]
    assert [m.kind for m in album] == ["photo"] * 3
    assert [m.photo for m in album] == photos
    assert len({m.raw["media_group_id"] for m in album}) == 1
    await tap(signer, batch, "📖 2")
    assert "只有一张照片的一篇" in (await signer.next_message()).text
    photo = await signer.next_message()
    assert photo.photo == distinct_png(7) and "media_group_id" not in photo.raw
    await assert_silent(signer)
    # reading signs nothing
    assert not any(e.week_signoff_id for e in entries(district, "cadre"))


async def test_a_diary_is_read_only_by_its_signers(district: District) -> None:
    """李四 (西关社区) is not 赵村支书's to sign: a forged read button is refused."""
    cadre2 = await district.onboard("cadre2")
    stranger = await district.onboard("village_secretary")
    cadre2.send_text("/diary 西关社区的一篇")
    await cadre2.next_message()
    [entry] = entries(district, "cadre2")
    answer = await tap(stranger, stranger.inbox[-1], data=DiaryRead(entry.id).pack())
    assert answer.show_alert and "西关社区的一篇" not in answer.text
    await assert_silent(stranger)


async def test_weeks_by_dates_in_english(district: District) -> None:
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary", language="en")
    cadre.send_text("/diary visited the Li family")
    await cadre.next_message()
    signer.send_text("/signoff")
    batch = await signer.next_message()
    assert "the week 30 Nov – 6 Dec" in batch.text and "W49" not in batch.text
    await tap(signer, batch, "✍️ Verify this week")
    assert "Verified: 张三, the week 30 Nov – 6 Dec, 1 entries" in signer.inbox[-1].text


async def test_the_month_is_confirmed_only_once_its_weeks_are_verified(
    district: District,
) -> None:
    """The township secretary sees which week waits and why (the village secretary has
    not started the bot; then has not signed), has no button to confirm it, and a stale
    button is refused; once the week is verified the month is confirmed."""
    cadre = await district.onboard("cadre")
    secretary = await district.onboard("township_secretary")
    cadre.send_text("/diary 月度确认测试")
    await cadre.next_message()
    secretary.send_text("/signoff")
    batch = await secretary.next_message()
    assert "2026年11月" in batch.text and "月度确认测试" in batch.text
    assert "11月30日—12月6日（1 篇）：赵村支书 还没有绑定机器人" in batch.text
    assert batch.button_texts == ["📖 1"]
    [entry] = entries(district, "cadre")
    forged = DiarySign(entry.person_id, "month", "2026-11").pack()
    refused = await tap(secretary, batch.message_id, data=forged)
    assert refused.show_alert and "还有 1 周未经签字核实" in refused.text
    assert entries(district, "cadre")[0].month_signoff_id is None

    signer = await district.onboard("village_secretary")
    await signer.wait_until_quiet()  # binding lists the week that waited for them
    secretary.send_text("/signoff")
    waiting = await secretary.next_message()
    assert "11月30日—12月6日（1 篇）：赵村支书 尚未签字核实" in waiting.text
    assert signer.inbox, signer.transcript()
    signer.send_text("/signoff")
    await signer.wait_until_quiet()
    card = next(m for m in reversed(signer.inbox) if "✍️ 签字核实这一周" in m.button_texts)
    await tap(signer, card, "✍️ 签字核实这一周")

    secretary.send_text("/signoff")
    ready = await secretary.next_message()
    assert "各周均已签字核实" in ready.text
    await tap(secretary, ready, "✍️ 签字确认这个月")
    assert "已签字确认：张三 2026年11月，共 1 篇" in secretary.inbox[-1].text
    [entry] = entries(district, "cadre")
    assert entry.month_signoff_id is not None


@pytest.mark.dingtalk
async def test_a_village_without_a_secretary_is_verified_by_the_township_leader(
    district: District,
) -> None:
    """西关社区 has no village party secretary in the roster: 李四's week goes to the
    township leader in charge (钱分管), as a short leave's comment does."""
    cadre2 = await district.onboard("cadre2")
    leader = await district.onboard("township_leader")
    village_secretary = await district.onboard("village_secretary")
    secretary = await district.onboard("township_secretary")
    cadre2.send_text("/diary 西关社区走访")
    await cadre2.next_message()
    village_secretary.send_text("/signoff")
    assert "没有待签字" in (await village_secretary.next_message()).text
    secretary.send_text("/signoff")
    month = await secretary.next_message()
    assert "李四" in month.text and "钱分管 尚未签字核实" in month.text
    leader.send_text("/signoff")
    batch = await leader.next_message()
    assert "李四" in batch.text and "11月30日—12月6日 这一周" in batch.text
    await tap(leader, batch, "📖 1")
    assert "西关社区走访" in (await leader.next_message()).text
    await tap(leader, batch, "✍️ 签字核实这一周")
    [entry] = entries(district, "cadre2")
    with district.storage.uow() as uow:
        signoff = uow.diaries.signoff(entry.person_id, "week", "2026-W49")
        assert signoff.signer_id == uow.people.by_phone(district.phone("township_leader")).id
    secretary.send_text("/signoff")
    assert "各周均已签字核实" in (await secretary.next_message()).text


@pytest.mark.dingtalk
async def test_cadres_cannot_sign_and_signers_cannot_write(district: District) -> None:
    cadre = await district.onboard("cadre")
    signer = await district.onboard("village_secretary")
    cadre.send_text("/signoff")
    assert "不能使用" in (await cadre.next_message()).text
    signer.send_text("/diary 我不是驻村干部")
    assert "不能使用" in (await signer.next_message()).text


SENTENCE = "今天走访了三户贫困家庭，了解到饮水管道冬季容易冻裂。"  # 26 characters


async def test_an_over_long_diary_is_kept_and_saved_as_two_at_a_sentence_end(
    district: District,
) -> None:
    cadre = await district.onboard("cadre")
    text = SENTENCE * 130  # 3,380 characters: one message, over the 3,000 of an entry
    cadre.send_text("/diary " + text)
    offer = await cadre.next_message()
    assert "3380" in offer.text and "3000" in offer.text and "留着" in offer.text
    assert entries(district, "cadre") == []  # nothing saved before the person says so
    await tap(cadre, offer, "分成 2 篇保存")
    saved = await cadre.next_message()
    assert "2 篇保存" in saved.text and "2</b>/10" in saved.html
    first, second = sorted(entries(district, "cadre"), key=lambda e: e.id)
    assert first.text.endswith("。") and len(first.text) <= 3000
    assert first.text + second.text == text  # every character, in order
    assert offer.button_texts == []  # the offer's button is gone ...
    answer = await tap(cadre, offer, data=DiarySplit(2).pack())  # ... a stale press too
    assert "已经保存过" in answer.text
    assert len(entries(district, "cadre")) == 2
