"""`make bench`: the production server under load, every page measured against the framework's
own floor in the same run.

It seeds a throwaway database (SQLite in a temporary folder, or a fresh database on the
PostgreSQL server of DATABASE_URL), starts the server exactly as deploy/start does on a free
loopback port, and loads each target with wrk at 16 connections. /healthz (all the middleware
and one query) is the floor; a hashed static file served by whitenoise is the ceiling. A small
client also answers and submits whole assessments over HTTP.

QUICK=1 runs small data for a second a target (the harness's own check, in CI). Without it, the
table is written to docs/benchmarks.md and a missed target makes the run fail. Every request
goes to 127.0.0.1.
"""

import contextlib
import dataclasses
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.http import Client, path_of, take_assessment  # noqa: E402
from tests.support.servers import rss_mb, start_server, stop_server, worker_pids  # noqa: E402

QUICK = os.environ.get("QUICK", "") not in ("", "0")
SECONDS = float(os.environ.get("BENCH_SECONDS") or 1)
# Every target is measured this many times, in turn with all the others, and the median kept:
# on a shared 2-core machine one run of a few seconds can be off by a third, and the machine's
# speed changes within seconds, so many short rounds give a steadier median than a few long.
ROUNDS = int(os.environ.get("BENCH_ROUNDS") or (1 if QUICK else 8))
# A round starts only while the run can still end within 10 minutes: later rounds are dropped
# on a machine slow enough to need it, and the table says how many ran.
ROUNDS_START_BEFORE = 420
CONNECTIONS = 16
SMALL, BIG, MINE = (10, 1000, 100) if QUICK else (10, 10_000, 1_000)
EXPORT_MEMORY = None if QUICK else 100_000
PASSWORD = "bench-password-123"
REDIS_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/8")
DOC = ROOT / "docs" / "benchmarks.md"

# Targets (issue 8): HTML read pages reach half the floor's req/s with p99 under 100 ms; an
# answer POST stays under 150 ms p99; history pages at 10,000 stay within 20% of 10.
HTML_PAGES = {
    "home",
    "question",
    "review",
    "results",
    "shared result",
    f"team page ({SMALL:,}), first page",
    f"team page ({BIG:,}), first page",
    f"team page ({BIG:,}), last page",
    "compare",
    f"/mine/ ({SMALL:,})",
    f"/mine/ ({MINE:,})",
    f"/mine/ ({BIG:,})",
}
# History pages at BIG, each against the same page at SMALL: within 20%.
HISTORY = {
    f"team page ({BIG:,}), first page": f"team page ({SMALL:,}), first page",
    f"team page ({BIG:,}), last page": f"team page ({SMALL:,}), first page",
    f"/mine/ ({BIG:,})": f"/mine/ ({SMALL:,})",
}
# Measured against a floor of their own, just before them (see `main`).
PAIRED = HTML_PAGES | {"results.json"}


@dataclasses.dataclass
class Measure:
    name: str
    path: str
    requests_per_second: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    errors: int = 0
    # Whose cookies the requests carry (see `prepare`): None for a first visit.
    role: str | None = None
    # Downloads of megabytes are measured at a few connections, not 16, and for longer than
    # one of them takes.
    connections: int = CONNECTIONS
    seconds: float = SECONDS
    # Its req/s over the mean of the floor's measured just before and just after it: the
    # median over the rounds.
    share: float | None = None
    # The server's CPU time per request, in ms.
    cpu_ms: float | None = None


def run(command, env, **kwargs):
    return subprocess.run(
        command, cwd=ROOT, env=env, check=True, capture_output=True, text=True, **kwargs
    )


def throwaway_database(tmp: Path) -> tuple[dict, callable]:
    """Environment for a database that exists only for this run, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {"DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}"}, lambda: None
    import psycopg

    name = f"bench_{os.getpid()}_{int(time.time())}"
    parsed = urllib.parse.urlsplit(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return {"DATABASE_URL": parsed._replace(path=f"/{name}").geturl()}, drop


def seed(env) -> dict[str, dict]:
    """Teams for every target: name -> {"id", "member"}."""
    env = {**env, "DJANGO_DEBUG": "1"}
    run([sys.executable, "manage.py", "migrate", "--no-input", "-v0"], env, timeout=300)
    run([sys.executable, "manage.py", "load_default_questionnaire"], env, timeout=120)
    # One person each with few, some and many assessments of their own ("mine-…" would clash).
    plans = {
        "small": (SMALL, 4),
        "big": (BIG, 4),
        "few": (SMALL, 1),
        "mine": (MINE, 1),
        "many": (BIG, 1),
    }
    if EXPORT_MEMORY:
        plans["huge"] = (EXPORT_MEMORY, 2)
    teams = {}
    for prefix, (size, members) in plans.items():
        output = run(
            [
                sys.executable,
                "manage.py",
                "seed_demo",
                f"--sizes={size}",
                f"--members={members}",
                f"--prefix={prefix}",
                f"--password={PASSWORD}",
                "--seed=1",
            ],
            env,
            timeout=600,
        ).stdout
        team_id = int(re.search(r"\(id (\d+)\)", output).group(1))
        teams[prefix] = {"id": team_id, "member": f"{prefix}-1-1"}
    if env["DATABASE_URL"].startswith("postgres"):
        import psycopg

        # The tables as autovacuum leaves them a minute after a bulk load, as PostgreSQL's
        # "Populating a Database" advises: statistics for the planner, and the visibility map
        # that lets a count read an index alone.
        with psycopg.connect(env["DATABASE_URL"], autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return teams


def server_cpu_seconds(master: int) -> float:
    """CPU time (user and system) the server's workers have used so far: unlike req/s, not
    changed by what else the machine is doing."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in worker_pids(master):
        with contextlib.suppress(FileNotFoundError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wrk(base: str, measure: Measure, cookie: str | None, *, warm: bool, master: int) -> Measure:
    headers = ["-H", "Host: localhost", "-H", "X-Forwarded-Proto: https"]
    if cookie:
        headers += ["-H", f"Cookie: {cookie}"]
    url = base + measure.path
    load = ["-t2", f"-c{measure.connections}", "--timeout", "30s"]
    if warm:
        # A short warm-up fills every worker's caches and connections before measuring.
        subprocess.run(
            ["wrk", *load, "-d1s", *headers, url],
            capture_output=True,
            check=True,
            timeout=90,
        )
    cpu_before = server_cpu_seconds(master)
    output = subprocess.run(
        ["wrk", *load, f"-d{measure.seconds:g}s", "--latency", *headers, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=measure.seconds + 60,
    ).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    measure.cpu_ms = (server_cpu_seconds(master) - cpu_before) * 1000 / max(1, requests)
    measure.requests_per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    measure.p50_ms = _latency(output, "50%")
    measure.p99_ms = _latency(output, "99%")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    measure.errors = (int(bad.group(1)) if bad else 0) + (
        sum(int(n) for n in sockets.groups()) if sockets else 0
    )
    return measure


def median(samples: list[Measure]) -> Measure:
    """The median of each figure over the rounds, and every error counted."""
    shares = [m.share for m in samples if m.share is not None]
    return dataclasses.replace(
        samples[0],
        requests_per_second=statistics.median(m.requests_per_second for m in samples),
        p50_ms=statistics.median(m.p50_ms for m in samples),
        p99_ms=statistics.median(m.p99_ms for m in samples),
        errors=sum(m.errors for m in samples),
        share=statistics.median(shares) if shares else None,
        cpu_ms=statistics.median(m.cpu_ms for m in samples) if samples[0].cpu_ms else None,
    )


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def answering_client(base: str, seconds: float, threads: int = 4) -> Measure:
    """People answering and submitting whole assessments: the latency of every answer POST."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def person():
        while time.monotonic() < deadline:
            client = Client(base)
            timed = []
            original = client.request

            def request(method, path, data=None, _original=original, _timed=timed):
                response = _original(method, path, data)
                if method == "POST" and "/q/" in path:
                    _timed.append(response.seconds)
                return response

            client.request = request
            try:
                take_assessment(client)
            except (AssertionError, OSError):
                with lock:
                    errors[0] += 1
            finally:
                client.close()
            with lock:
                latencies.extend(timed)

    workers = [threading.Thread(target=person) for _ in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    measure = Measure("answer POST (whole assessments, 4 people)", "/a/…/q/n/")
    measure.requests_per_second = len(latencies) / elapsed
    if latencies:
        cuts = statistics.quantiles(latencies, n=100)
        measure.p50_ms, measure.p99_ms = cuts[49] * 1000, cuts[98] * 1000
    measure.errors = errors[0]
    return measure


def export_memory(base: str, master: int, client: Client, team_id: int) -> list[str]:
    """How far each worker's resident memory rises above where it started while exporting the
    100,000-assessment team, sampled every 20 ms during the download."""
    lines = []
    for kind in ("csv", "json"):
        before = {pid: rss_mb(pid) for pid in worker_pids(master)}
        peak = dict(before)
        done = threading.Event()

        def sample(peak=peak, done=done):
            while not done.is_set():
                for pid in peak:
                    with contextlib.suppress(FileNotFoundError):
                        peak[pid] = max(peak[pid], rss_mb(pid))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        response = client.get(f"/teams/{team_id}/export.{kind}")
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        growth = max(peak[pid] - before[pid] for pid in before)
        met = growth < 20 and response.status == 200
        lines.append(
            f"| export.{kind} of {EXPORT_MEMORY:,} assessments | {len(response.body) / 1e6:.1f} MB "
            f"in {seconds:.1f} s | largest worker growth {growth:.1f} MB "
            f"| {'met' if met else 'MISSED'} (< 20 MB) |"
        )
    return lines


def prepare(base: str, teams: dict) -> tuple[list[Measure], dict[str, str]]:
    """Every target's path, and the session cookie each needs."""
    visitor = Client(base)
    home = visitor.get("/")
    static = re.search(r'href="(/static/css/app\.[0-9a-f]+\.css)"', home.text).group(1)
    results = take_assessment(visitor)
    visitor.get("/")
    started = visitor.post("/start/")
    question = path_of(started.location)
    # Followed as a browser follows it, which also shows (and so clears) any notice.
    visitor.get(question)
    review = question.split("/q/")[0] + "/review/"

    member = Client(base)
    assert member.sign_in(teams["big"]["member"], PASSWORD).status == 302
    big = teams["big"]["id"]
    team_page = member.get(f"/teams/{big}/")
    ids = re.findall(rf'href="/teams/{big}/assessments/(\d+)/"', team_page.text)
    shared_from = member.post(f"/teams/{big}/assessments/{ids[0]}/share/")
    result_page = member.get(path_of(shared_from.location))
    shared = re.search(r'href="(/shared/[^"]+/)"', result_page.text).group(1)
    last_page = (BIG + 24) // 25

    mine = Client(base)
    assert mine.sign_in(teams["mine"]["member"], PASSWORD).status == 302
    small = teams["small"]["id"]
    # Each page is asked for with the cookies its visitor's browser holds by then: the CSRF
    # cookie from the form that led there, and the session of the signed-in. Home and a shared
    # result are asked for as a first visit, with none.
    assert "messages" not in visitor.cookies, "a notice left unread would be in every request"
    cookies = {
        "visitor": visitor.cookie_header(),
        "member": member.cookie_header(),
        "mine": mine.cookie_header(),
    }
    targets = [
        Measure("static file (ceiling)", static),
        Measure("/healthz (floor)", "/healthz"),
        Measure("home", "/"),
        Measure("question", question, role="visitor"),
        Measure("review", review, role="visitor"),
        Measure("results", results, role="visitor"),
        Measure("results.json", results.replace("/results/", "/results.json"), role="visitor"),
        Measure("shared result", shared),
        Measure(f"team page ({SMALL:,}), first page", f"/teams/{small}/", role="member-small"),
        Measure(f"team page ({BIG:,}), first page", f"/teams/{big}/", role="member"),
        Measure(
            f"team page ({BIG:,}), last page", f"/teams/{big}/?page={last_page}", role="member"
        ),
        Measure("compare", f"/teams/{big}/compare/?before={ids[-1]}&after={ids[0]}", role="member"),
        Measure(
            f"export.csv ({BIG:,})",
            f"/teams/{big}/export.csv",
            role="member",
            connections=2,
            seconds=SECONDS if QUICK else 10,
        ),
        Measure(
            f"export.json ({BIG:,})",
            f"/teams/{big}/export.json",
            role="member",
            connections=2,
            seconds=SECONDS if QUICK else 10,
        ),
        Measure(f"/mine/ ({SMALL:,})", "/mine/", role="few"),
        Measure(f"/mine/ ({MINE:,})", "/mine/", role="mine"),
        Measure(f"/mine/ ({BIG:,})", "/mine/", role="many"),
    ]
    for role, team in (("member-small", "small"), ("few", "few"), ("many", "many")):
        person = Client(base)
        assert person.sign_in(teams[team]["member"], PASSWORD).status == 302
        cookies[role] = person.cookie_header()
    return targets, cookies


def check(measures: list[Measure], history_shares: dict[str, float]) -> list[str]:
    missed = []
    for m in measures:
        if m.errors:
            missed.append(f"{m.name}: {m.errors} errors")
        if m.name in HTML_PAGES:
            if m.share < 0.5:
                missed.append(f"{m.name}: {m.share:.0%} of the floor")
            if m.p99_ms >= 100:
                missed.append(f"{m.name}: p99 {m.p99_ms:.0f} ms")
        if m.name.startswith("answer POST") and m.p99_ms >= 150:
            missed.append(f"{m.name}: p99 {m.p99_ms:.0f} ms")
    for name, share in history_shares.items():
        if share < 0.8:
            missed.append(f"{name}: {share:.0%} of {HISTORY[name]}")
    return missed


def table(measures: list[Measure], floor: float) -> list[str]:
    lines = [
        "| target | req/s | p50 ms | p99 ms | errors | share of the floor* | server CPU ms a "
        "request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for m in measures:
        share = m.share if m.share is not None else m.requests_per_second / floor
        lines.append(
            f"| {m.name} | {_rate(m.requests_per_second)} | {m.p50_ms:.1f} | {m.p99_ms:.1f} "
            f"| {m.errors} | {share:.0%} | {f'{m.cpu_ms:.2f}' if m.cpu_ms else '—'} |"
        )
    return lines


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}" if per_second >= 10 else f"{per_second:.2f}"


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return (
        f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def write_doc(backend: str, lines: list[str]):
    start, end = f"<!-- bench:{backend}:start -->", f"<!-- bench:{backend}:end -->"
    text = DOC.read_text() if DOC.exists() else ""
    block = "\n".join([start, *lines, end])
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _m: block, text, flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> int:
    if not shutil.which("wrk"):
        print("wrk is missing: run scripts/ensure-wrk", file=sys.stderr)
        return 2
    backend = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    database, drop = throwaway_database(tmp)
    server = None
    try:
        clock = time.monotonic()
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_URL"))
            },
            **database,
            "CACHE_URL": REDIS_URL,
        }
        teams = seed(env)
        print(f"seeded in {time.monotonic() - clock:.0f} s: {json.dumps(teams)}", flush=True)
        run(
            [
                sys.executable,
                "-c",
                "import redis,sys; redis.Redis.from_url(sys.argv[1]).flushdb()",
                REDIS_URL,
            ],
            env,
            timeout=30,
        )
        server, base, _env, log = start_server(
            tmp,
            **database,
            CACHE_URL=REDIS_URL,
            DJANGO_TRUSTED_PROXY_COUNT="1",
            # People start assessments far faster here than any office would.
            DJANGO_RATELIMIT_START="1000000/m",
            # deploy/start's own number of workers (two a core, and one). With two, all 16 of
            # wrk's kept-alive connections sometimes went to one worker, which halved a
            # measurement at random.
            WEB_CONCURRENCY=None,
        )
        targets, cookies = prepare(base, teams)
        samples: dict[str, list[Measure]] = {m.name: [] for m in targets}
        floor_target = next(m for m in targets if m.name.startswith("/healthz"))
        rounds_run = 0

        def measure_floor() -> Measure:
            # The floor keeps nothing to warm up: its first measurement's warm-up is enough.
            warm = not samples[floor_target.name]
            floor = wrk(base, dataclasses.replace(floor_target), None, warm=warm, master=server.pid)
            samples[floor_target.name].append(floor)
            return floor

        for round_number in range(ROUNDS):
            if round_number and time.monotonic() - clock > ROUNDS_START_BEFORE:
                print(f"  time is short: stopping after {round_number} rounds", flush=True)
                break
            rounds_run += 1
            first = round_number == 0
            # QUICK only shows that the harness still works, within a minute: no warm-ups, and
            # each page against the floor measured before it alone.
            warm = first and not QUICK
            # The floor measured last, while nothing else has been measured since.
            last_floor = None
            for target in targets:
                if target.connections < CONNECTIONS and not first:
                    # Downloads are timed, not compared with the floor: once is enough.
                    continue
                paired = target.name in PAIRED
                if paired and last_floor is None:
                    last_floor = measure_floor()
                sample = wrk(
                    base,
                    dataclasses.replace(target),
                    cookies.get(target.role),
                    warm=warm,
                    master=server.pid,
                )
                if paired and QUICK:
                    sample.share = sample.requests_per_second / last_floor.requests_per_second
                elif paired:
                    # The machine's speed drifts within seconds: each page is measured against
                    # the floor measured just before it and just after it.
                    before, last_floor = last_floor, measure_floor()
                    sample.share = sample.requests_per_second / statistics.mean(
                        (before.requests_per_second, last_floor.requests_per_second)
                    )
                else:
                    last_floor = None
                samples[target.name].append(sample)
                print(
                    f"  {target.name}: {sample.requests_per_second:,.0f} req/s"
                    + (f", {sample.share:.0%} of the floor" if sample.share else ""),
                    flush=True,
                )
        # Each against its own floor, so that drift between the two does not count.
        history_shares = {
            big_name: statistics.median(
                big.share / small.share
                for big, small in zip(samples[big_name], samples[small_name], strict=True)
            )
            for big_name, small_name in HISTORY.items()
        }
        measures = [median(samples[target.name]) for target in targets]
        measures.append(answering_client(base, SECONDS * ROUNDS))
        floor = next(m for m in measures if m.name.startswith("/healthz")).requests_per_second
        lines = table(measures, floor)
        lines += [
            "",
            "History pages against the same page at "
            + f"{SMALL:,} (median of the rounds' ratios of their shares): "
            + "; ".join(f"{name}, {share:.0%}" for name, share in history_shares.items())
            + ".",
        ]
        memory = []
        if EXPORT_MEMORY:
            memory = export_memory(
                base, server.pid, clients_for_huge(base, teams), teams["huge"]["id"]
            )
        missed = check(measures, history_shares)
        if "database is locked" in log.read_text():
            missed.append('"database is locked" in the server log')
        print("\n".join(lines))
        for line in memory:
            print(line)
            if "MISSED" in line:
                missed.append(line)
        took = time.monotonic() - clock
        print(
            f"\n{backend}, {CONNECTIONS} connections, {rounds_run} rounds of {SECONDS:g} s "
            f"a target, {took:.0f} s in all"
        )
        if not QUICK:
            stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
            write_doc(
                backend,
                [
                    f"### {'SQLite' if backend == 'sqlite' else 'PostgreSQL'}, {stamp}",
                    "",
                    f"Machine: {machine()}. wrk, {CONNECTIONS} connections, {SECONDS:g} s a target "
                    f"after a 1 s warm-up, {rounds_run} rounds; medians shown. The whole run took "
                    f"{took:.0f} s.",
                    "",
                    *lines,
                    "",
                    "\\* For pages (and results.json), the median over the rounds of its req/s "
                    "over the mean of the floor's measured just before and just after it; the "
                    "floor row is the median of every floor measurement. The server's CPU time "
                    "a request (its workers' user and system time over the requests served) "
                    "does not move with the machine's load, as req/s does: it shows what each "
                    "page costs the server.",
                    "",
                    *(
                        [
                            "| export | size and time | memory | target |",
                            "| --- | --- | --- | --- |",
                            *memory,
                            "",
                        ]
                        if memory
                        else []
                    ),
                    "Targets: "
                    + ("all met." if not missed else "missed: " + "; ".join(missed) + "."),
                ],
            )
        if missed:
            print("MISSED:\n  " + "\n  ".join(missed))
            return 0 if QUICK and not any("errors" in m or "locked" in m for m in missed) else 1
        print("every target met")
        return 0
    finally:
        if server is not None:
            stop_server(server)
        drop()
        shutil.rmtree(tmp, ignore_errors=True)


def clients_for_huge(base: str, teams: dict) -> Client:
    client = Client(base, timeout=300)
    assert client.sign_in(teams["huge"]["member"], PASSWORD).status == 302
    return client


if __name__ == "__main__":
    sys.exit(main())
