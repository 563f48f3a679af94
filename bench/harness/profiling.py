"""py-spy on the bot process during a shape, and a summary of where its time went."""

from __future__ import annotations

import collections
import re
import signal
import subprocess
import sys
from pathlib import Path

from harness import ROOT

PROFILE_MODES = {
    "wall": ([], "wall time of every non-idle thread"),
    "gil": (["--gil"], "only the thread holding the GIL: where the Python time goes"),
}


def start_profiler(pid: int, out: Path, mode: str) -> subprocess.Popen | None:
    """py-spy sampling the bot at 100 Hz until stopped with SIGINT, in one of
    ``PROFILE_MODES``. (``--native`` would show SQLite's C frames, but py-spy cannot read
    this pyenv build's native stacks; ``Child.loop_cpu`` splits the CPU by thread instead.)"""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        print("py-spy is not installed (pip install -e '.[bench]'); no profile", file=sys.stderr)
        return None
    return subprocess.Popen(
        [str(spy), "record", "--pid", str(pid), "--rate", "100", "--format", "raw"]
        + ["--output", str(out), "--nonblocking"]
        + PROFILE_MODES[mode][0],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_profiler(spy: subprocess.Popen | None) -> None:
    if spy is None:
        return
    spy.send_signal(signal.SIGINT)
    try:
        spy.wait(30)
    except subprocess.TimeoutExpired:
        spy.kill()
        spy.wait()


_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>.*?)(?::\d+)?\)$")
PROJECT = ("bot/", "storage/", "services/", "domain/", "scheduler/", "sandbox/")


def _frame(frame: str) -> tuple[str, str]:
    """(``function (short path)``, path) of one py-spy frame."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip(), ""
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3.11/", str(ROOT) + "/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})", path


def _package(path: str) -> str:
    head = path.split("/", 1)[0]
    return head.removesuffix(".py") if head else "?"


def summarise_profile(path: Path, top: int = 20) -> list[str]:
    """From py-spy's raw collapsed stacks: samples by the package of the innermost frame
    (where the time is spent), the top functions by own samples, and our own functions by
    inclusive samples (what of ours it is spent for), as Markdown tables."""
    own: collections.Counter[str] = collections.Counter()
    ours: collections.Counter[str] = collections.Counter()
    packages: collections.Counter[str] = collections.Counter()
    total = 0
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        frames = [
            _frame(f) for f in stack.split(";") if f and not f.startswith(("process ", "thread ("))
        ]
        if not frames:
            continue
        total += samples
        own[frames[-1][0]] += samples
        packages[_package(frames[-1][1])] += samples
        for name in {name for name, file in frames if file.startswith(PROJECT)}:
            ours[name] += samples
    lines = [f"{total:,} samples at 100 Hz", ""]
    tables = (
        ("package of the innermost frame", packages, 12),
        ("own time: function (file)", own, top),
        ("our code, inclusive: function (file)", ours, top),
    )
    for title, counter, limit in tables:
        lines += [f"| {title} | % of samples |", "|---|---|"]
        for name, samples in counter.most_common(limit):
            lines.append(f"| `{name}` | {samples / max(total, 1) * 100:.1f} |")
        lines.append("")
    return lines
