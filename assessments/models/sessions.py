"""Django's session, with the signed-in person's id in a column of its own beside the data
(as Django's documentation shows for a custom session model), so that a person's sessions can
be found."""

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    # Not a foreign key: a session may outlive its account, and then it is simply anonymous.
    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from assessments.sessions import SessionStore

        return SessionStore
