"""A team's history: comparing two results, and the CSV and JSON exports, streamed."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from assessments.services import selectors


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
    # None (with no score) for "not applicable".
    before: str | None
    after: str | None
    score_before: int | None
    score_after: int | None
    note_before: str = ""
    note_after: str = ""

    @property
    def change(self) -> int | None:
        if self.score_before is None or self.score_after is None:
            return None
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


@dataclass(frozen=True)
class Snapshot:
    """A completed assessment as its stored figures and its answers: what comparing needs."""

    total: int
    maximum: int
    level_number: int
    level_name: str
    # key -> (name, score, maximum), in the version's order.
    dimensions: dict[str, tuple[str, int, int]]
    # question key -> (question text, answer text, option order, score, note), in order.
    answers: dict[str, tuple[str, str, int, int, str]]


def snapshot(assessment, *, dimension_names: dict[str, str], answers: dict) -> Snapshot:
    """The stored result of a completed `assessment` (never recomputed from its answers)."""
    return Snapshot(
        total=assessment.total_score,
        maximum=assessment.max_score,
        level_number=assessment.level.number,
        level_name=assessment.level.name,
        dimensions={
            key: (name, stored["score"], stored["maximum"])
            for key, name in dimension_names.items()
            if (stored := assessment.dimension_scores.get(key))
        },
        answers=answers,
    )


def stored_snapshot(assessment) -> Snapshot:
    """`snapshot` of a completed assessment, with its version's dimension names and its
    answers read through the selectors."""
    return snapshot(
        assessment,
        dimension_names=selectors.dimension_names(assessment.version),
        answers=selectors.answer_rows(assessment),
    )


def compare(before: Snapshot, after: Snapshot, *, same_version: bool) -> Comparison:
    """What changed from `before` to `after`, question by question.

    Questions are matched by key, so results on different questionnaire versions are compared
    on the questions they share; the counts of unshared questions say what was left out.
    """
    shared = [key for key in after.answers if key in before.answers]
    changed = tuple(
        AnswerChange(
            text=after.answers[key][0],
            before=before.answers[key][1],
            after=after.answers[key][1],
            score_before=before.answers[key][3],
            score_after=after.answers[key][3],
            note_before=before.answers[key][4],
            note_after=after.answers[key][4],
        )
        for key in shared
        # A changed note alone is not a changed answer: the option's order and score decide.
        if before.answers[key][2:4] != after.answers[key][2:4]
    )
    dimensions = tuple(
        DimensionChange(
            name=name,
            before=before.dimensions[key][1],
            after=score,
            maximum_before=before.dimensions[key][2],
            maximum_after=maximum,
        )
        for key, (name, score, maximum) in after.dimensions.items()
        if key in before.dimensions
    )
    return Comparison(
        total_before=before.total,
        total_after=after.total,
        maximum_before=before.maximum,
        maximum_after=after.maximum,
        level_before=before.level_name,
        level_after=after.level_name,
        level_change=after.level_number - before.level_number,
        dimensions=dimensions,
        changed_answers=changed,
        shared_questions=len(shared),
        same_version=same_version,
        only_before=len(set(before.answers) - set(after.answers)),
        only_after=len(set(after.answers) - set(before.answers)),
    )


@dataclass(frozen=True)
class HistoryRow:
    """One assessment in a team's export."""

    questionnaire: str
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
    # "N of M" members whose answers a round's agreed result stands on; "" otherwise.
    agreed_by: str = ""


def history_row(assessment, answers: list[tuple], *, qualified: bool = False) -> HistoryRow:
    """The export row of `assessment`, from its stored figures and its answers
    ((key, question text, answer text, score, note) each); with `qualified`, question and
    dimension keys are prefixed with the questionnaire's slug."""
    round = assessment.agreed_round
    slug = assessment.version.questionnaire.slug

    def name(key):
        return f"{slug}.{key}" if qualified else key

    return HistoryRow(
        questionnaire=slug,
        agreed_by=f"{round.agreed_by} of {round.member_count}" if round else "",
        started=assessment.created_at.isoformat(),
        completed=assessment.completed_at.isoformat() if assessment.completed_at else "",
        taken_by=assessment.owner.get_username() if assessment.owner else "",
        version=assessment.version.number,
        status=assessment.status,
        total=assessment.total_score,
        maximum=assessment.max_score,
        level=assessment.level.name if assessment.level else "",
        dimensions={
            name(key): value["score"] for key, value in assessment.dimension_scores.items()
        },
        answers={
            name(key): {"question": text, "answer": option, "score": score, "note": note}
            for key, text, option, score, note in answers
        },
    )


CSV_FIELDS = [
    "questionnaire",
    "started",
    "completed",
    "taken_by",
    "version",
    "status",
    "total",
    "maximum",
    "level",
    "agreed_by",
]


def csv_stream(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A CSV document line by line, for streaming; every text cell is guarded against being
    run as a formula by a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells):
        writer.writerow([safe_cell(cell) if isinstance(cell, str) else cell for cell in cells])
        text = out.getvalue()
        out.seek(0)
        out.truncate()
        return text

    yield line(header)
    for row in rows:
        yield line(row)


def csv_lines(
    rows: Iterable[HistoryRow], *, dimension_keys: list[str], question_keys: list[str]
) -> Iterator[str]:
    """The CSV export line by line, for streaming: one row per assessment, one column per
    dimension and per question (by key) holding scores, then one per question holding the
    note on its answer."""
    return csv_stream(
        [*CSV_FIELDS, *dimension_keys, *question_keys, *(f"{key}_note" for key in question_keys)],
        (
            [
                row.questionnaire,
                row.started,
                row.completed,
                row.taken_by,
                row.version,
                row.status,
                "" if row.total is None else row.total,
                "" if row.maximum is None else row.maximum,
                row.level,
                row.agreed_by,
                *[row.dimensions.get(key, "") for key in dimension_keys],
                *[_score_cell(row.answers.get(key)) for key in question_keys],
                *[row.answers.get(key, {}).get("note", "") for key in question_keys],
            ]
            for row in rows
        ),
    )


def _score_cell(answer: dict | None):
    """An answer's score in the CSV: empty when unanswered, "n/a" when not applicable."""
    if answer is None:
        return ""
    return "n/a" if answer["score"] is None else answer["score"]


def json_chunks(team_name: str, rows: Iterable[HistoryRow]) -> Iterator[str]:
    """The JSON export piece by piece, for streaming: {"team": …, "assessments": [rows]}."""
    yield '{"team": ' + json.dumps(team_name, ensure_ascii=False) + ', "assessments": ['
    separator = "\n"
    for row in rows:
        yield separator + json.dumps(row.__dict__, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def safe_cell(value: str) -> str:
    # Spreadsheet programs run a cell as a formula when it starts with = + - @ (even after
    # spaces) or with a tab or carriage return.
    if value and (value[0] in "\t\r" or value.lstrip()[:1] in ("=", "+", "-", "@")):
        return "'" + value
    return value
