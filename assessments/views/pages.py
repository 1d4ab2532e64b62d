"""Read pages kept whole: drawn once for what they show, then served as they are until any of
it changes.

A kept view is decorated with `kept(stamp_of)`. On every request, `stamp_of` reads the page's
stamp from the database (see `assessments.services.stamps`) and decides access from it with the
same policy function the view applies to the objects themselves, raising 404 or 403 as the view
would; only then is the keep looked in. A page is kept under its address, who is viewing (id,
name and staff flag: the header shows them), the language and the stamp. The stamp is read
before anything the page shows, so a page drawn during a change is kept under the old stamp and
never served after it. Everything else a page depends on (the date, "how you compare"'s
window, parameters) is named in the stamp by `stamp_of`.

Forms carry a CSRF token of their own for each visitor: pages are drawn with a placeholder in
its place, replaced on every serve by Django's `get_token`. A request that carries a notice to
show (after a redirect) is drawn afresh and not kept. Only complete pages (200) that set no
cookie are kept, with their headers, and only when their address names what they show
(`kept_if_asked_as_shown`).
"""

from functools import cache, wraps

from django.contrib.messages import get_messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from assessments import caching

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


def kept_if_asked_as_shown(request, response, **shown):
    """`response`, marked as drawn for this request only unless each parameter asked for is
    absent or names what the page shows (`page=2` for the second page, not `page=999` or
    `page=02`): keeping every variant of an address would fill the cache."""
    for name, value in shown.items():
        if request.GET.get(name) not in (None, None if value is None else str(value)):
            response.not_kept = True
    return response


def kept(stamp_of):
    """Keep a read view's page whole (see the module). `stamp_of(request, **kwargs)` returns
    the stamp after deciding access from it, or raises; the view is called as
    `view(request, token_context, **kwargs)`, `token_context` being what its template takes
    for the CSRF token (the placeholder of a kept page), only when the page is not kept already
    (or is not to be kept: a POST, a notice to show)."""

    def decorate(view):
        @wraps(view)
        def kept_view(request, **kwargs):
            stamp = stamp_of(request, **kwargs)
            return kept_page(
                request, stamp, lambda token_context: view(request, token_context, **kwargs)
            )

        return kept_view

    return decorate


def kept_page(request, stamp, draw) -> HttpResponse:
    """The page `draw(token_context)` renders, kept under `stamp` and the request (see the
    module)."""
    if request.method not in ("GET", "HEAD") or len(get_messages(request)):
        return draw({})
    key = _key(request, stamp)
    found = caching.kept(key, page=True)
    if found is None:
        response = draw({"csrf_token": token_placeholder()})
        if (
            response.status_code != 200
            or getattr(response, "streaming", False)
            or getattr(response, "not_kept", False)
            or response.cookies
        ):
            return _with_token(request, response)
        found = (response.status_code, dict(response.headers), response.content.decode())
        caching.keep(key, found, seconds=SHARED_SECONDS, page=True)
    status, headers, html = found
    if token_placeholder() in html:
        # Only a page with a form needs a token (and sets the CSRF cookie).
        html = html.replace(token_placeholder(), get_token(request))
    return HttpResponse(html, status=status, headers=headers)


def _key(request, stamp) -> str:
    user = request.user
    return caching.key(
        "page",
        scheme=request.scheme,
        host=request.get_host(),
        path=request.path,
        viewer=(user.pk, user.get_username(), user.is_staff) if user.is_authenticated else None,
        language=get_language(),
        stamp=stamp,
    )


def _with_token(request, response):
    """A page not kept (a form with errors, say) still gets the visitor's own token."""
    placeholder = token_placeholder().encode()
    if not getattr(response, "streaming", False) and placeholder in response.content:
        response.content = response.content.replace(placeholder, get_token(request).encode())
    return response
