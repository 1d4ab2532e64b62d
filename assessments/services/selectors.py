"""Queries: each function fetches what one page or service needs, in a fixed number of queries."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments.models import (
    Answer,
    AnswerOption,
    Assessment,
    Level,
    Question,
    Questionnaire,
    QuestionnaireVersion,
)
from assessments.services.scoring import (
    DimensionSpec,
    LevelSpec,
    OptionSpec,
    QuestionSpec,
    VersionSpec,
)

DEFAULT_QUESTIONNAIRE = "genaiops"


def published_version(slug: str = DEFAULT_QUESTIONNAIRE) -> QuestionnaireVersion | None:
    """The version new assessments of `slug` are taken on, if one is published."""
    return (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .filter(questionnaire__slug=slug, status=QuestionnaireVersion.Status.PUBLISHED)
        .first()
    )


def questionnaires_with_published_version() -> list[Questionnaire]:
    return list(
        Questionnaire.objects.filter(versions__status=QuestionnaireVersion.Status.PUBLISHED)
    )


def questions_with_options(version: QuestionnaireVersion) -> list[Question]:
    """All questions of `version`, in order, with dimension and options: two queries."""
    return list(
        Question.objects.filter(version=version)
        .select_related("dimension")
        .prefetch_related(Prefetch("options", queryset=AnswerOption.objects.order_by("order")))
        .order_by("order")
    )


def levels_with_references(version: QuestionnaireVersion) -> list[Level]:
    return list(version.levels.prefetch_related("references").order_by("min_score"))


def version_spec(
    version: QuestionnaireVersion,
    questions: list[Question] | None = None,
    levels: list[Level] | None = None,
) -> VersionSpec:
    """The plain structure the scoring service works on."""
    if questions is None:
        questions = questions_with_options(version)
    if levels is None:
        levels = list(version.levels.order_by("min_score"))
    dimensions = {question.dimension for question in questions}
    return VersionSpec(
        id=version.pk,
        number=version.number,
        status=version.status,
        dimensions=tuple(
            DimensionSpec(key=d.key, order=d.order, name=d.name)
            for d in sorted(dimensions, key=lambda d: d.order)
        ),
        questions=tuple(
            QuestionSpec(
                id=question.pk,
                key=question.key,
                order=question.order,
                text=question.text,
                dimension_key=question.dimension.key,
                options=tuple(
                    OptionSpec(id=o.pk, order=o.order, text=o.text, score=o.score)
                    for o in question.options.all()
                ),
            )
            for question in questions
        ),
        levels=tuple(
            LevelSpec(
                id=level.pk,
                number=level.number,
                name=level.name,
                min_score=level.min_score,
                max_score=level.max_score,
            )
            for level in levels
        ),
    )


def assessment_by_token(token: str) -> Assessment:
    """The assessment behind a private link, or 404."""
    return get_object_or_404(
        Assessment.objects.select_related("version__questionnaire", "level"), token=token
    )


def choices_of(assessment: Assessment) -> dict[int, int]:
    """The saved answers of `assessment` as question id -> option id."""
    return dict(
        Answer.objects.filter(assessment=assessment).values_list("question_id", "option_id")
    )


def question_by_order(questions: list[Question], order: int) -> Question:
    for question in questions:
        if question.order == order:
            return question
    raise Http404("No such question")


def assessments_of(user) -> list[Assessment]:
    """A signed-in user's own assessments, newest first."""
    return list(
        Assessment.objects.filter(owner=user)
        .select_related("version__questionnaire", "level")
        .order_by("-created_at")
    )
