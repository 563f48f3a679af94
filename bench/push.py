"""Push benchmark: a Monday's reminders to the whole roster while cadres use the bot (not a
test).

Why: Telegram caps a bot at 30 messages/s, so a push to 10,000 people takes minutes, and a
person who checks in meanwhile must not wait behind it (issue 14: replies first). This
measures, through the real path, that the push drains at the cap without a 429, that
every reminder arrives exactly once, and how long the people talking to the bot wait.

The bot runs as ``cadrebot run`` in a subprocess (bench/harness's ``start_bot``) with
Delivery's limits as shipped and the scheduler in the process, but with its sweeps left
out of the timetable (``--serve-bot-push``: the dispatcher only), so the outbox holds
exactly what this bench queued: ``--reminders`` rows of the reminder outbox
(``storage.sweeps.insert_reminders``, the evening check-in nudge's payload), one for each
of as many generated cadres, all bound to simulated Telegram users whose chats have
started. The dispatcher drains them at start-up (its catch-up) through the runtime's
Delivery. The emulator enforces Telegram's limits (30/s overall, per chat a burst of 3
then 1/s) and answers 429 above them.

While the push runs, ``--cadres`` of the reminded cadres each check in and write a diary
(bench/harness's ``Driver``), paced over the push's first 70 %; *first reply* is from the
update queued to the bot's first answer reaching the emulator. When the push has drained,
each reminded chat's transcript in the emulator is counted: one reminder each, or it was
lost (0) or doubled (2+); and the outbox must hold no unsent row.

    .venv/bin/python bench/push.py                       # SQLite, both runtimes, 10,000
    bash bench/run.sh push.py --backends postgresql --reminders 2000
    .venv/bin/python bench/push.py --quick               # 600 reminders, a smoke run

Targets (issue 14): ≥ 27 reminders/s, zero 429s, nothing lost or doubled, first reply
p99 < 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from harness import FIRST_USER_ID, OUR_REPLIES, TOKEN
from harness.bot_process import start_bot, wait_ready
from harness.cli import bench_options, make_workdir, publish, run_bench
from harness.district import Cadre, prepare_database
from harness.machine import noisy
from harness.measuring import Driver, Phase, ReplyClock, percentile, plan, run_phase
from harness.tables import _ms
from sqlalchemy import text

from bot.i18n import Catalog
from sandbox import BotApiEmulator
from storage.engine import make_engine, session_factory
from storage.unit_of_work import UnitOfWork

BACKENDS = ("sqlite", "postgresql")
#: The reminder pushed: the evening check-in nudge, as scheduler/nudge.py queues it.
KEY = "reminder.checkin_nudge"
PARAMS = {"village": "基准村", "day": "2026-12-07"}
#: Every reminder's text starts so (the bench checks it against the catalog); no reply does.
MARK = "⏰"
#: How much of the push's expected length the cadres' updates are spread over.
SPREAD = 0.7


def serve_bot_push() -> None:
    """``python -m bot run`` with the scheduler's timetable cut to the dispatcher (the
    child side of ``--serve-bot-push``): no sweep adds rows, so the outbox holds exactly
    the bench's reminders, and the dispatcher's start-up drain sends them."""
    from scheduler import service

    timetable = service.build_timetable

    def dispatcher_only(settings):
        return [entry for entry in timetable(settings) if entry.sweep is None]

    service.build_timetable = dispatcher_only  # type: ignore[assignment]
    from bot.cli import main

    sys.argv = ["cadrebot", "run"]
    main()


def queue_push(url: str, count: int) -> int:
    """One outbox row per generated cadre (the first ``count``), as a sweep inserts them;
    returns how many were queued."""
    engine = make_engine(url)
    try:
        with UnitOfWork(session_factory(engine)) as uow:
            people = uow.session.execute(
                text(
                    "SELECT id FROM person WHERE telegram_user_id >= :first "
                    "ORDER BY telegram_user_id LIMIT :count"
                ),
                {"first": FIRST_USER_ID, "count": count},
            ).scalars()
            rows = [
                {
                    "recipient_id": person_id,
                    "kind": "checkin_nudge",
                    "period": "bench-push",
                    "payload": {"key": KEY, "params": PARAMS},
                    "not_after": None,
                }
                for person_id in people
            ]
            inserted = uow.reminders.insert(rows, datetime.now(UTC))
            uow.commit()
        return len(inserted)
    finally:
        engine.dispose()


def unsent(url: str) -> int:
    """Outbox rows neither sent nor closed after the push."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(
                conn.scalar(
                    text("SELECT COUNT(*) FROM reminder WHERE sent_at IS NULL AND failed IS NULL")
                )
                or 0
            )
    finally:
        engine.dispose()


@dataclass
class PushCell:
    """One runtime on one database through one push."""

    framework: str
    backend: str
    reminders: int
    startup: float
    push_seconds: float
    delivered: int
    lost: int
    doubled: int
    rejections: int
    unsent: int
    replies: int
    bot_cpu: float
    phase: Phase

    @property
    def rate(self) -> float:
        return self.delivered / self.push_seconds if self.push_seconds > 0 else float("nan")


async def run_push(
    framework: str, backend: str, url: str, roster: list[Cadre], args: argparse.Namespace
) -> PushCell:
    """Start the emulator (flood limits on) and the bot; time the push and the replies."""
    reminded = roster[: args.reminders]
    pushed_at: list[float] = []

    def aside(_chat_id: int, body: str) -> bool:
        if body.startswith(MARK):
            pushed_at.append(time.perf_counter())
            return True
        return False

    async with BotApiEmulator(TOKEN, enforce_flood_limits=True) as emu:
        for cadre in reminded:  # they wrote to the bot before (a bot cannot start a chat)
            emu.user(cadre.user_id, "干部", language_code="zh")
            emu.state.chats[cadre.user_id].started = True
        clock = ReplyClock(emu, aside)
        driver = Driver(emu, clock, OUR_REPLIES)
        child = start_bot("ours-push", framework, emu, url, args.workdir, scheduler=True)
        try:
            startup = await wait_ready(emu, child)
            while not pushed_at:
                child.check()
                await asyncio.sleep(0.05)
            cpu0 = child.cpu()
            expected = len(reminded) / 28.5
            work = plan(reminded[: args.cadres], 2 * args.cadres)
            phase = await run_phase(
                driver,
                child,
                work,
                rate=len(work) / (expected * SPREAD),
                drain=60,
                backend=backend,
            )
            deadline = time.perf_counter() + expected * 2 + 60
            while len(pushed_at) < len(reminded) and time.perf_counter() < deadline:
                child.check()
                await asyncio.sleep(0.5)
            await asyncio.sleep(3)  # a doubled reminder would come now
            bot_cpu = child.cpu() - cpu0
        finally:
            child.stop()
        counts = collections.Counter(
            sum(1 for m in emu.sent_messages(c.user_id) if m.text.startswith(MARK))
            for c in reminded
        )
        cell = PushCell(
            framework=framework,
            backend=backend,
            reminders=len(reminded),
            startup=startup,
            push_seconds=pushed_at[-1] - pushed_at[0],
            delivered=len(pushed_at),
            lost=counts[0],
            doubled=sum(n for k, n in counts.items() if k > 1),
            rejections=emu.flood_rejections,
            unsent=unsent(url),
            replies=phase.replies,
            bot_cpu=bot_cpu,
            phase=phase,
        )
    print(
        f"   {framework} {backend}: {cell.delivered:,} reminders in {cell.push_seconds:.0f} s "
        f"({cell.rate:.1f}/s), {cell.rejections} 429s, lost {cell.lost}, doubled "
        f"{cell.doubled}; reply p99 {percentile(phase.first_ms, 0.99):.0f} ms "
        f"(load {phase.load})",
        file=sys.stderr,
        flush=True,
    )
    return cell


def table(cells: list[PushCell], args: argparse.Namespace) -> list[str]:
    out = [
        "",
        "Push: the outbox holds one reminder for each of *reminders* bound cadres; the "
        "scheduler's dispatcher drains it through Delivery (limits as shipped) into the "
        "emulator, which enforces Telegram's limits and answers 429 above them. Meanwhile "
        f"{args.cadres} of those cadres each check in and write a diary ({2 * args.cadres} "
        f"updates over the push's first {SPREAD:.0%}). *push s*: first reminder to last; "
        "*lost* / *doubled*: reminded chats whose transcript in the emulator has no reminder "
        "/ more than one; *unsent*: outbox rows left unsent; *first reply*: update queued "
        "to its first answer; *bot CPU*: the bot process over the push, per message sent.",
        "",
        "| runtime | database | reminders | push s | reminders/s | ≥ 27/s | 429s | lost | "
        "doubled | unsent | updates | replies | first reply p50 ms | p99 ms | max ms | "
        "p99 < 1 s | bot CPU ms/message | startup s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in cells:
        p = c.phase
        p99 = percentile(p.first_ms, 0.99)
        sent = c.delivered + c.replies
        out.append(
            f"| {c.framework} | {c.backend} | {c.reminders:,} | {c.push_seconds:.0f} | "
            f"{c.rate:.1f} | {'yes' if c.rate >= 27 else '**no**'} | {c.rejections} | "
            f"{c.lost} | {c.doubled} | {c.unsent} | {p.updates} | "
            f"{c.replies}{'' if p.complete else ' (INCOMPLETE)'} | {_ms(p.first_ms, 0.5)} | "
            f"{_ms(p.first_ms, 0.99)} | {max(p.first_ms, default=float('nan')):,.0f} | "
            f"{'yes' if p.complete and p99 < 1000 else '**no**'} | "
            f"{c.bot_cpu / max(sent, 1) * 1000:.1f} | {c.startup:.1f} | {p.load} |"
        )
    warning = noisy([c.phase.load for c in cells], "the figures vary from run to run")
    return out + (["", warning] if warning else [])


async def bench(args: argparse.Namespace) -> list[PushCell]:
    cells = []
    for backend in args.backends:
        for framework in args.frameworks:
            print(f"== push on {framework} / {backend}", file=sys.stderr, flush=True)
            url, roster = prepare_database(
                backend, args.workdir, f"push-{framework}", args.reminders
            )
            queued = queue_push(url, args.reminders)
            if queued != args.reminders:
                raise SystemExit(f"queued {queued} reminders, not {args.reminders}")
            cells.append(await run_push(framework, backend, url, roster, args))
    return cells


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve-bot-push"]:
        serve_bot_push()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reminders", type=int, default=10_000, help="reminders (10,000)")
    parser.add_argument("--cadres", type=int, default=100, help="cadres using the bot (100)")
    bench_options(parser)
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        default=None,
        help="sqlite, and postgresql when CADREBOT_BENCH_PG_URL is set",
    )
    parser.add_argument("--quick", action="store_true", help="600 reminders, 20 cadres")
    args = parser.parse_args(argv)
    if args.quick:
        args.reminders, args.cadres = 600, 20
    if args.backends is None:
        args.backends = ["sqlite"] + (
            ["postgresql"] if os.environ.get("CADREBOT_BENCH_PG_URL") else []
        )
    if "postgresql" in args.backends and not os.environ.get("CADREBOT_BENCH_PG_URL"):
        raise SystemExit("postgresql needs CADREBOT_BENCH_PG_URL (bash bench/run.sh push.py)")
    rendered = str(Catalog("zh").text("zh", KEY, **PARAMS))
    if not rendered.startswith(MARK):
        raise SystemExit(f"the reminder no longer starts with {MARK!r}: {rendered[:40]!r}")
    make_workdir(args, "cadrebot-push-")
    head, cells = run_bench("Push", bench(args), args.workdir)
    lines = [
        *head,
        "- bot: `python -m bot run` in a subprocess, Delivery's limits as shipped, the "
        "scheduler's dispatcher only; emulator (flood limits on) and load driver in the "
        "bench process",
        *table(cells, args),
    ]
    publish(lines, args.append)


if __name__ == "__main__":
    main(sys.argv[1:])
