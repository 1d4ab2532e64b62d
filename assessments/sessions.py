"""Django's database sessions, on a session model of our own that keeps the signed-in person's
id in a column (`assessments.models.Session`), so that their sessions can be found. Only the
hooks Django documents for this are overridden."""

from typing import TYPE_CHECKING, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db

if TYPE_CHECKING:
    from assessments.models import Session


class SessionStore(db.SessionStore):
    @classmethod
    def get_model_class(cls):
        from assessments.models import Session

        return Session

    def create_model_instance(self, data):
        session = cast("Session", super().create_model_instance(data))
        try:
            session.user_id = int(data.get(SESSION_KEY))
        except (TypeError, ValueError):
            session.user_id = None
        return session
