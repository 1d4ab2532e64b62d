"""Scoped lookups for views: each returns the object the viewer may see, or answers 404 to
outsiders and 403 to members who may only read."""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.models import Assessment, Membership
from assessments.services import selectors
from assessments.services.access import Access, assessment_access


@dataclass(frozen=True)
class OpenedAssessment:
    assessment: Assessment
    membership: Membership | None
    can_change: bool


def assessment_for(request, token: str, *, change: bool = False) -> OpenedAssessment:
    """The assessment behind a private link, as the viewer may use it.

    A team's assessment is 404 to everyone but current members, so a link kept by a former
    member, or passed on, shows nothing; a member who may only read gets 403 on a change.
    """
    assessment = selectors.assessment_by_token(token)
    round = assessment.round
    membership = selectors.membership_of(
        request.user, round.team_id if round else assessment.team_id
    )
    access = assessment_access(
        owner_id=assessment.owner_id,
        team_id=assessment.team_id,
        round_team_id=round.team_id if round else None,
        round_takes_answers=round.takes_answers if round else None,
        viewer_id=request.user.pk,
        role=membership.role if membership else None,
    )
    enforce(access, change=change, in_round=round is not None)
    # A round's answers are the member's own, not the team's: no team actions on them.
    return OpenedAssessment(assessment, None if round else membership, access is Access.CHANGE)


def enforce(access: Access, *, change: bool, in_round: bool) -> None:
    """Answer 404 to a viewer who may not see the assessment, and 403 to one who may only
    read it when the page changes it: for a view and a kept page alike."""
    if access is Access.NONE:
        raise Http404("No such assessment")
    if change and access is not Access.CHANGE:
        if in_round:
            raise PermissionDenied(_("This round is closed; its answers can no longer change."))
        raise PermissionDenied(
            _("Only the member who took this assessment, or a team owner, can change it.")
        )


def team_member(*, owner: bool = False):
    """A team's view, called as `view(request, membership, **kwargs)` with the viewer's
    membership of the team `team_id` names: 404 to everyone else, so a team's existence is
    never confirmed to outsiders; with `owner`, 403 to members who are not owners."""

    def decorate(view):
        @wraps(view)
        def member_view(request, team_id, **kwargs):
            membership = selectors.membership_or_404(request.user, team_id)
            if owner and not membership.is_owner:
                raise PermissionDenied(_("Only a team owner can do this."))
            return view(request, membership, **kwargs)

        return member_view

    return decorate
