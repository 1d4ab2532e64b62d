"""Django's database sessions, read with their user in one plain SQL query.

Every signed-in request reads its session and its user. From the database the session is one
indexed row: on SQLite that costs about 0.02 ms, where a read from Redis costs a network round
trip (about 0.1 ms on a loopback) and building the query with the ORM about 0.15 ms. The
session's model (`assessments.models.Session`) keeps the signed-in person's id in a column, so
the same query reads the user's row too, and offers it to the backend (`maturity.auth`), which
saves a second round trip. Django does the rest as usual: writing, expiry, the signed and
checked session data, the password hash, signing out.

A view may have the same query read what its page is kept under too (`read_along`, used by
`assessments.services.stamps`): a kept signed-in page then costs one round trip in all.
"""

import json
from functools import cache, lru_cache
from typing import TYPE_CHECKING, cast

from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from maturity import auth

if TYPE_CHECKING:
    from assessments.models import Session


@cache
def _query(alias: str) -> tuple[str, str, str]:
    """The session, by key and unexpired, with its user's row, in three parts (the columns,
    the tables, the condition) between which another query's columns and joins go: built once
    per database."""
    quote = connections[alias].ops.quote_name
    user_model = get_user_model()
    user_pk = quote(user_model._meta.pk.column or user_model._meta.pk.attname)
    return (
        f"SELECT s.{quote('session_key')}, s.{quote('session_data')}, "
        f"s.{quote('user_id')}, {auth.user_columns('u')}",
        f"FROM {quote(SessionStore.get_model_class()._meta.db_table)} s "
        f"LEFT JOIN {quote(user_model._meta.db_table)} u "
        f"ON u.{user_pk} = s.{quote('user_id')}",
        f"WHERE s.{quote('session_key')} = %s AND s.{quote('expire_date')} > %s",
    )


@lru_cache(maxsize=1024)
def _decoded(session_data: str) -> str:
    """Signed session data, checked and decoded, as JSON text: a signed-in person sends the
    same session with every request, and checking its signature and inflating it cost more than
    reading the row. The same text always decodes the same way (the secret key is fixed while
    the process runs), so it is decoded once a process; the JSON text (sessions are JSON,
    Django's default serializer) is parsed afresh for each request, which may change its own
    copy."""
    return json.dumps(db.SessionStore.decode(_DECODER, session_data))


class SessionStore(db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # A request's session is made first: no user row from an earlier request is offered.
        auth.offer(None, None)
        self._along: tuple[str, str, list] | None = None
        self._rows_along: tuple[object, list[tuple]] | None = None

    def read_along(self, columns: str, joins: str, params: list) -> bool:
        """Have the session's own query read `columns` too, from `joins` on the session's row
        `s` (`s.user_id` names the signed-in person). The joins must be LEFT JOINs, so that the
        session is read whatever they find; `params` are theirs (the columns take none). False
        when the session is read already: the caller reads on its own."""
        assert "%s" not in columns, "parameters go in the joins, ahead of the session's"
        if hasattr(self, "_session_cache"):
            return False
        self._along = (columns, joins, params)
        return True

    def rows_along(self, user_id) -> list[tuple] | None:
        """The rows `read_along` asked for, when they were read for `user_id`: the caller
        passes the id of the person the session was checked to be (by Django, after reading
        it), never the id the row names. None when they were not."""
        if self._rows_along is None or self._rows_along[0] != user_id:
            return None
        return self._rows_along[1]

    @classmethod
    def get_model_class(cls):
        from assessments.models import Session

        return Session

    def decode(self, session_data):
        return json.loads(_decoded(session_data))

    def create_model_instance(self, data):
        session = cast("Session", super().create_model_instance(data))
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session

    def load(self):
        # As Django's, without building a model instance only to read its data.
        data = self._session_data_from_db()
        return {} if data is None else self.decode(data)

    def _session_data_from_db(self) -> str | None:
        """The unexpired session's data, its user's row and any rows asked for along with it,
        in one query (see the module)."""
        connection = connections[router.db_for_read(self.model)]
        columns, tables, condition = _query(connection.alias)
        params = [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())]
        if self._along is not None:
            along_columns, joins, along_params = self._along
            columns, tables = f"{columns}, {along_columns}", f"{tables} {joins}"
            params = [*along_params, *params]
        with connection.cursor() as cursor:
            cursor.execute(f"{columns} {tables} {condition}", params)
            rows = cursor.fetchall() if self._along is not None else cursor.fetchmany(1)
        if not rows:
            # As Django's: an unknown or expired key starts a new session.
            self._session_key = None
            return None
        row = rows[0]
        user_width = 3 + len(auth.user_fields())
        # Offered for the id the column names; the backend takes it only when that is the id
        # the signed session data names.
        auth.offer(row[2], row[3:user_width])
        if self._along is not None:
            self._rows_along = (row[2], [found[user_width:] for found in rows])
        return row[1]


# Decodes for `_decoded` (with this store's salt), and keeps no session of its own.
_DECODER = SessionStore()
