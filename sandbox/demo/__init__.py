"""``cadrebot demo``: try the bot without Telegram, in a chat simulator in the browser.

One process runs the loopback Bot API emulator (or on DingTalk the DingTalk emulator, see
:mod:`sandbox.demo.dingtalk`), the real bot runtime polling it, the
scheduler, and a page (``static/``) where a visitor talks to the bot as any person of the
sample district. :func:`~sandbox.demo.stack.start_demo_stack` starts it all (the CLI and the
browser tests share it).
"""

from sandbox.demo.stack import DEMO_TOKEN, DemoStack, serve_demo, start_demo_stack

__all__ = ["DEMO_TOKEN", "DemoStack", "serve_demo", "start_demo_stack"]
