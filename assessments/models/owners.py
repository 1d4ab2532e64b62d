"""When a person's own assessments last changed as a list, for the pages that list them."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class OwnerStamp(models.Model):
    """The moment one of a person's assessments was last made, completed, claimed or deleted
    (saving an answer dates only the assessment itself). `/mine/` is kept under it and their
    latest save: both are one lookup, where counting their assessments grew with the history.
    Moved on by `assessments.models.stamps`; a person with no row yet has changed nothing."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.user_id} {self.changed_at.isoformat()}"

    @staticmethod
    def touch(user_id: int) -> None:
        """Date this person's list of assessments anew, making the row if need be."""
        OwnerStamp.objects.bulk_create(
            [OwnerStamp(user_id=user_id, changed_at=timezone.now())],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["changed_at"],
        )
