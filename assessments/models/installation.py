"""This database's own name, so that nothing cached outlives the database it came from."""

import secrets

from django.db import models


def new_key() -> str:
    return secrets.token_hex(16)


class Installation(models.Model):
    """One row, made by the first migrate and made afresh by `restore`. Every cache key
    carries its key (`assessments.caching`): a restored database, or another installation
    sharing the same Redis, never reads what was cached for another database, even where ids
    repeat."""

    key = models.CharField(max_length=32, unique=True, default=new_key)
    # When the key was made: at the first migrate, or by the latest restore.
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="installation_one_row")
        ]

    def __str__(self):
        return self.key

    @classmethod
    def current_key(cls) -> str:
        """The key, the row made if a flush removed it."""
        key = cls.objects.filter(pk=1).values_list("key", flat=True).first()
        return key or cls.objects.get_or_create(pk=1)[0].key

    @classmethod
    def renew(cls) -> str:
        """A new key: the database is another from now on (after a restore)."""
        return cls.objects.update_or_create(pk=1, defaults={"key": new_key()})[0].key
