"""Sweeps plan a batch of cadres at a time and store a chunk of drafts at a time (so a
process never holds a whole roster's drafts). That must change nothing: the same outbox
rows, in the same order, whatever the sizes, and a rerun still adds none. On SQLite and
PostgreSQL (the ``engine`` fixture)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete

import scheduler.common as common
import scheduler.monthly as monthly
import scheduler.weekly as weekly
from domain.roles import Role
from scheduler.jobs import run_every_sweep
from scheduler.removal import sweep_removal_triggers
from services.outbox import Draft, enqueue_in_chunks
from storage.sweeps import roster as q
from storage.tables import Assignment, Person, Reminder
from tests.scheduler.conftest import (
    ZONE,
    UowFactory,
    add_checkins,
    add_diaries,
    add_leave,
    days,
    outbox,
    seed,
)

MONDAY = datetime.combine(date(2026, 11, 30), time(20), ZONE)
EXTRA_CADRES = 9


def _district(uow_factory: UowFactory) -> dict[str, int]:
    """The sample district plus cadres with varied records, so each sweep has rows for
    several cadres, some townships list more lines than a message shows, and cadres who
    are not posted (or no longer) sit between the posted ones in id order."""
    ids = seed(uow_factory)
    rng = random.Random(8)
    with uow_factory() as uow:
        template = uow.assignments.latest(ids["cadre"])
        other = uow.assignments.latest(ids["cadre3"])
        for n in range(EXTRA_CADRES):
            posting = template if n % 2 else other
            person = Person(
                name=f"干部{n:02d}",
                phone=f"+861520000{n:04d}",
                role=Role.FIRST_SECRETARY if n % 3 else Role.TEAM_MEMBER,
                unit_id=posting.unit_id,
                active=n != 4,  # an inactive cadre between active ones
            )
            uow.session.add(person)
            uow.session.flush()
            ids[f"extra{n}"] = person.id
            start = date(2026, 1, 1) if n % 4 else date(2026, 11, 10)  # some start late
            end = date(2026, 11, 20) if n == 6 else None  # one posting over
            uow.assignments.add(
                Assignment(
                    person_id=person.id,
                    village_id=posting.village_id,
                    unit_id=posting.unit_id,
                    start=start,
                    end=end,
                )
            )
        uow.commit()
    year = days(date(2026, 1, 1), date(2026, 11, 30))
    for key in ("cadre", "cadre2", "cadre3", "extra0", "extra3", "extra7"):
        add_checkins(uow_factory, ids[key], rng.sample(year, rng.randrange(60, 300)))
        add_diaries(uow_factory, ids[key], rng.sample(year[-60:], 20), week_signed=5)
    add_leave(uow_factory, ids["extra3"], date(2026, 11, 23), date(2026, 12, 2))
    return ids


def _rows(uow_factory: UowFactory) -> list[tuple]:
    """Every outbox row in id order (the order the dispatcher sends them in)."""
    return [(r.recipient_id, r.kind, r.period, r.payload, r.not_after) for r in outbox(uow_factory)]


def _clear(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.session.execute(delete(Reminder))
        uow.commit()


def _sweep_all(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch, batch: int, chunk: int
) -> tuple[dict[str, int], int]:
    """Every sweep as of MONDAY with these sizes: (new rows per sweep, roster batches)."""
    monkeypatch.setattr(q, "BATCH_SIZE", batch)
    monkeypatch.setattr(common, "SWEEP_CHUNK", chunk)
    batches = 0
    original = q.posting_batches

    def counting(*args, **kwargs):
        nonlocal batches
        for found in original(*args, **kwargs):
            batches += 1
            yield found

    monkeypatch.setattr(q, "posting_batches", counting)
    results = run_every_sweep(uow_factory, MONDAY, zone=ZONE).drafts
    monkeypatch.setattr(q, "posting_batches", original)
    return {name: len(drafts) for name, drafts in results.items()}, batches


def _cut(row: tuple, shown: int) -> tuple:
    """A row as it would be if its message listed at most ``shown`` lines."""
    recipient, kind, period, payload, not_after = row
    if kind not in (weekly.TOWNSHIP_KIND, monthly.REVIEW_KIND):
        return row
    [lines] = payload["lines"]
    cut = {**lines, "items": lines["items"][:shown], "more": max(0, len(lines["items"]) - shown)}
    return (recipient, kind, period, {**payload, "lines": [cut]}, not_after)


def test_batch_and_chunk_sizes_change_no_row(
    uow_factory: UowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    _district(uow_factory)
    # Every line first (one batch, one chunk), then two lines per township message: the
    # townships' lines are then cut down batch by batch and must be the first two of all.
    everything_counts, _ = _sweep_all(uow_factory, monkeypatch, 100_000, 100_000)
    expected = [_cut(row, 2) for row in _rows(uow_factory)]
    _clear(uow_factory)
    monkeypatch.setattr(weekly, "MAX_LINES", 2)
    monkeypatch.setattr(monthly, "MAX_LINES", 2)

    whole_counts, whole_batches = _sweep_all(uow_factory, monkeypatch, 100_000, 100_000)
    whole = _rows(uow_factory)
    _clear(uow_factory)
    small_counts, small_batches = _sweep_all(uow_factory, monkeypatch, 2, 3)
    small = _rows(uow_factory)

    assert small_batches > whole_batches  # the roster really was split
    assert {k for k, n in whole_counts.items() if n} >= {
        "removal",
        "daily_nudge",
        "weekly",
        "monthly_review",
        "quarterly_sheets",
        "assessment",
    }
    assert len(whole) > 3 * 3  # more rows than one chunk of the small run
    cut_kinds = {
        kind
        for _rid, kind, _period, payload, _na in expected
        if "lines" in payload and payload["lines"][0]["more"] > 0
    }
    assert cut_kinds == {weekly.TOWNSHIP_KIND, monthly.REVIEW_KIND}  # lines were left out
    assert whole_counts == small_counts == everything_counts
    assert whole == expected
    assert small == expected

    # A rerun, in small pieces again, stores nothing new and changes nothing.
    again, _ = _sweep_all(uow_factory, monkeypatch, 2, 3)
    assert set(again.values()) == {0}
    assert _rows(uow_factory) == small


def test_a_key_repeated_in_a_later_chunk_keeps_the_first_draft(uow_factory: UowFactory) -> None:
    ids = seed(uow_factory)
    first = Draft(ids["cadre"], "test", "p1", {"key": "first"})
    drafts = [
        first,
        Draft(ids["cadre2"], "test", "p1", {}),
        Draft(ids["cadre"], "test", "p1", {"key": "second"}),
    ]
    with uow_factory() as uow:
        count, new = enqueue_in_chunks(uow, iter(drafts), chunk_size=2)
        uow.commit()
    assert (count, new) == (2, drafts[:2])
    assert [(r.recipient_id, r.payload) for r in outbox(uow_factory)] == [
        (ids["cadre"], {"key": "first"}),
        (ids["cadre2"], {}),
    ]


def test_a_sweep_that_keeps_nothing_still_stores_everything(uow_factory: UowFactory) -> None:
    _district(uow_factory)
    as_of = MONDAY + timedelta(days=1)
    kept = sweep_removal_triggers(uow_factory, as_of, zone=ZONE, dry_run=True)
    assert kept  # cadres without check-ins trigger removal
    assert sweep_removal_triggers(uow_factory, as_of, zone=ZONE, keep=False) == []
    assert [(r.recipient_id, r.kind, r.period) for r in outbox(uow_factory)] == [
        d.key for d in kept
    ]
