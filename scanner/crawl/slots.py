"""How many pages load at once: a fixed number, or as many as the machine's CPU allows. Loading
a page mostly waits on the network, so more tabs pay until the processors are busy; past that
they only slow every page down. The choice of pages never depends on it (the frontier chooses
each level first), so the record does not either."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from types import TracebackType

import psutil

FEWEST, START, MOST = 2, 4, 16  # pages at once when the number follows the CPU
SAMPLE_S = 0.5
IDLE_CPU, BUSY_CPU = 60.0, 90.0  # percent of all processors: room for more tabs, too many


class Slots:
    """An async context manager, like a semaphore whose size is `fixed`, or, with None, starts
    at START and follows the CPU between FEWEST and MOST while pages wait for a slot."""

    def __init__(self, fixed: int | None) -> None:
        self.size = fixed or START
        self.follows_cpu = fixed is None
        self.busy = self.waiting = 0
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

    def resize(self, cpu_percent: float) -> None:
        """One step towards what the CPU allows: more while pages wait and the processors have
        room, fewer when they are saturated."""
        if not self.follows_cpu:
            return
        if cpu_percent < IDLE_CPU and self.waiting and self.busy >= self.size:
            self.size = min(MOST, self.size + 2)
        elif cpu_percent > BUSY_CPU:
            self.size = max(FEWEST, self.size - 1)

    async def close(self) -> None:
        if self.sampler is not None:
            self.sampler.cancel()
            with suppress(asyncio.CancelledError):
                await self.sampler
