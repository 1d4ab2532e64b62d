from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from assessments import views

admin.site.site_header = _("GenAIOps maturity: content administration")
admin.site.site_title = _("GenAIOps maturity admin")

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("", include("assessments.urls")),
]
