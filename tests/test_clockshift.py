"""The shifted-date runs really move the clock, for pytest and the processes it starts.

``scripts/test.sh --at`` sets ``CADREBOT_CLOCK_OFFSET``; a file's modification time comes
from the kernel's real clock, so the difference between ``time.time()`` and a fresh file's
mtime is the offset the run is under (zero on an ordinary run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def _real_now(tmp_path: Path) -> float:
    probe = tmp_path / f"probe-{time.monotonic_ns()}"
    probe.write_bytes(b"")
    return probe.stat().st_mtime


def test_the_wall_clock_is_moved_by_the_runs_offset(tmp_path: Path) -> None:
    offset = float(os.environ.get("CADREBOT_CLOCK_OFFSET") or 0)
    assert abs(time.time() - _real_now(tmp_path) - offset) < 5


def test_a_started_python_process_agrees_on_the_time(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import datetime; print(datetime.datetime.now().timestamp())"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert abs(float(done.stdout) - time.time()) < 5


def test_monotonic_waits_stay_real() -> None:
    started = time.monotonic()
    time.sleep(0.05)
    assert 0.04 < time.monotonic() - started < 5
