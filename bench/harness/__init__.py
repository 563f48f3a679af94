"""The bench harness: what bench/e2e.py, memory.py, push.py, scaleout.py and sweeps.py
share (not a test). Its modules: ``machine`` (what the run ran on), ``bulk`` and ``generated``
(districts loaded with bulk inserts), ``district`` (the sample district plus generated
cadres bound to simulated users), ``bot_process`` (``python -m bot run`` in a subprocess),
``measuring`` (the load driver and the reply clock), ``profiling`` (py-spy), ``cells`` (one
bot through the shapes), ``tables`` (the report) and ``cli`` (options and publishing).

The bench scripts are run as ``python bench/NAME.py``, so ``bench/`` is on ``sys.path`` and
this package is imported as ``harness``."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent.parent
BENCH = Path(__file__).resolve().parent.parent
TOKEN = "777000:BENCH-TOKEN"
ZONE = ZoneInfo("Asia/Shanghai")
FIRST_USER_ID = 7_000_000  # simulated cadres' Telegram ids: FIRST_USER_ID + n
FRAMEWORKS = ("aiogram", "ptb")
#: Replies the bot sends per kind of update (a check-in: one, the day counted with the
#: work-record prompt).
OUR_REPLIES = {"location": 1, "diary": 1}
ECHO_REPLIES = {"location": 1, "diary": 1}
