"""The test suite's settings: the app's own (`base`), with what the tests need instead.
pytest selects them (pyproject.toml); a server a test starts runs the app's own settings."""

import os

# Read by `base` as the app reads them: set first, unless the run sets them itself (the
# PostgreSQL run gives DATABASE_URL and CACHE_URL).
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-never-used-outside-the-test-suite")
# Each test opens its own connection: no pool, no connection kept between requests.
os.environ.setdefault("DJANGO_DB_POOL", "0")
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "0")

from maturity.settings.base import *  # noqa: F403
from maturity.settings.base import STORAGES

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# Hashing passwords slowly on purpose is the point in production and only a cost in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files straight from the app folders, without collectstatic.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
