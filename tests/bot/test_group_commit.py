"""``GroupCommit``: items submitted while a write runs go into the next write together; a
bad item fails alone; a failure that would fail every item fails them all at once."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime.group_commit import GroupCommit


class Outage(Exception):
    pass


async def test_items_submitted_meanwhile_are_written_together() -> None:
    writes: list[list[int]] = []
    writing = asyncio.Event()

    async def write(items: list[int]) -> None:
        writes.append(items)
        writing.set()
        await asyncio.sleep(0.01)  # the transaction

    group = GroupCommit(write)
    first = asyncio.gather(*(group.submit(i) for i in range(10)))
    await writing.wait()  # the first ten are being written: the next ten wait for them
    await asyncio.gather(first, *(group.submit(i) for i in range(10, 20)))
    assert writes == [list(range(10)), list(range(10, 20))]
    assert group.batches == 2


async def test_a_bad_item_fails_alone() -> None:
    written: list[int] = []

    async def write(items: list[int]) -> None:
        await asyncio.sleep(0)
        if 13 in items:
            raise ValueError("13 cannot be stored")
        written.extend(items)

    group = GroupCommit(write)
    results = await asyncio.gather(*(group.submit(i) for i in range(20)), return_exceptions=True)
    assert [i for i, r in enumerate(results) if r is not None] == [13]
    assert isinstance(results[13], ValueError)
    assert sorted(written) == [i for i in range(20) if i != 13]


async def test_an_outage_fails_every_item_without_trying_them_one_by_one() -> None:
    calls: list[list[int]] = []

    async def write(items: list[int]) -> None:
        calls.append(items)
        await asyncio.sleep(0)
        raise Outage

    group = GroupCommit(write, alike=lambda exc: isinstance(exc, Outage))
    results = await asyncio.gather(*(group.submit(i) for i in range(10)), return_exceptions=True)
    assert all(isinstance(r, Outage) for r in results)
    assert calls == [list(range(10))]  # one write for all, none one by one


async def test_a_write_cancelled_at_shutdown_leaves_nobody_waiting() -> None:
    started = asyncio.Event()

    async def write(items: list[int]) -> None:
        started.set()
        await asyncio.sleep(60)

    group = GroupCommit(write)
    first = asyncio.ensure_future(group.submit(1))
    await started.wait()
    second = asyncio.ensure_future(group.submit(2))
    await asyncio.sleep(0)
    group._writer.cancel()  # type: ignore[union-attr]  # what the loop's shutdown does
    with pytest.raises(asyncio.CancelledError):
        await first
    with pytest.raises(asyncio.CancelledError):
        await second
