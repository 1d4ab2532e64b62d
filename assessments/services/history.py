"""A team's history: comparing two results, and the rows of the CSV and JSON exports."""

import csv
import io
from dataclasses import dataclass

from assessments.services.scoring import Result


@dataclass(frozen=True)
class DimensionChange:
    name: str
    before: int
    after: int
    maximum_before: int
    maximum_after: int

    @property
    def change(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class AnswerChange:
    text: str
    before: str
    after: str
    score_before: int
    score_after: int

    @property
    def change(self) -> int:
        return self.score_after - self.score_before


@dataclass(frozen=True)
class Comparison:
    total_before: int
    total_after: int
    maximum_before: int
    maximum_after: int
    level_before: str
    level_after: str
    level_change: int
    dimensions: tuple[DimensionChange, ...]
    changed_answers: tuple[AnswerChange, ...]
    shared_questions: int
    same_version: bool
    only_before: int
    only_after: int

    @property
    def total_change(self) -> int:
        return self.total_after - self.total_before


def compare(
    before: Result, after: Result, *, level_names: tuple[str, str], same_version: bool
) -> Comparison:
    """What changed from `before` to `after`, question by question.

    Questions are matched by key, so results on different questionnaire versions are compared
    on the questions they share; the counts of unshared questions say what was left out.
    """
    questions_before = {item.question.key: item for item in before.questions}
    questions_after = {item.question.key: item for item in after.questions}
    shared = [key for key in questions_after if key in questions_before]
    changed = tuple(
        AnswerChange(
            text=questions_after[key].question.text,
            before=questions_before[key].chosen.text,
            after=questions_after[key].chosen.text,
            score_before=questions_before[key].chosen.score,
            score_after=questions_after[key].chosen.score,
        )
        for key in shared
        if (
            questions_before[key].chosen.order,
            questions_before[key].chosen.score,
        )
        != (questions_after[key].chosen.order, questions_after[key].chosen.score)
    )
    dimensions_before = {d.key: d for d in before.dimensions}
    dimensions = tuple(
        DimensionChange(
            name=d.name,
            before=dimensions_before[d.key].score,
            after=d.score,
            maximum_before=dimensions_before[d.key].maximum,
            maximum_after=d.maximum,
        )
        for d in after.dimensions
        if d.key in dimensions_before
    )
    return Comparison(
        total_before=before.total,
        total_after=after.total,
        maximum_before=before.maximum,
        maximum_after=after.maximum,
        level_before=level_names[0],
        level_after=level_names[1],
        level_change=after.level.number - before.level.number,
        dimensions=dimensions,
        changed_answers=changed,
        shared_questions=len(shared),
        same_version=same_version,
        only_before=len(set(questions_before) - set(questions_after)),
        only_after=len(set(questions_after) - set(questions_before)),
    )


@dataclass(frozen=True)
class HistoryRow:
    """One assessment in a team's export."""

    started: str
    completed: str
    taken_by: str
    version: int
    status: str
    total: int | None
    maximum: int | None
    level: str
    dimensions: dict[str, int]
    answers: dict[str, dict]


def history_csv(rows: list[HistoryRow]) -> str:
    """One row per assessment, one column per dimension and per question (by key): scores."""
    dimension_keys = sorted({key for row in rows for key in row.dimensions})
    question_keys = []
    for row in rows:
        for key in row.answers:
            if key not in question_keys:
                question_keys.append(key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "started",
            "completed",
            "taken_by",
            "version",
            "status",
            "total",
            "maximum",
            "level",
            *dimension_keys,
            *question_keys,
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.started,
                row.completed,
                _safe_cell(row.taken_by),
                row.version,
                row.status,
                "" if row.total is None else row.total,
                "" if row.maximum is None else row.maximum,
                _safe_cell(row.level),
                *[row.dimensions.get(key, "") for key in dimension_keys],
                *[row.answers.get(key, {}).get("score", "") for key in question_keys],
            ]
        )
    return out.getvalue()


def _safe_cell(value: str) -> str:
    # Spreadsheet programs run a cell as a formula when it starts with = + - @ (even after
    # spaces) or with a tab or carriage return.
    if value and (value[0] in "\t\r" or value.lstrip()[:1] in ("=", "+", "-", "@")):
        return "'" + value
    return value
