"""An over-long diary, as scripted exchanges: kept and saved as two at a sentence end
once the cadre taps, or replaced by a shorter text typed instead (the delivery of the
offer's edit over both runtimes stays in tests/e2e/test_diary.py)."""

from __future__ import annotations

from bot.handlers.conversation import Conversations
from storage.tables import DiaryEntry
from tests.handlers.conftest import BOUND
from tests.handlers.dialog import Bot, Tap, dialog

SENTENCE = "今天走访了三户贫困家庭，了解到饮水管道冬季容易冻裂。"  # 26 characters


def entries(conversations: Conversations) -> list[DiaryEntry]:
    with conversations.uow_factory() as uow:
        person = uow.people.by_telegram_id(BOUND["cadre"])
        return sorted(
            (e for e in uow.diaries.all_rows() if e.person_id == person.id), key=lambda e: e.id
        )


def test_an_over_long_diary_is_kept_and_saved_as_two_at_a_sentence_end(
    fresh: Conversations,
) -> None:
    text = SENTENCE * 130  # 3,380 characters, over the 3,000 of an entry
    chat = dialog(
        fresh,
        "cadre",
        [("/diary " + text, Bot(["3380", "3000", "留着"], only_buttons=["分成 2 篇保存"]))],
    )
    assert entries(fresh) == []  # nothing saved before the person says so
    offer = max(chat.shown)
    chat.act(Tap("分成 2 篇保存"))
    assert "已分成 2 篇保存" in chat.shown[offer].text and not chat.shown[offer].buttons
    assert "2</b>/10" in chat.last
    first, second = entries(fresh)
    assert first.text.endswith("。") and len(first.text) <= 3000
    assert first.text + second.text == text  # every character, in order


def test_an_over_long_diary_replaced_by_a_shorter_one_in_english(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            ("/diary", Bot()),
            ("Visited the school. " * 160, Bot("3199", buttons=["Save as 2 entries"])),
            ("Visited the school.", "1</b>/10"),  # a shorter text replaces the kept one
        ],
        language_code="en",
    )
    [entry] = entries(fresh)
    assert entry.text == "Visited the school."
