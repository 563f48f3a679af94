"""One bot (ours or an echo bot, one runtime, one database) through the shapes."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path

from harness import ECHO_REPLIES, OUR_REPLIES, TOKEN
from harness.bot_process import sql_stats_table, start_bot, wait_ready
from harness.district import Cadre
from harness.measuring import Driver, Phase, ReplyClock, percentile, plan, run_phase
from harness.profiling import start_profiler, stop_profiler
from sandbox import BotApiEmulator


@dataclass
class Cell:
    """One bot (ours or echo, one runtime, one database) through the shapes."""

    framework: str
    backend: str
    kind: str
    startup: float = 0.0
    phases: list[Phase] = field(default_factory=list)
    sql: list[str] = field(default_factory=list)  # statement statistics, when profiled


async def run_cell(
    framework: str,
    backend: str,
    kind: str,
    database_url: str,
    cadres: list[Cadre],
    shapes: list[tuple[str, list[tuple[Cadre, str]], float | None, float]],
    workdir: Path,
    profile: Path | None = None,
    profile_mode: str = "wall",
    sql_stats: bool = False,
) -> Cell:
    """Start the emulator and the bot, warm up, run ``shapes`` (name, work, rate, drain)."""
    cell = Cell(framework, backend, kind)
    replies = ECHO_REPLIES if kind == "echo" else OUR_REPLIES
    async with BotApiEmulator(TOKEN) as emu:
        clock = ReplyClock(emu)
        driver = Driver(emu, clock, replies)
        stats = None
        if sql_stats and kind == "ours-unlimited":
            stats = workdir / f"sql-{framework}-{backend}.json"
        child = start_bot(kind, framework, emu, database_url, workdir, stats)
        try:
            cell.startup = await wait_ready(emu, child)
            # Warm-up (not measured): imports, connection pools, statement caches.
            await run_phase(driver, child, plan(cadres[:50], 100), rate=None, drain=60)
            for name, work, rate, drain in shapes:
                spy = None
                if profile is not None:
                    slug = name.replace("/", "-per-").replace(" ", "-")
                    out = profile / f"{kind}-{framework}-{backend}-{slug}.txt"
                    spy = start_profiler(child.pid, out, profile_mode)
                    await asyncio.sleep(1.0)  # py-spy attaches
                try:
                    phase = await run_phase(
                        driver,
                        child,
                        work,
                        rate=rate or None,
                        drain=drain,
                        backend=backend,
                        serial=rate == 0,
                    )
                finally:
                    stop_profiler(spy)
                phase.shape = name
                cell.phases.append(phase)
                print(
                    f"   {kind} {framework} {backend} {name}: {phase.updates} updates, "
                    f"{phase.throughput:.0f}/s, p99 {percentile(phase.first_ms, 0.99):.0f} ms"
                    f"{'' if phase.complete else ' INCOMPLETE'} (load {phase.load})",
                    file=sys.stderr,
                    flush=True,
                )
                if not phase.complete:
                    sample = list(clock.texts.values())[-3:]
                    print(f"   last replies: {sample}", file=sys.stderr)
                child.check()
        finally:
            child.stop()
        if stats is not None and stats.exists():
            cell.sql = sql_stats_table(stats, driver.sent)
    return cell
