"""Accounts: signing up, and a rate-limited password reset (Django's own views do the rest)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from assessments.forms import SignUpForm
from assessments.views.limits import per_address, per_email


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@per_address("signup")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("assessments:teams")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone took the name or the address between the check and the save.
            form.add_error(None, _("That username or email address was just taken: try again."))
            return render(request, "registration/signup.html", {"form": form}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s: your account is ready.") % {"name": user.get_username()}
        )
        return redirect(_safe_next(request, reverse("assessments:teams")))
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


password_reset = per_address("password_reset")(
    per_email("password_reset_email")(auth_views.PasswordResetView.as_view())
)
