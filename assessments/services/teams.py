"""Teams: membership, invitations, ownership, claiming, sharing and follow-up assessments."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Action,
    Answer,
    AnswerOption,
    Assessment,
    Invitation,
    Membership,
    QuestionnaireVersion,
    Round,
    ShareLink,
    Team,
)
from assessments.services import assessments as assessment_service

INVITATION_DAYS = 7


class TeamError(Exception):
    """The action is refused; the message is meant for the person."""


@transaction.atomic
def create_team(user, name: str) -> Team:
    """A new team with `user` as its owner."""
    team = Team.objects.create(name=name.strip())
    Membership.objects.create(team=team, user=user, role=Membership.Role.OWNER)
    return team


def create_invitation(team: Team, by_user, days: int = INVITATION_DAYS) -> Invitation:
    return Invitation.objects.create(
        team=team, created_by=by_user, expires_at=timezone.now() + timedelta(days=days)
    )


def invitation_problem(invitation: Invitation) -> str | None:
    """Why the invitation cannot be accepted, or None when it can."""
    if invitation.revoked_at is not None:
        return _("This invitation was revoked by the team's owner.")
    if invitation.used_at is not None:
        return _("This invitation has already been used. Ask the team's owner for a new one.")
    if timezone.now() >= invitation.expires_at:
        return _("This invitation has expired. Ask the team's owner for a new one.")
    return None


@transaction.atomic
def accept_invitation(token: str, user) -> Membership:
    """Use an invitation: `user` joins its team (once; a member stays what they were)."""
    invitation = Invitation.objects.select_for_update().select_related("team").get(token=token)
    problem = invitation_problem(invitation)
    if problem:
        raise TeamError(problem)
    existing = Membership.objects.filter(team=invitation.team, user=user).first()
    if existing is not None:
        # A member opening the link (an owner checking it, say) must not use it up.
        return existing
    membership = Membership.objects.create(team=invitation.team, user=user)
    invitation.used_at = timezone.now()
    invitation.used_by = user
    invitation.save(update_fields=["used_at", "used_by"])
    return membership


def revoke_invitation(invitation: Invitation) -> None:
    if invitation.revoked_at is None and invitation.used_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def remove_member(team: Team, membership: Membership) -> None:
    """Remove someone from the team; the last owner cannot be removed."""
    # Evaluating the rows (not count(), which drops FOR UPDATE) locks the owners' rows, so two
    # owners cannot remove each other at the same moment.
    owners = list(
        Membership.objects.select_for_update().filter(team=team, role=Membership.Role.OWNER)
    )
    if membership.is_owner and len(owners) <= 1:
        raise TeamError(
            _("A team needs an owner: hand over ownership before removing the last owner.")
        )
    membership.delete()


@transaction.atomic
def transfer_ownership(team: Team, current: Membership, new_owner: Membership) -> None:
    """Make `new_owner` the owner; the current owner stays on as a member."""
    if new_owner.team_id != team.pk or current.team_id != team.pk:
        raise TeamError(_("Ownership can only go to a member of this team."))
    if new_owner.pk == current.pk:
        return
    Membership.objects.filter(pk=new_owner.pk).update(role=Membership.Role.OWNER)
    Membership.objects.filter(pk=current.pk).update(role=Membership.Role.MEMBER)
    Team.objects.filter(pk=team.pk).touch()


def start_for_team(version: QuestionnaireVersion, user, team: Team | None) -> Assessment:
    """A new assessment for `team` (or personal when None), taken by `user`."""
    if team is not None and not Membership.objects.filter(team=team, user=user).exists():
        raise TeamError(_("You can only start assessments for teams you belong to."))
    assessment = assessment_service.start(version, owner=user)
    if team is not None:
        assessment.team = team
        assessment.save(update_fields=["team"])
    return assessment


def can_claim(assessment: Assessment, user) -> bool:
    """Anonymous assessments can be claimed by whoever has the link; personal ones by their
    owner only; a member's answers to a round stay with the round."""
    return (
        assessment.team_id is None
        and assessment.round_id is None
        and assessment.owner_id in (None, user.pk)
    )


@transaction.atomic
def claim(assessment: Assessment, user, team: Team) -> Assessment:
    """Move an assessment started without an account (or by `user` alone) into one of
    `user`'s teams."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.team_id is not None:
        raise TeamError(_("This assessment already belongs to a team."))
    if not can_claim(locked, user):
        raise TeamError(_("Only the person who took this assessment can add it to a team."))
    if not Membership.objects.filter(team=team, user=user).exists():
        raise TeamError(_("You can only add assessments to teams you belong to."))
    locked.team = team
    if locked.owner_id is None:
        locked.owner = user
    locked.save(update_fields=["team", "owner"])
    return locked


@transaction.atomic
def start_from_previous(previous: Assessment, version: QuestionnaireVersion, user) -> Assessment:
    """A new draft on `version` pre-filled with `previous`'s answers where the questions remain.

    Questions are matched by their key and options by their position, so a reworded question
    keeps its answer while a removed one is left for the person to answer.
    """
    assessment = assessment_service.start(version, owner=user)
    assessment.team = previous.team
    assessment.save(update_fields=["team"])
    earlier = {
        key: order
        for key, order in Answer.objects.filter(assessment=previous).values_list(
            "question__key", "option__order"
        )
    }
    options = AnswerOption.objects.filter(
        question__version=version, question__key__in=earlier
    ).values_list("pk", "question_id", "question__key", "order")
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question_id=question_id, option_id=option_id)
        for option_id, question_id, key, order in options
        if earlier[key] == order
    )
    # Saved answers are read under the last-saved moment: move it past the ones just written.
    assessment.save(update_fields=["updated_at"])
    return assessment


def share(assessment: Assessment, user, *, include_notes: bool = False) -> ShareLink:
    """A read-only link to a completed result; the notes on its answers show only when
    `include_notes` is set."""
    if not assessment.is_completed:
        raise TeamError(_("Only a completed result can be shared."))
    return ShareLink.objects.create(
        assessment=assessment, created_by=user, include_notes=include_notes
    )


def revoke_share(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


@transaction.atomic
def delete_team(*, team: Team, membership: Membership, typed_name: str) -> None:
    """Delete `team` and everything it holds: its assessments with their answers and share
    links, its rounds with the members' own answers to them, its actions and target, its
    memberships and invitations. Owners only, confirmed by typing the team's name."""
    if membership.team_id != team.pk or not membership.is_owner:
        raise TeamError(_("Only a team owner can delete the team."))
    if typed_name.strip() != team.name:
        raise TeamError(_("Type the team's name exactly to confirm: nothing was deleted."))
    # Protected links first: actions point at results and rounds, rounds at their members'
    # answers and at the agreed result.
    Action.objects.filter(team=team).delete()
    rounds = Round.objects.filter(team=team)
    Assessment.objects.filter(round__in=rounds).delete()
    rounds.delete()
    Assessment.objects.filter(team=team).delete()
    team.delete()
