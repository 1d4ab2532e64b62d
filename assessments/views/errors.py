"""Error pages that Django or a library asks for by name in the settings."""

import sys

from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.urls import reverse


def csrf_failure(request, reason=""):
    """A tampered or expired form: say so in words, with a 403 page that leaks nothing."""
    return render(
        request,
        "403_csrf.html",
        {"home_url": reverse("assessments:home")},
        status=403,
    )


def server_error(request):
    """An unexpected error: a styled 500, or a 503 with Retry-After when the database cannot
    be reached (it comes back on its own). Django calls this inside its exception handler,
    so the exception is at hand; nothing of it reaches the page."""
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = render(request, "503.html", status=503)
        response["Retry-After"] = "5"
        return response
    return render(request, "500.html", status=500)
