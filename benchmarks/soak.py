"""`make soak`: the production server under a mixed crowd for SOAK_SECONDS (300 by default),
then a check that nothing was lost.

32 simulated people talk to the server over HTTP, every request to 127.0.0.1: anonymous people
taking whole assessments (some leave and come back by their private link), team members
starting, comparing and exporting, people signing up and in, and one administrator who,
midway, makes a new draft of the questionnaire, edits a question and publishes it. The client
keeps a ledger of every answer the server acknowledged. At the end the database must hold
each of them exactly once with its value, every submitted assessment completed with the score
its answers give on its version (including those started on the version replaced midway), no
request may have answered 5xx, and the workers' memory may not have grown by 10% or more.

It runs on SQLite by default and on a throwaway database of the PostgreSQL server in
DATABASE_URL; it prints a table and exits non-zero on any failure.
"""

import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.run import run, throwaway_database  # noqa: E402
from tests.support.http import Client, path_of  # noqa: E402
from tests.support.servers import rss_mb, start_server, stop_server, worker_pids  # noqa: E402

SECONDS = float(os.environ.get("SOAK_SECONDS") or 300)
PEOPLE = 32
PASSWORD = "soak-password-123"
OPTION = re.compile(r'name="option" value="(\d+)"')


class Ledger:
    """What the server acknowledged, by assessment token."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answers: dict[str, dict[int, int]] = {}
        self.submitted: set[str] = set()
        self.started_on_old_version: set[str] = set()
        # Submitted after the new version was published.
        self.submitted_late: set[str] = set()
        self.version_changed = threading.Event()
        self.statuses: Counter = Counter()
        self.server_errors: list[str] = []

    def saw(self, method: str, path: str, status: int):
        with self.lock:
            self.statuses[status // 100] += 1
            if status >= 500:
                self.server_errors.append(f"{method} {path} -> {status}")

    def failed_to_connect(self, error: Exception):
        with self.lock:
            self.server_errors.append(f"a client could not talk to the server: {error!r}")

    def answered(self, token: str, order: int, option: int):
        with self.lock:
            self.answers.setdefault(token, {})[order] = option

    def completed(self, token: str):
        with self.lock:
            self.submitted.add(token)
            if self.version_changed.is_set():
                self.submitted_late.add(token)


class Person:
    """One simulated visitor with its own cookies."""

    def __init__(self, base: str, ledger: Ledger, rng: random.Random):
        self.base, self.ledger, self.rng = base, ledger, rng
        self.client = Client(base)

    def get(self, path):
        response = self.client.get(path)
        self.ledger.saw("GET", path, response.status)
        return response

    def post(self, path, data=None):
        response = self.client.post(path, data)
        self.ledger.saw("POST", path, response.status)
        return response

    def answer_from(self, path: str, *, leave_after: int | None = None) -> str | None:
        """Answer question pages from `path` on, then submit; None when leaving early."""
        token = path.split("/")[2]
        answered = 0
        while "/q/" in path:
            page = self.get(path)
            options = OPTION.findall(page.text)
            if page.status != 200 or not options:
                return None
            option = int(self.rng.choice(options))
            response = self.post(path, {"option": option, "direction": "next"})
            if response.status != 302:
                return None
            self.ledger.answered(token, int(path.rstrip("/").rsplit("/", 1)[1]), option)
            answered += 1
            if leave_after is not None and answered >= leave_after:
                return token
            path = path_of(response.headers["location"])
        response = self.post(f"/a/{token}/submit/")
        if response.status == 302 and path_of(response.headers["location"]).endswith("/results/"):
            self.ledger.completed(token)
            self.get(path_of(response.headers["location"]))
        return token


def anonymous(person: Person, stop: threading.Event, version_changed: threading.Event):
    while not stop.is_set():
        person.get("/")
        response = person.post("/start/")
        if response.status != 302:
            continue
        path = path_of(response.headers["location"])
        token = path.split("/")[2]
        if not version_changed.is_set():
            with person.ledger.lock:
                person.ledger.started_on_old_version.add(token)
        if person.rng.random() < 0.3:
            # Leave halfway, and come back later by the private link, in a new browser.
            person.answer_from(path, leave_after=3)
            time.sleep(person.rng.uniform(0.1, 1.0))
            person.client = Client(person.base)
            resumed = person.get(f"/a/{token}/")
            if resumed.status == 302:
                person.answer_from(path_of(resumed.headers["location"]))
        else:
            person.answer_from(path)


def team_member(person: Person, stop, _changed, username: str, team_id: int):
    person.client.sign_in(username, PASSWORD)
    while not stop.is_set():
        person.get(f"/teams/{team_id}/")
        response = person.post("/start/", {"team": team_id})
        if response.status == 302:
            person.answer_from(path_of(response.headers["location"]))
        person.get(f"/teams/{team_id}/compare/")
        if person.rng.random() < 0.2:
            person.get(f"/teams/{team_id}/export.csv")


def newcomer(person: Person, stop, _changed, number: int):
    count = 0
    while not stop.is_set():
        count += 1
        name = f"soak-{number}-{count}"
        person.client = Client(person.base)
        person.get("/accounts/signup/")
        person.post(
            "/accounts/signup/",
            {
                "username": name,
                "email": f"{name}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
        person.client = Client(person.base)
        person.client.sign_in(name, PASSWORD)
        person.get("/teams/")
        time.sleep(0.5)


ADMIN_EDIT = """
from assessments.models import Question
from assessments.services import selectors, versions
draft = versions.create_draft(selectors.published_version())
question = Question.objects.get(version=draft, order=1)
question.text = question.text + " (reworded midway through the soak)"
question.save()
versions.publish(draft)
print(draft.number)
"""


def administrator(env, stop: threading.Event, changed: threading.Event, errors: list):
    """Midway, a new version: a draft of the published one, a question edited, published."""
    stop.wait(SECONDS / 2)
    if stop.is_set():
        return
    try:
        run([sys.executable, "manage.py", "shell", "-c", ADMIN_EDIT], env, timeout=120)
    except Exception as error:  # reported in the results: the run must go on to its checks
        errors.append(f"the administrator's edit failed: {error}")
    changed.set()


CHECK = """
import json
from django.db.models import Q
from assessments.models import Assessment
from assessments.services import scoring, selectors
out = {}
for a in Assessment.objects.filter(Q(team__isnull=False) | Q(owner__isnull=True)):
    rows = list(a.answers.values_list("question__order", "option_id"))
    entry = {"status": a.status, "version": a.version.number, "answers": rows,
             "total": a.total_score, "level": a.level_id}
    if a.is_completed:
        result = scoring.score(selectors.version_spec(a.version), selectors.choices_of(a))
        entry["expected"] = [result.total, result.level.id]
    out[a.token] = entry
print("SOAK-RESULT " + json.dumps(out))
"""


def verify(env, ledger: Ledger) -> list[str]:
    output = run([sys.executable, "manage.py", "shell", "-c", CHECK], env, timeout=600).stdout
    line = next(line for line in output.splitlines() if line.startswith("SOAK-RESULT "))
    stored = json.loads(line.removeprefix("SOAK-RESULT "))
    problems = []
    for token, answers in ledger.answers.items():
        entry = stored.get(token)
        if entry is None:
            problems.append(f"assessment {token[:6]}… is missing")
            continue
        orders = [order for order, _option in entry["answers"]]
        if len(orders) != len(set(orders)):
            problems.append(f"assessment {token[:6]}… holds an answer twice")
        saved = dict(entry["answers"])
        for order, option in answers.items():
            if saved.get(order) != option:
                problems.append(
                    f"answer {order} of {token[:6]}… is {saved.get(order)}, not {option}"
                )
    for token in ledger.submitted:
        entry = stored.get(token, {})
        if entry.get("status") != "completed":
            problems.append(f"submitted assessment {token[:6]}… is not completed")
        elif [entry["total"], entry["level"]] != entry["expected"]:
            problems.append(f"assessment {token[:6]}… stores a score its answers do not give")
    if not ledger.started_on_old_version & ledger.submitted_late:
        problems.append("no assessment started on the replaced version was finished after it")
    return problems


def main() -> int:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        database, drop = throwaway_database(tmp)
        try:
            process, base, env, _log = start_server(
                tmp,
                **database,
                DJANGO_TRUSTED_PROXY_COUNT="1",
                # One address plays 32 people: the abuse limits would stop the crowd.
                DJANGO_RATELIMIT_ENABLE="0",
                WEB_CONCURRENCY="2",
            )
            try:
                output = run(
                    [
                        sys.executable,
                        "manage.py",
                        "seed_demo",
                        "--sizes",
                        "8,8",
                        "--members",
                        "4",
                        "--password",
                        PASSWORD,
                        "--prefix",
                        "soak",
                    ],
                    env,
                    timeout=300,
                ).stdout
                teams = [int(team) for team in re.findall(r"\(id (\d+)\)", output)]
                results = soak(base, env, process.pid, teams, rng)
            finally:
                stop_server(process)
        finally:
            drop()
    print_table(results)
    return 1 if results["failures"] else 0


def soak(base, env, master, teams, rng) -> dict:
    ledger = Ledger()
    stop, changed = threading.Event(), ledger.version_changed
    admin_errors: list[str] = []
    threads = []
    for index in range(PEOPLE):
        person = Person(base, ledger, random.Random(rng.random()))
        if index < 20:
            target, extra = anonymous, ()
        elif index < 28:
            team = teams[index % len(teams)]
            target, extra = team_member, (f"soak-{teams.index(team) + 1}-{index % 4 + 1}", team)
        else:
            target, extra = newcomer, (index,)
        threads.append(
            threading.Thread(target=_guarded, args=(target, person, stop, changed, extra, ledger))
        )
    threads.append(threading.Thread(target=administrator, args=(env, stop, changed, admin_errors)))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    # Memory is compared from the end of a warm-up (a quarter of the run), once every page's
    # cached content has been built, to the end.
    warm_up = max(SECONDS / 4, min(10.0, SECONDS / 2))
    stop.wait(warm_up)
    memory_before = {pid: rss_mb(pid) for pid in worker_pids(master)}
    stop.wait(SECONDS - warm_up)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.monotonic() - started
    memory_after = {pid: rss_mb(pid) for pid in worker_pids(master)}
    failures = list(admin_errors) + ledger.server_errors[:20]
    growth = [
        (memory_after[pid] - before) / before
        for pid, before in memory_before.items()
        if pid in memory_after and before
    ]
    if any(share >= 0.10 for share in growth):
        failures.append(f"a worker's memory grew by {max(growth):.0%}")
    if set(memory_after) != set(memory_before):
        failures.append("a worker was replaced during the run")
    failures += verify(env, ledger)
    return {
        "seconds": elapsed,
        "statuses": ledger.statuses,
        "answers": sum(len(a) for a in ledger.answers.values()),
        "submitted": len(ledger.submitted),
        "old_version": len(ledger.started_on_old_version & ledger.submitted_late),
        "growth": max(growth, default=0.0),
        "failures": failures,
    }


def _guarded(target, person, stop, changed, extra, ledger):
    """A person's loop; a client-side error ends that person, and is counted."""
    try:
        target(person, stop, changed, *extra)
    except OSError as error:
        ledger.failed_to_connect(error)


def print_table(results: dict) -> None:
    statuses = results["statuses"]
    rows = [
        ("run", f"{results['seconds']:.0f} s, {PEOPLE} people"),
        ("responses", ", ".join(f"{k}xx: {v:,}" for k, v in sorted(statuses.items()))),
        ("answers acknowledged", str(results["answers"])),
        ("assessments submitted", str(results["submitted"])),
        ("started on the replaced version, finished after", str(results["old_version"])),
        ("largest worker memory growth", f"{results['growth']:.1%}"),
        ("result", "FAILED" if results["failures"] else "nothing lost"),
    ]
    width = max(len(name) for name, _value in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    for failure in results["failures"]:
        print(f"  - {failure}")


if __name__ == "__main__":
    sys.exit(main())
