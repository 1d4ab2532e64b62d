"""How you compare: a result against its peers on the same questionnaire, without giving any
peer away. The threat model is in the README ("How you compare: what it protects").

- Contributors are counted, not assessments, and a contributor is a person: each signed-in
  person counts once, by the latest of their own results without a team and the results of
  the teams they hold (a team is held by its first owner), so one account that makes five
  teams is still one. Results taken without an account are left out: anyone can make them by
  the dozen.
- Figures are released, not counted for each page: a release is kept in the database until at
  least BENCHMARK_MIN_GROUPS counted contributors have arrived, left or changed their result
  since it, so that comparing two releases never isolates fewer than that many.
- Nothing shown rests on fewer than the minimum: totals, dimension scores and answers are
  shown in bands of adjacent values that each hold at least one more than the minimum, cut
  from the release alone (so every viewer sees the same bands, and still at least the minimum
  once their own result is taken out); a question or dimension that fewer than the
  minimum answered is left out; percentiles are read from the bands.
- A viewer's own contribution is taken out of what they are shown: they are compared with the
  others. The release's figures are cached for BENCHMARK_CACHE_SECONDS.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.utils import timezone

from assessments import caching
from assessments.models import (
    Answer,
    Assessment,
    BenchmarkRelease,
    Membership,
    QuestionnaireVersion,
    Round,
    Team,
)
from assessments.services import selectors

HISTOGRAM_WIDTH = 560
HISTOGRAM_HEIGHT = 120
STRIP_WIDTH = 160


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


def _holder(team_id):
    """The person a team's results count for: its first owner."""
    return (
        Membership.objects.filter(team_id=team_id, role=Membership.Role.OWNER)
        .order_by("user_id")
        .values("user_id")[:1]
    )


def _team_of(assessment: Assessment) -> int | None:
    """The team an assessment speaks for: its own, or its round's."""
    if assessment.round_id is None:
        return assessment.team_id
    return Round.objects.filter(pk=assessment.round_id).values_list("team_id").get()[0]


def contributor_of(assessment: Assessment) -> str | None:
    """The person an assessment would count for: its team's holder (a round's answers, their
    round's team's), or the signed-in person who took it; None when taken without an
    account."""
    team_id = _team_of(assessment)
    if team_id is not None:
        holder = _holder(team_id).first()
        return f"p{holder['user_id']}" if holder else None
    if assessment.owner_id is not None:
        return f"p{assessment.owner_id}"
    return None


def _contributors(version_ids: list[int]) -> dict[str, int]:
    """Each person who contributes on these versions now, with the id of the result of theirs
    that counts: the latest of their own results and of the teams they hold."""
    completed = Assessment.objects.filter(
        status=Assessment.Status.COMPLETED, version_id__in=version_ids
    ).order_by("-completed_at", "-pk")

    def latest(field: str, **owned):
        # A field of the latest result matching `owned`, as a subquery.
        return Subquery(completed.filter(**owned).values(field)[:1])

    team = {"team": OuterRef("pk")}
    teams = (
        Team.objects.annotate(
            latest=latest("pk", **team),
            latest_at=latest("completed_at", **team),
            holder=Subquery(_holder(OuterRef("pk"))),
        )
        .filter(latest__isnull=False, holder__isnull=False)
        .values_list("holder", "latest_at", "latest")
    )
    own = {"owner": OuterRef("pk"), "team__isnull": True, "round__isnull": True}
    people = (
        get_user_model()
        .objects.annotate(latest=latest("pk", **own), latest_at=latest("completed_at", **own))
        .filter(latest__isnull=False)
        .values_list("pk", "latest_at", "latest")
    )
    found: dict[int, tuple] = {}
    for person, at, result in [*teams, *people]:
        found[person] = max(found.get(person, (at, result)), (at, result))
    return {f"p{person}": result for person, (_at, result) in found.items()}


# Results counted a query at a time: a database bounds a query's parameters.
CHUNK = 500


def _add(into: dict[int, int], rows) -> None:
    for value, n in rows:
        if value is not None:
            into[value] = into.get(value, 0) + n


def _figures(assessment_ids: list[int], dimension_keys: list[str]) -> dict:
    """The exact counts over these results (exactly the contributors' own, whatever was
    completed since): of each total, each dimension score and each answer (by question key
    and option order, so that pooled versions add up)."""
    totals: dict[int, int] = {}
    dimensions: dict[str, dict[int, int]] = {key: {} for key in dimension_keys}
    answers: dict[str, dict[int, int]] = {}
    for start in range(0, len(assessment_ids), CHUNK):
        peers = Assessment.objects.filter(pk__in=assessment_ids[start : start + CHUNK])
        _add(totals, peers.values_list("total_score").annotate(n=Count("pk")).order_by())
        for key in dimension_keys:
            score = Cast(KT(f"dimension_scores__{key}__score"), IntegerField())
            _add(dimensions[key], peers.values_list(score).annotate(n=Count("pk")).order_by())
        for key, order, n in (
            Answer.objects.filter(assessment__in=peers, option__isnull=False)
            .values_list("question__key", "option__order")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            _add(answers.setdefault(key, {}), [(order, n)])
    return {"totals": totals, "dimensions": dimensions, "answers": answers}


def _changes(before: dict[str, int], now: dict[str, int]) -> int:
    """How many contributors arrived, left or changed their result."""
    return sum(1 for key in before.keys() | now.keys() if before.get(key) != now.get(key))


def _counts(raw: dict) -> dict[int, int]:
    # JSON keeps keys as text.
    return {int(value): n for value, n in raw.items()}


@dataclass(frozen=True)
class Release:
    """A release's figures, plain data to keep in the cache."""

    published_at: datetime
    contributors: dict[str, int]
    totals: dict[int, int]
    dimensions: dict[str, dict[int, int]]
    answers: dict[str, dict[int, int]]

    @property
    def counted(self) -> int:
        return len(self.contributors)

    @classmethod
    def of(cls, row: BenchmarkRelease) -> "Release":
        figures = row.figures
        return cls(
            published_at=row.published_at,
            contributors=row.contributors,
            totals=_counts(figures["totals"]),
            dimensions={key: _counts(c) for key, c in figures["dimensions"].items()},
            answers={key: _counts(c) for key, c in figures["answers"].items()},
        )


@dataclass(frozen=True)
class Peers:
    """The latest release of a pool of versions (None before the first), and who contributes
    now."""

    release: Release | None
    contributors_now: frozenset[str]

    @property
    def counted_now(self) -> int:
        return len(self.contributors_now)


def _latest(version: QuestionnaireVersion) -> Peers:
    """The pool's release, a new one published first when enough contributors changed."""
    pool = comparable_versions(version)
    # Named by what the pooled versions share, so that publishing another version with the
    # same questions and scores goes on with the same releases.
    fingerprint = hashlib.sha256(repr(_fingerprint(version)).encode()).hexdigest()[:32]
    name = f"{version.questionnaire_id}:{fingerprint}"
    with transaction.atomic():
        row = BenchmarkRelease.objects.filter(pool=name).first()
        now = _contributors(pool)
        if _changes(row.contributors if row else {}, now) >= settings.BENCHMARK_MIN_GROUPS:
            figures = _figures(list(now.values()), list(selectors.dimension_names(version)))
            row, _created = BenchmarkRelease.objects.update_or_create(
                pool=name,
                defaults={
                    "published_at": timezone.now(),
                    "contributors": now,
                    "figures": figures,
                },
            )
    return Peers(Release.of(row) if row else None, frozenset(now))


def window() -> int:
    """The few-minute window releases are looked up again after (`BENCHMARK_CACHE_SECONDS`):
    pages that show how a result compares are kept no longer than it."""
    return int(time.time() // max(1, settings.BENCHMARK_CACHE_SECONDS))


def peers_of(assessment: Assessment) -> Peers | None:
    """What `assessment` is compared with, from the cache for a few minutes; None when the
    benchmark is off or the assessment is not completed."""
    if not settings.BENCHMARK_ENABLED or not assessment.is_completed:
        return None
    version = assessment.version
    return caching.for_a_while(
        caching.key("benchmark", version=version.pk),
        settings.BENCHMARK_CACHE_SECONDS,
        lambda: _latest(version),
    )


@dataclass(frozen=True)
class Band:
    """Adjacent values (totals, scores or answers) counted together: `count` of the others
    reached one of `low`..`high`."""

    low: int
    high: int
    count: int

    def holds(self, value) -> bool:
        return value is not None and self.low <= value <= self.high


def banded(counts: dict[int, int], values: list[int], minimum: int) -> list[Band]:
    """`values` in order, cut into bands of adjacent values that each hold either nobody or
    at least `minimum` of `counts`: a run of values nobody reached is a band of its own, and
    a short last band joins the one before it that holds anybody. Every value is in one
    band."""
    bands: list[Band] = []
    start: int | None = None
    held, previous = 0, 0
    for value in values:
        count = counts.get(value, 0)
        if held == 0 and count and start is not None:
            # A run of values nobody reached ends before this one.
            bands.append(Band(start, previous, 0))
            start = None
        start = value if start is None else start
        held += count
        if held >= minimum:
            bands.append(Band(start, value, held))
            start, held = None, 0
        previous = value
    if start is None:
        return bands
    if held == 0:
        return [*bands, Band(start, values[-1], 0)]
    # Too few at the end: they join the last band anybody reached, and what lies between.
    while bands and bands[-1].count == 0:
        bands.pop()
    if not bands:
        return [Band(values[0], values[-1], held)]
    last = bands.pop()
    return [*bands, Band(last.low, values[-1], last.count + held)]


def _less(bands: list[Band], value) -> list[Band]:
    """`bands` less one result at `value` (the viewer's own)."""
    return [Band(b.low, b.high, b.count - 1) if b.holds(value) and b.count else b for b in bands]


def percentile(bands: list[Band], value: int) -> int | None:
    """The share of the others in lower bands, counting `value`'s own band as half, as a
    whole percentage."""
    everyone = sum(b.count for b in bands)
    if not everyone:
        return None
    below = sum(b.count for b in bands if b.high < value)
    same = sum(b.count for b in bands if b.holds(value))
    return round(100 * (below + same / 2) / everyone)


@dataclass(frozen=True)
class Bar:
    low: int
    high: int
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


def histogram(bands: list[Band], maximum: int, yours: int) -> Histogram:
    """One bar per band, as wide as its totals and as tall as the others per total in it,
    with yours marked."""
    step = HISTOGRAM_WIDTH / (maximum + 1)
    densest = max((b.count / (b.high - b.low + 1) for b in bands), default=0) or 1
    bars = []
    for band in bands:
        height = round(HISTOGRAM_HEIGHT * band.count / (band.high - band.low + 1) / densest, 1)
        bars.append(
            Bar(
                low=band.low,
                high=band.high,
                count=band.count,
                x=round(band.low * step + 1, 1),
                y=round(HISTOGRAM_HEIGHT - height, 1),
                width=round((band.high - band.low + 1) * step - 2, 1),
                height=height,
                yours=band.holds(yours),
            )
        )
    return Histogram(
        width=HISTOGRAM_WIDTH,
        height=HISTOGRAM_HEIGHT,
        bars=tuple(bars),
        you_x=round((yours + 0.5) * step, 1),
        maximum=maximum,
    )


@dataclass(frozen=True)
class Share:
    """The share of the others whose answer is in steps `first`..`last` (1 for the lowest)."""

    first: int
    last: int
    percent: int
    yours: bool
    # The cells of these answers in the question's strip, shaded by their share.
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
    # Empty when fewer than the minimum of the others answered the question.
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class Comparison:
    enough: bool
    groups: int
    needed: int
    # The least number of results any figure shown rests on.
    minimum: int = 0
    total_percentile: int | None = None
    # (name, score, percentile); the percentile is None where too few have a score.
    dimensions: tuple[tuple[str, int, int | None], ...] = ()
    histogram: Histogram | None = None
    questions: tuple[QuestionShares, ...] = ()


@dataclass(frozen=True)
class Contribution:
    total: int | None
    dimensions: dict[str, int]
    # Question key -> the order of the option chosen: how answers are pooled across versions.
    answers: dict[str, int]


def _contribution(assessment: Assessment) -> Contribution:
    return Contribution(
        total=assessment.total_score,
        dimensions={
            key: value["score"]
            for key, value in (assessment.dimension_scores or {}).items()
            if value.get("score") is not None
        },
        answers=dict(
            Answer.objects.filter(assessment=assessment, option__isnull=False).values_list(
                "question__key", "option__order"
            )
        ),
    )


def _own(assessment: Assessment, release: Release, contributor: str | None):
    """What the viewer put into the release themselves, taken out of what they are shown: a
    result of the same team, or their own result without a team. A result the person counts
    by that the viewer does not see (another team's they hold) stays among the others."""
    counted = release.contributors.get(contributor) if contributor else None
    if counted is None:
        return None
    if counted == assessment.pk:
        return _contribution(assessment)
    earlier = Assessment.objects.filter(pk=counted).first()
    if earlier is None:
        return None
    team_id = _team_of(assessment)
    same_team = team_id is not None and earlier.team_id == team_id
    same_person = (
        team_id is None and earlier.team_id is None and earlier.owner_id == assessment.owner_id
    )
    return _contribution(earlier) if same_team or same_person else None


def _shares(question, counts: dict[int, int], own: Contribution | None, chosen, minimum):
    options = list(question.options.all())
    mine = own.answers.get(question.key) if own else None
    answered = sum(counts.values()) - (1 if mine is not None else 0)
    if answered < minimum:
        return ()
    orders = [option.order for option in options]
    cell = STRIP_WIDTH / max(len(options), 1)
    shares = []
    for band in _less(banded(counts, orders, minimum + 1), mine):
        first, last = orders.index(band.low), orders.index(band.high)
        shares.append(
            Share(
                first=first + 1,
                last=last + 1,
                percent=round(100 * band.count / answered),
                yours=band.holds(chosen),
                x=round(first * cell, 1),
                width=round((last - first + 1) * cell, 1),
            )
        )
    return tuple(shares)


def compare(assessment: Assessment, peers: Peers) -> Comparison:
    """How a completed result compares with the others in its peers' release (see
    `peers_of`)."""
    minimum = settings.BENCHMARK_MIN_GROUPS
    contributor = contributor_of(assessment)
    release = peers.release
    if release is None:
        others = peers.counted_now - (1 if contributor in peers.contributors_now else 0)
        return Comparison(enough=False, groups=others, needed=max(minimum - others, 1))
    own = _own(assessment, release, contributor)
    counted_self = own is not None
    others = release.counted - (1 if counted_self else 0)
    if others < minimum:
        return Comparison(enough=False, groups=others, needed=minimum - others)
    total, maximum = assessment.total_score or 0, assessment.max_score or 0
    totals = _less(
        banded(release.totals, list(range(maximum + 1)), minimum + 1), own.total if own else None
    )
    version = assessment.version
    dimension_maxima = {
        key: value.get("maximum", 0) for key, value in (assessment.dimension_scores or {}).items()
    }
    dimensions = []
    for key, name in selectors.dimension_names(version).items():
        score = assessment.dimension_scores.get(key, {}).get("score", 0)
        counts = release.dimensions.get(key, {})
        mine = own.dimensions.get(key) if own else None
        have = sum(counts.values()) - (1 if mine is not None else 0)
        bands = banded(counts, list(range(dimension_maxima.get(key, 0) + 1)), minimum + 1)
        dimensions.append(
            (name, score, percentile(_less(bands, mine), score) if have >= minimum else None)
        )
    chosen_ids = selectors.choices_of(assessment)
    questions = selectors.questions_with_options(version)
    chosen = {
        q.key: o.order for q in questions for o in q.options.all() if chosen_ids.get(q.pk) == o.pk
    }
    return Comparison(
        enough=True,
        groups=others,
        needed=0,
        minimum=minimum,
        total_percentile=percentile(totals, total),
        dimensions=tuple(dimensions),
        histogram=histogram(totals, maximum, total),
        questions=tuple(
            QuestionShares(
                key=question.key,
                order=question.order,
                text=question.text,
                shares=_shares(
                    question,
                    release.answers.get(question.key, {}),
                    own,
                    chosen.get(question.key),
                    minimum,
                ),
            )
            for question in questions
        ),
    )
