"""Error pages that Django or a library asks for by name in the settings."""

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


def rate_limited(request, exception=None):
    """Too many requests from one address in too short a time (RATE_LIMITS)."""
    return render(request, "429.html", status=429)
