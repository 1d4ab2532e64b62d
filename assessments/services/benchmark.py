"""How you compare: a result against the latest result of every other team and every
assessment taken without a team, on the same questionnaire.

Only aggregates leave the database: how many results reached each total, each dimension score
and each answer. Versions are pooled only when they share the same questions and scores. The
figures are cached for a few minutes (BENCHMARK_CACHE_SECONDS) and shown only when at least
BENCHMARK_MIN_GROUPS teams or respondents contribute, so nothing identifies a team.
"""

import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from assessments import caching
from assessments.models import Answer, Assessment, QuestionnaireVersion, Team
from assessments.services import selectors

HISTOGRAM_WIDTH = 560
HISTOGRAM_HEIGHT = 120


@dataclass(frozen=True)
class Population:
    """Counts over the peers: kept in the cache, so plain data only."""

    teams: int
    respondents: int
    # When the counts were taken: results completed later are not among them.
    computed_at: datetime
    totals: dict[int, int]
    dimensions: dict[str, dict[int, int]]
    answers: dict[str, dict[int, int]]

    @property
    def groups(self) -> int:
        return self.teams + self.respondents


def _fingerprint(version: QuestionnaireVersion) -> tuple:
    return tuple(
        (q.key, q.dimension.key, tuple((o.order, o.score) for o in q.options.all()))
        for q in selectors.questions_with_options(version)
    )


def comparable_versions(version: QuestionnaireVersion) -> list[int]:
    """The ids of the questionnaire's versions with the same questions and scores as
    `version` (itself included): results on them can be pooled."""
    mine = _fingerprint(version)
    others = QuestionnaireVersion.objects.filter(questionnaire_id=version.questionnaire_id).exclude(
        status=QuestionnaireVersion.Status.DRAFT
    )
    return sorted({version.pk} | {other.pk for other in others if _fingerprint(other) == mine})


def _population(version_ids: list[int], dimension_keys: list[str], other_than_team) -> Population:
    computed_at = timezone.now()
    latest_of_team = (
        Assessment.objects.filter(
            team=OuterRef("pk"), status=Assessment.Status.COMPLETED, version_id__in=version_ids
        )
        .order_by("-completed_at", "-pk")
        .values("pk")[:1]
    )
    team_results = (
        Team.objects.exclude(pk=other_than_team)
        .annotate(latest=Subquery(latest_of_team))
        .filter(latest__isnull=False)
        .values("latest")
    )
    peers = Assessment.objects.filter(
        Q(pk__in=team_results)
        | Q(
            team__isnull=True,
            round__isnull=True,
            status=Assessment.Status.COMPLETED,
            version_id__in=version_ids,
        )
    )
    counts = peers.aggregate(
        teams=Count("team_id", distinct=True),
        respondents=Count("pk", filter=Q(team__isnull=True)),
    )
    totals = dict(peers.values_list("total_score").annotate(n=Count("pk")).order_by())
    dimensions = {
        key: dict(
            peers.values_list(Cast(KT(f"dimension_scores__{key}__score"), IntegerField()))
            .annotate(n=Count("pk"))
            .order_by()
        )
        for key in dimension_keys
    }
    answers: dict[str, dict[int, int]] = {}
    for key, order, n in (
        Answer.objects.filter(assessment__in=peers)
        .values_list("question__key", "option__order")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        answers.setdefault(key, {})[order] = n
    return Population(
        counts["teams"], counts["respondents"], computed_at, totals, dimensions, answers
    )


@dataclass(frozen=True)
class Bar:
    total: int
    count: int
    x: float
    y: float
    width: float
    height: float
    yours: bool


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    bars: tuple[Bar, ...]
    you_x: float
    maximum: int


def histogram(totals: dict[int, int], maximum: int, yours: int) -> Histogram:
    """One bar per possible total, as tall as the share of peers who reached it, with yours
    marked."""
    step = HISTOGRAM_WIDTH / (maximum + 1)
    tallest = max(totals.values(), default=0) or 1
    bars = []
    for total in range(maximum + 1):
        count = totals.get(total, 0)
        height = round(HISTOGRAM_HEIGHT * count / tallest, 1)
        bars.append(
            Bar(
                total=total,
                count=count,
                x=round(total * step + 1, 1),
                y=round(HISTOGRAM_HEIGHT - height, 1),
                width=round(step - 2, 1),
                height=height,
                yours=total == yours,
            )
        )
    return Histogram(
        width=HISTOGRAM_WIDTH,
        height=HISTOGRAM_HEIGHT,
        bars=tuple(bars),
        you_x=round((yours + 0.5) * step, 1),
        maximum=maximum,
    )


def percentile(counts: dict[int, int], value: int) -> int | None:
    """The share of peers below `value`, counting ties as half, as a whole percentage."""
    peers = sum(counts.values())
    if not peers:
        return None
    below = sum(n for score, n in counts.items() if score is not None and score < value)
    same = counts.get(value, 0)
    return round(100 * (below + same / 2) / peers)


STRIP_WIDTH = 160


@dataclass(frozen=True)
class Share:
    order: int
    text: str
    percent: int
    yours: bool
    # The cell of this answer in the question's strip, shaded by its share.
    x: float
    width: float

    @property
    def opacity(self) -> float:
        return round(self.percent / 100, 2)


@dataclass(frozen=True)
class QuestionShares:
    key: str
    order: int
    text: str
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class Comparison:
    enough: bool
    groups: int
    needed: int
    total_percentile: int | None = None
    dimensions: tuple[tuple[str, int, int | None], ...] = ()  # (name, score, percentile)
    histogram: Histogram | None = None
    questions: tuple[QuestionShares, ...] = ()


def _without(counts: dict[int, int], value) -> dict[int, int]:
    counts = dict(counts)
    if counts.get(value):
        counts[value] -= 1
    return counts


def window() -> int:
    """The few-minute window the peers' counts are kept for (`BENCHMARK_CACHE_SECONDS`):
    pages that show how a result compares are kept no longer than it."""
    return int(time.time() // max(1, settings.BENCHMARK_CACHE_SECONDS))


def peers_of(assessment: Assessment) -> Population | None:
    """The counts `assessment` is compared with, from the cache for a few minutes; None when
    the benchmark is off or the assessment is not completed."""
    if not settings.BENCHMARK_ENABLED or not assessment.is_completed:
        return None
    version = assessment.version
    return caching.for_a_while(
        f"benchmark:{version.pk}:{assessment.team_id or 0}",
        settings.BENCHMARK_CACHE_SECONDS,
        lambda: _population(
            comparable_versions(version),
            list(selectors.dimension_names(version)),
            assessment.team_id,
        ),
    )


def compare(assessment: Assessment, population: Population) -> Comparison:
    """How a completed result compares with `population`, its peers (see `peers_of`)."""
    total, maximum = assessment.total_score or 0, assessment.max_score or 0
    version = assessment.version
    dimension_names = selectors.dimension_names(version)
    questions = selectors.questions_with_options(version)
    chosen_ids = selectors.choices_of(assessment)
    # Question key -> the order of the option chosen: how answers are pooled across versions.
    answers = {
        q.key: o.order for q in questions for o in q.options.all() if chosen_ids.get(q.pk) == o.pk
    }
    totals, dimensions, answer_counts = (
        population.totals,
        population.dimensions,
        population.answers,
    )
    respondents = population.respondents
    if (
        assessment.team_id is None
        and assessment.round_id is None
        and assessment.completed_at is not None
        and assessment.completed_at <= population.computed_at
    ):
        # An assessment without a team is among the peers (unless it was completed after they
        # were counted): it is not compared with itself.
        respondents -= 1
        totals = _without(totals, assessment.total_score)
        dimensions = {
            key: _without(counts, assessment.dimension_scores.get(key, {}).get("score"))
            for key, counts in dimensions.items()
        }
        answer_counts = {
            key: _without(counts, answers[key]) if key in answers else counts
            for key, counts in answer_counts.items()
        }
    groups = population.teams + respondents
    needed = max(settings.BENCHMARK_MIN_GROUPS - groups, 0)
    if needed:
        return Comparison(enough=False, groups=groups, needed=needed)
    shares = []
    for question in questions:
        counts = answer_counts.get(question.key, {})
        answered = sum(counts.values()) or 1
        chosen = answers.get(question.key)
        options = question.options.all()
        cell = STRIP_WIDTH / max(len(options), 1)
        shares.append(
            QuestionShares(
                key=question.key,
                order=question.order,
                text=question.text,
                shares=tuple(
                    Share(
                        order=option.order,
                        text=option.text,
                        percent=round(100 * counts.get(option.order, 0) / answered),
                        yours=chosen == option.order,
                        x=round(index * cell, 1),
                        width=round(cell, 1),
                    )
                    for index, option in enumerate(options)
                ),
            )
        )
    return Comparison(
        enough=True,
        groups=groups,
        needed=0,
        total_percentile=percentile(totals, total),
        dimensions=tuple(
            (
                name,
                assessment.dimension_scores.get(key, {}).get("score", 0),
                percentile(
                    dimensions.get(key, {}),
                    assessment.dimension_scores.get(key, {}).get("score", 0),
                ),
            )
            for key, name in dimension_names.items()
        ),
        histogram=histogram(totals, maximum, total),
        questions=tuple(shares),
    )
