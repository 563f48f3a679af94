"""The report: Markdown tables of the cells' throughput, latency and CPU per update."""

from __future__ import annotations

import argparse

from harness.cells import Cell
from harness.machine import noisy
from harness.measuring import Phase, percentile


def _ms(values: list[float], q: float) -> str:
    value = percentile(values, q)
    return "–" if value != value else f"{value:,.0f}"


def _cpu(p: Phase) -> str:
    """Total, then the event loop thread's and the kernel's shares."""
    return (
        f"{p.cpu_ms(p.bot_cpu):.1f} ({p.cpu_ms(p.bot_loop_cpu):.1f} / "
        f"{p.cpu_ms(p.bot_system_cpu):.1f})"
    )


def _db(p: Phase) -> str:
    return "–" if p.database_cpu is None else f"{p.cpu_ms(p.database_cpu):.1f}"


def _label(cell: Cell) -> str:
    return {
        "ours": "cadrebot, limits as shipped",
        "ours-unlimited": "cadrebot",
        "echo": "echo bot",
    }[cell.kind]


def tables(cells: list[Cell], args: argparse.Namespace) -> list[str]:
    out: list[str] = []
    loads = [p.load for c in cells for p in c.phases]
    out += [
        "",
        f"Saturation: a burst of updates queued at once, round-robin over {args.cadres:,} "
        "cadres (check-in, diary, check-in, ...). *s*: first update queued to last reply "
        "received. CPU: the bot process's user+system seconds over the phase per update; "
        "*emulator CPU*: this process (emulator and load driver).",
        "",
        "| runtime | database | bot | updates | replies | s | updates/s | replies/s | "
        "p50 ms | p99 ms | bot CPU ms/update (loop / kernel) | PostgreSQL CPU ms/update | "
        "emulator CPU ms/update | startup s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.offered is not None or p.shape == "light":
                continue
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)} | {p.updates:,}{flag} | "
                f"{p.replies:,} | {p.seconds:.1f} | {p.throughput:,.0f} | "
                f"{p.replies / p.seconds:,.0f} | {_ms(p.first_ms, 0.5)} | "
                f"{_ms(p.first_ms, 0.99)} | {_cpu(p)} | {_db(p)} | "
                f"{p.cpu_ms(p.driver_cpu):.1f} | {cell.startup:.1f} | {p.load} |"
            )
    out += [
        "",
        f"Paced: {' and '.join(f'{r:g}' for r in args.rate)} updates/s for {args.seconds:g} s "
        "each. Latency: from the update "
        "queued in the emulator to the bot's first reply reaching it (*last*: its last "
        "reply; every update gets one now). Target: p99 < 250 ms.",
        "",
        "| runtime | database | bot | offered/s | achieved/s | p50 ms | p95 ms | p99 ms | "
        "p99 last ms | max ms | bot CPU ms/update (loop / kernel) | bot CPU % of a core | "
        "PostgreSQL CPU ms/update | p99 < 250 ms | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.offered is None:
                continue
            p99 = percentile(p.first_ms, 0.99)
            met = "yes" if p.complete and p99 < 250 else "**no**"
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)}{flag} | {p.offered:g} | "
                f"{p.throughput:,.0f} | {_ms(p.first_ms, 0.5)} | {_ms(p.first_ms, 0.95)} | "
                f"{_ms(p.first_ms, 0.99)} | {_ms(p.last_ms, 0.99)} | "
                f"{max(p.first_ms, default=float('nan')):,.0f} | {_cpu(p)} | "
                f"{p.bot_cpu / p.seconds * 100:.0f} | {_db(p)} | {met} | {p.load} |"
            )
    out += [
        "",
        "Light load: one cadre, one update at a time (a check-in, then a diary, ...), each "
        "sent once the previous one's reply arrived: no batching, every idle wait shows. "
        "*sends/update*: replies per update (a check-in answers once, so 1.0). Targets: "
        "first reply p99 < 50 ms on SQLite, start-up < 2 s.",
        "",
        "| runtime | database | bot | updates | sends/update | p50 ms | p99 ms | max ms | "
        "replies over 250 ms | bot CPU ms/update (loop / kernel) | startup s | p99 < 50 ms | "
        "startup < 2 s | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        for p in cell.phases:
            if p.shape != "light":
                continue
            p99 = percentile(p.first_ms, 0.99)
            met = "yes" if p.complete and p99 < 50 else "**no**"
            flag = "" if p.complete else f" (INCOMPLETE: {p.replies}/{p.expected} replies)"
            out.append(
                f"| {cell.framework} | {cell.backend} | {_label(cell)}{flag} | {p.updates} | "
                f"{p.replies / p.updates:.2f} | {_ms(p.first_ms, 0.5)} | "
                f"{_ms(p.first_ms, 0.99)} | {max(p.first_ms, default=float('nan')):,.0f} | "
                f"{sum(1 for v in p.first_ms if v > 250)} | {_cpu(p)} | {cell.startup:.1f} | "
                f"{met} | {'yes' if cell.startup < 2 else '**no**'} | {p.load} |"
            )
    warning = noisy(loads)
    if warning:
        out += ["", warning]
    return out
