"""/assess as scripted exchanges: the township records a 半年考核 item by item; a
democratic rating under 20 raters and interviews under 15 people are refused (nothing
stored, the count asked again); a cadre outside one's township or one the official does
not grade (Art. 26.2: org_dept with the township for First Secretaries, poverty_bureau for
work-team members) is refused with who does."""

from __future__ import annotations

from bot.handlers.callbacks import AssessCadre, ReportPick
from bot.handlers.conversation import Conversations
from tests.handlers.dialog import Bot, Tap, dialog

ITEMS = ["每周在村5天以上", "走访贫困户32户", "自来水项目已完工", "完成村集体经济规划"]


def _records(conversations: Conversations, key: str) -> list:
    with conversations.uow_factory() as uow:
        cadre = next(p for p in uow.people.all() if p.name == key)
        return uow.assessments.for_cadre(cadre.id, 2026)


def test_the_township_secretary_records_a_half_year_assessment(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_secretary",
        [
            ("/assess", Bot("城关街道", buttons=["张三 · 东店子村", "李四 · 西关社区"])),
            (
                Tap("张三 · 东店子村"),
                Bot(
                    "张三",
                    only_buttons=["日常考核", "半年考核", "民主测评", "个别谈话"],
                ),
            ),
            (Tap("半年考核"), Bot(["半年考核", "（1/4）", "在岗"])),
            (ITEMS[0], Bot(["（2/4）", "走访调研"])),
            ("   ", "不能为空"),  # an empty note refused, the same item asked again
            (ITEMS[1], Bot(["（3/4）", "项目实施"])),
            ("长" * 201, Bot(["201", "200"], not_says="（4/4）")),
            (ITEMS[2], Bot(["（4/4）", "工作开展"])),
            (
                ITEMS[3],
                Bot(["请确认", "在岗：每周在村5天以上", "工作开展：完成村集体经济规划"]),
            ),
            (Tap("✅ 确认登记"), "已登记 <b>张三</b> 的半年考核"),
        ],
    )
    [record] = _records(fresh, "张三")
    assert record.kind == "half_year"
    assert [record.on_post, record.visits, record.projects, record.work] == ITEMS


def test_a_rating_under_20_raters_is_refused_and_20_is_taken(fresh: Conversations) -> None:
    dialog(
        fresh,
        "org_dept",
        [
            ("/assess", Bot("请选择镇", buttons=["城关街道", "北宽坪镇"])),
            (Tap("北宽坪镇"), Bot(buttons=["王五 · 广东坪村"])),
            (Tap("王五 · 广东坪村"), Bot(only_buttons=["民主测评", "个别谈话"])),
            (Tap("民主测评"), "20 人以上"),
            ("19", Bot(["只有 19 人", "没有保存", "补足测评人员"])),
            ("二十", "不是人数"),
            ("20", "20 人参加"),
            ("优秀 12 票、称职 8 票", Bot(["参加人数：20 人", "优秀 12 票"])),
            (Tap("✅ 确认登记"), "已登记 <b>王五</b> 的民主测评"),
        ],
    )
    [record] = _records(fresh, "王五")
    assert (record.kind, record.count) == ("democratic_rating", 20)
    assert record.note == "优秀 12 票、称职 8 票"


def test_a_rating_of_23_in_english(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_secretary",
        [
            ("/assess", "choose the village-posted cadre"),
            (Tap("张三 · 东店子村"), Bot(buttons=["democratic rating"])),
            (Tap("democratic rating"), "at least 20"),
            ("19", Bot(["had 19", "not saved"])),
            ("23人", "23 raters"),
            ("excellent 15, competent 8", "raters: 23"),
            (Tap("✅ Record it"), "Recorded the democratic rating of <b>张三</b>"),
        ],
        language_code="en",
    )
    assert [r.count for r in _records(fresh, "张三")] == [23]


def test_interviews_of_14_people_are_refused(fresh: Conversations) -> None:
    dialog(
        fresh,
        "poverty_bureau",
        [
            ("/assess", Bot(buttons=["城关街道"])),
            (Tap("城关街道"), Bot(buttons=["李四 · 西关社区"])),
            (Tap("李四 · 西关社区"), Bot(only_buttons=["民主测评", "个别谈话"])),
            (Tap("个别谈话"), "不少于 15 人"),
            ("14", Bot(["只有 14 人", "没有保存", "补足谈话人员"])),
            ("15", "谈话 15 人"),
            ("群众反映工作扎实", "谈话人数：15 人"),
            (Tap("✅ 确认登记"), "已登记 <b>李四</b> 的个别谈话"),
        ],
    )
    assert [(r.kind, r.count) for r in _records(fresh, "李四")] == [("interviews", 15)]


def test_org_dept_and_poverty_bureau_each_grade_their_own_cadres(fresh: Conversations) -> None:
    """org_dept holds a First Secretary's rating, not a work-team member's; the bureau the
    reverse: each is refused with who does."""
    dialog(
        fresh,
        "org_dept",
        [
            ("/assess", Bot(buttons=["城关街道"])),
            (Tap("城关街道"), Bot(buttons=["李四 · 西关社区"])),
            (Tap("李四 · 西关社区"), Bot(["李四 是驻村工作队员", "区扶贫局负责", "转给他们"])),
        ],
    )
    dialog(
        fresh,
        "poverty_bureau",
        [
            ("/assess", Bot(buttons=["城关街道"])),
            (Tap("城关街道"), Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(["张三 是第一书记", "区委组织部和镇党委书记"])),
        ],
    )
    assert _records(fresh, "张三") == [] and _records(fresh, "李四") == []


def test_the_township_leader_records_the_township_kinds_only(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_leader",
        [
            ("/assess", Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(only_buttons=["日常考核", "半年考核"])),
        ],
    )


def test_a_cadre_of_another_township_is_refused(fresh: Conversations) -> None:
    """A secretary's list holds their township's cadres only; a forged button naming a
    cadre of another township changes nothing."""
    with fresh.uow_factory() as uow:
        other = next(p for p in uow.people.all() if p.name == "王五")
    forged = AssessCadre(other.id).pack()
    chat = dialog(
        fresh,
        "township_secretary",
        [("/assess", Bot(buttons=["张三 · 东店子村"], not_buttons=["王五 · 广东坪村"]))],
    )
    assert "不归您处理" in chat.act(Tap("", data=forged)).text
    assert _records(fresh, "王五") == []


def test_a_unit_leader_gets_their_units_rewards_list_in_report(fresh: Conversations) -> None:
    chat = dialog(
        fresh,
        "unit_leader",
        [
            ("/report", Bot(buttons=["🏅 2026 年度奖励名单"])),
            (Tap("🏅 2026 年度奖励名单"), "区财政局 2026 年度考核一次性奖励名单（2 人"),
        ],
    )
    [sheet] = [m for m in chat.inbox if m.document]
    assert sheet.document[0] == "年度考核奖励名单_区财政局_2026.xlsx"
    # another unit's list, or the district's, by forged data: refused
    with fresh.uow_factory() as uow:
        other = uow.places.unit("区农业农村局").id
    for ref in (other, 0):
        answer = chat.act(Tap("", data=ReportPick("w", ref, "2026").pack()))
        assert "您无权进行此操作" in answer.text
        assert not [m for m in answer.messages if m.document]


def test_the_district_gets_every_units_rewards_and_a_township_none(
    fresh: Conversations,
) -> None:
    dialog(
        fresh,
        "poverty_bureau",
        [
            ("/report", Bot(buttons=["🏅 2026 年度奖励名单"])),
            (Tap("🏅 2026 年度奖励名单"), "全区 2026 年度考核一次性奖励名单（3 人"),
        ],
    )
    dialog(fresh, "township_secretary", [("/report", Bot(not_buttons=["🏅 2026 年度奖励名单"]))])


def test_the_four_notes_in_one_message(fresh: Conversations) -> None:
    names = ["在岗", "走访调研", "项目实施", "工作开展"]
    four = "\n".join(f"{name}：{note}" for name, note in zip(names, ITEMS, strict=True))
    dialog(
        fresh,
        "township_leader",
        [
            ("/assess", Bot(buttons=["李四 · 西关社区"])),
            (Tap("李四 · 西关社区"), Bot(buttons=["日常考核"])),
            (Tap("日常考核"), Bot(["（1/4）", "也可以一条消息发四行"])),
            (four, Bot(["请确认", "走访调研：走访贫困户32户"], not_says="（2/4）")),
            (Tap("✅ 确认登记"), "已登记 <b>李四</b> 的日常考核"),
        ],
    )
    [record] = _records(fresh, "李四")
    assert record.kind == "daily" and [record.on_post, record.work] == [ITEMS[0], ITEMS[3]]


def test_four_lines_without_the_item_names_are_the_first_note(fresh: Conversations) -> None:
    dialog(
        fresh,
        "township_secretary",
        [
            ("/assess", Bot(buttons=["张三 · 东店子村"])),
            (Tap("张三 · 东店子村"), Bot(buttons=["日常考核"])),
            (Tap("日常考核"), "（1/4）"),
            ("周一到周五在村\n周末回城\n请假一次\n已销假", Bot("（2/4）", not_says="也可以")),
        ],
    )
