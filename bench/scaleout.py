"""Scale-out benchmark: several ``cadrebot run --webhook`` workers on one PostgreSQL (not
a test; prints a table).

Why: one CPython process tops out at what one core does (bench/e2e.py); a province runs
several webhook workers behind a reverse proxy on one PostgreSQL (docs/deploy.md). This
runs that shape: ``--workers`` bot processes (Delivery's limiters off, as in e2e.py's
capacity rows), a round-robin proxy in this process playing nginx, the loopback emulator
posting every update to the proxy, and the same simulated cadres and paced load as
bench/e2e.py, so the rows compare with its one-process rows.

    bash bench/run.sh scaleout.py                          # PTB and aiogram, 1 and 2 workers
    bash bench/run.sh scaleout.py --frameworks ptb --workers 2 --rate 100 --seconds 20

Needs ``CADREBOT_BENCH_PG_URL`` (bench/run.sh starts a throwaway PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

# bench/ is not a package: its harness is importable once the path above is set.
from harness import OUR_REPLIES, ROOT, TOKEN
from harness.bot_process import Child, bot_env
from harness.district import prepare_database
from harness.machine import machine_lines
from harness.measuring import Driver, ReplyClock, percentile, plan, run_phase

from sandbox import BotApiEmulator
from sandbox.proxy import round_robin

SECRET = "bench-scaleout-secret"


class Workers:
    """The worker processes seen as one bot: CPU summed (``run_phase`` reads these)."""

    def __init__(self, children: list[Child]) -> None:
        self.children = children

    def cpu(self) -> float:
        return sum(c.cpu() for c in self.children)

    def system_cpu(self) -> float:
        return sum(c.system_cpu() for c in self.children)

    def loop_cpu(self) -> float:
        return sum(c.loop_cpu() for c in self.children)

    def check(self) -> None:
        for child in self.children:
            child.check()


@contextmanager
def started(
    framework: str, emu: BotApiEmulator, url: str, hook: str, ports: list[int], workdir: Path
) -> Iterator[Workers]:
    env = bot_env(framework, emu.base_url, url)
    env["CADREBOT_WEBHOOK_SECRET"] = SECRET
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    e2e = str(Path(__file__).resolve().parent / "e2e.py")
    children = [
        Child(
            [sys.executable, e2e, "--serve-bot-unlimited", "--webhook", hook]
            + ["--listen", f"127.0.0.1:{port}"],
            env,
            workdir,
            f"scaleout-{framework}-w{i}",
        )
        for i, port in enumerate(ports)
    ]
    try:
        yield Workers(children)
    finally:
        for child in children:
            child.stop()


async def run(framework: str, workers: int, args: argparse.Namespace) -> list[str]:
    url, roster = prepare_database("postgresql", args.workdir, f"scale-{framework}", args.cadres)
    rows: list[str] = []
    async with round_robin(workers) as (hook, balancer), BotApiEmulator(TOKEN) as emu:
        ports = balancer.ports
        clock = ReplyClock(emu)
        driver = Driver(emu, clock, OUR_REPLIES)
        with started(framework, emu, url, hook, ports, args.workdir) as bots:
            start = time.perf_counter()
            while len(emu.calls_to("setWebhook")) < workers:
                bots.check()
                if time.perf_counter() - start > 90:
                    raise RuntimeError("the workers did not set the webhook in 90 s")
                await asyncio.sleep(0.1)
            await run_phase(driver, bots, plan(roster[:50], 100), rate=None, drain=60)
            for rate in args.rate:
                work = plan(roster, int(rate * args.seconds))
                phase = await run_phase(
                    driver, bots, work, rate=rate, drain=args.drain, backend="postgresql"
                )
                p99 = percentile(phase.first_ms, 0.99)
                print(
                    f"   {framework} x{workers} paced {rate:.0f}/s: "
                    f"{phase.throughput:.0f}/s, p99 {p99:.0f} ms",
                    file=sys.stderr,
                    flush=True,
                )
                db_cpu = phase.database_cpu
                db = "–" if db_cpu is None else f"{phase.cpu_ms(db_cpu):.1f}"
                rows.append(
                    f"| {framework} | {workers} | {rate:.0f} | "
                    f"{phase.updates / phase.seconds:.0f} | "
                    f"{percentile(phase.first_ms, 0.5):,.0f} | "
                    f"{percentile(phase.first_ms, 0.95):,.0f} | {p99:,.0f} | "
                    f"{max(phase.first_ms, default=float('nan')):,.0f} | "
                    f"{phase.cpu_ms(phase.bot_cpu):.1f} | "
                    f"{phase.bot_cpu / phase.seconds * 100:.0f} | {db} | "
                    f"{'yes' if phase.complete and p99 < 250 else '**no**'} | "
                    f"{phase.load} |"
                )
            await emu.execute("deleteWebhook", {})
    return rows


async def main_async(args: argparse.Namespace) -> list[str]:
    rows: list[str] = []
    for framework in args.frameworks:
        for workers in args.workers:
            print(f"== {framework}, {workers} webhook worker(s)", file=sys.stderr, flush=True)
            rows += await run(framework, workers, args)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--frameworks", nargs="+", default=["ptb", "aiogram"])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rate", type=float, nargs="+", default=[100.0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--cadres", type=int, default=500)
    parser.add_argument("--drain", type=float, default=60.0)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    if not os.environ.get("CADREBOT_BENCH_PG_URL"):
        raise SystemExit("needs CADREBOT_BENCH_PG_URL: run it as `bash bench/run.sh scaleout.py`")
    args.workdir = args.workdir or Path(tempfile.mkdtemp(prefix="cadrebot-scaleout-"))
    args.workdir.mkdir(parents=True, exist_ok=True)
    started_at = time.perf_counter()
    rows = asyncio.run(main_async(args))
    print(
        "\n".join(
            [
                f"### Scale-out: webhook workers on PostgreSQL, {time.strftime('%Y-%m-%d %H:%M')}",
                "",
                *machine_lines(),
                f"- run took {time.perf_counter() - started_at:.0f} s; logs in {args.workdir}",
                "- workers: `cadrebot run --webhook` (Delivery's limiters off), a round-robin "
                "proxy and the emulator (posting updates one at a time, as it does) in the "
                "bench process; PostgreSQL a local throwaway cluster with fsync off",
                "",
                "| runtime | workers | offered/s | achieved/s | p50 ms | p95 ms | p99 ms | "
                "max ms | bot CPU ms/update (all workers) | bot CPU % of a core | "
                "PostgreSQL CPU ms/update | p99 < 250 ms | load |",
                "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
                *rows,
            ]
        )
    )


if __name__ == "__main__":
    main()
