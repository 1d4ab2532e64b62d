"""Faults on the production stack: a gunicorn worker killed under load."""

import os
import signal
import threading
import time
from pathlib import Path

from tests.support.servers import fetch, start_server, stop_server

HTTPS = {"X-Forwarded-Proto": "https"}


def workers_of(master: int) -> set[int]:
    """The pids of the processes whose parent is `master`."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.add(int(entry.name))
    return children


def test_a_killed_worker_is_replaced_while_the_others_keep_serving(tmp_path):
    process, base, _env, _log = start_server(
        tmp_path, WEB_CONCURRENCY="2", DJANGO_TRUSTED_PROXY_COUNT="1"
    )
    try:
        workers = workers_of(process.pid)
        assert len(workers) == 2
        statuses: list[int | str] = []
        stop = threading.Event()

        def load():
            while not stop.is_set():
                try:
                    statuses.append(fetch(f"{base}/", **HTTPS)[0])
                except OSError as error:
                    statuses.append(type(error).__name__)

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1)
        killed = min(workers)
        os.kill(killed, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            now = workers_of(process.pid)
            if killed not in now and len(now) == 2:
                break
            time.sleep(0.2)
        replaced = workers_of(process.pid)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert killed not in replaced and len(replaced) == 2
        # Only requests in flight on the killed worker may fail: one per client at most.
        failed = [status for status in statuses if status != 200]
        assert statuses.count(200) > 20 and len(failed) <= len(threads), failed
        assert all(fetch(f"{base}/", **HTTPS)[0] == 200 for _ in range(10))
    finally:
        stop_server(process)
