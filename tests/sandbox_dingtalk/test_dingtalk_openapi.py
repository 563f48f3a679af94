"""The OpenAPI over plain HTTP: tokens, sends and their validation, session webhooks,
cards, files, faults and the QPS limit (contract sections 4, 5 and 7)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from sandbox.dingtalk import DingTalkEmulator
from sandbox.dingtalk.markdown import plain, to_html
from sandbox.media import TINY_PNG
from tests.sandbox_dingtalk.conftest import FakeClock, RawClient, get_token

OTM = "/v1.0/robot/oToMessages/batchSend"
CARD_SEND = "/v1.0/im/v1.0/robot/interactiveCards/send"
CARD_UPDATE = "/v1.0/im/robots/interactiveCards"


async def call(
    http: aiohttp.ClientSession,
    emu: DingTalkEmulator,
    path: str,
    body: dict[str, Any],
    token: str | None,
    method: str = "POST",
) -> tuple[int, Any]:
    headers = {"x-acs-dingtalk-access-token": token} if token else {}
    async with http.request(method, emu.base_url + path, json=body, headers=headers) as r:
        text = await r.text()
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text


def otm(emu: DingTalkEmulator, key: str, param: Any, users: list[str] | None = None) -> dict:
    return {
        "robotCode": emu.robot_code,
        "userIds": users or ["staff1"],
        "msgKey": key,
        "msgParam": param if isinstance(param, str) else json.dumps(param),
    }


def card_body(emu: DingTalkEmulator, biz_id: str, card: dict, staff: str = "staff1") -> dict:
    return {
        "cardTemplateId": "StandardCard",
        "robotCode": emu.robot_code,
        "cardBizId": biz_id,
        "cardData": json.dumps(card),
        "singleChatReceiver": json.dumps({"userId": staff}),
    }


CARD = {
    "header": {"title": {"type": "text", "text": "签到"}},
    "contents": [
        {"type": "markdown", "text": "今天 **在岗** 吗？", "id": "text_1"},
        {
            "type": "action",
            "id": "row_0",
            "actions": [
                {"type": "button", "label": {"type": "text", "text": "在岗"}, "id": "duty:yes"}
            ],
        },
    ],
}


def test_markdown_plain_and_html() -> None:
    source = "**粗体** *斜* `代码` [链接](http://x)  \n下一行"
    assert plain(source) == "粗体 斜 代码 链接\n下一行"
    assert to_html("**a<b**  \nc") == "<b>a&lt;b</b><br>c"


async def test_token_errors(emu: DingTalkEmulator, http) -> None:
    status, body = await call(http, emu, OTM, otm(emu, "sampleText", {"content": "x"}), None)
    assert (status, body["code"]) == (401, "InvalidAuthentication")
    status, body = await call(
        http, emu, "/v1.0/oauth2/accessToken", {"appKey": emu.client_id, "appSecret": "no"}, None
    )
    assert status == 400
    token = await get_token(http, emu)
    status, _ = await call(http, emu, OTM, otm(emu, "sampleText", {"content": "x"}), token)
    assert status == 200
    emu.expire_tokens()
    status, body = await call(http, emu, OTM, otm(emu, "sampleText", {"content": "x"}), token)
    assert (status, body["message"]) == (401, "不合法的access_token")
    url = f"{emu.base_url}/topapi/v2/user/get?access_token={token}"
    async with http.post(url, json={"userid": "staff1"}) as response:
        assert response.status == 200
        assert (await response.json())["errcode"] == 40014
    assert all(token not in r.path for r in emu.requests)


async def test_token_expires_by_the_clock(emu: DingTalkEmulator, http, clock: FakeClock) -> None:
    token = await get_token(http, emu)
    clock.now += 7201
    status, _ = await call(http, emu, OTM, otm(emu, "sampleText", {"content": "x"}), token)
    assert status == 401


async def test_one_to_one_sends_and_invalid_staff(emu: DingTalkEmulator, http) -> None:
    token = await get_token(http, emu)
    emu.remove_member("staff2")
    body = otm(emu, "sampleMarkdown", {"title": "提醒", "text": "**明天** 开会  \n9点"})
    body["userIds"] = ["staff1", "staff2", "nobody"]
    status, result = await call(http, emu, OTM, body, token)
    assert status == 200
    assert result["invalidStaffIdList"] == ["staff2", "nobody"]
    message = await emu.user("staff1").next_message(1)
    assert (message.kind, message.via) == ("markdown", "otm")
    assert message.text == "明天 开会\n9点" and message.markdown.startswith("**明天**")
    assert emu.user("staff2").inbox == []
    emu.user("staff1").block()
    status, result = await call(http, emu, OTM, otm(emu, "sampleText", {"content": "x"}), token)
    assert result["invalidStaffIdList"] == ["staff1"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"msgParam": {"content": "not a string"}}, "invalidParameter.msgParam"),
        ({"msgParam": "{not json"}, "invalidParameter.msgParam"),
        ({"msgParam": json.dumps({"text": "no content"})}, "invalidParameter.msgParam"),
        ({"msgKey": "sampleNope"}, "invalidParameter.msgKey"),
        ({"robotCode": "other"}, "invalidParameter.robotCode"),
        ({"userIds": None}, "MissinguserIds"),
        ({"userIds": [f"u{i}" for i in range(21)]}, "invalidParameter.userIds"),
    ],
)
async def test_one_to_one_validation(emu: DingTalkEmulator, http, change, code) -> None:
    token = await get_token(http, emu)
    body = {**otm(emu, "sampleText", {"content": "hi"}), **change}
    status, result = await call(http, emu, OTM, body, token)
    assert (status, result["code"]) == (400, code)
    assert emu.user("staff1").inbox == []


async def test_upload_then_image_and_file(emu: DingTalkEmulator, http) -> None:
    token = await get_token(http, emu)
    media_ids = []
    for kind, data, name in (("image", TINY_PNG, "a.png"), ("file", b"PK\x03\x04", "r.xlsx")):
        form = aiohttp.FormData()
        form.add_field("type", kind)
        form.add_field("media", data, filename=name, content_type="application/octet-stream")
        url = f"{emu.base_url}/media/upload?access_token={token}"
        async with http.post(url, data=form) as response:
            result = await response.json()
        assert result["errcode"] == 0 and result["media_id"].startswith("@")
        media_ids.append(result["media_id"])
    await call(http, emu, OTM, otm(emu, "sampleImageMsg", {"photoURL": media_ids[0]}), token)
    params = {"mediaId": media_ids[1], "fileName": "报表.xlsx", "fileType": "xlsx"}
    await call(http, emu, OTM, otm(emu, "sampleFile", params), token)
    image, document = emu.user("staff1").inbox
    assert image.kind == "photo" and image.photo == TINY_PNG
    assert document.kind == "document" and document.document == b"PK\x03\x04"
    assert document.filename == "报表.xlsx"
    status, result = await call(
        http, emu, OTM, otm(emu, "sampleFile", {**params, "mediaId": "@nope"}), token
    )
    assert status == 400


async def test_session_webhook_and_expiry(
    emu: DingTalkEmulator, http, raw_clients, clock: FakeClock
) -> None:
    client = await RawClient(emu).connect()
    raw_clients.append(client)
    person = emu.user("staff1")
    person.send_text("hi")
    data = json.loads((await client.next_frame())["data"])
    webhook = data["sessionWebhook"]
    async with http.post(webhook, json={"msgtype": "text", "text": {"content": "好的"}}) as r:
        assert await r.json() == {"errcode": 0, "errmsg": "ok"}
    assert (await person.next_message(1)).text == "好的"
    clock.now += 91 * 60
    async with http.post(webhook, json={"msgtype": "text", "text": {"content": "late"}}) as r:
        assert r.status == 200 and (await r.json())["errcode"] == 300001
    clock.now -= 91 * 60
    emu.expire_session_webhooks()
    async with http.post(webhook, json={"msgtype": "text", "text": {"content": "late"}}) as r:
        assert (await r.json())["errcode"] == 300001
    assert len(person.inbox) == 1


async def test_card_send_update_and_errors(emu: DingTalkEmulator, http) -> None:
    token = await get_token(http, emu)
    status, result = await call(http, emu, CARD_SEND, card_body(emu, "c1", CARD), token)
    assert status == 200 and result["processQueryKey"]
    person = emu.user("staff1")
    card = await person.next_message(1)
    assert card.text == "签到\n今天 在岗 吗？" and card.button_texts == ["在岗"]
    new = {**CARD, "contents": [{"type": "markdown", "text": "已签到"}]}
    body = {"cardBizId": "c1", "cardData": json.dumps(new)}
    status, result = await call(http, emu, CARD_UPDATE, body, token, "PUT")
    assert status == 200 and result["success"] is True
    assert card.edited and card.text == "签到\n已签到" and card.buttons == []
    status, result = await call(http, emu, CARD_UPDATE, {**body, "cardBizId": "nope"}, token, "PUT")
    assert (status, result["code"]) == (400, "param.cardBizIdNotExist")
    bad = {**card_body(emu, "c2", CARD), "cardData": "{oops"}
    status, result = await call(http, emu, CARD_SEND, bad, token)
    assert (status, result["code"]) == (400, "invalidParameter.cardData")
    # a stale tap still goes out; a press on a non-card is refused
    assert person.press(card, data="duty:yes")["id"]
    await call(http, emu, OTM, otm(emu, "sampleText", {"content": "plain"}), token)
    text = await person.next_message(1)
    with pytest.raises(ValueError, match="not a card"):
        person.press(text.message_id, data="x")


async def test_fail_api_then_recovers(emu: DingTalkEmulator, http) -> None:
    token = await get_token(http, emu)
    body = otm(emu, "sampleText", {"content": "x"})
    emu.fail_api(503, times=1)
    status, result = await call(http, emu, OTM, body, token)
    assert status == 503 and "<html>" in result
    emu.fail_api(429, times=1, paths=[OTM])
    status, result = await call(http, emu, OTM, body, token)
    assert (status, result["code"]) == (429, "Forbidden.AccessDenied.QpsLimitForApi")
    emu.fail_api(500, body={"code": "SystemError", "message": "boom"})
    status, result = await call(http, emu, OTM, body, token)
    assert (status, result["code"]) == (500, "SystemError")
    status, _ = await call(http, emu, OTM, body, token)
    assert status == 200
    assert len(emu.user("staff1").inbox) == 1


async def test_outage_covers_gateway_and_token(emu: DingTalkEmulator, http) -> None:
    emu.outage(True)
    async with http.post(
        emu.base_url + "/v1.0/gateway/connections/open",
        json={"clientId": emu.client_id, "clientSecret": emu.client_secret, "subscriptions": []},
    ) as response:
        assert response.status == 503
    status, _ = await call(
        http,
        emu,
        "/v1.0/oauth2/accessToken",
        {"appKey": emu.client_id, "appSecret": emu.client_secret},
        None,
    )
    assert status == 503
    emu.outage(False)
    assert await get_token(http, emu)


async def test_qps_limit(clock: FakeClock, http) -> None:
    async with DingTalkEmulator(clock=clock, qps=5) as emu:
        emu.add_member("staff1", "张三", "1")
        token = await get_token(http, emu)
        body = otm(emu, "sampleText", {"content": "x"})
        statuses = [(await call(http, emu, OTM, body, token))[0] for _ in range(7)]
        assert statuses[:5] == [200] * 5
        assert 403 in statuses[5:]
        status, result = await call(http, emu, OTM, body, token)
        assert result["code"] == "Forbidden.AccessDenied.QpsLimitForApi"
        assert emu.faults.throttled >= 2


async def test_control_api_shows_cards(emu: DingTalkEmulator, http) -> None:
    token = await get_token(http, emu)
    await call(http, emu, CARD_SEND, card_body(emu, "c9", CARD), token)
    url = emu.base_url + "/sandbox/chats/staff1/messages?after=0"
    async with http.get(url) as response:
        items = (await response.json())["result"]
    (item,) = items
    assert item["direction"] == "out"
    assert item["reply_markup"] == {
        "inline_keyboard": [[{"text": "在岗", "callback_data": "duty:yes"}]]
    }
    assert item["message"]["reply_markup"] == item["reply_markup"]
    assert "<b>在岗</b>" in item["html"]
    send = emu.base_url + "/sandbox/chats/staff1/send"
    async with http.post(
        send, json={"kind": "press", "message_id": item["message_id"], "button_text": "在岗"}
    ) as response:
        assert (await response.json())["ok"] is True
    assert emu.frames[-1].data["outTrackId"] == "c9"
    async with http.post(send, json={"kind": "text", "text": "在"}) as response:
        assert (await response.json())["ok"] is True
    async with http.get(url.replace("after=0", f"after={item['rev']}")) as response:
        (incoming,) = (await response.json())["result"]
    assert incoming["direction"] == "in" and incoming["text"] == "在"
