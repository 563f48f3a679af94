"""Over-long typed text is kept, never cut silently nor lost (issue #17): the reply says
its length and the limit, one tap keeps the part that fits (to a sentence end), a shorter
text replaces it, and a tap once it is dealt with changes nothing."""

from __future__ import annotations

from bot.handlers.callbacks import KeepFitting
from bot.handlers.conversation import Conversations
from storage.unit_of_work import UnitOfWork
from tests.handlers.dialog import Bot, People, Tap, dialog, play

SENTENCE = "母亲突发脑梗住院，需要陪护和办理转院手续。"  # 21 characters


def reasons(conversations: Conversations) -> list[str]:
    uow: UnitOfWork
    with conversations.uow_factory() as uow:
        return [request.reason for request in uow.leaves.all_rows()]


#: The guided /leave up to its reason: December 1st to 2nd (today is 2026-11-30).
TO_THE_REASON = [
    ("/leave", Bot(buttons=["›"])),
    (Tap("›"), Bot(buttons=["1"])),
    (Tap("1"), "结束"),
    (Tap("2"), "事由"),
]


def test_an_over_long_leave_reason_is_kept_and_the_part_that_fits_filed(
    fresh: Conversations,
) -> None:
    typed = SENTENCE * 30  # 630 characters, over the 500 of a reason
    kept = SENTENCE * 23  # 483: the last sentence end before 500
    dialog(
        fresh,
        "cadre",
        [
            *TO_THE_REASON,
            (
                typed,
                Bot(
                    ["630", "500 字的上限", "还没有保存", "后面 147 字不保存"],
                    buttons=["✂️ 保留前 483 字"],
                ),
            ),
            (Tap("✂️ 保留前 483 字"), Bot(["已保留前 483 字（原文 630 字）", "已提交"])),
            # pressed again (a stale screen): nothing more is filed
            (Tap("again", data=KeepFitting(500).pack()), Bot(["已经处理过"], not_says="已提交")),
        ],
    )
    assert reasons(fresh) == [kept]


def test_a_shorter_text_replaces_the_kept_one(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            *TO_THE_REASON,
            ("看" * 501, Bot(["501", "留着"])),
            ("看病", "已提交"),
        ],
    )
    assert reasons(fresh) == ["看病"]


def test_an_approvers_over_long_comment_in_english_is_kept(fresh: Conversations) -> None:
    people = People(fresh)
    play(people["cadre"], [("/leave 2026-12-03 2026-12-04 走亲戚", "已提交")])
    leader = people["township_leader"]
    play(
        leader,
        [
            ("/lang en", "English"),
            (Tap("💬"), Bot()),
            (
                "Please come back before the inspection. " * 15,  # 599 once trimmed
                Bot(["599", "limit of 500", "kept for you"], buttons=["✂️ Keep the first 479"]),
            ),
            (Tap("✂️ Keep the first 479"), "Kept the first 479 characters (of 599)"),
        ],
    )
    uow: UnitOfWork
    with fresh.uow_factory() as uow:
        [request] = uow.leaves.all_rows()
        [step] = [s for s in uow.leaves.steps(request.id) if s.comment]
    assert step.comment == ("Please come back before the inspection. " * 12).strip()


def test_an_over_long_duty_note_keeps_the_part_that_fits(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_secretary",
        [
            ("/duty", Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(buttons=["岗位培训"])),
            (Tap("岗位培训"), Bot(buttons=["2026年11月"])),
            (Tap("›"), Bot()),
            (Tap("8"), "最后一天"),
            (Tap("10"), Bot(buttons=["不填备注"])),
            (
                "区委党校第3期，" * 40,
                Bot(["320", "200 字的上限", "留着"], buttons=["✂️ 保留前 200 字"]),
            ),
            (
                Tap("✂️ 保留前 200 字"),
                Bot(["已保留前 200 字", "区委党校第3期"], buttons=["✅ 确认登记"]),
            ),
        ],
    )
