"""Scoring: from a version's structure and the chosen options to a total, a level and next steps.

Pure functions over plain, immutable data: no database, no request. The selectors build a
`VersionSpec` from the database; tests build one by hand.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _


class ScoringError(ValueError):
    """The answers cannot be scored against this version; the message says why."""


@dataclass(frozen=True)
class OptionSpec:
    id: int
    order: int
    text: str
    score: int


@dataclass(frozen=True)
class QuestionSpec:
    id: int
    key: str
    order: int
    text: str
    dimension_key: str
    options: tuple[OptionSpec, ...]
    allows_not_applicable: bool = False

    @property
    def max_score(self) -> int:
        return max((option.score for option in self.options), default=0)

    @property
    def min_score(self) -> int:
        return min((option.score for option in self.options), default=0)

    def option(self, option_id: int) -> OptionSpec:
        for option in self.options:
            if option.id == option_id:
                return option
        raise ScoringError(
            _("The chosen answer is not an option of question %(order)s.") % {"order": self.order}
        )

    def next_option_up(self, option: OptionSpec) -> OptionSpec | None:
        """The option with the lowest score above the chosen one: the next concrete step."""
        higher = [candidate for candidate in self.options if candidate.score > option.score]
        return min(higher, key=lambda candidate: candidate.score, default=None)


@dataclass(frozen=True)
class DimensionSpec:
    key: str
    order: int
    name: str


@dataclass(frozen=True)
class LevelSpec:
    id: int
    number: int
    name: str
    min_score: int
    max_score: int


@dataclass(frozen=True)
class VersionSpec:
    id: int
    number: int
    status: str
    dimensions: tuple[DimensionSpec, ...]
    questions: tuple[QuestionSpec, ...]
    levels: tuple[LevelSpec, ...]

    @property
    def max_score(self) -> int:
        return sum(question.max_score for question in self.questions)

    @property
    def min_score(self) -> int:
        return sum(question.min_score for question in self.questions)

    def level_for(self, total: int) -> LevelSpec:
        for level in self.levels:
            if level.min_score <= total <= level.max_score:
                return level
        raise ScoringError(_("No level covers a total of %(total)s.") % {"total": total})


@dataclass(frozen=True)
class DimensionScore:
    key: str
    name: str
    score: int
    maximum: int


@dataclass(frozen=True)
class QuestionResult:
    question: QuestionSpec
    # None when answered "not applicable".
    chosen: OptionSpec | None
    next_option: OptionSpec | None

    @property
    def not_applicable(self) -> bool:
        return self.chosen is None

    @property
    def points(self) -> int:
        """The chosen option's score; none for "not applicable"."""
        return 0 if self.chosen is None else self.chosen.score

    @property
    def gap(self) -> int:
        return 0 if self.chosen is None else self.question.max_score - self.chosen.score


@dataclass(frozen=True)
class Result:
    total: int
    maximum: int
    dimensions: tuple[DimensionScore, ...]
    level: LevelSpec
    next_level: LevelSpec | None
    points_to_next_level: int | None
    questions: tuple[QuestionResult, ...]
    # The points scored on the applicable questions and the most they could give: equal to
    # the total and the maximum unless some answer is "not applicable".
    applicable_total: int = 0
    applicable_maximum: int = 0

    @property
    def scaled(self) -> bool:
        """Whether some question was not applicable, so the total is scaled."""
        return any(item.not_applicable for item in self.questions)

    def weakest_first(self) -> list[QuestionResult]:
        """Questions ordered by how far they are from their best answer, then by order."""
        return sorted(self.questions, key=lambda item: (-item.gap, item.question.order))


SCORABLE_STATUSES = frozenset({"published", "retired"})


def score(version: VersionSpec, choices: Mapping[int, int | None], *, allow_draft=False) -> Result:
    """Score `choices` (question id -> option id, or None for "not applicable") against
    `version`.

    Every question must be answered with one of its own options, or "not applicable" where
    the question offers it; anything else raises `ScoringError` rather than producing a wrong
    score. "Not applicable" leaves a question out: the points on the other questions are
    scaled to the version's full range (see `scale`) before the bands apply, and each
    dimension's likewise. Drafts are refused unless
    `allow_draft` is set (the admin preview).
    """
    if version.status not in SCORABLE_STATUSES and not allow_draft:
        raise ScoringError(_("This questionnaire version is not published."))
    questions_by_id = {question.id: question for question in version.questions}
    unknown = sorted(set(choices) - set(questions_by_id))
    if unknown:
        raise ScoringError(
            _("These questions are not part of this version: %(ids)s.")
            % {"ids": ", ".join(str(question_id) for question_id in unknown)}
        )
    missing = [question.order for question in version.questions if question.id not in choices]
    if missing:
        raise ScoringError(
            _("These questions are not answered yet: %(orders)s.")
            % {"orders": ", ".join(str(order) for order in missing)}
        )

    question_results = []
    for question in version.questions:
        if choices[question.id] is None:
            if not question.allows_not_applicable:
                raise ScoringError(
                    _("Question %(order)s cannot be answered “not applicable”.")
                    % {"order": question.order}
                )
            question_results.append(QuestionResult(question, None, None))
            continue
        option_id = choices[question.id]
        assert option_id is not None  # "not applicable" was handled above
        chosen = question.option(option_id)
        question_results.append(QuestionResult(question, chosen, question.next_option_up(chosen)))
    applicable = [item for item in question_results if not item.not_applicable]
    if not applicable:
        raise ScoringError(
            _("Every question is answered “not applicable”: answer at least one to be scored.")
        )

    def scaled(items: list[QuestionResult], questions) -> int:
        """The points of `items` (some applicable questions) scaled to the range of all of
        `questions`; with every question applicable, the points themselves."""
        points = sum(item.points for item in items)
        if len(items) == len(questions):
            return points
        return scale(
            points,
            (sum(i.question.min_score for i in items), sum(i.question.max_score for i in items)),
            (sum(q.min_score for q in questions), sum(q.max_score for q in questions)),
        )

    total = scaled(applicable, version.questions)
    dimension_scores = []
    for dimension in sorted(version.dimensions, key=lambda dimension: dimension.order):
        members = [q for q in version.questions if q.dimension_key == dimension.key]
        answered = [i for i in applicable if i.question.dimension_key == dimension.key]
        if answered:
            score = scaled(answered, members)
        else:
            # No applicable question in the dimension: it takes the overall share.
            score = scale(
                total,
                (version.min_score, version.max_score),
                (sum(q.min_score for q in members), sum(q.max_score for q in members)),
            )
        dimension_scores.append(
            DimensionScore(
                key=dimension.key,
                name=dimension.name,
                score=score,
                maximum=sum(question.max_score for question in members),
            )
        )
    level = version.level_for(total)
    higher_levels = [candidate for candidate in version.levels if candidate.min_score > total]
    next_level = min(higher_levels, key=lambda candidate: candidate.min_score, default=None)
    return Result(
        total=total,
        maximum=version.max_score,
        dimensions=tuple(dimension_scores),
        level=level,
        next_level=next_level,
        points_to_next_level=next_level.min_score - total if next_level else None,
        questions=tuple(question_results),
        applicable_total=sum(item.points for item in applicable),
        applicable_maximum=sum(item.question.max_score for item in applicable),
    )


def scale(value: int, source: tuple[int, int], target: tuple[int, int]) -> int:
    """`value` moved from the range `source` to the range `target`, rounded to the nearest
    whole point, halves up: 22 of 0-24 becomes 26 of 0-28 (25.67 rounded)."""
    low, high = source
    to_low, to_high = target
    if high == low:
        return to_high
    numerator = (value - low) * (to_high - to_low)
    span = high - low
    return to_low + (2 * numerator + span) // (2 * span)
