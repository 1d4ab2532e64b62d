"""The container's start script, run outside Docker: real gunicorn with production settings."""

import re
import subprocess
import sys
import time
from urllib.parse import quote

import pytest

from tests.support.servers import ROOT, fetch, start_server, stop_server

pytestmark = pytest.mark.server


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
    assert "<h1>GenAIOps Maturity Model Assessment</h1>" in page
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
        # Percent-encoded in a query string, as a sign-in's "next" carries it.
        fetch(
            f"{base}/accounts/login/?next={quote(f'{prefix}{secret}/', safe='')}",
            **{"X-Forwarded-Proto": "https"},
        )
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
