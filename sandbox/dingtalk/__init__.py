"""A loopback DingTalk (钉钉) emulator: Stream gateway, robot OpenAPI, directory, attendance.

The sibling of the Telegram emulator in :mod:`sandbox`: the real ``dingtalk-stream`` SDK
and the bot's DingTalk runtime connect to :class:`DingTalkEmulator` as they would to
DingTalk, while tests script members with :class:`DingTalkUser` and assert on what each
:class:`Received`. The wire protocol is docs/dingtalk_wire.md.
"""

from sandbox.dingtalk.emulator import DingTalkEmulator
from sandbox.dingtalk.state import Received
from sandbox.dingtalk.users import CallbackAnswer, DingTalkUser

__all__ = ["CallbackAnswer", "DingTalkEmulator", "DingTalkUser", "Received"]
