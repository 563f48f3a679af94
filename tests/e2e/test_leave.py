"""Leave requests routed exactly as Art. 11 says, from submission to outcome."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.conftest import ZONE, District, assert_silent, bound_deputy_leader, tap


def request_status(district: District, request_id: int | None = None) -> str:
    with district.storage.uow() as uow:
        rows = uow.leaves.all_rows()
        row = rows[-1] if request_id is None else next(r for r in rows if r.id == request_id)
        return row.status


@pytest.mark.dingtalk
async def test_two_days_township_leader_comments_then_secretary_approves(
    district: District,
) -> None:
    cadre, leader, secretary = await district.onboard_all(
        "cadre", "township_leader", "township_secretary"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-02 孩子生病 <发烧>")
    submitted = await cadre.next_message()
    assert "已提交" in submitted.text and "共 2 天" in submitted.text
    ask = await leader.next_message()
    assert "张三" in ask.text and "填注意见" in ask.text and "<发烧>" in ask.text
    assert "今年驻村 0 天" in ask.text
    # 填注意见 is an opinion: the township leader agrees or disagrees, never approves
    assert ask.button_texts[:2] == ["同意", "不同意"]
    await assert_silent(secretary)  # not their turn yet
    await tap(leader, ask, "同意")
    assert "已填注意见（同意）" in leader.inbox[-1].text
    told = (await cadre.next_message()).text
    assert "钱分管（镇党委分管领导）已填注意见，同意" in told and "下一步：镇党委书记审批" in told
    assert "批准" not in told
    final = await secretary.next_message()
    assert "审批" in final.text and "镇党委书记" in final.text
    assert "意见与审批记录" in final.text and "钱分管（镇党委分管领导）：同意" in final.text
    assert final.button_texts[:2] == ["批准", "驳回"]
    secretary.send_text("/status")  # the waiting card there carries the opinion too
    await secretary.next_message()
    waiting = await secretary.next_message()
    assert "钱分管（镇党委分管领导）：同意" in waiting.text
    assert waiting.button_texts[:2] == ["批准", "驳回"]
    await tap(secretary, final, "批准")
    outcome = await cadre.next_message()
    assert "已批准" in outcome.text
    assert request_status(district) == "approved"
    await secretary.wait_until_quiet()
    [card] = [m for m in secretary.inbox if m.message_id == final.message_id]
    assert card.buttons == []  # decided: the buttons are gone


@pytest.mark.dingtalk
async def test_four_days_unit_comments_secretary_approves_district_files(
    district: District,
) -> None:
    cadre, unit, secretary, org, bureau, leader = await district.onboard_all(
        "cadre",
        "unit_leader",
        "township_secretary",
        "org_dept",
        "poverty_bureau",
        "township_leader",
    )
    cadre.send_text("/leave 2026-12-01 2026-12-04 回原单位述职")
    await cadre.next_message()
    await tap(unit, await unit.next_message(), "同意")
    await tap(secretary, await secretary.next_message(), "批准")
    for filer in (org, bureau):
        notice = await filer.next_message()
        assert "备案" in notice.text and notice.buttons == []
    assert "吴局长" in (await cadre.next_message()).text  # the unit agreed
    assert "已批准" in (await cadre.next_message()).text
    await assert_silent(leader)  # the township leader has no part in a 4-day leave
    assert request_status(district) == "approved"


@pytest.mark.dingtalk
async def test_seven_days_countersigned_by_township_and_unit_then_district(
    district: District,
) -> None:
    cadre, secretary, unit, org, bureau = await district.onboard_all(
        "cadre", "township_secretary", "unit_leader", "org_dept", "poverty_bureau"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-07 住院手术")
    await cadre.next_message()
    first, second = await secretary.next_message(), await unit.next_message()
    await tap(secretary, first, "同意")
    told = (await cadre.next_message()).text
    assert "已填注意见，同意" in told and "下一步：派出单位填注意见" in told
    await secretary.wait_until_quiet()
    await assert_silent(org)  # 会签: the unit has not acted yet
    await tap(unit, second, "💬 添加意见")
    await unit.next_message()
    unit.send_text("同意，工作已安排他人代管")
    await tap(unit, await unit.next_message(), "同意")
    told = (await cadre.next_message()).text
    assert "下一步：区委组织部审批、区扶贫局审批" in told and "工作已安排他人代管" in told
    org_ask, bureau_ask = await org.next_message(), await bureau.next_message()
    assert "审批" in org_ask.text and "审批" in bureau_ask.text
    for card in (org_ask, bureau_ask):  # both opinions travel to the deciders
        assert "孙书记（镇党委书记）：同意" in card.text
        assert "吴局长（派出单位）：同意（同意，工作已安排他人代管）" in card.text
    await tap(org, org_ask, "批准")
    await org.wait_until_quiet()
    assert request_status(district) == "pending"
    await tap(bureau, bureau_ask, "批准")
    await bureau.wait_until_quiet()
    assert request_status(district) == "approved"


@pytest.mark.dingtalk
async def test_fifteen_days_township_comments_unit_applies_district_approves(
    district: District,
) -> None:
    cadre, secretary, unit, org, bureau = await district.onboard_all(
        "cadre", "township_secretary", "unit_leader", "org_dept", "poverty_bureau"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-15 参加省委党校培训")
    await cadre.next_message()
    await tap(secretary, await secretary.next_message(), "同意")
    told = (await cadre.next_message()).text
    assert "下一步：派出单位代为申请" in told
    unit_step = await unit.next_message()
    # 由派出部门…请假: the unit applies on the cadre's behalf, after the township's opinion
    assert "请您代为申请（派出单位）" in unit_step.text
    assert "孙书记（镇党委书记）：同意" in unit_step.text
    assert unit_step.button_texts[:2] == ["代为申请", "不予申请"]
    await tap(unit, unit_step, "代为申请")
    assert "派出单位 吴局长 已代您提出申请" in (await cadre.next_message()).text
    await tap(org, await org.next_message(), "批准")
    await tap(bureau, await bureau.next_message(), "批准")
    await bureau.wait_until_quiet()
    assert request_status(district) == "approved"


@pytest.mark.dingtalk
async def test_over_thirty_days_is_a_recall_confirmed_first(district: District) -> None:
    cadre, unit, org, bureau, secretary = await district.onboard_all(
        "cadre", "unit_leader", "org_dept", "poverty_bureau", "township_secretary"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-31 长期病休")
    confirm = await cadre.next_message()
    assert "连续离岗 31 天" in confirm.text and "不是请假" in confirm.text
    assert "召回" in confirm.text and "待召回" in confirm.text
    assert confirm.button_texts == ["确认（召回）", "取消"]
    for person in (unit, org, bureau, secretary):
        await assert_silent(person)  # nothing is sent before the cadre confirms
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows() == []
    await tap(cadre, confirm, "确认（召回）")
    told = await cadre.next_message()
    assert "召回" in told.text and "31" in told.text and "镇党委书记" in told.text
    asked = await unit.next_message()
    assert "请派出单位召回该同志并重新选派" in asked.text and asked.buttons == []
    record = await org.next_message()
    assert "待召回" in record.text and "花名册导入" in record.text
    for person in (bureau, secretary):  # the township is told too
        notice = await person.next_message()
        assert "召回" in notice.text and notice.buttons == []
    assert request_status(district) == "recall"
    org.send_text("/status")
    await org.next_message()
    pending = await org.next_message()
    assert "待召回的驻村岗位 1 个" in pending.text and "张三" in pending.text


@pytest.mark.dingtalk
async def test_a_mistyped_year_recalls_nobody(district: District) -> None:
    cadre, unit = await district.onboard_all("cadre", "unit_leader")
    cadre.send_text("/leave 2026-12-29 2027-02-06 元旦回家")
    confirm = await cadre.next_message()
    assert "连续离岗 40 天" in confirm.text and "年份" in confirm.text
    await tap(cadre, confirm, "取消")
    await cadre.wait_until_quiet()
    assert "已取消" in cadre.inbox[-1].text
    await assert_silent(unit)
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows() == []
        assert uow.assignments.recalls_pending() == []


async def test_a_commenters_no_is_an_opinion_and_a_rejection_asks_why(
    district: District,
) -> None:
    cadre, leader, secretary = await district.onboard_all(
        "cadre", "township_leader", "township_secretary"
    )
    cadre.send_text("/leave 2026-12-03 2026-12-04 走亲戚")
    await cadre.next_message()
    ask = await leader.next_message()
    agree_data = ask.buttons[0]["callback_data"]
    await tap(leader, ask, "不同意")
    assert "写明意见" in (await leader.next_message()).text
    assert request_status(district) == "pending"
    leader.send_text("年底迎检，请改期 <急>")
    assert "已填注意见（不同意）" in (await leader.next_message()).text
    told = (await cadre.next_message()).text
    assert "不同意" in told and "意见不是决定" in told and "下一步：镇党委书记审批" in told
    assert "年底迎检，请改期 <急>" in told
    final = await secretary.next_message()  # the opinion goes on to the approver
    assert "钱分管（镇党委分管领导）：不同意（年底迎检，请改期 <急>）" in final.text
    assert request_status(district) == "pending"
    await tap(secretary, final, "驳回")
    assert "驳回请写明理由" in (await secretary.next_message()).text
    await assert_silent(cadre)  # nothing decided before the reason is given
    assert request_status(district) == "pending"
    secretary.send_text("同意分管领导意见，年底迎检期间不宜离岗")
    assert "已驳回" in (await secretary.next_message()).text
    rejected = await cadre.next_message()
    assert (
        "驳回" in rejected.text and "理由：同意分管领导意见，年底迎检期间不宜离岗" in rejected.text
    )
    assert request_status(district) == "rejected"
    # the leader's first card lost its buttons once the opinion was in; a forged tap of its
    # old button changes nothing and answers with what happened
    await leader.wait_until_quiet()
    assert ask.buttons == [] and "张三" in ask.text
    stale = await tap(leader, ask.message_id, data=agree_data)
    assert "驳回" in stale.text
    assert request_status(district) == "rejected"


@pytest.mark.dingtalk
async def test_back_to_back_requests_are_routed_by_their_combined_length(
    district: District,
) -> None:
    cadre, leader, unit = await district.onboard_all("cadre", "township_leader", "unit_leader")
    cadre.send_text("/leave 2026-12-01 2026-12-02 第一次")
    await cadre.next_message()
    assert "填注意见" in (await leader.next_message()).text
    cadre.send_text("/leave 2026-12-03 2026-12-04 接着请")
    second = await cadre.next_message()
    assert "连续计 4 天" in second.text and "3至5天" in second.text
    assert "吴局长" not in second.text
    unit_ask = await unit.next_message()  # a 4-day absence: the unit comments first
    assert "连续计 4 天" in unit_ask.text


@pytest.mark.dingtalk
async def test_guided_leave_with_the_date_picker(district: District) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    cadre.send_text("/leave")
    picker = await cadre.next_message()
    assert "开始" in picker.text
    assert "30" in picker.button_texts  # today, 2026-11-30, can be picked
    assert "29" not in picker.button_texts  # yesterday cannot
    await tap(cadre, picker, "›")
    await cadre.wait_until_quiet()
    await tap(cadre, picker, "1")  # 2026-12-01 in the December page
    await cadre.wait_until_quiet()
    assert "结束" in cadre.inbox[-1].text
    await tap(cadre, picker, "2")
    ask_reason = await cadre.next_message()
    assert "事由" in ask_reason.text
    cadre.send_text("看病")
    submitted = await cadre.next_message()
    assert "2026-12-01 至 2026-12-02" in submitted.text
    assert "看病" in (await leader.next_message()).text


async def test_myleave_lists_and_withdraws_a_pending_request(district: District) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    cadre.send_text("/leave 2026-12-08 2026-12-08 办证")
    await cadre.next_message()
    ask = await leader.next_message()
    approve_data = ask.buttons[0]["callback_data"]
    cadre.send_text("/myleave")
    listing = await cadre.next_message()
    assert "审批中" in listing.text and "当前：钱分管（镇党委分管领导）" in listing.text
    await tap(cadre, listing, "撤回申请")
    confirm = await cadre.next_message()  # one tap only asks
    assert "确认撤回请假申请 #1" in confirm.text
    assert request_status(district) == "pending"
    await tap(cadre, confirm, "确认撤回")
    await cadre.wait_until_quiet()
    assert "已撤回" in confirm.text and confirm.buttons == []
    assert listing.buttons == [] and "已撤回" in listing.text  # the listing's button went
    assert "撤回" in (await leader.next_message()).text
    assert ask.buttons == [] and "已撤回" in ask.text  # the approver's card too
    await tap(leader, ask.message_id, data=approve_data)
    await leader.wait_until_quiet()
    assert "已撤回" in leader.last_callback_answer.text
    assert request_status(district) == "withdrawn"


@pytest.mark.dingtalk
async def test_refusals_change_nothing(district: District) -> None:
    cadre = await district.onboard("cadre")
    cases = [
        ("/leave 2026-02-30 2026-03-01 看病", "不是有效日期"),
        ("/leave 2026-12-05 2026-12-01 看病", "早于开始日期"),
        ("/leave 2026-11-20 2026-11-21 看病", "过去的日期"),
        ("/leave 2026-12-01 2026-12-02", "请假格式"),
    ]
    for text, expected in cases:
        cadre.send_text(text)
        reply = await cadre.next_message()
        assert expected in reply.text, (text, reply.text)
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows() == []


@pytest.mark.dingtalk
async def test_overlapping_request_is_refused(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/leave 2026-12-01 2026-12-02 看病")
    await cadre.next_message()
    cadre.send_text("/leave 2026-12-02 2026-12-03 又看病")
    assert "重叠" in (await cadre.next_message()).text


async def test_only_the_step_holder_can_decide(district: District) -> None:
    cadre, leader, secretary = await district.onboard_all(
        "cadre", "township_leader", "township_secretary"
    )
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await leader.next_message()
    data = ask.buttons[0]["callback_data"]
    # the secretary forges the leader's button in their own chat
    secretary.send_text("/status")
    status = await secretary.next_message()
    await tap(secretary, status.message_id, data=data)
    await secretary.wait_until_quiet()
    assert "不归您" in secretary.last_callback_answer.text
    # the cadre cannot approve their own request either
    cadre.send_text("/help")
    help_message = await cadre.next_message()
    await tap(cadre, help_message.message_id, data=data)
    await cadre.wait_until_quiet()
    assert "不归您" in cadre.last_callback_answer.text
    # garbage callback data
    await tap(cadre, help_message.message_id, data="lv:abc:9")
    await cadre.wait_until_quiet()
    assert "失效" in cadre.last_callback_answer.text
    assert request_status(district) == "pending"


@pytest.mark.dingtalk
async def test_a_step_without_a_holder_falls_back_and_the_admin_is_told(
    district: District,
) -> None:
    with district.storage.uow() as uow:
        uow.people.by_phone(district.phone("township_leader")).active = False
        uow.commit()
    cadre, secretary, admin = await district.onboard_all("cadre", "township_secretary", "admin")
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await secretary.next_message()
    assert "填注意见" in ask.text
    assert "上一级" in (await admin.next_message()).text
    await tap(secretary, ask, "同意")
    final = await secretary.next_message()
    await tap(secretary, final, "批准")
    await secretary.wait_until_quiet()
    assert request_status(district) == "approved"


@pytest.mark.dingtalk
async def test_hand_a_step_to_a_deputy_of_the_same_role(district: District) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    deputy = await bound_deputy_leader(district)
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await leader.next_message()
    await tap(leader, ask, "↪️ 转交")
    choose = await leader.next_message()
    await tap(leader, choose, "副职李")
    handed = await deputy.next_message()
    assert "转交" in handed.text and "钱分管" in handed.text
    assert handed.button_texts[:2] == ["同意", "不同意"]
    await tap(deputy, handed, "同意")
    await deputy.wait_until_quiet()
    with district.storage.uow() as uow:
        [step, *_] = uow.leaves.steps(uow.leaves.all_rows()[-1].id)
        assert step.decision == "agreed" and step.delegated_from_id is not None
        history = uow.audit.for_subject(f"leave:{step.request_id}")
        assert [h.action for h in history] == ["leave:submit", "leave:delegate", "leave:agreed"]


@pytest.mark.dingtalk
async def test_mon_fri_then_the_next_mon_fri_is_routed_as_one_twelve_day_absence(
    district: District,
) -> None:
    cadre, unit, secretary, org, bureau = await district.onboard_all(
        "cadre", "unit_leader", "township_secretary", "org_dept", "poverty_bureau"
    )
    cadre.send_text("/leave 2026-11-30 2026-12-04 回原单位述职")
    assert "连续计 5 天" in (await cadre.next_message()).text
    await tap(unit, await unit.next_message(), "同意")
    await tap(secretary, await secretary.next_message(), "批准")
    for filer in (org, bureau):
        assert "备案" in (await filer.next_message()).text
    await cadre.next_message()  # the unit agreed
    assert "已批准" in (await cadre.next_message()).text
    # The next Monday to Friday: the weekend between is off site, so one absence of 12
    # calendar days, over 10: the township comments first (not the unit, as for 5 days).
    cadre.send_text("/leave 2026-12-07 2026-12-11 继续述职")
    second = await cadre.next_message()
    assert "共 5 天" in second.text and "连续计 12 天" in second.text
    assert "10天以上" in second.text and "连成一次连续离岗" in second.text
    card = await secretary.next_message()
    assert "10天以上" in card.text and "填注意见" in card.text
    assert "连续计 12 天" in card.text and "连成一次连续离岗" in card.text
    await assert_silent(unit)  # the unit applies after the township's comment
    await tap(secretary, card, "同意")
    applies = await unit.next_message()
    assert "代为申请" in applies.text and "连续计 12 天" in applies.text
    with district.storage.uow() as uow:
        last = uow.leaves.all_rows()[-1]
        assert (last.days, last.combined_days, last.tier) == (5, 12, "extended")


@pytest.mark.dingtalk
async def test_retroactive_leave_for_yesterday_is_marked_to_every_approver(
    district: District,
) -> None:
    # Tuesday: the cadre was taken ill on the way to the village on Monday.
    district.clock.set(datetime(2026, 12, 1, 9, 0, tzinfo=ZONE))
    cadre, leader, secretary = await district.onboard_all(
        "cadre", "township_leader", "township_secretary"
    )
    cadre.send_text("/leave 2026-11-30 2026-11-30 补假 途中突发急病")
    confirm = await cadre.next_message()
    assert "补假" in confirm.text and "1 天前" in confirm.text
    assert confirm.button_texts == ["确认补假", "取消"]
    await assert_silent(leader)  # nothing is filed before the cadre confirms
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows() == []
    await tap(cadre, confirm, "确认补假")
    submitted = await cadre.next_message()
    assert "【补假】" in submitted.text and "已提交" in submitted.text
    ask = await leader.next_message()
    assert "【补假】" in ask.text and "途中突发急病" in ask.text
    await tap(leader, ask, "同意")
    final = await secretary.next_message()
    assert "【补假】" in final.text and "审批" in final.text
    await tap(secretary, final, "批准")
    await secretary.wait_until_quiet()
    assert request_status(district) == "approved"
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows()[-1].retroactive is True


@pytest.mark.dingtalk
async def test_retroactive_leave_too_far_back_or_unasked_is_refused(district: District) -> None:
    cadre = await district.onboard("cadre")
    cadre.send_text("/leave 2026-11-25 2026-11-25 补假 发烧")  # 5 days back
    refused = await cadre.next_message()
    assert "最多只能从 3 天前开始" in refused.text and "镇党委书记更正考勤" in refused.text
    cadre.send_text("/leave 2026-11-29 2026-11-29 发烧")  # a past day without 补假
    plain = await cadre.next_message()
    assert "过去的日期" in plain.text and "补假" in plain.text
    cadre.send_text("/leave 2026-11-29 2026-11-29 补假 发烧")
    confirm = await cadre.next_message()
    await tap(cadre, confirm, "取消")
    await cadre.wait_until_quiet()
    assert "已取消" in cadre.inbox[-1].text
    with district.storage.uow() as uow:
        assert uow.leaves.all_rows() == []


async def test_the_unit_applies_or_declines_in_english(district: District) -> None:
    """Over 10 days, read in English by every holder: the township's opinion, the unit's
    application on the cadre's behalf (or its refusal, with the reason the cadre reads)."""
    cadre = await district.onboard("cadre", "en")
    secretary = await district.onboard("township_secretary", "en")
    unit = await district.onboard("unit_leader", "en")
    org = await district.onboard("org_dept", "en")
    cadre.send_text("/leave 2026-12-01 2026-12-15 provincial party school course")
    await cadre.next_message()
    opinion = await secretary.next_message()
    assert opinion.button_texts[:2] == ["Agree", "Disagree"]
    await tap(secretary, opinion, "Agree")
    told = (await cadre.next_message()).text
    assert "gave their opinion: agree" in told and "dispatching unit" in told
    step = await unit.next_message()
    assert step.button_texts[:2] == ["Apply on their behalf", "Decline to apply"]
    assert "孙书记 (township party secretary): agree" in step.text
    await tap(unit, step, "Apply on their behalf")
    assert "applied on your behalf" in (await cadre.next_message()).text
    decide = await org.next_message()
    assert decide.button_texts[:2] == ["Approve", "Reject"]
    assert "吴局长 (dispatching unit)" in decide.text  # both opinions travel on

    cadre.send_text("/leave 2026-12-20 2027-01-02 family matters")
    await cadre.next_message()
    await tap(secretary, await secretary.next_message(), "Agree")
    await cadre.next_message()
    await tap(unit, await unit.next_message(), "Decline to apply")
    assert "type the reason" in (await unit.next_message()).text
    unit.send_text("year-end audit, please come back to it in January")
    await unit.next_message()
    declined = (await cadre.next_message()).text
    assert "declined to apply" in declined and "year-end audit" in declined
    with district.storage.uow() as uow:
        assert [r.status for r in uow.leaves.all_rows()] == ["pending", "rejected"]


async def test_hand_over_with_nobody_to_hand_to_says_what_to_do(district: District) -> None:
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await leader.next_message()
    answer = await tap(leader, ask, "↪️ 转交")
    assert answer.show_alert and "无法转交" in answer.text and "本人" in answer.text
    assert ask.button_texts[:2] == ["同意", "不同意"]  # the step is still theirs to act on
    assert request_status(district) == "pending"


@pytest.mark.dingtalk
async def test_an_over_long_comment_is_kept_never_cut_silently(district: District) -> None:
    """A comment over 500 characters used to be cut to 500 silently: now nothing is saved
    until the approver says so, the text is kept, and one tap keeps what fits."""
    cadre, leader = await district.onboard_all("cadre", "township_leader")
    cadre.send_text("/leave 2026-12-01 2026-12-01 看病")
    await cadre.next_message()
    ask = await leader.next_message()
    await tap(leader, ask, "💬 添加意见")
    await leader.next_message()
    leader.send_text("意" * 501)
    offer = await leader.next_message()
    assert "501" in offer.text and "500 字的上限" in offer.text and "留着" in offer.text

    def comment() -> str | None:
        with district.storage.uow() as uow:
            [step] = uow.leaves.open_steps_for(
                uow.people.by_phone(district.phone("township_leader")).id
            )
            return step.comment

    assert comment() is None
    await tap(leader, offer, "✂️ 保留前 500 字")
    assert offer.button_texts == [] and "已保留前 500 字（原文 501 字）" in offer.text
    saved = await leader.next_message()
    assert "意" * 20 in saved.text and saved.button_texts[:2] == ["同意", "不同意"]
    assert comment() == "意" * 500
