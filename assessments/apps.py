from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Maturity assessments")

    def ready(self):
        from assessments import checks  # noqa: F401  (registers the system checks)
        from assessments.models import stamps  # noqa: F401  (connects what dates kept pages)
        from assessments.services.permissions import ensure_content_editor_group

        # Permissions exist only after migrate has run, so the group is set up then.
        post_migrate.connect(ensure_content_editor_group, sender=self)
