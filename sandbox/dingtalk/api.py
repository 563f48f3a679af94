"""The robot's OpenAPI on the api host: token, one-to-one sends, cards, files, webhooks.

Each handler validates what DingTalk validates (the token, the robotCode, required fields,
``msgParam`` as a JSON string with the msgKey's fields, cardData) and then changes the
people's inboxes through :class:`~sandbox.dingtalk.state.Chat`, so a test sees a message
exactly when the bot's call succeeded. Shapes: contract sections 4-5.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from sandbox.dingtalk.cards import CardDataError, parse_card_data
from sandbox.dingtalk.markdown import plain
from sandbox.dingtalk.replies import (
    ApiHostError,
    OapiError,
    invalid,
    json_object,
    ok_json,
    ok_oapi,
    require,
)
from sandbox.dingtalk.state import Received, StoredFile

if TYPE_CHECKING:
    from sandbox.dingtalk.emulator import DingTalkEmulator

MAX_OTO_USERS = 20
"""DingTalk's limit on ``userIds`` in one batchSend."""

MSG_KEY_FIELDS = {
    "sampleText": ("content",),
    "sampleMarkdown": ("title", "text"),
    "sampleImageMsg": ("photoURL",),
    "sampleFile": ("mediaId", "fileName", "fileType"),
}


class OpenApi:
    """Handlers of the api-host endpoints and the session webhook."""

    def __init__(self, emulator: DingTalkEmulator) -> None:
        self._emu = emulator
        self._state = emulator.state
        self._query_keys = 0

    def _query_key(self) -> str:
        self._query_keys += 1
        return f"pqk{self._query_keys:06d}"

    def _check_robot(self, body: dict[str, Any]) -> None:
        if body.get("robotCode") != self._emu.robot_code:
            raise invalid("robotCode", f"robotCode {body.get('robotCode')!r} 不存在")

    # -- token ----------------------------------------------------------------------------

    async def access_token(self, request: web.Request) -> web.Response:
        body = await json_object(request)
        require(body, "appKey", "appSecret")
        if (body["appKey"], body["appSecret"]) != (self._emu.client_id, self._emu.client_secret):
            raise ApiHostError(400, "invalidClientIdOrSecret", "无效的clientId或者clientSecret")
        return ok_json({"accessToken": self._emu.tokens.issue(), "expireIn": 7200})

    # -- one-to-one -----------------------------------------------------------------------

    async def batch_send(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_api(request)
        body = await json_object(request)
        require(body, "robotCode", "userIds", "msgKey", "msgParam")
        self._check_robot(body)
        user_ids = body["userIds"]
        if not isinstance(user_ids, list) or not all(isinstance(u, str) for u in user_ids):
            raise invalid("userIds", "userIds must be a list of staff ids")
        if len(user_ids) > MAX_OTO_USERS:
            raise invalid("userIds", f"at most {MAX_OTO_USERS} userIds per call")
        make = self._otm_maker(str(body["msgKey"]), body["msgParam"])
        invalid_ids = []
        for staff_id in dict.fromkeys(user_ids):
            member = self._state.members.get(staff_id)
            if member is None or not member.reachable:
                invalid_ids.append(staff_id)
                continue
            chat = self._state.chat(staff_id)
            received, code = make(chat.next_message_id())
            chat.deliver(received, file_code=code)
        return ok_json(
            {
                "processQueryKey": self._query_key(),
                "invalidStaffIdList": invalid_ids,
                "flowControlledStaffIdList": [],
            }
        )

    def _otm_maker(self, msg_key: str, raw_param: Any) -> Any:
        """Validate msgKey/msgParam; return a function making one person's Received."""
        fields = MSG_KEY_FIELDS.get(msg_key)
        if fields is None:
            raise invalid("msgKey", f"msgKey {msg_key!r} is not emulated: {sorted(MSG_KEY_FIELDS)}")
        if not isinstance(raw_param, str):
            raise invalid("msgParam", "msgParam must be a JSON string")
        try:
            param = json.loads(raw_param)
        except ValueError:
            raise invalid("msgParam", "msgParam is not valid JSON") from None
        if not isinstance(param, dict):
            raise invalid("msgParam", "msgParam must encode a JSON object")
        for name in fields:
            if not isinstance(param.get(name), str) or not param[name]:
                raise invalid("msgParam", f"msgParam of {msg_key} needs a string {name!r}")
        raw = {"msgKey": msg_key, "msgParam": param}
        if msg_key == "sampleText":
            return lambda mid: (Received(mid, "text", param["content"], "otm", raw=raw), None)
        if msg_key == "sampleMarkdown":
            text = param["text"]
            return lambda mid: (
                Received(mid, "markdown", plain(text), "otm", markdown=text, raw=raw),
                None,
            )
        if msg_key == "sampleImageMsg":
            stored = self._resolve_photo(param["photoURL"])
            return lambda mid: (
                Received(mid, "photo", "", "otm", photo=stored.data if stored else None, raw=raw),
                stored.code if stored else None,
            )
        media = self._state.media.get(param["mediaId"])
        if media is None:
            raise invalid("msgParam", f"unknown mediaId {param['mediaId']!r}")
        return lambda mid: (
            Received(
                mid,
                "document",
                "",
                "otm",
                document=media.data,
                filename=param["fileName"],
                raw=raw,
            ),
            media.code,
        )

    def _resolve_photo(self, url: str) -> StoredFile | None:
        """The emulator's own file behind a photoURL (media id or /files/ URL), else None."""
        if url.startswith("@"):
            stored = self._state.media.get(url)
            if stored is None:
                raise invalid("msgParam", f"unknown media id {url!r} in photoURL")
            return stored
        own = self._emu.base_url + "/files/"
        if url.startswith(own):
            stored = self._state.files.get(url.removeprefix(own))
            if stored is None:
                raise invalid("msgParam", f"no such file {url!r}")
            return stored
        return None

    # -- session webhook ------------------------------------------------------------------

    async def session_send(self, request: web.Request) -> web.Response:
        session = self._state.sessions.get(request.query.get("session", ""))
        if session is None:
            raise OapiError(300005, "token is not exist")
        if session.revoked or self._state.now_ms() > session.expires_ms:
            raise OapiError(300001, "session webhook expired")
        body = await json_object(request, oapi=True)
        msgtype = body.get("msgtype")
        chat = self._state.chat(session.staff_id)
        if msgtype == "text":
            content = (body.get("text") or {}).get("content")
            if not isinstance(content, str) or not content:
                raise OapiError(40035, "缺少参数 text.content")
            received = Received(chat.next_message_id(), "text", content, "session", raw=body)
        elif msgtype == "markdown":
            markdown = body.get("markdown") or {}
            text, title = markdown.get("text"), markdown.get("title")
            if not isinstance(text, str) or not text or not isinstance(title, str):
                raise OapiError(40035, "缺少参数 markdown.title / markdown.text")
            received = Received(
                chat.next_message_id(), "markdown", plain(text), "session", markdown=text, raw=body
            )
        else:
            raise OapiError(40035, f"不合法的参数: msgtype {msgtype!r} is not emulated")
        member = self._state.members.get(session.staff_id)
        if member is not None and member.reachable:
            chat.deliver(received)
        return ok_oapi({})

    # -- cards ----------------------------------------------------------------------------

    async def card_send(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_api(request)
        body = await json_object(request)
        require(body, "cardTemplateId", "robotCode", "cardBizId", "cardData")
        self._check_robot(body)
        if body["cardTemplateId"] != "StandardCard":
            raise invalid("cardTemplateId", "only StandardCard is emulated")
        if "singleChatReceiver" not in body:
            if body.get("openConversationId"):
                raise invalid("openConversationId", "group cards are not emulated")
            raise ApiHostError(400, "MissingsingleChatReceiver", "a receiver is mandatory")
        staff_id = self._receiver(body["singleChatReceiver"])
        view = self._card_view(body["cardData"])
        biz_id = str(body["cardBizId"])
        copies = self._state.cards.setdefault(biz_id, [])
        if not any(owner == staff_id for owner, _ in copies):  # cardBizId is idempotent
            chat = self._state.chat(staff_id)
            received = Received(chat.next_message_id(), "card", "", "card", card_biz_id=biz_id)
            received.show_card(view)
            received.raw = body
            copies.append((staff_id, received))
            chat.deliver(received)
        return ok_json({"processQueryKey": self._query_key()})

    def _receiver(self, raw: Any) -> str:
        try:
            receiver = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            receiver = None
        if not isinstance(receiver, dict) or not isinstance(receiver.get("userId"), str):
            raise invalid("singleChatReceiver", "singleChatReceiver must be '{\"userId\": ...}'")
        member = self._state.members.get(receiver["userId"])
        if member is None or not member.reachable:
            raise invalid("singleChatReceiver", f"user {receiver['userId']!r} 不存在")
        return str(receiver["userId"])

    @staticmethod
    def _card_view(raw: Any) -> Any:
        try:
            return parse_card_data(raw)
        except CardDataError as error:
            raise invalid("cardData", str(error)) from None

    async def card_update(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_api(request)
        body = await json_object(request)
        require(body, "cardBizId", "cardData")
        copies = self._state.cards.get(str(body["cardBizId"]))
        if not copies:
            raise ApiHostError(400, "param.cardBizIdNotExist", "cardBizId 不存在")
        view = self._card_view(body["cardData"])
        for staff_id, received in copies:
            received.show_card(view)
            received.raw = {**received.raw, "cardData": body["cardData"]}
            self._state.chat(staff_id).edited(received)
        return ok_json({"success": True, "result": True})

    # -- files ----------------------------------------------------------------------------

    async def download_url(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_api(request)
        if request.method == "GET" and not request.can_read_body:
            body: dict[str, Any] = dict(request.query)
        else:
            body = await json_object(request)
        require(body, "downloadCode", "robotCode")
        self._check_robot(body)
        code = str(body["downloadCode"])
        if code not in self._state.files:
            raise invalid("downloadCode", "downloadCode 不存在或已过期")
        return ok_json({"downloadUrl": f"{self._emu.base_url}/files/{code}"})

    async def file(self, request: web.Request) -> web.Response:
        stored = self._state.files.get(request.match_info["code"])
        if stored is None:
            raise web.HTTPNotFound(text="no such file")
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def media_upload(self, request: web.Request) -> web.Response:
        self._emu.tokens.check_oapi(request)
        if not request.content_type.startswith("multipart/"):
            raise OapiError(40035, "缺少参数 media: send multipart/form-data")
        media_type, part = None, None
        form = await request.post()
        media_type = form.get("type") or request.query.get("type")
        part = form.get("media")
        if media_type not in ("image", "file", "voice", "video"):
            raise OapiError(40035, "不合法的参数 type (image|file|voice|video)")
        if not isinstance(part, web.FileField):
            raise OapiError(40035, "缺少参数 media")
        data = part.file.read()
        if not data:
            raise OapiError(40035, "media is empty")
        mime = part.content_type or "application/octet-stream"
        stored = self._state.store_media(data, part.filename or "media", mime)
        return ok_oapi(
            {"media_id": stored.media_id, "type": media_type, "created_at": self._state.now_ms()}
        )
