"""How many pages load at once: fixed when asked, else following the CPU and how long pages take."""

from __future__ import annotations

import asyncio

import click
import pytest

from scanner.cli.options import Concurrency
from scanner.crawl.slots import FEWEST, MOST, START, Slots


def test_a_fixed_number_never_changes() -> None:
    slots = Slots(3)
    slots.busy, slots.waiting = 3, 5
    slots.resize(5.0)
    assert slots.size == 3 and not slots.follows_cpu


def test_more_pages_at_once_only_while_pages_wait_and_the_cpu_has_room() -> None:
    slots = Slots(None)
    assert slots.size == START
    slots.resize(10.0)  # nobody waits: no reason to grow
    assert slots.size == START
    slots.busy, slots.waiting = START, 3
    visits(slots, 0.4)
    slots.resize(10.0)
    assert slots.size == START + 2
    visits(slots, 0.4)
    slots.resize(75.0)  # between idle and busy: stays
    assert slots.size == START + 2
    for _ in range(20):
        slots.busy = slots.size
        visits(slots, 0.4, slots.size)
        slots.resize(10.0)
    assert slots.size == MOST


def test_fewer_when_the_cpu_is_saturated_but_never_below_two() -> None:
    slots = Slots(None)
    for _ in range(10):
        slots.resize(99.0)
    assert slots.size == FEWEST


def test_no_more_than_the_size_run_at_once() -> None:
    async def run() -> int:
        slots, running, most = Slots(2), 0, 0

        async def page() -> None:
            nonlocal running, most
            async with slots:
                running += 1
                most = max(most, running)
                await asyncio.sleep(0.01)
                running -= 1

        await asyncio.gather(*(page() for _ in range(8)))
        await slots.close()
        return most

    assert asyncio.run(run()) == 2


def test_the_option_takes_a_number_or_auto() -> None:
    option = Concurrency()
    assert option.convert("auto", None, None) is None
    assert option.convert("8", None, None) == 8
    for wrong in ("0", "17", "many"):
        with pytest.raises(click.BadParameter):
            option.convert(wrong, None, None)


def visits(slots: Slots, seconds: float, count: int = 8) -> None:
    for _ in range(count):
        slots.took(seconds)


def test_more_pages_at_once_only_once_each_tab_ended_a_visit_at_this_size() -> None:
    slots = Slots(None)
    slots.busy, slots.waiting = START, 3
    visits(slots, 0.4)
    slots.resize(10.0)
    assert slots.size == START + 2
    slots.busy = slots.size
    slots.resize(10.0)  # no visit ended at the new size yet
    assert slots.size == START + 2
    visits(slots, 0.4, START + 2)
    slots.resize(10.0)
    assert slots.size == START + 4


def test_back_to_the_start_when_pages_take_longer_than_at_their_quickest() -> None:
    slots = Slots(None)
    slots.busy, slots.waiting = START, 3
    visits(slots, 0.4)
    for _ in range(4):
        visits(slots, 0.4, slots.size)
        slots.busy = slots.size
        slots.resize(10.0)
    assert slots.size == START + 8
    visits(slots, 3.0)  # a slow resolver: every page waits longer with more tabs
    slots.resize(10.0)
    assert slots.size == START
    slots.resize(10.0)  # and does not grow again while they stay slow
    assert slots.size == START
