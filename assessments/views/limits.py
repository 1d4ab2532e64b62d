"""Rate limits per client address, counted in the cache by django-ratelimit.

The rates live in settings.RATE_LIMITS and are read at request time, so an operator sets them
from the environment and a test can change them.
"""

import contextlib
import ipaddress

from django.conf import settings
from django_ratelimit.decorators import ratelimit

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


def per_address(group: str):
    """Refuse POSTs beyond RATE_LIMITS[group] from one client address."""
    return ratelimit(group=group, key=_client_address, rate=_rate, method="POST")


def per_email(group: str):
    """Refuse POSTs beyond RATE_LIMITS[group] for one email address in the form."""
    return ratelimit(group=group, key=_email, rate=_rate, method="POST")
