"""Configuration from the environment, checked in fresh processes as an operator starts them."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import DatabaseError
from django.test import override_settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "CACHE_URL"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_a_malformed_database_url_is_named():
    result = run_manage("check", DJANGO_DEBUG="1", DATABASE_URL="nonsense://what")
    assert result.returncode != 0
    assert "DATABASE_URL is not a valid database URL" in result.stderr


def test_a_malformed_boolean_is_named():
    result = run_manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_deploy_check_passes_with_production_variables():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 64 + "production-like-secret-key-for-the-check",
        DJANGO_ALLOWED_HOSTS="maturity.example.com",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "x" * 64 + "production-like-secret-key-for-the-check",
    "DJANGO_ALLOWED_HOSTS": "maturity.example.com",
}


def test_the_deploy_check_warns_when_the_cache_is_per_process():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode != 0
    assert "assessments.W001" in result.stderr + result.stdout
    assert "CACHE_URL" in result.stderr + result.stdout


def setting(name, **env):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print(repr(settings.{name}))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_https_is_trusted_from_a_header_only_behind_a_proxy():
    assert setting("SECURE_PROXY_SSL_HEADER", **PRODUCTION) == "None"
    behind = setting("SECURE_PROXY_SSL_HEADER", **PRODUCTION, DJANGO_TRUSTED_PROXY_COUNT="1")
    assert behind == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_hsts_preload_is_off_unless_asked_for():
    assert setting("SECURE_HSTS_PRELOAD", **PRODUCTION) == "False"
    assert setting("SECURE_HSTS_PRELOAD", **PRODUCTION, DJANGO_HSTS_PRELOAD="1") == "True"


def test_the_cache_comes_from_cache_url():
    assert "LocMemCache" in setting("CACHES['default']['BACKEND']", DJANGO_DEBUG="1")
    redis = setting("CACHES['default']", DJANGO_DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/3")
    assert "django.core.cache.backends.redis.RedisCache" in redis
    assert "redis://127.0.0.1:6379/3" in redis


def test_postgresql_queries_are_prepared_unless_turned_off():
    url = "postgres://someone@db.example:5432/maturity"
    options = "DATABASES['default']['OPTIONS']"
    prepared = setting(options, DJANGO_DEBUG="1", DATABASE_URL=url)
    assert "'server_side_binding': True" in prepared and "'prepare_threshold': 5" in prepared
    plain = setting(options, DJANGO_DEBUG="1", DATABASE_URL=url, DJANGO_DB_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in plain and "prepare_threshold" not in plain


def test_a_malformed_cache_url_is_named():
    result = run_manage("check", DJANGO_DEBUG="1", CACHE_URL="memcache://nowhere")
    assert result.returncode != 0
    assert "CACHE_URL must start with locmem:// or redis://" in result.stderr


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    from assessments.views import taking as views

    class Unreachable:
        def cursor(self):
            raise DatabaseError("connection refused")

    monkeypatch.setattr(views, "connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503


@override_settings(DEBUG=False)
def test_an_exception_shows_the_styled_500_without_a_traceback(client, db, monkeypatch):
    from assessments.services import catalogue

    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(catalogue, "entries", explode)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"secret internal detail" not in response.content
    assert b"Traceback" not in response.content


def test_client_ip_trusts_only_the_configured_number_of_proxies(rf, settings):
    from maturity.client_ip import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"
    settings.TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.0.0.2"


def test_the_suite_runs_on_settings_of_its_own_and_the_app_on_its_own():
    from django.conf import settings

    assert settings.SETTINGS_MODULE == "maturity.settings.test"
    assert setting("SETTINGS_MODULE", DJANGO_DEBUG="1") == "'maturity.settings.base'"
    assert "MD5" not in setting("PASSWORD_HASHERS", DJANGO_DEBUG="1")
