"""What the pages kept whole are kept under (`assessments.views.pages`): one small query each.

A stamp names everything a page shows and everything its access check reads, so a page kept
under a stamp may be served again to the same viewer without drawing it or checking again: an
assessment's owner, team, round and last save, its version's advice date, its team's
`changed_at` (moved on by any change the team's pages show, see `assessments.models.stamps`)
and the viewer's role in that team. A change to any of them is a new stamp, and the page is
drawn afresh, access check included.

These queries run on every view of a kept page, so they are written once as SQL: building
them with the ORM cost more than the rest of the page. A signed-in page's stamp is read by the
session's own query when it can be (`_of_viewer`), which saves a round trip a view. The values
are compared, never shown, so each database may return its dates in its own form.
"""

from typing import NamedTuple

from django.db import connection
from django.http import Http404

from assessments.models import (
    Assessment,
    Membership,
    OwnerStamp,
    QuestionnaireVersion,
    Round,
    ShareLink,
    Team,
)
from maturity.sessions import SessionStore


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _one(sql: str, params) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _all(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class AssessmentStamp(NamedTuple):
    """An assessment's stamp, named like the model's fields it comes from."""

    id: int
    owner_id: int | None
    team_id: int | None
    round_id: int | None
    completed_at: object
    updated_at: object
    advice_revised_at: object
    team_changed_at: object
    role: str | None


def of_assessment(token: str, user) -> AssessmentStamp:
    """An assessment behind a private link, with the viewer's role in its team (or its
    round's team); 404 when there is no such link."""
    row = _one(
        f"""
        SELECT a.id, a.owner_id, a.team_id, a.round_id, a.completed_at, a.updated_at,
               v.advice_revised_at, t.changed_at, m.role
        FROM {_table(Assessment)} a
        JOIN {_table(QuestionnaireVersion)} v ON v.id = a.version_id
        LEFT JOIN {_table(Round)} r ON r.id = a.round_id
        LEFT JOIN {_table(Team)} t ON t.id = COALESCE(a.team_id, r.team_id)
        LEFT JOIN {_table(Membership)} m ON m.team_id = t.id AND m.user_id = %s
        WHERE a.token = %s
        """,
        [user.pk, token],
    )
    if row is None:
        raise Http404("No such assessment")
    return AssessmentStamp(*row)


def of_team(team_id: int, request) -> tuple:
    """A team's last change and the viewer's role in it; 404 for everyone but its members."""
    rows = (
        _of_viewer(
            request,
            "t.id, t.changed_at, m.role",
            f"""
            LEFT JOIN {_table(Team)} t ON t.id = %s
            LEFT JOIN {_table(Membership)} m ON m.team_id = t.id AND m.user_id = s.user_id
            """,
            [team_id],
        )
        if team_id <= 2**63 - 1
        else None
    )
    if not rows or rows[0][2] is None:
        raise Http404("No such team")
    return rows[0]


def of_share_link(token: str) -> tuple:
    """A share link, whether it is revoked, and its result's last save and advice date."""
    row = _one(
        f"""
        SELECT s.id, s.include_notes, s.revoked_at, a.id, a.updated_at, v.advice_revised_at
        FROM {_table(ShareLink)} s
        JOIN {_table(Assessment)} a ON a.id = s.assessment_id
        JOIN {_table(QuestionnaireVersion)} v ON v.id = a.version_id
        WHERE s.token = %s
        """,
        [token],
    )
    if row is None:
        raise Http404("No such share link")
    return row


def of_catalogue() -> list[tuple]:
    """The published versions and their advice dates: what the home page lists."""
    return _all(
        f"""
        SELECT v.id, v.advice_revised_at FROM {_table(QuestionnaireVersion)} v
        WHERE v.status = %s ORDER BY v.id
        """,
        [QuestionnaireVersion.Status.PUBLISHED.value],
    )


def teams_of(user) -> list[tuple]:
    """The viewer's teams as their pages name them (id, name, role): for the pages that
    offer to start or claim for one."""
    if not user.is_authenticated:
        return []
    return _all(
        f"""
        SELECT t.id, t.name, m.role FROM {_table(Membership)} m
        JOIN {_table(Team)} t ON t.id = m.team_id
        WHERE m.user_id = %s ORDER BY t.id
        """,
        [user.pk],
    )


def of_own_assessments(request) -> tuple | None:
    """What a person's `/mine/` pages show: when their list of assessments last changed and
    when one was last saved (each one lookup, at any history size), the latest advice of any
    version, and their teams as last changed (a team's changes include assessments claimed into
    it); None for a visitor who is not signed in."""
    rows = _of_viewer(
        request,
        f"""
        (SELECT o.changed_at FROM {_table(OwnerStamp)} o WHERE o.user_id = s.user_id),
        (SELECT MAX(a.updated_at) FROM {_table(Assessment)} a WHERE a.owner_id = s.user_id),
        (SELECT MAX(v.advice_revised_at) FROM {_table(QuestionnaireVersion)} v),
        t.id, t.changed_at
        """,
        f"""
        LEFT JOIN {_table(Membership)} m ON m.user_id = s.user_id
        LEFT JOIN {_table(Team)} t ON t.id = m.team_id
        """,
        [],
    )
    if rows is None:
        return None
    own = rows[0][:3]
    teams = sorted(row[3:] for row in rows if row[3] is not None)
    return (own, teams)


def _of_viewer(request, columns: str, joins: str, params: list) -> list[tuple] | None:
    """The rows of `columns` from `joins` (LEFT JOINs) on the signed-in viewer's row `s`
    (`s.user_id` is their id); None for a visitor who is not signed in.

    When the viewer's session is yet to be read, its own query reads them too (see
    `maturity.sessions`): a kept page then costs one round trip. They are taken only when read
    for the person Django then finds signed in; otherwise they are read on their own."""
    session = request.session
    along = isinstance(session, SessionStore) and session.read_along(columns, joins, params)
    user = request.user
    if not user.is_authenticated:
        return None
    rows = session.rows_along(user.pk) if along else None
    if rows is None:
        rows = _all(
            f"SELECT {columns} FROM (SELECT CAST(%s AS BIGINT) AS user_id) s {joins}",
            [user.pk, *params],
        )
    return rows
