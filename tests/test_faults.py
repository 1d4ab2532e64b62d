"""Faults on the production stack: a gunicorn worker killed under load, and PostgreSQL
stopped while the app serves."""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.support.http import Client, path_of
from tests.support.servers import fetch, free_port, start_server, stop_server, worker_pids

pytestmark = pytest.mark.server

HTTPS = {"X-Forwarded-Proto": "https"}


def test_a_killed_worker_is_replaced_while_the_others_keep_serving(tmp_path):
    process, base, _env, _log = start_server(
        tmp_path, WEB_CONCURRENCY="2", DJANGO_TRUSTED_PROXY_COUNT="1"
    )
    try:
        workers = set(worker_pids(process.pid))
        assert len(workers) == 2
        statuses: list[int | str] = []
        stop = threading.Event()

        def load():
            while not stop.is_set():
                try:
                    statuses.append(fetch(f"{base}/", **HTTPS)[0])
                except Exception as error:  # counted below: a thread's exception is lost
                    statuses.append(type(error).__name__)

        def wait_for(condition, what, limit=120):
            # Waits on the condition, not for a fixed time: a busy machine is only slower.
            deadline = time.monotonic() + limit
            while not condition():
                assert time.monotonic() < deadline, f"still waiting for {what}"
                time.sleep(0.2)

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        wait_for(lambda: statuses.count(200) >= 20, "20 pages before the kill")
        killed = min(workers)
        os.kill(killed, signal.SIGKILL)
        wait_for(
            lambda: killed not in (now := set(worker_pids(process.pid))) and len(now) == 2,
            "a new worker",
        )
        replaced = set(worker_pids(process.pid))
        served = statuses.count(200)
        wait_for(lambda: statuses.count(200) >= served + 20, "20 pages after the replacement")
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert killed not in replaced and len(replaced) == 2
        # Only requests in flight on the killed worker may fail: one per client at most.
        failed = [status for status in statuses if status != 200]
        assert statuses.count(200) > 20 and len(failed) <= len(threads), failed
        assert all(fetch(f"{base}/", **HTTPS)[0] == 200 for _ in range(10))
    finally:
        stop_server(process)


@pytest.fixture
def throwaway_postgres():
    """A PostgreSQL cluster of its own, on its own port and data folder, so the machine's
    server is never touched; yields (database URL, stop, start)."""
    folder = Path(tempfile.mkdtemp(prefix="maturity-pg-", dir="/tmp"))
    folder.chmod(0o755)
    data = folder / "data"
    port = free_port()

    def as_postgres(*command):
        # PostgreSQL refuses to run as root: the cluster belongs to the postgres account.
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    as_postgres("initdb", "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def start():
        as_postgres(
            "pg_ctl", "-D", str(data), "-o", options, "-w", "-l", str(folder / "log"), "start"
        )

    def stop():
        as_postgres("pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop")

    start()
    as_postgres("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "app")
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/app", stop, start
    finally:
        subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                "pg_ctl",
                "-D",
                str(data),
                "-m",
                "immediate",
                "stop",
            ]
            if os.geteuid() == 0
            else ["pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def test_postgresql_down_answers_503_loses_nothing_and_recovers(tmp_path, throwaway_postgres):
    database_url, stop_database, start_database = throwaway_postgres
    process, base, _env, _log = start_server(
        tmp_path, DATABASE_URL=database_url, DJANGO_TRUSTED_PROXY_COUNT="1"
    )
    try:
        client = Client(base)
        client.get("/")
        started = client.post("/start/", {})
        path = path_of(started.location)
        saved = []
        for order in (1, 2, 3):
            page = client.get(f"{path.rsplit('/q/', 1)[0]}/q/{order}/")
            option = re.findall(r'name="option" value="(\d+)"', page.text)[2]
            answer = client.post(
                f"{path.rsplit('/q/', 1)[0]}/q/{order}/", {"option": option, "direction": "next"}
            )
            assert answer.status == 302
            saved.append(option)

        stop_database()
        down = client.get("/")
        assert down.status == 503 and "Back in a moment" in down.text
        assert "Traceback" not in down.text and "OperationalError" not in down.text
        assert fetch(f"{base}/healthz")[0] == 503

        start_database()
        back = time.monotonic()
        while fetch(f"{base}/", **HTTPS)[0] != 200:
            assert time.monotonic() - back < 5, "the app did not recover within 5 seconds"
            time.sleep(0.2)
        review = client.get(f"{path.rsplit('/q/', 1)[0]}/review/")
        assert review.status == 200 and "3 answered" not in review.text
        # Every answer acknowledged before the outage is still there.
        for order, option in enumerate(saved, start=1):
            page = client.get(f"{path.rsplit('/q/', 1)[0]}/q/{order}/")
            assert re.search(rf'value="{option}"[^>]*checked', page.text), order
    finally:
        stop_server(process)
