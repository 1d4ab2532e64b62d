"""Read pages kept whole: drawn once for what they show, then served as they are until any of
it changes.

A page is kept under its address, who is viewing (id, name and staff flag: the header shows
them), the language, and a stamp the view reads from the database with its first query: an
assessment's last-saved moment and its version's advice date, a team's `changed_at` (see
`assessments.models.stamps`). The stamp is read before anything the page shows, so a page drawn
during a change is kept under the old stamp and never served after it. Everything else a page
depends on (the date, "how you compare"'s few-minute window, parameters) is named in the stamp
by the view.

Forms carry a CSRF token of their own for each visitor: pages are drawn with a placeholder in
its place, replaced on every serve. A request that carries a notice to show (after a redirect)
is drawn afresh and not kept. Only complete pages (200) are kept.
"""

import hashlib

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from assessments import caching

# Long enough to serve a page many times; short enough that pages nobody reads again leave
# the shared cache soon.
SHARED_SECONDS = 3600
# Not a token the CSRF middleware could ever issue (they are 64 letters and digits).
TOKEN_PLACEHOLDER = "kept-page-csrf-token"


def kept_page(request, stamp, draw) -> HttpResponse:
    """The page `draw(kept)` renders, kept under `stamp` and the request (see the module).

    `draw` receives context to add to its template's (the placeholder token), and returns the
    response; it runs only when the page is not kept already."""
    if request.method not in ("GET", "HEAD") or len(get_messages(request)):
        return draw({})
    key = "page:" + _key(request, stamp)
    html = caching.kept(key)
    if html is None:
        response = draw({"csrf_token": TOKEN_PLACEHOLDER})
        if response.status_code != 200 or getattr(response, "streaming", False):
            return _with_token(request, response)
        html = response.content.decode()
        caching.keep(key, html, seconds=SHARED_SECONDS)
    return HttpResponse(html.replace(TOKEN_PLACEHOLDER, get_token(request)))


def _key(request, stamp) -> str:
    user = request.user
    viewer = (user.pk, user.get_username(), user.is_staff) if user.is_authenticated else None
    parts = (request.scheme, request.get_host(), request.path, viewer, get_language(), stamp)
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _with_token(request, response):
    """A page not kept (a form with errors, say) still gets the visitor's own token."""
    if hasattr(response, "content") and TOKEN_PLACEHOLDER.encode() in response.content:
        response.content = response.content.replace(
            TOKEN_PLACEHOLDER.encode(), get_token(request).encode()
        )
    return response
