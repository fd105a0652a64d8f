"""`scanner batch --queue` with a real Redis server and two real workers, one of them killed
(SIGKILL, with its scan and browser: a machine lost) in the middle of a site, which the other
worker then scans again: nothing is lost, and the results are those of a batch on one machine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import psutil
import pytest

from scanner.serve import serve_directory
from tests.conftest import FIXTURES, run_cli
from tests.redis_server import free_port, redis_server
from tests.sites import Route, page, serve
from tests.test_batch import summary

pytestmark = pytest.mark.browser
# Longer than a scan of the slow site even on a loaded machine (a task that outlasts it is
# given to another worker too), far shorter than the default.
VISIBILITY_TIMEOUT_S = 20


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path) as url:
        yield url


def start_worker(url: str, log: Path) -> subprocess.Popen[bytes]:
    """`scanner worker` in a session of its own, so that killing its group kills its scans."""
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "scanner", "worker", "--queue", url, "--jobs", "1"),
            *("--visibility-timeout", str(VISIBILITY_TIMEOUT_S)),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(workers: list[subprocess.Popen[bytes]]) -> None:
    """SIGKILL each worker still running, with its scans and browsers."""
    for worker in workers:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def scanning(worker: subprocess.Popen[bytes], url: str) -> bool:
    """Whether a process under this worker is scanning `url`."""
    try:
        processes = psutil.Process(worker.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return False
    return any(url in " ".join(command_line(process)) for process in processes)


def command_line(process: psutil.Process) -> list[str]:
    """Its command line, or none for a process that has just ended."""
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def test_a_worker_killed_mid_site_loses_nothing(queue: str, tmp_path: Path) -> None:
    slow_pages = {f"/p{n}": Route(page(title=f"p{n}").body, delay=1) for n in range(3)}
    with ExitStack() as stack:
        saas = stack.enter_context(serve_directory(FIXTURES / "batch" / "saas"))
        slow, counters = stack.enter_context(
            serve({"/": Route(page(*slow_pages).body, delay=1), **slow_pages})
        )
        closed = f"http://127.0.0.1:{free_port()}/"
        sites = tmp_path / "sites.txt"
        sites.write_text(f"{slow}/\n{saas}\n{closed}\n")
        workers = [start_worker(queue, tmp_path / f"worker{n}.log") for n in range(2)]
        stack.callback(kill, workers)
        out = tmp_path / "out"
        batch = subprocess.Popen(
            [
                *(sys.executable, "-m", "scanner", "batch", str(sites), "--queue", queue),
                *("-o", str(out), "--block-third-party"),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not counters.hits["/"] and time.monotonic() < deadline:
            time.sleep(0.05)
        (victim,) = [worker for worker in workers if scanning(worker, slow)]
        kill([victim])
        _, stderr = batch.communicate(timeout=240)
        assert batch.returncode == 6, stderr
        alone = tmp_path / "alone.txt"
        alone.write_text(f"{saas}\n")
        local = run_cli("batch", str(alone), "-o", str(tmp_path / "local"), "--block-third-party")
        assert local.returncode == 0, local.stderr

    rows = summary(out)
    assert [rows[url]["status"] for url in (f"{slow}/", saas, closed)] == ["done", "done", "failed"]
    assert counters.hits["/"] == 3  # killed, scanned again by the other worker, verified
    assert rows[f"{slow}/"]["pages"] == "4"
    assert "connection refused" in rows[closed]["error"]
    assert "connection refused" in (out / "index.html").read_text()
    folder = rows[saas]["folder"]
    assert files(out / folder) == files(tmp_path / "local" / folder)  # as on one machine
    assert {"site.json", "plan.json", "batch.json"} <= set(files(out / folder))


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }
