"""Questionnaires and answers for tests: documents in the import format, and helpers that
answer an assessment. Fixtures that use them are in tests/conftest.py."""

import copy
import json
from pathlib import Path

from assessments.models import Assessment, QuestionnaireVersion
from assessments.services import assessments, questionnaire_io

DEFAULT_FILE = (
    Path(__file__).resolve().parent.parent.parent / "assessments" / "content" / "genaiops.json"
)


def questionnaire_document(questions=7, options=5, slug="genaiops", number=1):
    """A questionnaire document in the import format, with the GenAIOps bands scaled to fit."""
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["slug"] = slug
    version = document["version"]
    version["number"] = number
    shipped = version["questions"]
    version["questions"] = [
        {
            **copy.deepcopy(shipped[index % len(shipped)]),
            "key": f"q{index + 1}",
            "order": index + 1,
            "dimension": "application" if index < questions // 2 else "operational",
            "options": [
                {"order": o + 1, "score": o, "text": f"Practice {o} for question {index + 1}"}
                for o in range(options)
            ],
        }
        for index in range(questions)
    ]
    highest = questions * (options - 1)
    if highest != 28:
        # Keep four bands, cut at the same fractions of the range as the 0-28 model.
        cuts = [round(highest * fraction) for fraction in (10 / 28, 15 / 28, 20 / 28)]
        lows = [0, *cuts]
        highs = [cut - 1 for cut in cuts] + [highest]
        for level, low, high in zip(version["levels"], lows, highs, strict=True):
            level["min_score"], level["max_score"] = low, high
    return document


def second_document(number=1):
    """Another questionnaire with another shape: 10 questions of 4 options over 3 dimensions,
    and 5 levels over 0-30."""
    document = questionnaire_document(questions=10, options=4, slug="responsible-ai", number=number)
    document["title"] = "Responsible AI Maturity Check"
    document["description"] = "How well your team governs, tests and explains its AI systems."
    document["attribution"] = "A test questionnaire, written for this suite."
    version = document["version"]
    version["dimensions"] = [
        {"key": key, "order": order, "name": name}
        for order, (key, name) in enumerate(
            [
                ("governance", "Governance"),
                ("testing", "Testing"),
                ("transparency", "Transparency"),
            ],
            start=1,
        )
    ]
    for index, question in enumerate(version["questions"]):
        question["dimension"] = ("governance", "testing", "transparency")[index % 3]
        question["text"] = f"Responsible AI question {index + 1}"
    template = version["levels"][0]
    version["levels"] = [
        {
            **copy.deepcopy(template),
            "number": number,
            "name": name,
            "min_score": low,
            "max_score": high,
        }
        for number, (name, low, high) in enumerate(
            [
                ("Unaware", 0, 5),
                ("Aware", 6, 11),
                ("Practising", 12, 17),
                ("Embedded", 18, 23),
                ("Leading", 24, 30),
            ],
            start=1,
        )
    ]
    return document


def import_document(document, publish=True) -> QuestionnaireVersion:
    return questionnaire_io.import_questionnaire(json.dumps(document), publish=publish).version


def choose(assessment: Assessment, scores: list[int]) -> None:
    """Answer each question of `assessment` with the option of the given score."""
    questions = assessment.version.questions.prefetch_related("options").order_by("order")
    for question, wanted in zip(questions, scores, strict=True):
        option = next(o for o in question.options.all() if o.score == wanted)
        assessments.save_answer(assessment, question.pk, option.pk)


def scores_for_total(total, questions=7, top=4):
    """Per-question scores adding up to `total`, filled from the first question on."""
    scores = []
    remaining = total
    for _ in range(questions):
        scores.append(min(top, remaining))
        remaining -= scores[-1]
    assert remaining == 0
    return scores
