"""Shared fixtures: questionnaire versions built through the import service, and assessments."""

import copy
import json
from pathlib import Path

import pytest

from assessments.models import Assessment, QuestionnaireVersion
from assessments.services import assessments, questionnaire_io


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with its installation key read once, as a server's first request
    reads it: query counts then do not depend on which test touched the cache first."""
    from assessments import caching

    with django_db_blocker.unblock():
        caching.forget_installation()
        caching.installation()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with an empty cache: rate-limit counts and cached content from one
    test must not leak into the next."""
    from django.core.cache import cache

    from assessments import caching

    cache.clear()
    caching.forget_local()
    yield
    cache.clear()
    caching.forget_local()


DEFAULT_FILE = Path(__file__).resolve().parent.parent / "assessments" / "content" / "genaiops.json"


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


@pytest.fixture
def second_version(db) -> QuestionnaireVersion:
    """A second published questionnaire: 5 levels, 3 dimensions, 10 questions."""
    return import_document(second_document())


def import_document(document, publish=True) -> QuestionnaireVersion:
    return questionnaire_io.import_questionnaire(json.dumps(document), publish=publish).version


@pytest.fixture
def default_version(db) -> QuestionnaireVersion:
    """The shipped GenAIOps questionnaire, published."""
    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


@pytest.fixture
def make_version(db):
    def make(questions=7, options=5, publish=True, **kwargs):
        return import_document(questionnaire_document(questions, options, **kwargs), publish)

    return make


def choose(assessment: Assessment, scores: list[int]) -> None:
    """Answer each question of `assessment` with the option of the given score."""
    questions = assessment.version.questions.prefetch_related("options").order_by("order")
    for question, wanted in zip(questions, scores, strict=True):
        option = next(o for o in question.options.all() if o.score == wanted)
        assessments.save_answer(assessment, question.pk, option.pk)


@pytest.fixture
def answered(default_version):
    """Make an assessment on the default version answered with the given scores."""

    def make(scores, complete=False):
        assessment = assessments.start(default_version)
        choose(assessment, scores)
        if complete:
            assessment = assessments.complete(assessment)
        return assessment

    return make


def scores_for_total(total, questions=7, top=4):
    """Per-question scores adding up to `total`, filled from the first question on."""
    scores = []
    remaining = total
    for _ in range(questions):
        scores.append(min(top, remaining))
        remaining -= scores[-1]
    assert remaining == 0
    return scores


@pytest.fixture
def people(db, django_user_model):
    """An owner and a member of one team, and someone from another team."""
    from assessments.services import teams

    owner = django_user_model.objects.create_user("olivia", "olivia@example.com", "pw-olivia-123")
    member = django_user_model.objects.create_user("mateo", "mateo@example.com", "pw-mateo-123")
    outsider = django_user_model.objects.create_user("xena", "xena@example.com", "pw-xena-123")
    team = teams.create_team(owner, "Platform team")
    teams.accept_invitation(teams.create_invitation(team, owner).token, member)
    other_team = teams.create_team(outsider, "Other team")
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "team": team,
        "other_team": other_team,
    }


@pytest.fixture
def team_assessment(default_version, people):
    """Make a completed assessment of the team with the given scores, taken by the member."""
    from assessments.services import teams

    def make(scores, complete=True, by="member"):
        assessment = teams.start_for_team(default_version, people[by], people["team"])
        choose(assessment, scores)
        return assessments.complete(assessment) if complete else assessment

    return make
