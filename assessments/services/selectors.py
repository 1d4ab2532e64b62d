"""Queries: each function fetches what one page or service needs, in a fixed number of queries.

A published (or retired) version's structure never changes, so it is read from the database
once and then served from Django's cache. The key names the version and the moment it was
published, so nothing stale can be served: a draft is never cached, and a version published
anew (or a database restored under a shared cache) gets a new key. Level names, descriptions,
guidance and references stay editable and are always read from the database.
"""

from collections.abc import Iterator
from itertools import batched

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from assessments import caching
from assessments.models import (
    Answer,
    AnswerOption,
    Assessment,
    Dimension,
    Invitation,
    Level,
    Membership,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    ShareLink,
)
from assessments.services import access
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


def _frozen(version: QuestionnaireVersion, part: str, load):
    """`load()`, kept by `caching.immutable` when `version` is frozen."""
    stamp = version.structure_stamp
    if stamp is None:
        return load()
    return caching.immutable(caching.key("version-structure", stamp=stamp, part=part), load)


def questions_with_options(version: QuestionnaireVersion) -> list[Question]:
    """All questions of `version`, in order, with dimension and options: two queries, or none
    once a frozen version is cached."""
    return _frozen(
        version,
        "questions",
        lambda: list(
            Question.objects.filter(version=version)
            .select_related("dimension")
            .prefetch_related(Prefetch("options", queryset=AnswerOption.objects.order_by("order")))
            .order_by("order")
        ),
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
                allows_not_applicable=question.allows_not_applicable,
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
        Assessment.objects.select_related(
            "version__questionnaire", "level", "round", "agreed_in", "team"
        ),
        token=token,
    )


def _saved_answers(assessment: Assessment) -> tuple[tuple[int, int, str], ...]:
    """(question id, option id, note) of each saved answer: one query, then kept by
    `caching.immutable` under the moment the assessment was last saved, which saving an answer
    moves on in the same transaction. Pass an assessment read after the last save."""
    return caching.immutable(
        caching.key(
            "saved-answers",
            assessment=assessment.pk,
            token=assessment.token,
            saved=assessment.updated_at.timestamp(),
        ),
        lambda: tuple(
            Answer.objects.filter(assessment=assessment).values_list(
                "question_id", "option_id", "note"
            )
        ),
    )


def choices_of(assessment: Assessment) -> dict[int, int | None]:
    """The saved answers of `assessment` as question id -> option id (None for "not
    applicable")."""
    return {question: option for question, option, _note in _saved_answers(assessment)}


def notes_of(assessment: Assessment) -> dict[int, str]:
    """The notes on `assessment`'s answers as question id -> note, where there is one."""
    return {question: note for question, _option, note in _saved_answers(assessment) if note}


def question_by_order(questions: list[Question], order: int) -> Question:
    for question in questions:
        if question.order == order:
            return question
    raise Http404("No such question")


PAGE_SIZE = 25


class TwoEndedPaginator(Paginator):
    """Pages in the older half of a long list are read from its far end (in the opposite
    order, with a small offset) and turned round, so the last page of a 10,000-long history
    costs what the first does. The queryset must have a total order (an id tie-break)."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count // 2:
            return super().page(number)
        from_end = self.count - top
        # Always a QuerySet here (the history lists), which can read from its other end.
        rows = list(self.object_list.reverse()[from_end : from_end + (top - bottom)])  # type: ignore[attr-defined]
        rows.reverse()
        return Page(rows, number, self)


def assessments_of(user, page_number) -> Page:
    """One page of a signed-in user's own assessments, newest first: personal ones, and those
    of the teams they still belong to, taken for the team or as answers to its rounds (both
    stay with the team when someone leaves, out of their reach)."""
    teams_in = Membership.objects.filter(user=user).values("team_id")
    assessments = (
        Assessment.objects.filter(owner=user)
        .filter(
            Q(team__isnull=True, round__isnull=True)
            | Q(team__in=teams_in)
            | Q(round__team__in=teams_in)
        )
        .select_related("level")
        .order_by("-created_at", "-pk")
    )
    return TwoEndedPaginator(assessments, PAGE_SIZE).get_page(page_number)


def memberships_of(user) -> list[Membership]:
    """The teams a user belongs to, with the team, by team name."""
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("team").order_by("team__name"))


def membership_of(user, team_id: int | None) -> Membership | None:
    """The user's membership of the team, or None (also for no team or no sign-in)."""
    if team_id is None or not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, team__pk=team_id).first()


def membership_or_404(user, team_id: int) -> Membership:
    """The user's membership of the team; 404 for everyone else, so a team's existence is
    never confirmed to outsiders."""
    membership = None
    if user.is_authenticated:
        # team__pk, unlike team_id, answers "no such row" for ids too large for the database.
        membership = (
            Membership.objects.select_related("team").filter(user=user, team__pk=team_id).first()
        )
    if access.team_access(membership.role if membership else None) is access.Access.NONE:
        raise Http404("No such team")
    assert membership is not None
    return membership


def team_assessments_page(team, page_number) -> Page:
    """One page of the team's assessments, newest first, with who took them and their level."""
    assessments = (
        Assessment.objects.filter(team=team)
        .select_related("owner", "version__questionnaire", "level", "agreed_in")
        .order_by("-created_at", "-pk")
    )
    return TwoEndedPaginator(assessments, PAGE_SIZE).get_page(page_number)


def latest_completed(team, count: int, questionnaire_id: int | None = None) -> list[Assessment]:
    """The team's latest `count` completed assessments (of one questionnaire, if given), oldest
    first, with their stored figures: the trend, its table and the compare choices stay this
    size at any history."""
    completed = Assessment.objects.filter(team=team, status=Assessment.Status.COMPLETED)
    if questionnaire_id is not None:
        completed = completed.filter(version__questionnaire_id=questionnaire_id)
    latest = list(
        completed.select_related("level", "version__questionnaire", "agreed_in")
        .order_by("-completed_at", "-pk")
        .only(
            "agreed_in__title",
            "agreed_in__agreed_by",
            "agreed_in__member_count",
            "agreed_in__team_id",
            "updated_at",
            "team",
            "round",
            "version__questionnaire__slug",
            "version__questionnaire__title",
            "pk",
            "token",
            "completed_at",
            "created_at",
            "total_score",
            "max_score",
            "dimension_scores",
            "status",
            "level__number",
            "level__name",
            "version__number",
            "version__status",
            "version__published_at",
            "version__advice_revised_at",
        )[:count]
    )
    latest.reverse()
    return latest


def team_questionnaires(team) -> list[Questionnaire]:
    """The questionnaires the team has completed results on, by title."""
    return list(
        Questionnaire.objects.filter(
            versions__assessments__team=team,
            versions__assessments__status=Assessment.Status.COMPLETED,
        )
        .distinct()
        .order_by("title", "slug")
    )


def compare_choices(team, *, count: int, requested: list[int]) -> list[Assessment]:
    """The results the compare form offers: the team's latest `count` completed ones, oldest
    first, and before them any other completed result of the team asked for by id (an older
    one, linked from the history)."""
    choices = latest_completed(team, count)
    offered = {a.pk for a in choices}
    older = [pk for pk in requested if pk not in offered]
    if older:
        choices[:0] = (
            Assessment.objects.filter(team=team, status=Assessment.Status.COMPLETED, pk__in=older)
            .select_related("version__questionnaire", "level", "agreed_in")
            .order_by("completed_at", "pk")
        )
    return choices


def levels_of(version_id) -> list[Level]:
    return list(Level.objects.filter(version_id=version_id).order_by("min_score"))


def dimension_names(version: QuestionnaireVersion) -> dict[str, str]:
    """The version's dimensions, key -> name, in order."""
    return _frozen(
        version,
        "dimension-names",
        lambda: dict(
            Dimension.objects.filter(version=version).order_by("order").values_list("key", "name")
        ),
    )


def answer_rows(assessment: Assessment) -> dict[str, tuple]:
    """The assessment's answers as question key -> (question text, answer text, option order,
    score, note), in question order: one query."""
    rows = (
        Answer.objects.filter(assessment=assessment)
        .order_by("question__order")
        .values_list(
            "question__key",
            "question__text",
            "option__text",
            "option__order",
            "option__score",
            "note",
        )
    )
    return {key: tuple(rest) for key, *rest in rows}


def team_counts(team) -> dict[str, int]:
    """How much the team holds, for the page that deletes it."""
    return {
        "assessments": team.assessments.count(),
        "members": team.memberships.count(),
        "rounds": team.rounds.count(),
        "actions": team.actions.count(),
    }


def team_members(team) -> list[Membership]:
    return list(team.memberships.select_related("user").order_by("joined_at"))


def open_invitations(team) -> list[Invitation]:
    from django.utils import timezone

    return list(
        team.invitations.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at")
    )


def team_assessment_or_404(team, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related("version__questionnaire", "level", "owner"),
        team=team,
        pk=assessment_id,
    )


def active_share_links(assessment) -> list[ShareLink]:
    return list(assessment.share_links.filter(revoked_at__isnull=True))


def share_link_or_404(token: str) -> ShareLink:
    return get_object_or_404(
        ShareLink.objects.select_related("assessment__version__questionnaire", "assessment__level"),
        token=token,
    )


EXPORT_CHUNK = 1000


def team_history(team) -> Iterator[tuple[Assessment, list[tuple]]]:
    """Every assessment of the team, oldest first, with its answers ((key, question text,
    answer text, score, note) each): read in chunks, two queries a chunk, so memory stays flat
    whatever the history's size."""
    assessments = (
        Assessment.objects.filter(team=team)
        .select_related("owner", "version__questionnaire", "level", "agreed_in")
        .order_by("created_at", "pk")
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for chunk in batched(assessments, EXPORT_CHUNK):
        answers: dict[int, list[tuple]] = {}
        rows = (
            Answer.objects.filter(assessment_id__in=[a.pk for a in chunk])
            .order_by("assessment_id", "question__order")
            .values_list(
                "assessment_id",
                "question__key",
                "question__text",
                "option__text",
                "option__score",
                "note",
            )
        )
        for assessment_id, *answer in rows:
            answers.setdefault(assessment_id, []).append(tuple(answer))
        for assessment in chunk:
            yield assessment, answers.get(assessment.pk, [])


def team_export_columns(team) -> tuple[list[str], list[str], bool]:
    """The dimension keys (sorted) and question keys (by questionnaire, version, then order) of
    every version the team's assessments were taken on: the export's columns. When they span
    more than one questionnaire, keys are qualified as "slug.key" (the third value is then
    true), since two questionnaires may use the same keys."""
    versions = Assessment.objects.filter(team=team).values("version_id")
    columns = list(
        Question.objects.filter(version_id__in=versions)
        .order_by("version__questionnaire__slug", "version__number", "order")
        .values_list("version__questionnaire__slug", "key", "dimension__key")
    )
    several = len({slug for slug, _key, _dimension in columns}) > 1

    def name(slug, key):
        return f"{slug}.{key}" if several else key

    question_keys = list(dict.fromkeys(name(slug, key) for slug, key, _d in columns))
    dimension_keys = sorted({name(slug, dimension) for slug, _key, dimension in columns})
    return dimension_keys, question_keys, several
