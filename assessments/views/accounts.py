"""Accounts: signing up, a rate-limited password reset, a password change limited as signing in
is (Django's own views do the rest), and
the person's control over their data: downloading it and deleting the account."""

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assessments.forms import LimitedPasswordChangeForm, PasswordConfirmForm, SignUpForm
from assessments.services import accounts as data
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


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's, with the old password checked as a sign-in is (limited by django-axes)."""

    form_class = LimitedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


password_change = PasswordChangeView.as_view()


@never_cache
@login_required
@require_safe
def account(request):
    """The person's own page: their data to download, and deleting the account."""
    return render(request, "registration/account.html", {"plan": data.deletion_plan(request.user)})


@never_cache
@login_required
@require_safe
def my_data(request):
    response = JsonResponse(
        data.my_data(request.user), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="my-data-{timezone.now():%Y-%m-%d}.json"'
    )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            data.delete_account(request=request, user=user, password=form.cleaned_data["password"])
        except data.AccountError as error:
            form.add_error(None, str(error))
        else:
            logout(request)
            messages.success(request, _("Your account and your personal assessments are deleted."))
            return redirect("assessments:home")
    return render(
        request,
        "registration/delete_account.html",
        {"form": form, "plan": data.deletion_plan(request.user)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
