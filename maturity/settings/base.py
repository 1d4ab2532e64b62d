"""Django settings for the GenAIOps maturity assessment.

Every setting that differs between a laptop and production comes from an environment
variable (see the configuration table in README.md). The defaults are safe for local
development; with DJANGO_DEBUG off the process refuses to start without a secret key.
"""

import hashlib
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "django_ratelimit",
    "assessments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a refused request (too many in too short a time) into the styled 429 page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "maturity.urls"
WSGI_APPLICATION = "maturity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "assessments.context_processors.site",
            ],
        },
    },
]

VAR_DIR.mkdir(exist_ok=True)
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DJANGO_CONN_MAX_AGE", 0),
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A web server writes from several threads or processes: WAL lets readers go on while one
    # writes, the busy timeout waits for the lock instead of failing, and IMMEDIATE takes the
    # write lock at the start of a transaction so two writers never deadlock half way.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    if not os.environ.get("DJANGO_CONN_MAX_AGE"):
        # A new SQLite connection reads the schema again on its first query: keeping each
        # thread's connection for a while saves that on every request.
        DATABASES["default"]["CONN_MAX_AGE"] = 600
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if env_bool("DJANGO_DB_POOL", True):
        from psycopg_pool import ConnectionPool

        # psycopg's pool replaces persistent connections; the two cannot be combined.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DJANGO_DB_POOL_MAX_SIZE", 10),
            # How long a request waits for a connection: when the database is down, people
            # get the 503 page in seconds, not after psycopg's default of 30.
            "timeout": env_int("DJANGO_DB_POOL_TIMEOUT", 3),
            # A connection that broke while idle (the database restarted) is replaced before a
            # request gets it, instead of answering that request with the 503 page.
            "check": ConnectionPool.check_connection,
        }
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    if env_bool("DJANGO_DB_PREPARED_STATEMENTS", True):
        # Parameters sent apart from the query, so that psycopg prepares a query the fifth
        # time a connection runs it: planning the pages' queries (the session's with its stamp
        # is 5 tables) cost PostgreSQL more than running them. Off for a pooler in
        # transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )


def cache_from_url(url: str) -> dict:
    """A CACHES entry from CACHE_URL: locmem:// (one cache per process) or redis://host:port/db
    (shared by every process, through Django's own Redis backend)."""
    scheme, _sep, rest = url.partition("://")
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "default",
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured(f"CACHE_URL must start with locmem:// or redis://, got {url!r}.")


CACHE_URL = os.environ.get("CACHE_URL") or "locmem://"
CACHES = {
    "default": {
        **cache_from_url(CACHE_URL),
        "KEY_PREFIX": "maturity",
        # Every key names the installation, a key kept in its database: nothing cached outlives
        # the database it came from (a restore, or two installations on one Redis).
        "KEY_FUNCTION": "assessments.caching.cache_key",
    }
}

# Sessions live in the database (Django's engine, on our session model: assessments/sessions.py),
# so every process sees a sign-out at once.
SESSION_ENGINE = "assessments.sessions"

# `manage.py purge_stale` deletes anonymous assessments left unfinished this many days.
STALE_ASSESSMENT_DAYS = env_int("DJANGO_STALE_ASSESSMENT_DAYS", 90)

# The site's name where no questionnaire names the page (pages about one show its title).
SITE_NAME = os.environ.get("DJANGO_SITE_NAME") or "Maturity self-assessment"

# "How you compare": a result measured against the latest result of every other signed-in
# person (by their own results and their teams'), shown only in bands of more than this many of
# them, and released anew only once this many have changed (assessments/services/benchmark.py).
# Results taken without an account are left out. Releases are looked up again at most every
# BENCHMARK_CACHE_SECONDS.
BENCHMARK_ENABLED = env_bool("DJANGO_BENCHMARK_ENABLED", True)
BENCHMARK_MIN_GROUPS = env_int("DJANGO_BENCHMARK_MIN_GROUPS", 5)
if BENCHMARK_MIN_GROUPS < 1:
    raise ImproperlyConfigured("DJANGO_BENCHMARK_MIN_GROUPS must be 1 or more.")
BENCHMARK_CACHE_SECONDS = env_int("DJANGO_BENCHMARK_CACHE_SECONDS", 300)

# Requests per client address (behind DJANGO_TRUSTED_PROXY_COUNT proxies), counted in the
# cache: "N/s", "N/m", "N/h" or "N/d". A refused request gets the styled 429 page.
RATELIMIT_ENABLE = env_bool("DJANGO_RATELIMIT_ENABLE", True)
RATE_LIMITS = {
    "start": os.environ.get("DJANGO_RATELIMIT_START") or "20/m",
    "signup": os.environ.get("DJANGO_RATELIMIT_SIGNUP") or "10/h",
    "password_reset": os.environ.get("DJANGO_RATELIMIT_PASSWORD_RESET") or "10/h",
    "password_reset_email": os.environ.get("DJANGO_RATELIMIT_PASSWORD_RESET_EMAIL") or "3/h",
}
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists django-redis but not Django's own Redis backend, which has the
    # atomic increment it needs.
    "django_ratelimit.W001",
    # HSTS preload is off by default on purpose (DJANGO_HSTS_PRELOAD): leaving the browsers'
    # preload list takes months, so a site must opt in knowingly.
    "security.W021",
]
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # One cache per process counts each worker's requests apart: good enough for development
    # and tests; production sets CACHE_URL to Redis (our own check warns otherwise).
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Only Bootstrap's stylesheets: the pages need no Bootstrap JavaScript.
    ("bootstrap/css", Path(xstatic.pkg.bootstrap.BASE_DIR) / "css"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise too.
WHITENOISE_ROOT = BASE_DIR / "maturity" / "public"
# Development and tests serve static files straight from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Repeated failed sign-ins pause signing in for a while, counted along three axes (django-axes
# keeps the counts in the database, so every gunicorn worker sees them): a username from one
# address; one address, whatever the usernames (spraying); one username, whatever the
# addresses (distributed guessing). Each axis has its own limit, in this order.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address", "username"]
LOGIN_FAILURE_LIMITS = (
    env_int("DJANGO_LOGIN_FAILURE_LIMIT", 5),
    env_int("DJANGO_LOGIN_FAILURE_LIMIT_PER_ADDRESS", 20),
    env_int("DJANGO_LOGIN_FAILURE_LIMIT_PER_USERNAME", 50),
)
if min(LOGIN_FAILURE_LIMITS) < 1:
    raise ImproperlyConfigured("Every DJANGO_LOGIN_FAILURE_LIMIT* must be 1 or more.")
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMITS[0]
AXES_HANDLER = "maturity.lockout.ThreeAxisLockoutHandler"
AXES_COOLOFF_TIME = timedelta(minutes=env_int("DJANGO_LOGIN_COOLOFF_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
# No record of successful sign-ins (address, browser) kept forever.
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "maturity.client_ip.client_ip"
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:teams"
LOGOUT_REDIRECT_URL = "assessments:home"

EMAIL_BACKEND_PATH = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS: dict[str, dict[str, object]] = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("DJANGO_EMAIL_HOST", "localhost"),
        "port": env_int("DJANGO_EMAIL_PORT", 587),
        "username": os.environ.get("DJANGO_EMAIL_USER", ""),
        "password": os.environ.get("DJANGO_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", True),
    }
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Pages use no inline script or style and nothing from another origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    if TRUSTED_PROXY_COUNT >= 1:
        # Only a proxy of ours may say the client spoke HTTPS; without one, a client could.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # The container's health check speaks plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    # Preloading is hard to undo, so it is something a site opts into, never a default.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Private-link tokens are credentials: every line is written with them redacted.
    "filters": {"redact_tokens": {"()": "maturity.log_redaction.RedactTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
    },
    "loggers": {
        # Django's own defaults would also print these through an unfiltered handler.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # django-axes logs every successful sign-in (name and address) at INFO: keep only
        # warnings, such as lockouts.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

CSRF_FAILURE_VIEW = "assessments.views.errors.csrf_failure"


def code_release() -> str:
    """A name for the code, templates, translations and static files this process serves,
    when the deploy names none (DJANGO_CACHE_VERSION)."""
    digest = hashlib.sha256()
    files = sorted(
        [
            *BASE_DIR.glob("templates/**/*.html"),
            *(
                path
                for app in ("assessments", "maturity")
                for path in BASE_DIR.glob(f"{app}/**/*.py")
            ),
            *(path for folder in LOCALE_PATHS for path in Path(folder).glob("**/*.mo")),
        ]
    )
    for path in [*files, Path(STATIC_ROOT) / "staticfiles.json"]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# The release, in every cache key: renderings kept by an earlier release (in Redis, across a
# deploy) are never served by a later one.
CACHES["default"]["VERSION"] = os.environ.get("DJANGO_CACHE_VERSION") or code_release()
