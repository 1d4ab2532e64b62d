"""What the review and results pages show, assembled from the stored assessment."""

from dataclasses import dataclass

from assessments.models import AnswerOption, Assessment, Level, Question
from assessments.services import scoring, selectors


@dataclass(frozen=True)
class ReviewRow:
    question: Question
    option: AnswerOption | None
    note: str = ""
    answered: bool = False

    @property
    def not_applicable(self) -> bool:
        return self.answered and self.option is None


def review_rows(
    questions: list[Question], answered: dict[int, int | None], notes: dict[int, str]
) -> list[ReviewRow]:
    """Each question with the option chosen for it (None where it is still open or "not
    applicable") and its note."""
    rows = []
    for question in questions:
        chosen = answered.get(question.pk)
        option = next((o for o in question.options.all() if o.pk == chosen), None)
        rows.append(
            ReviewRow(question, option, notes.get(question.pk, ""), question.pk in answered)
        )
    return rows


@dataclass(frozen=True)
class Report:
    assessment: Assessment
    version_spec: scoring.VersionSpec
    result: scoring.Result
    level: Level
    next_level: Level | None

    @property
    def weakest_first(self) -> list[scoring.QuestionResult]:
        return self.result.weakest_first()


def build(assessment: Assessment) -> Report:
    """The result of a completed assessment with its level's advice: a fixed number of queries.

    The level, total and dimension scores come from the frozen version, so recomputing them
    from the stored answers gives what was stored at submission; the advice (description,
    guidance, references) is read as it stands today.
    """
    questions = selectors.questions_with_options(assessment.version)
    levels = selectors.levels_with_references(assessment.version)
    spec = selectors.version_spec(assessment.version, questions, levels)
    result = scoring.score(spec, selectors.choices_of(assessment))
    by_id = {level.pk: level for level in levels}
    return Report(
        assessment=assessment,
        version_spec=spec,
        result=result,
        level=by_id[result.level.id],
        next_level=by_id[result.next_level.id] if result.next_level else None,
    )


def as_document(report: Report, *, notes: dict[int, str]) -> dict:
    """The result as a JSON-ready document: version, answers with their notes, scores and
    level."""
    assessment = report.assessment
    result = report.result
    return {
        "questionnaire": assessment.version.questionnaire.slug,
        "version": assessment.version.number,
        "started_at": assessment.created_at.isoformat(),
        "completed_at": assessment.completed_at.isoformat() if assessment.completed_at else None,
        "total": result.total,
        "maximum": result.maximum,
        "applicable_points": result.applicable_total if result.scaled else None,
        "applicable_maximum": result.applicable_maximum if result.scaled else None,
        "level": {"number": result.level.number, "name": report.level.name},
        "points_to_next_level": result.points_to_next_level,
        "dimensions": [
            {"key": d.key, "name": d.name, "score": d.score, "maximum": d.maximum}
            for d in result.dimensions
        ],
        "answers": [
            {
                "question": item.question.key,
                "text": item.question.text,
                "dimension": item.question.dimension_key,
                "answer": item.chosen.text if item.chosen else None,
                "not_applicable": item.not_applicable,
                "score": item.chosen.score if item.chosen else None,
                "maximum": item.question.max_score,
                "next_step": item.next_option.text if item.next_option else None,
                "note": notes.get(item.question.id, ""),
            }
            for item in result.questions
        ],
    }
