"""Rate limits per client address, counted in the cache by django-ratelimit.

The rates live in settings.RATE_LIMITS and are read at request time, so an operator sets them
from the environment and a test can change them.
"""

import contextlib
import functools
import ipaddress
import math

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage

from maturity.client_ip import client_ip


def _rate(group, request):
    return settings.RATE_LIMITS[group]


def _client_address(group, request):
    address = client_ip(request) or ""
    if ":" in address:
        # One IPv6 client holds a whole /64: counting its addresses apart would let it rotate.
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def _email(group, request):
    # Case and spaces do not make another address, so they must not make another count.
    return request.POST.get("email", "").strip().lower()


def too_many(request, seconds_left: int):
    """The styled 429 page, saying when to try again (and telling machines, Retry-After)."""
    seconds = max(int(seconds_left), 1)
    response = render(
        request, "429.html", {"minutes": math.ceil(seconds / 60), "seconds": seconds}, status=429
    )
    response["Retry-After"] = str(seconds)
    return response


def _limited(group: str, key):
    """Refuse POSTs beyond RATE_LIMITS[group] for one value of `key`, counted per window."""

    def decorate(view):
        @functools.wraps(view)
        def limited_view(request, *args, **kwargs):
            usage = get_usage(
                request, group=group, key=key, rate=_rate, method="POST", increment=True
            )
            if usage is not None and usage["should_limit"]:
                return too_many(request, usage["time_left"])
            return view(request, *args, **kwargs)

        return limited_view

    return decorate


def per_address(group: str):
    """Refuse POSTs beyond RATE_LIMITS[group] from one client address."""
    return _limited(group, _client_address)


def per_email(group: str):
    """Refuse POSTs beyond RATE_LIMITS[group] for one email address in the form."""
    return _limited(group, _email)
