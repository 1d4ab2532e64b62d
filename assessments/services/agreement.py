"""How far a team's members agree: per question, the spread of their answers, the median and
the share within one step of it. Pure functions over the scoring service's plain data."""

from dataclasses import dataclass

from assessments.services.scoring import DimensionSpec, OptionSpec, QuestionSpec, VersionSpec


@dataclass(frozen=True)
class MemberAnswers:
    """One member's submitted answers: question id -> option id (None: "not applicable"),
    and their notes."""

    name: str
    choices: dict[int, int]
    notes: dict[int, str]


@dataclass(frozen=True)
class MemberAnswer:
    name: str
    # None for "not applicable".
    option: OptionSpec | None
    note: str


@dataclass(frozen=True)
class QuestionAgreement:
    question: QuestionSpec
    # The options from the lowest score to the highest, each with how many chose it.
    counts: tuple[tuple[OptionSpec, int], ...]
    # Every member's answer, "not applicable" included; the figures count the others.
    answers: tuple[MemberAnswer, ...]
    median: OptionSpec | None
    # The team's answer: the median, unless an owner chose another with a reason.
    agreed: OptionSpec | None
    reason: str
    within_one_step: int

    @property
    def scored(self) -> tuple[MemberAnswer, ...]:
        return tuple(answer for answer in self.answers if answer.option is not None)

    @property
    def answered(self) -> int:
        return len(self.scored)

    @property
    def agreed_not_applicable(self) -> bool:
        """Everyone who answered found the question not applicable (and no owner chose
        otherwise): the team's answer is "not applicable" too."""
        return self.agreed is None and bool(self.answers) and not self.scored

    @property
    def spread(self) -> int | None:
        """The highest score chosen minus the lowest; None when nobody answered."""
        scores = [answer.option.score for answer in self.scored if answer.option is not None]
        return max(scores) - min(scores) if scores else None

    @property
    def alignment(self) -> float | None:
        return self.within_one_step / self.answered if self.answered else None


@dataclass(frozen=True)
class DimensionAgreement:
    dimension: DimensionSpec
    alignment: float | None


@dataclass(frozen=True)
class RoundAgreement:
    # Most disagreement first: the widest spread, then the lowest alignment, then in order.
    questions: tuple[QuestionAgreement, ...]
    dimensions: tuple[DimensionAgreement, ...]
    alignment: float | None

    def agreed_choices(self) -> dict[int, int | None]:
        """Question id -> the agreed option's id (None for "not applicable"), for the
        questions someone answered."""
        return {
            q.question.id: None if q.agreed is None else q.agreed.id
            for q in self.questions
            if q.agreed is not None or q.agreed_not_applicable
        }


def ladder(question: QuestionSpec) -> list[OptionSpec]:
    """The question's options as steps, from the lowest score to the highest."""
    return sorted(question.options, key=lambda option: (option.score, option.order))


def _alignment(questions) -> float | None:
    """The share of all answers to `questions` within one step of their question's median."""
    questions = list(questions)
    total = sum(q.answered for q in questions)
    return sum(q.within_one_step for q in questions) / total if total else None


def agree(
    spec: VersionSpec,
    members: list[MemberAnswers],
    overrides: dict[int, tuple[int, str]] | None = None,
) -> RoundAgreement:
    """The members' agreement on every question of `spec`.

    The median is the lower of the two middle answers when their number is even, so a tie
    never rounds a team up. `overrides` maps a question id to the (option id, reason) an owner
    agreed instead of the median.
    """
    overrides = overrides or {}
    questions = []
    for question in spec.questions:
        steps = ladder(question)
        position = {option.id: index for index, option in enumerate(steps)}
        answers = tuple(
            MemberAnswer(
                m.name,
                None if m.choices[question.id] is None else question.option(m.choices[question.id]),
                m.notes.get(question.id, ""),
            )
            for m in members
            if question.id in m.choices
        )
        chosen = sorted(position[a.option.id] for a in answers if a.option is not None)
        median = steps[chosen[(len(chosen) - 1) // 2]] if chosen else None
        within = sum(1 for p in chosen if abs(p - position[median.id]) <= 1) if median else 0
        agreed, reason = median, ""
        if question.id in overrides:
            option_id, reason = overrides[question.id]
            agreed = question.option(option_id)
        questions.append(
            QuestionAgreement(
                question=question,
                counts=tuple(
                    (o, sum(1 for a in answers if a.option is not None and a.option.id == o.id))
                    for o in steps
                ),
                answers=answers,
                median=median,
                agreed=agreed,
                reason=reason,
                within_one_step=within,
            )
        )
    dimensions = tuple(
        DimensionAgreement(
            dimension, _alignment(q for q in questions if q.question.dimension_key == dimension.key)
        )
        for dimension in spec.dimensions
    )
    ordered = sorted(
        questions,
        key=lambda q: (
            -(q.spread or 0),
            q.alignment if q.alignment is not None else 1.0,
            q.question.order,
        ),
    )
    return RoundAgreement(
        questions=tuple(ordered),
        dimensions=dimensions,
        alignment=_alignment(questions),
    )
