"""What the pages kept whole are kept under (`assessments.views.pages`): one small query each,
through the ORM.

A stamp names everything a page shows and every fact its access decision reads: an
assessment's owner, team, round (its team and whether it takes answers) and last save, its
version's advice date, its team's `changed_at` (moved on by any change the team's pages show,
see `assessments.models.stamps`) and the viewer's role in that team. Before a kept page is
looked for, the view decides access from its stamp with the same policy function it uses on
the objects themselves (`assessment_access`, `team_access` here). A change to any of these is
a new stamp, and the page is drawn afresh.
"""

from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
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
from assessments.services import access

# Ids a database integer can hold: anything larger names nothing.
LARGEST_ID = 2**63 - 1


class AssessmentStamp(NamedTuple):
    """An assessment's stamp, named like the model's fields it comes from."""

    id: int
    owner_id: int | None
    team_id: int | None
    round_id: int | None
    completed_at: object
    updated_at: object
    advice_revised_at: object
    round_team_id: int | None
    round_closed_at: object
    round_closes_on: object
    team_changed_at: object
    role: str | None


def _role(user, team_field: str):
    """The viewer's role in the team of each row's `team_field`, as a subquery."""
    return Subquery(
        Membership.objects.filter(team_id=OuterRef(team_field), user_id=user.pk).values("role")[:1]
    )


def of_assessment(token: str, user) -> AssessmentStamp:
    """An assessment behind a private link, with the viewer's role in its team (or its
    round's team); 404 when there is no such link."""
    row = (
        Assessment.objects.filter(token=token)
        .annotate(
            its_team=Coalesce("team_id", "round__team_id"),
            advice=F("version__advice_revised_at"),
            round_team=F("round__team_id"),
            round_closed=F("round__closed_at"),
            round_closes=F("round__closes_on"),
            team_changed=Coalesce("team__changed_at", "round__team__changed_at"),
        )
        .annotate(viewer_role=_role(user, "its_team"))
        .values_list(
            "id",
            "owner_id",
            "team_id",
            "round_id",
            "completed_at",
            "updated_at",
            "advice",
            "round_team",
            "round_closed",
            "round_closes",
            "team_changed",
            "viewer_role",
        )
        .first()
    )
    if row is None:
        raise Http404("No such assessment")
    return AssessmentStamp(*row)


def assessment_access(stamp: AssessmentStamp, user) -> access.Access:
    """What `user` may do with the assessment of `stamp`: the policy, on the stamp's facts."""
    return access.assessment_access(
        owner_id=stamp.owner_id,
        team_id=stamp.team_id,
        round_team_id=stamp.round_team_id,
        round_takes_answers=Round.answers_taken(
            closed_at=stamp.round_closed_at, closes_on=stamp.round_closes_on
        )
        if stamp.round_id is not None
        else None,
        viewer_id=user.pk,
        role=stamp.role,
    )


def of_team(team_id: int, user) -> tuple:
    """A team's last change and the viewer's role in it; 404 for everyone but its members
    (`team_access`)."""
    row = None
    if user.is_authenticated and team_id <= LARGEST_ID:
        row = (
            Team.objects.filter(pk=team_id)
            .annotate(viewer_role=_role(user, "pk"))
            .values_list("id", "changed_at", "viewer_role")
            .first()
        )
    if row is None or access.team_access(row[2]) is access.Access.NONE:
        raise Http404("No such team")
    return row


def of_share_link(token: str) -> tuple:
    """A share link, whether it is revoked, and its result's last save and advice date."""
    row = (
        ShareLink.objects.filter(token=token)
        .values_list(
            "id",
            "include_notes",
            "revoked_at",
            "assessment_id",
            "assessment__updated_at",
            "assessment__version__advice_revised_at",
        )
        .first()
    )
    if row is None:
        raise Http404("No such share link")
    return row


def of_catalogue() -> list[tuple]:
    """The published versions and their advice dates: what the home page lists."""
    return list(
        QuestionnaireVersion.objects.filter(status=QuestionnaireVersion.Status.PUBLISHED)
        .order_by("id")
        .values_list("id", "advice_revised_at")
    )


def teams_of(user) -> list[tuple]:
    """The viewer's teams as their pages name them (id, name, role): for the pages that
    offer to start or claim for one."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user_id=user.pk)
        .order_by("team_id")
        .values_list("team_id", "team__name", "role")
    )


def of_own_assessments(user) -> tuple | None:
    """What a person's `/mine/` pages show: when their list of assessments last changed and
    when one was last saved (each one lookup, at any history size), the latest advice of any
    version, and their teams as last changed (a team's changes include assessments claimed into
    it, and leaving it changes the list); None for a visitor who is not signed in."""
    if not user.is_authenticated:
        return None
    own = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            listed=Subquery(OwnerStamp.objects.filter(user_id=OuterRef("pk")).values("changed_at")),
            saved=Subquery(
                Assessment.objects.filter(owner_id=OuterRef("pk"))
                .order_by("-updated_at")
                .values("updated_at")[:1]
            ),
            advice=Subquery(
                QuestionnaireVersion.objects.order_by("-advice_revised_at").values(
                    "advice_revised_at"
                )[:1]
            ),
        )
        .values_list("listed", "saved", "advice")
        .first()
    )
    teams = list(
        Membership.objects.filter(user_id=user.pk)
        .order_by("team_id")
        .values_list("team_id", "team__changed_at")
    )
    return (own, teams)
