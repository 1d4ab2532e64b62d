"""The team's action plan: actions turned from next steps, their owners, dates and status,
every change recorded with who and when."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    ACTION_LENGTH,
    Action,
    ActionChange,
    Assessment,
    Membership,
    Question,
    Round,
    Team,
)
from assessments.services import history, rounds, scoring, selectors


class ActionError(Exception):
    """The request is refused; the message is meant for the person."""


class RoundAnswersHidden(ActionError):
    """The round's answers are not the person's to see yet, nor anything drawn from them."""


def _check_round_visible(round: Round, user) -> None:
    if not rounds.may_see_answers(round, user):
        raise RoundAnswersHidden(
            _(
                "Submit your own answers to this round first: then you can plan actions from "
                "its answers."
            )
        )


def next_step_text(question: scoring.QuestionSpec, chosen_option_id: int | None) -> str:
    """The action a question's next step suggests: reach the option one step above the
    answer given (or the first step, with no answer)."""
    steps = sorted(question.options, key=lambda option: (option.score, option.order))
    current = next((o for o in steps if o.id == chosen_option_id), None)
    target = question.next_option_up(current) if current else (steps[0] if steps else None)
    if target is None:
        return _("Keep up: %(question)s") % {"question": question.text}
    return _("Get to: %(step)s") % {"step": target.text}


def origin_of(
    team: Team,
    *,
    user,
    assessment_id: int | None,
    round_id: int | None,
    question_id: int | None,
) -> tuple[Assessment | None, Round | None, Question | None]:
    """The team's completed result or round, and the question of it, that a new action comes
    from; without a result or round, a question of the published version (one a target
    needs). Ids that are not the team's give None. A round whose answers `user` may not see
    yet is refused (RoundAnswersHidden): its suggestions are drawn from them."""
    assessment = round = question = None
    if assessment_id:
        assessment = Assessment.objects.filter(
            team=team, pk=assessment_id, status=Assessment.Status.COMPLETED
        ).first()
    if round_id:
        round = Round.objects.filter(team=team, pk=round_id).first()
        if round is not None:
            _check_round_visible(round, user)
    origin = assessment or round
    if origin is not None:
        version_id: int | None = origin.version_id
    else:
        published = selectors.published_version()
        version_id = published.pk if published else None
    if question_id and version_id:
        question = (
            Question.objects.select_related("version")
            .filter(pk=question_id, version_id=version_id)
            .first()
        )
    return assessment, round, question


def suggested_text(
    question: Question, *, assessment: Assessment | None = None, round: Round | None = None
) -> str:
    """The next step on `question` from a team result's answer or a round's agreed answer."""
    chosen = None
    if assessment is not None:
        chosen = selectors.choices_of(assessment).get(question.pk)
    elif round is not None:
        if not round.is_closed:
            # An open round's agreed answers move with each submission: a suggestion drawn
            # from them, kept in an action every member sees, would tell the others' answers.
            return ""
        chosen = rounds.round_view(round).agreement.agreed_choices().get(question.pk)
    spec = selectors.version_spec(question.version, levels=[])
    return next_step_text(next(q for q in spec.questions if q.id == question.pk), chosen)


def _clean_text(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise ActionError(_("Say what the action is."))
    if len(text) > ACTION_LENGTH:
        raise ActionError(
            _("An action can be at most %(count)s characters long.") % {"count": ACTION_LENGTH}
        )
    return text


def _check_owner(team: Team, owner) -> None:
    if owner is not None and not Membership.objects.filter(team=team, user=owner).exists():
        raise ActionError(_("An action's owner must be a member of the team."))


@transaction.atomic
def create_action(
    *,
    team: Team,
    membership: Membership,
    text: str,
    question: Question | None = None,
    assessment: Assessment | None = None,
    round: Round | None = None,
    owner=None,
    due_on: date | None = None,
) -> Action:
    """A new planned action of the team, from a result, a round, or nowhere in particular."""
    if membership.team_id != team.pk:
        raise ActionError(_("Only the team's members plan its actions."))
    _check_owner(team, owner)
    if assessment is not None and assessment.team_id != team.pk:
        raise ActionError(_("That result is not one of this team's."))
    if round is not None and round.team_id != team.pk:
        raise ActionError(_("That round is not one of this team's."))
    if round is not None:
        _check_round_visible(round, membership.user)
    return Action.objects.create(
        team=team,
        question=question,
        assessment=assessment,
        round=round,
        text=_clean_text(text),
        owner=owner,
        due_on=due_on,
        created_by=membership.user,
    )


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "get_username"):
        return value.get_username()
    return str(value)


@transaction.atomic
def update_action(
    *,
    action: Action,
    membership: Membership,
    text: str,
    owner,
    due_on: date | None,
    status: str,
) -> Action:
    """Change an action; each field that changes is recorded with who changed it and when."""
    if membership.team_id != action.team_id:
        raise ActionError(_("Only the team's members change its actions."))
    if status not in Action.Status.values:
        raise ActionError(_("Choose one of the statuses offered."))
    # Only the action's row is locked: its owner may be none, an outer join PostgreSQL
    # cannot lock.
    locked = (
        Action.objects.select_for_update(of=("self",)).select_related("owner").get(pk=action.pk)
    )
    _check_owner(locked.team, owner)
    now = timezone.now()
    wanted = {"text": _clean_text(text), "owner": owner, "due_on": due_on, "status": status}
    changes = []
    for field, new in wanted.items():
        old = getattr(locked, field)
        if old != new:
            if field == "status":
                old_label, new_label = str(Action.Status(old).label), str(Action.Status(new).label)
            else:
                old_label, new_label = _shown(old), _shown(new)
            changes.append(
                ActionChange(
                    action=locked,
                    changed_by=membership.user,
                    changed_at=now,
                    field=field,
                    old=str(old_label)[:ACTION_LENGTH],
                    new=str(new_label)[:ACTION_LENGTH],
                )
            )
            setattr(locked, field, new)
    if not changes:
        return locked
    if status == Action.Status.DONE and locked.done_at is None:
        locked.done_at = now
    elif status != Action.Status.DONE:
        locked.done_at = None
    locked.save()
    ActionChange.objects.bulk_create(changes)
    return locked


def action_or_404(team: Team, action_id: int) -> Action:
    return get_object_or_404(
        Action.objects.select_related("owner", "question", "created_by"), team=team, pk=action_id
    )


def open_actions(team: Team, limit: int | None = None) -> list[Action]:
    """The team's unfinished actions, overdue first (the earliest date first), undated last."""
    actions = (
        Action.objects.filter(team=team)
        .unfinished()
        .select_related("owner", "question")
        .overdue_first()
    )
    return list(actions[:limit] if limit else actions)


def team_actions(team: Team) -> list[Action]:
    """Every action of the team: the unfinished first, overdue first, then the done ones,
    latest done first."""
    return open_actions(team) + list(
        Action.objects.filter(team=team, status=Action.Status.DONE)
        .select_related("owner", "question")
        .order_by("-done_at", "-id")
    )


def changes_of(action: Action) -> list[ActionChange]:
    return list(action.changes.select_related("changed_by"))


@dataclass(frozen=True)
class Movement:
    """An action done since the team's previous result, and whether its question's answer
    moved between that result and this round's agreed answers."""

    action: Action
    before: int | None
    after: int | None

    @property
    def moved(self) -> str:
        if self.before is None or self.after is None:
            return "unknown"
        if self.after > self.before:
            return "up"
        if self.after < self.before:
            return "down"
        return "same"


def previous_result(round: Round) -> Assessment | None:
    """The team's latest result completed before the round opened."""
    return (
        Assessment.objects.filter(
            team_id=round.team_id,
            status=Assessment.Status.COMPLETED,
            completed_at__lt=round.opened_at,
        )
        .order_by("-completed_at", "-pk")
        .first()
    )


def movements(round: Round, agreed_scores: dict[str, int]) -> list[Movement]:
    """For each action done between the team's previous result and the round's closing (tied
    to a question), the score of its question then and in this round's agreed answers,
    matched by question key."""
    previous = previous_result(round)
    done = Action.objects.filter(
        team_id=round.team_id, status=Action.Status.DONE, question__isnull=False
    ).select_related("question", "owner")
    if round.closed_at is not None:
        # What was done after the round closed belongs to the next one.
        done = done.filter(done_at__lt=round.closed_at)
    if previous is not None:
        done = done.filter(done_at__gte=previous.completed_at)
    before = (
        {key: row[3] for key, row in selectors.answer_rows(previous).items()} if previous else {}
    )
    return [
        Movement(action, before.get(key), agreed_scores.get(key))
        for action in done.order_by("done_at", "id")
        # Every action here has a question: the query asks for one.
        if (key := action.question.key if action.question else None) is not None
    ]


def csv_lines(actions: list[Action]):
    """The action plan as CSV, line by line."""
    return history.csv_stream(
        ["action", "question", "owner", "due", "status", "created", "done"],
        (
            [
                action.text,
                action.question.key if action.question else "",
                action.owner.get_username() if action.owner else "",
                action.due_on.isoformat() if action.due_on else "",
                action.status,
                action.created_at.isoformat(),
                action.done_at.isoformat() if action.done_at else "",
            ]
            for action in actions
        ),
    )
