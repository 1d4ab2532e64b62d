"""Who may open an assessment's private pages, and who may change its answers.

An assessment without a team works as a bearer link: whoever holds its token may read and
change it. A team's assessment belongs to the team: its token opens it only for current
members, and only the member who took it, or an owner, may change it. Leaving or being removed
from the team ends access at once, because nothing but the current membership is consulted.

A member's answers to a team round are theirs alone until they submit: the token opens them
for that member only, while they belong to the team, and they change only while the round
takes answers. Nobody reads the others' answers to a round, nor anything drawn from them (the
agreement, the agreed answers, an action's suggestion), before submitting their own, or before
the round is closed.
"""

import enum


class Access(enum.IntEnum):
    NONE = 0
    READ = 1
    CHANGE = 2


def assessment_access(*, assessment, user, membership) -> Access:
    """What `user` (with `membership` of the assessment's team, or of its round's team, or
    None) may do with it."""
    if assessment.round_id is not None:
        if (
            membership is None
            or membership.team_id != assessment.round.team_id
            or assessment.owner_id != user.pk
        ):
            return Access.NONE
        return Access.CHANGE if assessment.round.takes_answers else Access.READ
    if assessment.team_id is None:
        return Access.CHANGE
    if membership is None or membership.team_id != assessment.team_id:
        return Access.NONE
    if membership.is_owner or (user.is_authenticated and assessment.owner_id == user.pk):
        return Access.CHANGE
    return Access.READ


def may_see_round_answers(*, round, own_submitted: bool) -> bool:
    """Whether a member sees the others' answers to `round`, and what is drawn from them:
    once they have submitted their own (`own_submitted`), or once the round is closed."""
    return round.is_closed or own_submitted
