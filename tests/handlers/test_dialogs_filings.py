"""/workreport as scripted exchanges: a cadre files the half-year written report as text
(in several messages, then 提交) or as a document, files it again (the earlier one is
replaced, and everyone is told which version counts), files the year's goals (the
township secretary gets them), and the township secretary sees who has not filed. A
notice carrying a report too long for one message sends it as a .txt document."""

from __future__ import annotations

from bot.handlers.conversation import Conversations
from domain.filings import FilingKind
from tests.handlers.conftest import BOUND
from tests.handlers.dialog import Bot, Document, People, Photo, Tap, dialog, play


def _cadre_id(conversations: Conversations, key: str = "cadre") -> int:
    with conversations.uow_factory() as uow:
        person = uow.people.by_telegram_id(BOUND[key])
        assert person is not None and person.id is not None
        return person.id


def test_a_text_report_in_two_messages_is_filed_with_org_dept_bureau_and_unit(
    fresh: Conversations,
) -> None:
    people = People(fresh)
    play(
        people["cadre"],
        [
            (
                "/workreport",
                Bot(
                    "请选择要报送的材料",
                    buttons=[
                        "半年书面汇报（2026年下半年）",
                        "三年规划（本任期）",
                        "年度目标（2026年度）",
                    ],
                    not_buttons=["期满书面总结（本任期）"],  # the term ends 2027-12-31
                ),
            ),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            ("一、驻村工作开展情况", Bot(["共 <b>10</b> 字", "尚未报送"], buttons=["📤 提交"])),
            ("二、下半年打算", Bot("共 <b>18</b> 字", buttons=["📤 提交"])),
            (Tap("📤 提交"), Bot("半年书面汇报（2026年下半年）已报送，共送达 3 人")),
        ],
    )
    for key in ("org_dept", "poverty_bureau", "unit_leader"):
        notice = people[key].last
        assert "<b>张三</b>（第一书记，东店子村）报送了 2026 年下半年书面汇报" in notice
        assert "一、驻村工作开展情况\n二、下半年打算" in notice
    assert BOUND["township_secretary"] not in people.chats  # a report is not the township's
    assert BOUND["unit_leader_b"] not in people.chats  # another unit's leader
    with fresh.uow_factory() as uow:
        filing = uow.filings.live(_cadre_id(fresh), FilingKind.HALF_YEAR, "2026-H2")
        assert filing is not None and filing.text == "一、驻村工作开展情况\n二、下半年打算"


def test_a_document_report_is_re_sent_to_each_recipient_by_its_file_id(
    fresh: Conversations,
) -> None:
    people = People(fresh)
    play(
        people["cadre"],
        [
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            (Photo(), "请发送文件（Word、PDF 等）或输入文字"),  # a photo is not a report
            (Document("doc-123", "下半年汇报.docx"), "已报送，共送达 3 人"),
        ],
    )
    inbox = people["org_dept"].inbox
    assert "报送了 2026 年下半年书面汇报" in inbox[-2].text
    assert inbox[-1].document_id == "doc-123"
    with fresh.uow_factory() as uow:
        filing = uow.filings.live(_cadre_id(fresh), FilingKind.HALF_YEAR, "2026-H2")
        assert filing is not None
        assert (filing.file_id, filing.file_name, filing.text) == (
            "doc-123",
            "下半年汇报.docx",
            None,
        )


def test_filing_again_replaces_the_earlier_report_and_says_so(fresh: Conversations) -> None:
    people = People(fresh)
    cadre = people["cadre"]
    play(
        cadre,
        [
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            ("初稿", "共 <b>2</b> 字"),
            (Tap("📤 提交"), "已报送"),
            ("/workreport", Bot(buttons=["半年书面汇报（2026年下半年） ✅ 2026-11-30已报"])),
            (Tap("半年书面汇报（2026年下半年） ✅ 2026-11-30已报"), "请发送文件"),
            (Document("doc-final"), Bot(["已报送", "替换了 2026-11-30 报送的那一份"])),
        ],
    )
    assert "本期第 2 稿，以最新一稿为准" in people["org_dept"].inbox[-2].text
    with fresh.uow_factory() as uow:
        cadre_id = _cadre_id(fresh)
        live = uow.filings.live(cadre_id, FilingKind.HALF_YEAR, "2026-H2")
        assert live is not None and live.file_id == "doc-final"
        first, second = uow.filings.history(cadre_id)
        assert (first.text, first.replaced_at is not None) == ("初稿", True)
        assert second.id == live.id and second.replaced_at is None


def test_the_years_goals_go_to_the_township_and_the_secretary_sees_who_has_not_filed(
    fresh: Conversations,
) -> None:
    people = People(fresh)
    play(
        people["cadre"],
        [
            ("/workreport", "请选择"),
            (Tap("年度目标（2026年度）"), "请发送文件"),
            ("发展香菇种植", "共 <b>6</b> 字"),
            (Tap("📤 提交"), "年度目标（2026年度）已报送，共送达 3 人"),
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            (Document(), "已报送"),
        ],
    )
    assert "报送了 2026 年度目标备案" in people["township_secretary"].last
    assert "发展香菇种植" in people["township_secretary"].last
    assert BOUND["township_secretary_b"] not in people.chats  # another township's
    play(
        people["township_secretary"],
        [
            (
                "/workreport",
                Bot(
                    [
                        "2026年下半年书面汇报</b>：本镇 2 名驻村干部中 <b>1</b> 人未报",
                        "李四（西关社区）：汇报 ❌ 未报 · 目标 ❌ 未报",
                        "张三（东店子村）：汇报 2026-11-30 · 目标 2026-11-30",
                    ],
                    not_says="王五",  # 北宽坪镇's
                ),
            )
        ],
    )
    text = people["township_secretary"].last
    assert text.index("李四") < text.index("张三")  # who has not filed comes first


def test_a_report_too_long_for_one_message_reaches_recipients_as_a_txt_document(
    fresh: Conversations,
) -> None:
    people = People(fresh)
    part = "驻村工作情况。" * 500  # 3,500 characters: Telegram splits a long paste like this
    play(
        people["cadre"],
        [
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            (part, "共 <b>3500</b> 字"),
            (part, "共 <b>7001</b> 字"),
            (Tap("📤 提交"), "已报送"),
        ],
    )
    notice, document = people["org_dept"].inbox[-2:]
    assert "报送了 2026 年下半年书面汇报" in notice.text and len(notice.text) < 4096
    assert document.document is not None
    name, data = document.document
    assert name == "half_year-2026-H2.txt"
    assert data.decode("utf-8") == f"{part}\n{part}"


def test_roles_out_of_scope_are_refused_with_what_to_do(conversations: Conversations) -> None:
    for who in ("unit_leader", "village_secretary", "org_dept"):
        dialog(conversations, who, [("/workreport", "您的职务不能使用这个功能。发送 /help")])


def test_a_stale_submit_is_refused_and_files_nothing(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            ("草稿", "共 <b>2</b> 字"),
            ("/cancel", ""),
        ],
    )
    play(chat, [(Tap("📤 提交"), "按钮已失效")])
    with fresh.uow_factory() as uow:
        assert uow.filings.history(_cadre_id(fresh)) == []


def test_in_english(fresh: Conversations) -> None:
    people = People(fresh, language_code="en")
    play(
        people["cadre2"],
        [
            ("/workreport", Bot(buttons=["Half-year written report (second half of 2026)"])),
            (Tap("Half-year written report (second half of 2026)"), "Send a file"),
            ("Work done", Bot("<b>9</b> characters", buttons=["📤 Submit"])),
            (Tap("📤 Submit"), "filed with 3 people"),
        ],
    )


def test_nothing_typed_is_lost_past_the_limit_or_when_a_document_follows_text(
    fresh: Conversations,
) -> None:
    chat = dialog(
        fresh,
        "cadre",
        [
            ("/workreport", "请选择"),
            (Tap("半年书面汇报（2026年下半年）"), "请发送文件"),
            ("汇" * 49_990, "共 <b>49990</b> 字"),
            # over 50,000 together: not joined, what is kept unchanged, a file suggested
            (
                "再加上二十个字的一段话，超过上限了吧。",
                Bot(["超过 50000 字", "已保存的 49990 字不变", "Word 或 PDF"]),
            ),
            # a document after typed text: the text is not dropped for it
            (Document("doc-x"), Bot(["您已输入 49990 字", "先点“提交”"], buttons=["📤 提交"])),
            (Tap("📤 提交"), "已报送"),
        ],
    )
    assert "已报送" in chat.last
    with fresh.uow_factory() as uow:
        live = uow.filings.live(_cadre_id(fresh), FilingKind.HALF_YEAR, "2026-H2")
        assert live is not None and live.text == "汇" * 49_990 and live.file_id is None
