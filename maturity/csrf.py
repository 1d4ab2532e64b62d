"""A form's CSRF token on a kept page (`assessments.views.pages`): Django's token, made with
less work.

Django's `get_token` masks the cookie's secret afresh for every page, so that no two pages
carry the same token (a compressed page that repeated it could leak it: BREACH), and it asks
for the cookie to be set again with every page, to move its expiry on. On a kept page those two
were most of what serving it cost: the mask draws its 32 characters with one call for
randomness each (about 25 µs), and setting the cookie again about 40 µs.

Here the mask is drawn from one call for random bytes, uniformly over the same characters, and
applied exactly as Django applies it, so Django's middleware checks the token as its own. A
kept page sets the cookie only for a visitor who has none, through `get_token` itself. It does
not move the expiry on: every page that is drawn does, and signing in sets a new cookie, so a
cookie lapses only after a year of reading kept pages alone, and the next page then sets a new
one.
"""

import secrets

from django.middleware.csrf import CSRF_ALLOWED_CHARS, get_token

_CHARS = CSRF_ALLOWED_CHARS
# Bytes from this value up are dropped, so that each character is drawn as often as any other.
_UNBIASED = 256 - 256 % len(_CHARS)


def form_token(request) -> str:
    """The token a form on this response carries: the visitor's secret under a new mask."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        return get_token(request)
    mask = _random_chars(len(secret))
    indexes = zip(map(_CHARS.index, secret), map(_CHARS.index, mask), strict=True)
    return mask + "".join(_CHARS[(x + y) % len(_CHARS)] for x, y in indexes)


def _random_chars(count: int) -> str:
    chars: list[str] = []
    while len(chars) < count:
        chars += [_CHARS[b % len(_CHARS)] for b in secrets.token_bytes(2 * count) if b < _UNBIASED]
    return "".join(chars[:count])
