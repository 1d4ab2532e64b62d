"""Every URL the app serves, from the resolver, for the tests that walk them all: a URL added
later is walked too."""

from django.urls import URLPattern, URLResolver, get_resolver


def routes(*, admin: bool = False, patterns=None, namespace="", converters=None):
    """(name with its namespace, {parameter: converter}) of every named URL pattern, the
    parameters of the resolvers above it included; the admin's only when `admin`."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        found = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            if not admin and "admin" in (pattern.namespace, pattern.app_name):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from routes(
                admin=admin, patterns=pattern.url_patterns, namespace=inner, converters=found
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", found
