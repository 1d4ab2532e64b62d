"""System checks for settings that work in development but not in production."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    """Rate limits and cached content need one cache for every worker process."""
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is local to each process, so rate limits count each worker apart.",
                hint="Set CACHE_URL to a Redis server, e.g. redis://127.0.0.1:6379/0.",
                id="assessments.W001",
            )
        ]
    return []
