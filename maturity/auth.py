"""Django's model backend, reading the signed-in user with one plain SQL query.

Every signed-in request reads its user; building that query with the ORM (or `raw()`) cost
several times running it (about 0.4 ms, or 0.1 ms, against 0.03 ms). The row and the checks
are Django's: the same table, `user_can_authenticate`, and the session's password hash
verified by `django.contrib.auth`.

The date columns are left deferred: each database returns them in its own form, and a request
rarely reads them. Reading one loads it through the ORM, and saving the user saves only what
was loaded.
"""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connection, models


@cache
def _fields() -> tuple[models.Field, ...]:
    model = get_user_model()
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, models.DateField)  # DateTimeField is one too
    )


@cache
def _query() -> str:
    model = get_user_model()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column or field.attname) for field in _fields())
    pk = model._meta.pk
    return (
        f"SELECT {columns} FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(pk.column or pk.attname)} = %s"
    )


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        with connection.cursor() as cursor:
            cursor.execute(_query(), [pk])
            row = cursor.fetchone()
        if row is None:
            return None
        # to_python gives each value its Python type (SQLite answers 1 for True).
        values = [field.to_python(value) for field, value in zip(_fields(), row, strict=True)]
        user = model.from_db(connection.alias, [field.attname for field in _fields()], values)
        return user if self.user_can_authenticate(user) else None
