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

# Membership.Role.OWNER, named here so that the policy reads plain values.
OWNER = "owner"


class Access(enum.IntEnum):
    NONE = 0
    READ = 1
    CHANGE = 2


def assessment_access(
    *,
    owner_id: int | None,
    team_id: int | None,
    round_team_id: int | None,
    round_takes_answers: bool | None,
    viewer_id: int | None,
    role: str | None,
) -> Access:
    """What a viewer (`viewer_id`, None when not signed in) may do with an assessment owned by
    `owner_id`, of the team `team_id` or of a round of the team `round_team_id` (which takes
    answers or not), where `role` is the viewer's in that team (None for a non-member).

    The one decision for every path: views read these facts through the ORM
    (`lookups.assessment_for`), kept pages from their stamp (`stamps.assessment_access`)."""
    if round_team_id is not None:
        if role is None or viewer_id is None or owner_id != viewer_id:
            return Access.NONE
        return Access.CHANGE if round_takes_answers else Access.READ
    if team_id is None:
        return Access.CHANGE
    if role is None:
        return Access.NONE
    if role == OWNER or (viewer_id is not None and owner_id == viewer_id):
        return Access.CHANGE
    return Access.READ


def team_access(role: str | None) -> Access:
    """A team's pages: its members read them (owners change more, which each action checks);
    everyone else finds nothing."""
    return Access.NONE if role is None else Access.READ


def may_see_round_answers(*, round, own_submitted: bool) -> bool:
    """Whether a member sees the others' answers to `round`, and what is drawn from them:
    once they have submitted their own (`own_submitted`), or once the round is closed."""
    return round.is_closed or own_submitted
