"""The client's address for sign-in lockouts, seen through the reverse proxies we trust."""

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or with DJANGO_TRUSTED_PROXY_COUNT=N the address N hops from the right of
    X-Forwarded-For: the one our own outermost proxy saw, which a client cannot forge."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")
