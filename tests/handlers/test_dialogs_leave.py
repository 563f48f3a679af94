"""Leave between the cadre and the approvers, as scripted exchanges: an opinion's no and
a rejection each ask why before anything is decided, an opinion written first is the
rejection's reason, the unit declines with a reason, a withdrawal asks first. The cards
edited in the other chats once settled are the runtime's (tests/e2e/test_leave.py)."""

from __future__ import annotations

from bot.handlers.conversation import Conversations
from storage.unit_of_work import UnitOfWork
from tests.handlers.dialog import Bot, Chat, People, Tap, play


def status(conversations: Conversations) -> str:
    uow: UnitOfWork
    with conversations.uow_factory() as uow:
        [request] = uow.leaves.all_rows()
        return request.status


def two_days_filed(conversations: Conversations) -> tuple[Chat, Chat, Chat]:
    """The cadre's two days filed: the township leader's opinion, then the secretary."""
    people = People(conversations)
    cadre = people["cadre"]
    play(cadre, [("/leave 2026-12-03 2026-12-04 走亲戚", "已提交")])
    return cadre, people["township_leader"], people["township_secretary"]


def test_an_opinions_no_and_a_rejection_each_ask_why_first(fresh: Conversations) -> None:
    cadre, leader, secretary = two_days_filed(fresh)
    assert "填注意见" in leader.last
    play(
        leader,
        [
            (Tap("不同意"), "写明意见"),
            ("年底迎检，请改期 <急>", "已填注意见（不同意）"),
        ],
    )
    assert "意见不是决定" in cadre.last and "下一步：镇党委书记审批" in cadre.last
    assert "钱分管（镇党委分管领导）：不同意（年底迎检，请改期 &lt;急&gt;）" in secretary.last
    assert status(fresh) == "pending"
    play(secretary, [(Tap("驳回"), "驳回请写明理由")])
    assert "理由" not in cadre.last  # nothing decided before the reason is given
    assert status(fresh) == "pending"
    play(secretary, [("同意分管领导意见，年底迎检期间不宜离岗", "已驳回")])
    assert "理由：同意分管领导意见，年底迎检期间不宜离岗" in cadre.last
    assert status(fresh) == "rejected"


def test_an_opinion_written_first_is_the_rejections_reason(fresh: Conversations) -> None:
    cadre, leader, secretary = two_days_filed(fresh)
    play(leader, [(Tap("同意"), "已填注意见（同意）")])
    play(
        secretary,
        [
            (Tap("💬 添加意见"), Bot()),
            ("请改在周末", Bot(buttons=["批准", "驳回"])),
            (Tap("驳回"), Bot(not_says="请写明理由")),
        ],
    )
    assert "驳回" in cadre.last and "理由：请改在周末" in cadre.last
    assert status(fresh) == "rejected"


def test_the_unit_may_decline_to_apply_with_a_reason(fresh: Conversations) -> None:
    people = People(fresh)
    cadre, secretary, unit = people["cadre"], people["township_secretary"], people["unit_leader"]
    play(cadre, [("/leave 2026-12-01 2026-12-15 参加培训", "已提交")])
    play(secretary, [(Tap("同意"), Bot())])
    play(
        unit,
        [
            (Tap("不予申请"), "不予代为申请请写明理由"),
            ("单位年底任务重", "已不予代为申请"),
        ],
    )
    assert "不予代为申请" in cadre.last and "理由：单位年底任务重" in cadre.last
    assert people["org_dept"].inbox == []
    assert status(fresh) == "rejected"


def test_myleave_withdraws_a_pending_request_once_confirmed(fresh: Conversations) -> None:
    people = People(fresh)
    cadre, leader = people["cadre"], people["township_leader"]
    play(
        cadre,
        [
            ("/leave 2026-12-08 2026-12-08 办证", "已提交"),
            ("/myleave", Bot(["审批中", "当前：钱分管（镇党委分管领导）"], buttons=["撤回申请"])),
            (Tap("撤回申请"), "确认撤回请假申请 #1"),
        ],
    )
    assert status(fresh) == "pending"  # one tap only asks
    play(cadre, [(Tap("确认撤回"), "已撤回")])
    assert "撤回" in leader.last
    assert status(fresh) == "withdrawn"


def test_a_typed_retroactive_leave_is_filed_only_once_confirmed(fresh: Conversations) -> None:
    people = People(fresh)
    cadre, leader = people["cadre"], people["township_leader"]
    play(
        cadre,
        [
            (
                "/leave 2026-11-29 2026-11-29 补假 途中突发急病",
                Bot(["补假", "1 天前"], buttons=["确认补假", "取消"]),
            ),
            ("好的", "请点击"),  # typed text while the confirmation waits points at it
        ],
    )
    assert leader.inbox == []  # nothing is filed before the cadre confirms
    play(cadre, [(Tap("确认补假"), Bot(["【补假】", "已提交"]))])
    assert "【补假】" in leader.last and "途中突发急病" in leader.last


def test_a_recall_in_english_is_confirmed_first_and_may_be_dropped(
    fresh: Conversations,
) -> None:
    people = People(fresh, language_code="en")
    cadre = people["cadre"]
    play(
        cadre,
        [
            (
                "/leave 2026-12-29 2027-02-06 home for new year",
                Bot(
                    ["continuous absence of 40 days", "not a leave", "mistyped"],
                    buttons=["Confirm (recall)", "Cancel"],
                ),
            ),
            (Tap("Cancel"), Bot()),
        ],
    )
    with fresh.uow_factory() as uow:
        assert uow.leaves.all_rows() == []
