"""Django's model backend, reading the signed-in user with one plain SQL query.

Every signed-in request reads its user; building that query with the ORM cost three times
running it (about 0.4 ms against 0.1 ms). The query and the checks are Django's: the same row,
`user_can_authenticate`, and the session's password hash verified by `django.contrib.auth`.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connection


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.pk.column or model._meta.pk.attname)
        user = next(
            iter(model._default_manager.raw(f"SELECT * FROM {table} WHERE {column} = %s", [pk])),
            None,
        )
        return user if user is not None and self.user_can_authenticate(user) else None
