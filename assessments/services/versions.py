"""The life of a questionnaire version: validate, publish, and copy into a new draft."""

from dataclasses import dataclass
from itertools import pairwise

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    AnswerOption,
    Dimension,
    Level,
    Question,
    QuestionnaireVersion,
    Reference,
)


class PublishError(Exception):
    """The version cannot be published; `problems` lists every reason."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__(" ".join(problem.message for problem in problems))


@dataclass(frozen=True)
class Problem:
    """One reason a version cannot be published, tied to the object and field at fault."""

    message: str
    obj: models.Model | None = None
    field: str | None = None


# What every page can draw: the level scale, the map (two dimensions) or the dimension bars.
MIN_LEVELS, MAX_LEVELS = 2, 8
MAX_DIMENSIONS = 4


def validate_version(version: QuestionnaireVersion) -> list[Problem]:
    """Every reason `version` is not fit to publish; an empty list means it is."""
    problems = []
    questions = list(version.questions.prefetch_related("options").order_by("order"))
    levels = list(version.levels.order_by("min_score"))
    dimension_count = version.dimensions.count()
    if not dimension_count:
        problems.append(Problem(_("The version has no dimension.")))
    elif dimension_count > MAX_DIMENSIONS:
        problems.append(
            Problem(
                _("A version can have at most %(count)s dimensions.") % {"count": MAX_DIMENSIONS}
            )
        )
    if not questions:
        problems.append(Problem(_("The version has no question.")))
    for question in questions:
        options = list(question.options.all())
        if len(options) < 2:
            problems.append(
                Problem(
                    _("Question %(order)s needs at least two answer options.")
                    % {"order": question.order},
                    question,
                    "options",
                )
            )
        scores = [option.score for option in options]
        if len(scores) != len(set(scores)):
            problems.append(
                Problem(
                    _("Question %(order)s gives the same score to two options.")
                    % {"order": question.order},
                    question,
                    "options",
                )
            )
    if not levels:
        problems.append(Problem(_("The version has no level.")))
        return problems
    if not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        problems.append(
            Problem(
                _("A version needs between %(low)s and %(high)s levels.")
                % {"low": MIN_LEVELS, "high": MAX_LEVELS}
            )
        )
    lowest = sum(min((o.score for o in q.options.all()), default=0) for q in questions)
    highest = sum(max((o.score for o in q.options.all()), default=0) for q in questions)
    for level in levels:
        if not level.name.strip():
            problems.append(
                Problem(
                    _("Level %(number)s has no name.") % {"number": level.number}, level, "name"
                )
            )
    if levels[0].min_score != lowest:
        problems.append(
            Problem(
                _("The lowest band must start at %(lowest)s, the lowest possible total.")
                % {"lowest": lowest},
                levels[0],
                "min_score",
            )
        )
    if levels[-1].max_score != highest:
        problems.append(
            Problem(
                _("The highest band must end at %(highest)s, the highest possible total.")
                % {"highest": highest},
                levels[-1],
                "max_score",
            )
        )
    for lower, upper in pairwise(levels):
        if upper.min_score != lower.max_score + 1:
            problems.append(
                Problem(
                    _("Level %(upper)s must start at %(expected)s, right after level %(lower)s.")
                    % {
                        "upper": upper.number,
                        "expected": lower.max_score + 1,
                        "lower": lower.number,
                    },
                    upper,
                    "min_score",
                )
            )
    numbers = [level.number for level in levels]
    if numbers != sorted(numbers):
        problems.append(Problem(_("Level numbers must rise with their score bands.")))
    return problems


@transaction.atomic
def publish(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Publish a draft and retire the version new assessments used until now."""
    version = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != QuestionnaireVersion.Status.DRAFT:
        raise PublishError([Problem(_("Only a draft can be published."))])
    problems = validate_version(version)
    if problems:
        raise PublishError(problems)
    QuestionnaireVersion.objects.filter(
        questionnaire=version.questionnaire_id, status=QuestionnaireVersion.Status.PUBLISHED
    ).update(status=QuestionnaireVersion.Status.RETIRED)
    version.status = QuestionnaireVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    return version


@transaction.atomic
def create_draft(source: QuestionnaireVersion) -> QuestionnaireVersion:
    """Copy `source` with all its content into a new draft with the next version number."""
    latest = (
        QuestionnaireVersion.objects.filter(questionnaire=source.questionnaire_id)
        .select_for_update()
        .order_by("-number")
        .first()
    )
    # `source` itself is among the versions, so there is always a latest one.
    assert latest is not None
    draft = QuestionnaireVersion.objects.create(
        questionnaire_id=source.questionnaire_id, number=latest.number + 1, based_on=source
    )
    dimensions = {}
    for dimension in source.dimensions.all():
        dimensions[dimension.pk] = Dimension.objects.create(
            version=draft,
            key=dimension.key,
            order=dimension.order,
            name=dimension.name,
            description=dimension.description,
        )
    for question in source.questions.prefetch_related("options"):
        copy = Question.objects.create(
            version=draft,
            dimension=dimensions[question.dimension_id],
            key=question.key,
            order=question.order,
            text=question.text,
            help_text=question.help_text,
            allows_not_applicable=question.allows_not_applicable,
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(question=copy, order=option.order, text=option.text, score=option.score)
            for option in question.options.all()
        )
    for level in source.levels.prefetch_related("references"):
        copy = Level.objects.create(
            version=draft,
            number=level.number,
            name=level.name,
            min_score=level.min_score,
            max_score=level.max_score,
            description=level.description,
            guidance=level.guidance,
        )
        Reference.objects.bulk_create(
            Reference(
                level=copy,
                order=reference.order,
                title=reference.title,
                url=reference.url,
                note=reference.note,
            )
            for reference in level.references.all()
        )
    return draft
