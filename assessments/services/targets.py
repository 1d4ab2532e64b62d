"""A team's target: a level, target answers to some questions, or both, by a date; and the
gap between a result and it."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    AnswerOption,
    Assessment,
    Level,
    Membership,
    QuestionnaireVersion,
    Target,
    TargetAnswer,
    Team,
)
from assessments.services import selectors


class TargetError(Exception):
    """The request is refused; the message is meant for the person."""


@transaction.atomic
def set_target(
    *,
    team: Team,
    membership: Membership,
    version: QuestionnaireVersion,
    level: Level | None,
    due_on: date | None,
    answers: dict[int, int],
) -> Target | None:
    """Set (or replace) the team's target on a published `version`: `answers` maps question
    ids to target option ids. With neither a level nor answers, the target is cleared."""
    if membership.team_id != team.pk or not membership.is_owner:
        raise TargetError(_("Only a team owner can set the team's target."))
    if version.status != QuestionnaireVersion.Status.PUBLISHED:
        raise TargetError(_("A target is set on a published questionnaire."))
    if level is not None and level.version_id != version.pk:
        raise TargetError(_("Choose one of the levels offered."))
    options = {
        option.question_id: option
        for option in AnswerOption.objects.filter(
            pk__in=answers.values(), question__version=version
        )
    }
    if any(
        options.get(question_id) is None or options[question_id].pk != option_id
        for question_id, option_id in answers.items()
    ):
        raise TargetError(_("Choose target answers among each question's options."))
    Target.objects.filter(team=team).delete()
    if level is None and not answers:
        return None
    target = Target.objects.create(
        team=team, version=version, level=level, due_on=due_on, set_by=membership.user
    )
    TargetAnswer.objects.bulk_create(
        TargetAnswer(target=target, question_id=question_id, option_id=option_id)
        for question_id, option_id in answers.items()
    )
    return target


def target_of(team: Team) -> Target | None:
    return Target.objects.filter(team=team).select_related("level", "version").first()


@dataclass(frozen=True)
class ShortQuestion:
    """A question whose answer is below its target answer."""

    question_id: int
    key: str
    text: str
    answer: str | None
    target: str
    points: int


@dataclass(frozen=True)
class Gap:
    target: Target
    # Points still to gain for the target level, 0 once reached; None without a target level.
    points: int | None
    level_reached: bool | None
    short: list[ShortQuestion]

    @property
    def met(self) -> bool:
        return self.level_reached is not False and not self.short


def target_rows(target: Target) -> list[tuple[int, str, str, int, str]]:
    """(question id, key, target answer text, target score, question text) per target
    answer, in question order."""
    return list(
        target.answers.order_by("question__order").values_list(
            "question_id", "question__key", "option__text", "option__score", "question__text"
        )
    )


def gap(target: Target, assessment: Assessment | None) -> Gap:
    """How far `assessment` (a completed result, or None for none yet) is from the target.
    Questions are matched by key, so a result on another version still counts."""
    answers = selectors.answer_rows(assessment) if assessment else {}
    short = []
    for question_id, key, target_text, target_score, question_text in target_rows(target):
        row = answers.get(key)
        if row and row[3] is None:
            # Answered "not applicable": the target does not apply to the team.
            continue
        score = row[3] if row else None
        if score is None or score < target_score:
            short.append(
                ShortQuestion(
                    question_id=question_id,
                    key=key,
                    text=question_text,
                    answer=row[1] if row else None,
                    target=target_text,
                    points=target_score - (score or 0),
                )
            )
    points = reached = None
    if target.level is not None:
        total = (assessment.total_score or 0) if assessment else 0
        points = max(target.level.min_score - total, 0)
        reached = (
            assessment is not None
            and assessment.level is not None
            and assessment.level.number >= target.level.number
        )
    return Gap(target=target, points=points, level_reached=reached, short=short)


def answers_of(target: Target) -> list[tuple[int, int]]:
    """(question id, target option id) of each target answer."""
    return list(target.answers.values_list("question_id", "option_id"))
