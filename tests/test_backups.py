"""Backup and restore: a snapshot taken while people write restores into an empty database
with everything it held, on the database the suite runs on (SQLite, or PostgreSQL with
DATABASE_URL)."""

import json
import os
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from tests.support.http import Client, path_of, take_assessment
from tests.support.servers import ROOT, start_server, stop_server

pytestmark = pytest.mark.server

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


REDIS_FOR_RESTORE = "redis://127.0.0.1:6379/4"
# One worker, so that a page cached in a process is there for the next request; the test
# client says it came through a TLS proxy.
ONE_WORKER = {
    "WEB_CONCURRENCY": "1",
    "DJANGO_RATELIMIT_ENABLE": "0",
    "DJANGO_TRUSTED_PROXY_COUNT": "1",
}


def take_with_note(client: Client, position: int, note: str) -> str:
    """Take an assessment answering every question at `position`, with `note` on the first
    answer; open its result and its JSON, as a person would; return the result's path."""
    client.get("/")
    path = path_of(client.post("/start/").location)
    first = True
    while "/q/" in path:
        page = client.get(path)
        options = re.findall(r'name="option" value="(\d+)"', page.text)
        data = {"option": options[position], "direction": "next"}
        if first:
            data["note"], first = note, False
        path = path_of(client.post(path, data).location)
    results = path_of(client.post(path.replace("/review/", "/submit/")).location)
    assert client.get(results).status == 200
    assert client.get(results.replace("/results/", "/results.json")).status == 200
    return results


def assessment_ids(env) -> list[int]:
    listing = (
        "from assessments.models import Assessment as A; "
        "print(sorted(A.objects.values_list('pk', flat=True)))"
    )
    return json.loads(manage(env, "shell", "-v", "0", "-c", listing).stdout.splitlines()[-1])


def assert_shows_only_its_own(client: Client, results: str, note: str, others_note: str):
    page = client.get(results).text
    document = client.get(results.replace("/results/", "/results.json")).text
    assert note in page and note in document
    assert others_note not in page and others_note not in document


def test_after_a_restore_a_result_never_shows_another_persons_result(tmp_path, database_urls):
    """The documented recovery: a new database, migrate, restore, the app restarted on the same
    Redis. Ids repeat from the backup on: the next assessment gets the id of one made after
    the backup, whose result was cached."""
    source, restored = database_urls
    redis = {"CACHE_URL": REDIS_FOR_RESTORE, **ONE_WORKER}
    subprocess.run(["redis-cli", "-n", "4", "flushdb"], check=True, capture_output=True)
    process, base, env, _log = start_server(tmp_path, DATABASE_URL=source, **redis)
    try:
        manage(env, "backup", str(tmp_path / "backup.dump"))
        take_with_note(Client(base), 4, "Alice private evidence")
    finally:
        stop_server(process)
    restored_env = {**env, "DATABASE_URL": restored}
    manage(restored_env, "migrate", "--no-input")
    manage(restored_env, "restore", "--force", str(tmp_path / "backup.dump"))
    process, base, _env, _log = start_server(
        tmp_path, "restored.log", DATABASE_URL=restored, **redis
    )
    try:
        second = take_with_note(Client(base), 0, "Bob own evidence")
        # The scenario holds: the restored counter gave Bob Alice's id.
        assert assessment_ids(restored_env) == assessment_ids(env)
        assert_shows_only_its_own(Client(base), second, "Bob own evidence", "Alice private")
    finally:
        stop_server(process)


def test_a_restore_under_a_running_app_never_shows_a_result_of_the_database_before(
    tmp_path, database_urls
):
    """Restored in place while the app keeps running, with each process's own cache: what a
    worker kept for the database before must not be served for the restored one."""
    source, _restored = database_urls
    process, base, env, _log = start_server(
        tmp_path,
        DATABASE_URL=source,
        CACHE_URL="locmem://",
        **ONE_WORKER,
        # A connection per request: pg_restore replaces the tables under the running app.
        DJANGO_DB_POOL="0",
        DJANGO_DB_PREPARED_STATEMENTS="0",
        DJANGO_CONN_MAX_AGE="0",
    )
    try:
        manage(env, "backup", str(tmp_path / "backup.dump"))
        take_with_note(Client(base), 4, "Alice private evidence")
        manage(env, "restore", "--force", str(tmp_path / "backup.dump"))
        second = take_with_note(Client(base), 0, "Bob own evidence")
        assert_shows_only_its_own(Client(base), second, "Bob own evidence", "Alice private")
    finally:
        stop_server(process)


def test_two_installations_on_one_redis_never_share_a_result(tmp_path, database_urls):
    first_db, second_db = database_urls
    redis = {"CACHE_URL": REDIS_FOR_RESTORE, **ONE_WORKER}
    subprocess.run(["redis-cli", "-n", "4", "flushdb"], check=True, capture_output=True)
    first, first_base, env, _log = start_server(tmp_path, DATABASE_URL=first_db, **redis)
    try:
        second, second_base, _env, _log = start_server(
            tmp_path, "second.log", DATABASE_URL=second_db, **redis
        )
        try:
            take_with_note(Client(first_base), 4, "Alice private evidence")
            bob = take_with_note(Client(second_base), 0, "Bob own evidence")
            assert assessment_ids(env) == assessment_ids({**env, "DATABASE_URL": second_db})
            assert_shows_only_its_own(Client(second_base), bob, "Bob own evidence", "Alice private")
        finally:
            stop_server(second)
    finally:
        stop_server(first)
