"""Read pages kept whole: drawn once for what they show, then served as they are until any of
it changes.

A page is kept under its address, who is viewing (id, name and staff flag: the header shows
them), the language, and a stamp the view reads from the database with its first query (for a
signed-in page, the session's own: see `assessments.services.stamps`): an assessment's
last-saved moment and its version's advice date, a team's `changed_at` (see
`assessments.models.stamps`). The stamp is read before anything the page shows, so a page drawn
during a change is kept under the old stamp and never served after it. Everything else a page
depends on (the date, "how you compare"'s few-minute window, parameters) is named in the stamp
by the view.

Forms carry a CSRF token of their own for each visitor: pages are drawn with a placeholder in
its place, replaced on every serve. A request that carries a notice to show (after a redirect)
is drawn afresh and not kept. Only complete pages (200) are kept, and only when their address
names what they show (`kept_if_asked_as_shown`).
"""

import hashlib
from functools import cache, wraps

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import salted_hmac
from django.utils.http import http_date
from django.utils.translation import get_language

from assessments import caching
from maturity.csrf import form_token

# Long enough to serve a page many times; short enough that pages nobody reads again leave
# the shared cache soon.
SHARED_SECONDS = 3600


@cache
def token_placeholder() -> str:
    """What stands for the visitor's CSRF token in a kept page: derived from the secret key,
    so no text a person can write into a page (a note, a team's name) can be taken for it."""
    return (
        "kept-" + salted_hmac("kept-page-csrf-token", "placeholder", algorithm="sha256").hexdigest()
    )


# The Cache-Control Django's `never_cache` writes, field by field, for a response with none.
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"


def never_cache(view):
    """Django's `never_cache`, writing its two headers whole on a response that has neither:
    patching them field by field cost a kept page as much as finding it in the keep (30 µs)."""

    @wraps(view)
    def never_cached(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if "Cache-Control" in response.headers or "Expires" in response.headers:
            add_never_cache_headers(response)
        else:
            response.headers["Expires"] = http_date()
            response.headers["Cache-Control"] = NEVER_CACHE
        return response

    return never_cached


def kept_if_asked_as_shown(request, response, **shown):
    """`response`, marked as drawn for this request only unless each parameter asked for is
    absent or names what the page shows (`page=2` for the second page, not `page=999` or
    `page=02`): keeping every variant of an address would fill the cache."""
    for name, value in shown.items():
        if request.GET.get(name) not in (None, None if value is None else str(value)):
            response.not_kept = True
    return response


def kept_page(request, stamp, draw) -> HttpResponse:
    """The page `draw(kept)` renders, kept under `stamp` and the request (see the module).

    `draw` receives context to add to its template's (the placeholder token), and returns the
    response; it runs only when the page is not kept already."""
    if request.method not in ("GET", "HEAD") or len(get_messages(request)):
        return draw({})
    key = "page:" + _key(request, stamp)
    html = caching.kept(key, page=True)
    if html is None:
        response = draw({"csrf_token": token_placeholder()})
        if (
            response.status_code != 200
            or getattr(response, "streaming", False)
            or getattr(response, "not_kept", False)
        ):
            return _with_token(request, response)
        html = response.content.decode()
        caching.keep(key, html, seconds=SHARED_SECONDS, page=True)
    if token_placeholder() in html:
        # Only a page with a form needs a token (and sets the CSRF cookie).
        html = html.replace(token_placeholder(), form_token(request))
    return HttpResponse(html)


def _key(request, stamp) -> str:
    user = request.user
    viewer = (user.pk, user.get_username(), user.is_staff) if user.is_authenticated else None
    parts = (request.scheme, request.get_host(), request.path, viewer, get_language(), stamp)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _with_token(request, response):
    """A page not kept (a form with errors, say) still gets the visitor's own token."""
    placeholder = token_placeholder().encode()
    if not getattr(response, "streaming", False) and placeholder in response.content:
        response.content = response.content.replace(placeholder, form_token(request).encode())
    return response
