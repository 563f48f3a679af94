"""五必访 (Art. 10.1) as scripted exchanges: a saved diary's reply carries a toggle per
kind, one tap tags the entry, a second tap of the same old button changes nothing, and
/status counts this year's entries per kind with the kinds still missing."""

from __future__ import annotations

from bot.handlers.callbacks import VisitTag
from bot.handlers.conversation import Conversations
from storage.tables import DiaryEntry, DiarySignoff
from tests.handlers.conftest import BOUND, START
from tests.handlers.dialog import Bot, People, Tap, dialog, play

KINDS = ["☐ 党员干部", "☐ 村(居)民代表", "☐ 致富能手", "☐ 贫困家庭", "☐ 上访人员"]


def _entries(conversations: Conversations, who: str = "cadre") -> list[DiaryEntry]:
    with conversations.uow_factory() as uow:
        person = uow.people.by_telegram_id(BOUND[who])
        return [e for e in uow.diaries.all_rows() if e.person_id == person.id]


def _kinds(conversations: Conversations, entry_id: int) -> set[str]:
    with conversations.uow_factory() as uow:
        return set(uow.visits.kinds_of(entry_id))


def test_a_cadre_tags_a_saved_diary_in_one_tap_and_status_counts_it(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            (
                "/diary 走访贫困户老李家，了解冬季取暖。",
                Bot(["日记已保存", "走访了谁"], buttons=KINDS),
            ),
            (
                Tap("☐ 贫困家庭"),
                Bot(["已标注：贫困家庭", "<b>贫困家庭</b>"], buttons=["✅ 贫困家庭", "✅ 完成"]),
            ),
        ],
    )
    [entry] = _entries(fresh)
    assert _kinds(fresh, entry.id) == {"poor_families"}
    play(
        chat,
        [
            (Tap("☐ 党员干部"), Bot("已标注：党员干部", buttons=["✅ 党员干部", "✅ 贫困家庭"])),
            (
                "/status",
                Bot(
                    [
                        "五必访",
                        "党员干部 1",
                        "任期至 <b>2027-12-31</b>",
                        "贫困家庭 1",
                        "致富能手 0",
                        "尚未走访：村(居)民代表、致富能手、上访人员",
                    ]
                ),
            ),
        ],
    )
    assert _kinds(fresh, entry.id) == {"poor_families", "party_cadres"}


def test_a_second_tap_of_an_old_button_changes_nothing_and_says_so(fresh: Conversations) -> None:
    chat = dialog(fresh, "cadre", [("/diary 村民代表座谈会。", "日记已保存")])
    [entry] = _entries(fresh)
    stale = VisitTag(entry.id, "villager_representatives", True).pack()
    play(
        chat,
        [
            (Tap("☐ 村(居)民代表"), "已标注"),
            (
                Tap("", data=stale),
                Bot("已经标注了“村(居)民代表”，没有改动", buttons=["✅ 村(居)民代表"]),
            ),
            (Tap("✅ 村(居)民代表"), Bot("已取消：村(居)民代表", buttons=["☐ 村(居)民代表"])),
        ],
    )
    assert _kinds(fresh, entry.id) == set()


def test_done_keeps_the_toggles_and_a_tag_after_it_still_works(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            ("/diary 走访致富带头人。", "日记已保存"),
            (Tap("✅ 完成"), Bot("日记已保存", buttons=KINDS, not_buttons=["✅ 完成"])),
            (
                Tap("☐ 致富能手"),
                Bot(
                    "已标注：致富能手",
                    only_buttons=[
                        "☐ 党员干部",
                        "☐ 村(居)民代表",
                        "✅ 致富能手",
                        "☐ 贫困家庭",
                        "☐ 上访人员",
                    ],
                ),
            ),
        ],
    )
    [entry] = _entries(fresh)
    assert _kinds(fresh, entry.id) == {"entrepreneurs"}
    assert "完成" not in str(chat.shown[max(chat.shown)].buttons)


def test_someone_elses_diary_is_refused_and_nothing_changes(fresh: Conversations) -> None:
    dialog(fresh, "cadre", [("/diary 走访上访户。", "日记已保存")])
    [entry] = _entries(fresh)
    people = People(fresh)
    forged = VisitTag(entry.id, "petitioners", True).pack()
    people["cadre2"].act("/diary 李四的日记。")
    play(people["cadre2"], [(Tap("", data=forged), "不是您写的")])
    assert _kinds(fresh, entry.id) == set()


def test_a_signed_entry_keeps_its_visits(fresh: Conversations) -> None:
    chat = dialog(fresh, "cadre", [("/diary 走访党员。", "日记已保存")])
    [entry] = _entries(fresh)
    with fresh.uow_factory() as uow:
        signer = uow.people.by_telegram_id(BOUND["village_secretary"])
        signoff = uow.diaries.add(
            DiarySignoff(
                cadre_id=entry.person_id,
                scope="week",
                period="2026-W49",
                signer_id=signer.id,
                signed_at=START,
                entry_count=1,
            )
        )
        uow.diaries.get(entry.id).week_signoff_id = signoff.id
        uow.commit()
    play(chat, [(Tap("☐ 党员干部"), "已签字核实")])
    assert _kinds(fresh, entry.id) == set()


def test_tagging_in_english(fresh: Conversations) -> None:
    dialog(
        fresh,
        "cadre",
        [
            (
                "/diary Visited two poor families.",
                Bot("Whom did you visit", buttons=["☐ Poor families"]),
            ),
            (Tap("☐ Poor families"), Bot("Tagged: Poor families", buttons=["✅ Poor families"])),
            (
                "/status",
                Bot(["Five must-visits", "Poor families 1", "Not visited yet: Party members"]),
            ),
        ],
        language_code="en",
    )


def test_a_forged_kind_is_a_stale_button(fresh: Conversations) -> None:
    chat = dialog(fresh, "cadre", [("/diary 走访。", "日记已保存")])
    [entry] = _entries(fresh)
    play(chat, [(Tap("", data=f"vt:{entry.id}:nobody:1"), "这个按钮已失效")])
    assert _kinds(fresh, entry.id) == set()
