"""The batch on a Celery task queue with a Redis broker, for more sites than one machine scans.

`scanner batch SITES --queue URL` sends one task per unfinished site and collects the results
into the batch directory; `scanner worker --queue URL` scans them, each site as on one machine
(site_scan.py: its own process, its time budget), in a temporary folder that goes back whole
(every file, screenshots too) in the task's result through the result backend (the same Redis),
compressed; the client writes it out as a local batch does (folders.py), then forgets it.

A task is acknowledged only once its result is stored (acks_late), a worker takes one task at
a time per process (prefetch multiplier 1), a pool process that dies puts its task back
(task_reject_on_worker_lost), and a task held by a worker that vanished (killed, its machine
lost) goes back to the queue once the visibility timeout has passed: no site is lost. A task id
is derived from the batch directory and the entry, so a client run again after Ctrl-C or a
crash collects what the workers finished meanwhile instead of scanning it again.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from celery import Celery
from celery.exceptions import Reject
from celery.result import AsyncResult
from kombu.exceptions import OperationalError

from scanner.batch.folders import finish, pack, staging, unpack
from scanner.batch.run import BatchResult, SiteDone, sigterm_interrupts, to_scan, write_index
from scanner.batch.site_scan import GRACE_S, scan_site
from scanner.errors import BadArgument, QueueUnavailable
from scanner.models import SiteEntry, SiteOutcome, SiteRecord

QUEUE = "scanner"
TASK = "scanner.scan_site"
VISIBILITY_TIMEOUT_S = 3600  # a task unacknowledged this long is given to another worker
TIME_LIMIT_MARGIN_S = 60  # the task's hard limit: its site's budget, the grace, and this
RESULTS_KEPT_S = 7 * 24 * 3600  # results a client has not collected yet
POLL_S = 0.5

app = Celery("scanner", set_as_current=False)


def configure(url: str, visibility_timeout: int = VISIBILITY_TIMEOUT_S) -> None:
    """Point the app at the Redis server `url` (broker and result backend)."""
    if not url.startswith(("redis://", "rediss://")):
        raise BadArgument(f"'{url}' is not a Redis URL; give --queue redis://HOST:PORT/0.")
    app.conf.update(
        broker_url=url,
        result_backend=url,
        task_default_queue=QUEUE,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        result_expires=RESULTS_KEPT_S,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility_timeout,
            # how often a worker looks for tasks whose worker vanished
            "unacked_restore_interval": max(1, min(10, visibility_timeout // 4)),
            "unacked_restore_throttle": 1,
            # a worker killed during its sweep holds the sweep's lock this long (default 300)
            "unacked_mutex_expire": 10,
        },
    )
    try:
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, timeout=5)
    except OperationalError as error:
        raise QueueUnavailable(
            f"cannot reach the queue at {url} ({error}); start redis-server there or fix --queue."
        ) from None


@app.task(  # type: ignore[untyped-decorator]
    name=TASK, autoretry_for=(OSError,), max_retries=2, retry_backoff=True
)
def scan_task(entry: dict[str, Any]) -> dict[str, Any]:
    """Scan one site on this worker; its outcome and its folder's files."""
    site = SiteEntry.model_validate(entry)
    with tempfile.TemporaryDirectory(prefix="scanner-site-") as work:
        out = Path(work) / site.folder
        outcome = scan_site(site, out)
        if outcome is None:  # this worker is being stopped: another one scans the site
            raise Reject("the scan was stopped on this worker", requeue=True)
        files = pack(out) if out.is_dir() else {}
    return {"outcome": outcome.model_dump(mode="json"), "files": files}


def run_worker(url: str, jobs: int, visibility_timeout: int | None) -> None:
    """Scan the queue's sites, `jobs` at a time, until stopped (Ctrl-C, SIGTERM: the sites
    under way are finished first)."""
    configure(url, visibility_timeout or VISIBILITY_TIMEOUT_S)
    app.worker_main(
        [
            "worker",
            f"--concurrency={jobs}",
            "--pool=prefork",
            "--loglevel=INFO",
            f"--hostname=scanner-{os.getpid()}@%h",
            f"--queues={QUEUE}",
            "--without-gossip",
            "--without-mingle",
        ]
    )


def run_queued(entries: list[SiteEntry], out: Path, on_site: SiteDone) -> BatchResult:
    """Send the unfinished sites to the workers of the configured queue, collect each result
    as it comes, write the index. Ctrl-C stops the collecting; the tasks go on, and the same
    command collects them."""
    todo = to_scan(entries, out)
    interrupted = False
    try:
        with sigterm_interrupts():
            waiting = dict(_submit(entry, out) for entry in todo)
            while waiting:
                for task_id, (entry, result) in list(waiting.items()):
                    if result.ready():
                        on_site(_collect(entry, result, out))
                        del waiting[task_id]
                time.sleep(POLL_S if waiting else 0)
    except KeyboardInterrupt:
        interrupted = True
    return BatchResult(write_index(entries, out), interrupted, len(entries) - len(todo))


def _submit(entry: SiteEntry, out: Path) -> tuple[str, tuple[SiteEntry, AsyncResult]]:
    """Send a site's task, unless a run before this one did and it is finished."""
    task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{out.resolve()}\n{entry.model_dump_json()}"))
    result = AsyncResult(task_id, app=app)
    if not result.ready():
        scan_task.apply_async(
            (entry.model_dump(mode="json"),),
            task_id=task_id,
            time_limit=entry.time_budget + GRACE_S + TIME_LIMIT_MARGIN_S,
        )
    return task_id, (entry, result)


def _collect(entry: SiteEntry, result: AsyncResult, out: Path) -> SiteRecord:
    """Write a finished task's folder into the batch directory, then drop the result."""
    staged = staging(out, entry)
    if result.successful():
        value = result.get()
        unpack(value["files"], staged)
        outcome = SiteOutcome.model_validate(value["outcome"])
    else:
        text = str(result.result).strip()
        why = text.splitlines()[0] if text else ""
        error = f"the worker failed: {type(result.result).__name__} {why}".strip()
        outcome = SiteOutcome(status="failed", error=error)
    record = finish(out, entry, outcome, staged)
    result.forget()
    return record
