"""Move this Python process's wall clock by ``CADREBOT_CLOCK_OFFSET`` seconds (tests only).

``scripts/test.sh --at`` puts this folder on ``PYTHONPATH`` so that pytest and every
Python process the tests start (a bot run in a subprocess, a second webhook worker, the
CLI) import it at start-up and agree on one moved time: the destination is the real time
plus the same fixed offset, and the clock runs on from there.

Only the wall clock moves (``time.time``, ``datetime.now``, ``date.today`` and friends,
through time-machine). The monotonic clocks stay real, so a thread's timed wait, an
``asyncio`` timeout or a ``time.sleep`` expires when it should — libfaketime, which moved
them too, left such waits hanging for the offset.
"""

from __future__ import annotations

import os


def _travel() -> None:
    raw = os.environ.get("CADREBOT_CLOCK_OFFSET", "").strip()
    if not raw:
        return
    import time

    import time_machine

    time_machine.travel(time.time() + float(raw), tick=True).start()


_travel()
