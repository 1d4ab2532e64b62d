"""Django's model backend, reading the signed-in user with its session, in one plain query.

Every signed-in request reads its session and its user. The session store
(`maturity.sessions`) reads the user's row in the same query as the session and offers it
here for this request; without it the user is read with one plain query. Building either query
with the ORM (or `raw()`) cost several times running it. The checks are Django's:
`user_can_authenticate`, and the session's password hash verified by `django.contrib.auth` on
the user this backend returns.

The date columns are left deferred: each database returns them in its own form, and a request
rarely reads them. Reading one loads it through the ORM, and saving the user saves only what
was loaded.
"""

from contextvars import ContextVar
from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.exceptions import ValidationError
from django.db import connection, models

# The user's row read with this request's session: (id, values in `user_columns` order).
_offered: ContextVar[tuple | None] = ContextVar("offered_user_row", default=None)


@cache
def user_fields() -> tuple[models.Field, ...]:
    """The fields a user is built from, in `user_columns` order."""
    model = get_user_model()
    return tuple(
        field
        for field in model._meta.concrete_fields
        if not isinstance(field, models.DateField)  # DateTimeField is one too
    )


def user_columns(alias: str) -> str:
    """The columns a user is built from, qualified by a table alias, for another query."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column or field.attname)}" for field in user_fields())


def offer(user_id, values) -> None:
    """Keep a user's row, read with the session, for this request's `get_user`; None, or a row
    of nulls (no such user), offers nothing. The session store clears it when a request's
    session is made, so no request sees another's."""
    found = values is not None and any(value is not None for value in values)
    _offered.set((user_id, tuple(values)) if found else None)


@cache
def _query() -> str:
    model = get_user_model()
    pk = model._meta.pk
    return (
        f"SELECT {user_columns('u')} FROM {connection.ops.quote_name(model._meta.db_table)} u "
        f"WHERE u.{connection.ops.quote_name(pk.column or pk.attname)} = %s"
    )


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        offered = _offered.get()
        if offered is not None and offered[0] == pk:
            _offered.set(None)
            row = offered[1]
        else:
            with connection.cursor() as cursor:
                cursor.execute(_query(), [pk])
                row = cursor.fetchone()
        if row is None:
            return None
        # to_python gives each value its Python type (SQLite answers 1 for True).
        values = [field.to_python(value) for field, value in zip(user_fields(), row, strict=True)]
        user = model.from_db(connection.alias, [field.attname for field in user_fields()], values)
        return user if self.user_can_authenticate(user) else None
