"""End-to-end benchmark of the bot against the loopback Bot API emulator (not a test).

Why: the tests show the bot does the right thing; this shows how much load one bot process
carries, what each update costs, and how far that is from the most a bare bot on the same
framework can do. The bot runs as ``cadrebot run`` (``python -m bot run``) in a subprocess,
so its CPU time is measured apart from the emulator and the load driver in this process;
the emulator is the one the e2e tests and the demo use (``sandbox.BotApiEmulator``).

The district is the sample one (``services.sample_district``) plus ``--cadres`` generated
cadres (two per village, each bound to a simulated Telegram user), bulk-loaded as
bench/sweeps.py does. Simulated cadres send check-ins (a location inside
their village's geofence; one answer: the day counted with the work-record prompt) and
one-line diaries (``/diary text``; one answer), round-robin over the cadres, in three
shapes:

- saturation: a burst of ``--burst`` updates queued at once; throughput is updates over
  the time from the first update queued to the last reply received;
- paced: ``--rate`` updates a second for ``--seconds`` seconds; latency from the update
  being queued in the emulator to the bot's first (and last) reply reaching it;
- light: ``--light`` updates from one cadre, each sent once the previous reply arrived
  (what one person feels on a quiet bot: a missed wake-up shows as a 0.5 s reply).

Each runtime (aiogram, PTB) on SQLite, and on PostgreSQL when ``CADREBOT_BENCH_PG_URL``
is set (a throwaway database: its ``public`` schema is dropped; ``bash bench/run.sh``
starts one), then bare echo bots (bench/echo.py) in the same two shapes.

Delivery's send limits: every reply goes through ``Delivery``, which keeps Telegram's
limits (30 messages/s overall; per chat a burst of 3, then one a second). The overall one
caps any bot at 30 replies/s, about 20 of our updates/s, so the shapes above are run with
the limiters replaced by no-ops (``--serve-bot-unlimited``: ``python -m bot run`` with
that one patch) to measure the bot's own capacity; a short burst with the limits as
shipped (``python -m bot run`` unchanged) shows the cap. The load is spread so that a
cadre's next update comes ``--cadres`` updates after the previous one, seconds apart at
these rates, so the per-chat limit is not what is measured even where it is on.

    .venv/bin/python bench/e2e.py                  # SQLite; about 4 minutes
    bash bench/run.sh e2e.py                       # and PostgreSQL (throwaway cluster)
    .venv/bin/python bench/e2e.py --quick          # a smoke run, about a minute
    .venv/bin/python bench/e2e.py --profile DIR    # py-spy on the bot during each shape
    .venv/bin/python bench/e2e.py --sql-stats      # the bot's SQL per update

What the benches share (the district, the bot process, the driver, the tables) is in
``bench/harness``; this script is the shapes and the run.

Targets (issue 14, with bench/push.py's): paced 100 updates/s with p99 < 250 ms; at light
load the first reply's p99 under 50 ms on SQLite; start-up under 2 s on both runtimes; CPU
per update no more than 10 % above the figures in bench/README.md. (The echo bots stay as
a yardstick; the old target of half the echo bot's throughput is retired, see there.)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from harness import FIRST_USER_ID
from harness.bot_process import serve_bot_unlimited
from harness.cells import Cell, run_cell
from harness.cli import bench_options, make_workdir, publish, run_bench
from harness.district import Cadre, prepare_database
from harness.measuring import plan
from harness.profiling import PROFILE_MODES, summarise_profile
from harness.tables import tables


def _shapes(
    cadres: list[Cadre], args: argparse.Namespace
) -> list[tuple[str, list[tuple[Cadre, str]], float | None, float]]:
    shapes: list[tuple[str, list[tuple[Cadre, str]], float | None, float]] = [
        ("burst", plan(cadres, args.burst), None, args.drain)
    ]
    for rate in args.rate:
        shapes.append(
            (f"paced {rate:g}/s", plan(cadres, int(rate * args.seconds)), rate, args.drain)
        )
    if args.light:  # rate 0: one update at a time, from one cadre (the 0.5 s idle waits)
        shapes.append(("light", plan(cadres[:1], args.light), 0.0, args.drain))
    return shapes


async def bench(args: argparse.Namespace) -> list[Cell]:
    workdir: Path = args.workdir
    backends = ["sqlite"] + (["postgresql"] if os.environ.get("CADREBOT_BENCH_PG_URL") else [])
    cells: list[Cell] = []
    roster: list[Cadre] = []
    for backend in backends:
        for framework in args.frameworks:
            print(f"== {framework} on {backend}", file=sys.stderr, flush=True)
            if args.shipped and backend == "sqlite":
                name = f"shipped-{framework}"
                url, roster = prepare_database(backend, workdir, name, args.cadres)
                # Fewer updates, from fewer cadres (two each: at most 3 replies, inside the
                # per-chat burst): Delivery's 30 replies/s makes a long run pointless.
                work = plan(roster[: args.shipped // 2], args.shipped)
                cells.append(
                    await run_cell(
                        framework,
                        backend,
                        "ours",
                        url,
                        roster,
                        [("burst", work, None, args.drain)],
                        workdir,
                    )
                )
            url, roster = prepare_database(backend, workdir, f"e2e-{framework}", args.cadres)
            cells.append(
                await run_cell(
                    framework,
                    backend,
                    "ours-unlimited",
                    url,
                    roster,
                    _shapes(roster, args),
                    workdir,
                    args.profile,
                    args.profile_mode,
                    args.sql_stats,
                )
            )
    if not args.no_echo:
        roster = roster or [
            Cadre(FIRST_USER_ID + n, 30.0, 100.0) for n in range(args.cadres)
        ]  # the echo bot has no database: any users do
        for framework in args.frameworks:
            print(f"== echo bot on {framework}", file=sys.stderr, flush=True)
            cells.append(
                await run_cell(
                    framework,
                    "–",
                    "echo",
                    "sqlite:///unused.db",
                    roster,
                    _shapes(roster, args),
                    workdir,
                )
            )
    return cells


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve-bot-unlimited"]:
        serve_bot_unlimited()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=500, help="generated cadres (500)")
    parser.add_argument("--burst", type=int, default=2000, help="saturation updates (2,000)")
    parser.add_argument(
        "--rate", type=float, nargs="+", default=[100.0], help="paced updates/s (100)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="paced duration (20 s)")
    parser.add_argument(
        "--light", type=int, default=100, help="light-load updates, one at a time (100)"
    )
    parser.add_argument("--drain", type=float, default=60.0, help="wait for replies (60 s)")
    parser.add_argument(
        "--shipped", type=int, default=300, help="updates of the run with Delivery's limits on"
    )
    bench_options(parser)
    parser.add_argument("--no-echo", action="store_true", help="skip the echo bots")
    parser.add_argument("--quick", action="store_true", help="small shapes: a smoke run")
    parser.add_argument("--profile", type=Path, default=None, help="py-spy output folder")
    parser.add_argument("--profile-mode", choices=sorted(PROFILE_MODES), default="gil")
    parser.add_argument(
        "--sql-stats", action="store_true", help="count the bot's SQL (slows it a little)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.cadres, args.burst, args.rate, args.seconds = 100, 300, [50.0], 4.0
        args.shipped, args.drain = 60, 30.0
    make_workdir(args, "cadrebot-e2e-")
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    title = (
        "End to end"
        + (" (profiled: py-spy slows the bot)" if args.profile else "")
        + (" (SQL statistics on: they slow the bot)" if args.sql_stats else "")
    )
    head, cells = run_bench(title, bench(args), args.workdir)
    profiled = [c for c in cells if c.sql]
    lines = [
        *head,
        f"- bot: `python -m bot run` in a subprocess, {os.environ.get('CADREBOT_WORKERS', 8)} "
        "inbox workers (default), no scheduler; emulator and load driver in the bench "
        "process; PostgreSQL (when present) a local throwaway cluster with fsync off",
        *tables(cells, args),
    ]
    for cell in profiled:
        lines += ["", f"SQL of cadrebot on {cell.framework} / {cell.backend}:", "", *cell.sql]
    if args.profile is not None:
        for path in sorted(args.profile.glob("*.txt")):
            mode = PROFILE_MODES[args.profile_mode][1]
            lines += ["", f"Profile of the burst ({mode}), `{path.name}`:", ""]
            lines += summarise_profile(path)
    publish(lines, args.append)


if __name__ == "__main__":
    main(sys.argv[1:])
