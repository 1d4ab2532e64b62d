"""Caching of values that never change under their key.

Every key used here names an immutable thing: a published version's structure (by the
version and the moment it was published), or a rendering stamped with the moment its advice was
last revised, read from the database with the page's own query. So a value may be kept in this
process as well as in the shared cache, with no invalidation: when the content changes, the key
does. The process keeps a bounded number of recent values; the shared cache (CACHE_URL) lets
the other workers reuse what one has computed.
"""

import hashlib
import logging
import secrets
import threading
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

LOCAL_ENTRIES = 512
# Whole pages are larger than fragments (5-60 KB): fewer of them are kept in each process, so
# that a worker's memory stays flat; the shared cache keeps the rest.
LOCAL_PAGES = 48
SHARED_SECONDS = 7 * 24 * 3600

_local: OrderedDict = OrderedDict()
_local_pages: OrderedDict = OrderedDict()
_lock = threading.Lock()


def key(kind: str, **parts) -> str:
    """The one place a cache key is built: the kind of value, then the named parts that
    identify it (hashed, so that any value may be a part). Every key is also named by the
    installation and the release (`cache_key`)."""
    digest = hashlib.sha256(repr(sorted(parts.items())).encode()).hexdigest()[:32]
    return f"{kind}:{digest}"


_installation: str | None = None


def installation() -> str:
    """This database's installation key (see `Installation`), read once a process. Until it
    can be read (no table before the first migrate, no database), a key of this process alone
    stands in, so that nothing is shared under another database's name."""
    global _installation
    if _installation is None:
        # Imported here: the cache may be built before the models are ready.
        from assessments.models import Installation

        try:
            # In a savepoint of its own: a failure must not spoil a transaction around it.
            with transaction.atomic():
                _installation = Installation.current_key()
        except Exception:
            # Not kept: the next cache call asks the database again.
            return f"unread-{_process_key}"
    return _installation


_process_key = secrets.token_hex(8)


def forget_installation() -> None:
    """Read the installation key again (after a restore has made a new one)."""
    global _installation
    _installation = None


def cache_key(key: str, key_prefix: str, version) -> str:
    """Every key of the shared cache (CACHES' KEY_FUNCTION): the installation's key after the
    prefix, so that a restored database, or another installation on the same Redis, never
    reads what was kept for another; then the release (CACHES' VERSION, see the settings), so
    that renderings kept by an earlier release are never served by a later one."""
    return f"{key_prefix}:{installation()}:{version}:{key}"


def immutable(key: str, compute, *, seconds: int = SHARED_SECONDS):
    """The value under `key`: from this process, else the shared cache, else `compute()`."""
    value = kept(key)
    if value is None:
        value = compute()
        keep(key, value, seconds=seconds)
    return value


def kept(key: str, *, page: bool = False):
    """The value under `key`, from this process or else the shared cache; None if neither
    has it. `page`: a whole page, kept in this process's shorter list of pages."""
    full = _full(key)
    local = _local_pages if page else _local
    with _lock:
        if full in local:
            local.move_to_end(full)
            return local[full]
    if page and not _shared():
        return None
    try:
        value = cache.get(key)
    except Exception:
        # The shared cache only saves work: when it is down, pages are computed, not refused.
        log.warning("The shared cache could not be read; computing %s", key.split(":")[0])
        return None
    if value is not None:
        _keep_local(full, value, page=page)
    return value


def keep(key: str, value, *, seconds: int = SHARED_SECONDS, page: bool = False) -> None:
    """Keep `value` under `key` in this process and, for `seconds`, in the shared cache."""
    full = _full(key)
    try:
        # A cache of this process only would hold whole pages a second time.
        if not page or _shared():
            cache.set(key, value, seconds)
    except Exception:
        log.warning("The shared cache could not be written")
    _keep_local(full, value, page=page)


def _full(key: str) -> str:
    # The shared cache's keys carry the installation (`cache_key`); this process's own must
    # too, for a restore made while it runs. The release never changes while it runs.
    return f"{installation()}:{key}"


def _shared() -> bool:
    return not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")


def _keep_local(key: str, value, *, page: bool = False) -> None:
    local, limit = (_local_pages, LOCAL_PAGES) if page else (_local, LOCAL_ENTRIES)
    with _lock:
        local[key] = value
        local.move_to_end(key)
        while len(local) > limit:
            local.popitem(last=False)


def forget_local() -> None:
    """Drop this process's copies (tests start each case from nothing)."""
    with _lock:
        _local.clear()
        _local_pages.clear()


def for_a_while(key: str, seconds: int, compute):
    """`compute()`, kept in the shared cache for `seconds`: for figures that change with
    everyone's submissions, where a few minutes' delay does no harm."""
    try:
        value = cache.get(key)
    except Exception:
        log.warning("The shared cache could not be read; computing %s", key.split(":")[0])
        value = None
    if value is None:
        value = compute()
        try:
            cache.set(key, value, seconds)
        except Exception:
            log.warning("The shared cache could not be written")
    return value
