"""Backup and restore: a snapshot taken while people write restores into an empty database
with everything it held, on the database the suite runs on (SQLite, or PostgreSQL with
DATABASE_URL)."""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from tests.support.http import Client, take_assessment
from tests.support.servers import ROOT, start_server, stop_server

# What a restore must give back exactly.
KEPT = [
    "auth.user",
    "assessments.team",
    "assessments.membership",
    "assessments.questionnaireversion",
    "assessments.question",
    "assessments.round",
    "assessments.action",
]


NOTES = """
from assessments.models import Answer
for answer in Answer.objects.filter(assessment__team__isnull=False).order_by("pk")[:40]:
    answer.note = f"Evidence for answer {answer.pk}: the runbook, page {answer.pk % 7}"
    answer.save(update_fields=["note"])
"""


@pytest.fixture
def database_urls(tmp_path):
    """Two throwaway databases, the source and the one restored into, on the suite's kind of
    database server."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield (
            f"sqlite:///{tmp_path / 'source.sqlite3'}",
            f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        )
        return
    server = urllib.parse.urlsplit(configured)
    names = [f"backup_{role}_{secrets.token_hex(4)}" for role in ("source", "restored")]

    def psql(statement):
        admin = server._replace(path="/postgres").geturl()
        subprocess.run(["psql", admin, "-q", "-c", statement], check=True, capture_output=True)

    for name in names:
        psql(f"CREATE DATABASE {name}")
    yield tuple(server._replace(path=f"/{name}").geturl() for name in names)
    for name in names:
        psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(env, *arguments, check=True):
    finished = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check and finished.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(arguments)} failed:\n{finished.stderr}")
    return finished


def dump(env, database_url, *models):
    output = manage({**env, "DATABASE_URL": database_url}, "dumpdata", *models).stdout
    return {(row["model"], row["pk"]): row["fields"] for row in json.loads(output)}


def test_a_backup_taken_during_writes_restores_everything(tmp_path, database_urls):
    source, restored = database_urls
    process, base, env, _log = start_server(
        tmp_path,
        DATABASE_URL=source,
        DJANGO_RATELIMIT_ENABLE="0",
        # The test client says it came through a TLS proxy.
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    try:
        manage(env, "seed_demo", "--sizes", "6,3", "--members", "3", "--password", "pw-1234567")
        # Evidence on some answers, so that notes are among what must come back.
        manage(env, "shell", "-c", NOTES)
        stop = threading.Event()
        written, failures = [], []

        def write():
            client = Client(base)
            try:
                while not stop.is_set():
                    written.append(take_assessment(client, {1: 2, 2: 3}))
            except Exception as error:  # reported below: a thread's exception is lost
                failures.append(error)

        writer = threading.Thread(target=write)
        writer.start()
        try:
            deadline = time.monotonic() + 60
            while len(written) < 2 and not failures and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not failures and len(written) >= 2, failures
            manage(env, "backup", str(tmp_path / "backup.dump"))
        finally:
            stop.set()
            writer.join(timeout=60)
        assert not failures, failures
    finally:
        stop_server(process)
    restored_env = {**env, "DATABASE_URL": restored}
    manage(restored_env, "restore", str(tmp_path / "backup.dump"))
    assert dump(env, restored, *KEPT) == dump(env, source, *KEPT)
    # Results written before the snapshot are there whole, answers, notes and stored scores
    # alike; results completed later are simply not.
    before = dump(env, source, "assessments.assessment", "assessments.answer")
    after = dump(env, restored, "assessments.assessment", "assessments.answer")
    completed = {
        key
        for key, fields in after.items()
        if key[0] == "assessments.assessment" and fields["status"] == "completed"
    }
    assert len(completed) >= 9 + 2  # the seeded teams' results and the first written ones
    for key in completed:
        assert after[key] == before[key]
    notes = 0
    for key, fields in after.items():
        if (
            key[0] == "assessments.answer"
            and ("assessments.assessment", fields["assessment"]) in completed
        ):
            assert before[key] == fields
            notes += bool(fields["note"])
    assert notes == 40
    # A second restore over the data is refused without --force.
    refused = manage(restored_env, "restore", str(tmp_path / "backup.dump"), check=False)
    assert refused.returncode != 0
    assert "Use --force" in refused.stderr
    manage(restored_env, "restore", "--force", str(tmp_path / "backup.dump"))
