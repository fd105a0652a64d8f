"""How many pages load at once: a fixed number, or as many as the machine allows. Loading a
page mostly waits on the network, so more tabs pay until the processors are busy, or until the
network (a server, a slow DNS resolver) makes each page wait longer; past that they only slow
every page down. The choice of pages never depends on it (the frontier chooses each level
first), so the record does not either."""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import suppress
from statistics import median
from types import TracebackType

import psutil

FEWEST, START, MOST = 2, 4, 16  # pages at once when the number follows the CPU
SAMPLE_S = 0.5
IDLE_CPU, BUSY_CPU = 60.0, 90.0  # percent of all processors: room for more tabs, too many
WINDOW = 8  # the visits whose median time says how long a page takes now
SLOWER = 1.5  # pages taking this much longer than at their quickest: the network is saturated


class Slots:
    """An async context manager, like a semaphore whose size is `fixed`, or, with None, starts
    at START and follows the machine between FEWEST and MOST while pages wait for a slot: more
    while the CPU has room and pages take no longer than at their quickest (`took` tells how
    long each visit took), fewer when the CPU is saturated, back to START when pages slow."""

    def __init__(self, fixed: int | None) -> None:
        self.size = fixed or START
        self.follows_cpu = fixed is None
        self.busy = self.waiting = 0
        self.recent: deque[float] = deque(maxlen=WINDOW)
        self.current: float | None = None  # the median of a full window, now
        self.quickest: float | None = None  # the lowest median of a full window
        self.since_resize = 0  # visits ended at this size
        self.changed = asyncio.Condition()
        self.sampler: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        if self.follows_cpu and self.sampler is None:
            psutil.cpu_percent()  # the first reading only starts the measure
            self.sampler = asyncio.ensure_future(self._follow_cpu())
        async with self.changed:
            self.waiting += 1
            try:
                await self.changed.wait_for(lambda: self.busy < self.size)
            finally:
                self.waiting -= 1
            self.busy += 1

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        async with self.changed:
            self.busy -= 1
            self.changed.notify_all()

    async def _follow_cpu(self) -> None:
        while True:
            await asyncio.sleep(SAMPLE_S)
            self.resize(psutil.cpu_percent())
            async with self.changed:
                self.changed.notify_all()

    def took(self, seconds: float) -> None:
        """A visit ended after `seconds`."""
        self.recent.append(seconds)
        self.since_resize += 1
        if len(self.recent) == WINDOW:
            self.current = median(self.recent)
            self.quickest = min(self.quickest or self.current, self.current)

    def resize(self, cpu_percent: float) -> None:
        """One step towards what the machine allows: more while pages wait, the processors
        have room and each tab has ended a visit at this size no slower than pages went at
        their quickest; fewer when the processors are saturated; START again when pages slow
        down."""
        if not self.follows_cpu:
            return
        before = self.size
        if cpu_percent > BUSY_CPU:
            self.size = max(FEWEST, self.size - 1)
        elif self._slowed():
            self.size = min(self.size, START)
        elif (
            cpu_percent < IDLE_CPU
            and self.waiting
            and self.busy >= self.size
            and self.since_resize >= self.size
            and self.quickest is not None
        ):
            self.size = min(MOST, self.size + 2)
        if self.size != before:
            self.since_resize = 0

    def _slowed(self) -> bool:
        return (
            self.current is not None
            and self.quickest is not None
            and self.current > SLOWER * self.quickest
        )

    async def close(self) -> None:
        if self.sampler is not None:
            self.sampler.cancel()
            with suppress(asyncio.CancelledError):
                await self.sampler
