"""The container's start script, run outside Docker: real gunicorn with production settings."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, **headers):
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Host": "localhost", **headers})
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def start_server(tmp_path, **extra_env):
    """deploy/start on a free loopback port, its output written to tmp_path/server.log."""
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-production-like-secret-key-used-only-by-this-test-0123456789",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PYTHON": sys.executable,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        **extra_env,
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    log = tmp_path / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(ROOT / "deploy" / "start")],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"gunicorn did not come up:\n{log.read_text()}")
        time.sleep(0.3)
    return process, base, env, log


def stop_server(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """The server behind one TLS-terminating proxy of ours, which the requests play."""
    process, base, env, log = start_server(
        tmp_path_factory.mktemp("production"), DJANGO_TRUSTED_PROXY_COUNT="1"
    )
    yield base, env, log
    stop_server(process)


def test_gunicorn_serves_pages_and_compressed_cached_static_files(production_server):
    base, _env, _log = production_server
    status, headers, body = fetch(f"{base}/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    page = body.decode()
    assert "How mature is your GenAIOps practice?" in page
    assert "Content-Security-Policy" in headers
    assert headers.get("Strict-Transport-Security", "").startswith("max-age=")

    stylesheet = re.search(
        r'href="(/static/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css)"', page
    )
    assert stylesheet, "the page links a hashed, collected stylesheet"
    status, headers, body = fetch(
        base + stylesheet.group(1), **{"Accept-Encoding": "gzip", "X-Forwarded-Proto": "https"}
    )
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]


def test_plain_http_is_redirected_to_https_but_the_health_check_is_not(production_server):
    base, env, _log = production_server
    status, headers, _body = fetch(f"{base}/")
    assert status == 301 and headers["Location"].startswith("https://")
    check = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.returncode == 0, check.stderr


def test_unknown_page_is_the_styled_404(production_server):
    base, _env, _log = production_server
    status, _headers, body = fetch(f"{base}/nowhere", **{"X-Forwarded-Proto": "https"})
    assert status == 404
    assert b"Page not found" in body and b"Traceback" not in body


def test_without_a_proxy_a_client_cannot_claim_https(tmp_path):
    process, base, _env, _log = start_server(tmp_path, WEB_CONCURRENCY="1")
    try:
        status, headers, _body = fetch(f"{base}/", **{"X-Forwarded-Proto": "https"})
    finally:
        stop_server(process)
    assert status == 301 and headers["Location"].startswith("https://")


def test_private_link_tokens_never_reach_the_log(production_server):
    base, _env, log = production_server
    secrets = {
        "/a/": "assessment-secret-0123456789abcdef",
        "/invitations/": "invitation-secret-0123456789abcdef",
        "/shared/": "shared-secret-0123456789abcdef",
    }
    for prefix, secret in secrets.items():
        status, _headers, _body = fetch(
            f"{base}{prefix}{secret}/",
            **{"X-Forwarded-Proto": "https", "Referer": f"https://localhost{prefix}{secret}/q/1/"},
        )
        assert status == 404
    deadline = time.monotonic() + 10
    while "Not Found: /shared/[redacted]/" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text()
    assert "Not Found: /a/[redacted]/" in text, "Django's request log"
    assert '"GET /invitations/[redacted]/ HTTP/1.1" 404' in text, "gunicorn's access log"
    for secret in secrets.values():
        assert secret not in text
