from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments.views import accounts, taking

admin.site.site_header = _("GenAIOps maturity: content administration")
admin.site.site_title = _("GenAIOps maturity admin")

urlpatterns = [
    path("healthz", taking.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Before Django's own, which it replaces with a rate-limited one.
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    # Replaces Django's: the old password is checked as a sign-in is, limited by django-axes.
    path("accounts/password_change/", accounts.password_change, name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("assessments.urls")),
]

handler500 = "assessments.views.errors.server_error"
