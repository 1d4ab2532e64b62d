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
from django.db.models import OuterRef, Subquery
from django.http import Http404

from assessments.models import (
    Assessment,
    Membership,
    OwnerStamp,
    QuestionnaireVersion,
    Round,
    ShareLink,
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


def _role(user, team_id) -> str | None:
    """The viewer's role in the team `team_id`; None for anyone else."""
    if team_id is None or not user.is_authenticated:
        return None
    return next(
        iter(Membership.objects.filter(team_id=team_id, user_id=user.pk).values_list("role")[:1]),
        (None,),
    )[0]


def of_assessment(token: str, user) -> AssessmentStamp:
    """An assessment behind a private link, with the viewer's role in its team (or its
    round's team); 404 when there is no such link. Two plain lookups: building one query
    with annotations cost the ORM more than running both."""
    rows = Assessment.objects.filter(token=token).values_list(
        "id",
        "owner_id",
        "team_id",
        "round_id",
        "completed_at",
        "updated_at",
        "version__advice_revised_at",
        "round__team_id",
        "round__closed_at",
        "round__closes_on",
        "team__changed_at",
        "round__team__changed_at",
    )[:1]
    row = next(iter(rows), None)
    if row is None:
        raise Http404("No such assessment")
    (id, owner_id, team_id, round_id, completed_at, updated_at, advice_revised_at) = row[:7]
    round_team_id, round_closed_at, round_closes_on, team_changed, round_team_changed = row[7:]
    return AssessmentStamp(
        id=id,
        owner_id=owner_id,
        team_id=team_id,
        round_id=round_id,
        completed_at=completed_at,
        updated_at=updated_at,
        advice_revised_at=advice_revised_at,
        round_team_id=round_team_id,
        round_closed_at=round_closed_at,
        round_closes_on=round_closes_on,
        team_changed_at=team_changed or round_team_changed,
        role=_role(user, team_id if team_id is not None else round_team_id),
    )


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
    """A team's last change and the viewer's role in it, read through the viewer's
    membership; 404 for everyone but its members (`team_access`)."""
    row = None
    if user.is_authenticated and team_id <= LARGEST_ID:
        rows = Membership.objects.filter(team_id=team_id, user_id=user.pk).values_list(
            "team_id", "team__changed_at", "role"
        )[:1]
        row = next(iter(rows), None)
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
    return sorted(
        QuestionnaireVersion.objects.filter(
            status=QuestionnaireVersion.Status.PUBLISHED
        ).values_list("id", "advice_revised_at")
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
