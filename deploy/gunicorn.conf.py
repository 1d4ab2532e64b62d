"""gunicorn settings for the production container; every value can be overridden from the
environment (PORT, WEB_CONCURRENCY, GUNICORN_TIMEOUT, FORWARDED_ALLOW_IPS)."""

import multiprocessing
import os

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
accesslog = "-"
errorlog = "-"
# Private-link tokens never reach the logs.
logger_class = "maturity.log_redaction.GunicornLogger"
# gunicorn believes X-Forwarded-Proto only from these addresses. Without a proxy in front
# (DJANGO_TRUSTED_PROXY_COUNT=0) nobody is believed, so a client cannot claim HTTPS.
forwarded_allow_ips = os.environ.get(
    "FORWARDED_ALLOW_IPS",
    "127.0.0.1" if int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT") or 0) >= 1 else "",
)
wsgi_app = "maturity.wsgi:application"
