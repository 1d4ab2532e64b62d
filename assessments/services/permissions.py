"""The "Content editors" group: people who edit the questionnaire content and nothing else."""

from django.contrib.auth.models import Group, Permission

CONTENT_EDITOR_GROUP = "Content editors"
CONTENT_MODELS = (
    "questionnaire",
    "questionnaireversion",
    "dimension",
    "question",
    "answeroption",
    "level",
    "reference",
)


def ensure_content_editor_group(**kwargs):
    """Create the group, or bring its permissions back to exactly the content ones."""
    group, _created = Group.objects.get_or_create(name=CONTENT_EDITOR_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="assessments", content_type__model__in=CONTENT_MODELS
    )
    group.permissions.set(permissions)
