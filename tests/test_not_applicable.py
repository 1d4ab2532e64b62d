""" "Not applicable": a question an administrator allows it on can be left out of the score,
which is then scaled to the questionnaire's full range."""

import csv
import dataclasses
import io
import json
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import Answer, Assessment, Question
from assessments.services import assessments, scoring, teams
from tests.support.content import DEFAULT_FILE, choose, import_document
from tests.test_scoring import VERSION, choices_for

# The GenAIOps-like structure with "not applicable" offered on every question.
OPEN = dataclasses.replace(
    VERSION,
    questions=tuple(
        dataclasses.replace(question, allows_not_applicable=True) for question in VERSION.questions
    ),
)

answers_or_na = st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=7, max_size=7).filter(
    lambda answers: any(answer is not None for answer in answers)
)


def choices(answers):
    return {q: None if s is None else q * 10 + s for q, s in zip(range(1, 8), answers, strict=True)}


def test_22_of_24_applicable_points_scale_to_26_of_28():
    result = scoring.score(OPEN, choices([4, 4, 4, 4, 4, 2, None]))
    assert (result.applicable_total, result.applicable_maximum) == (22, 24)
    assert (result.total, result.maximum, result.scaled) == (26, 28, True)
    assert result.level.name == "Optimized"


def test_halves_round_up():
    # 1 of 8 applicable points: 3.5 of 28, rounded up to 4.
    result = scoring.score(OPEN, choices([1, 0, None, None, None, None, None]))
    assert result.total == 4


def test_a_question_that_does_not_offer_it_refuses_it():
    with pytest.raises(scoring.ScoringError, match="cannot be answered"):
        scoring.score(VERSION, choices([4, None, 4, 4, 4, 4, 4]))


def test_every_question_not_applicable_cannot_be_scored():
    with pytest.raises(scoring.ScoringError, match="answer at least one"):
        scoring.score(OPEN, choices([None] * 7))


@given(answers_or_na)
def test_a_scaled_total_stays_in_range_and_keeps_the_applicable_share(answers):
    result = scoring.score(OPEN, choices(answers))
    assert 0 <= result.total <= result.maximum == 28
    exact = result.applicable_total * 28 / result.applicable_maximum
    assert abs(result.total - exact) <= 0.5
    assert result.level.min_score <= result.total <= result.level.max_score
    assert result.scaled == (None in answers)
    for dimension in result.dimensions:
        assert 0 <= dimension.score <= dimension.maximum


@given(answers_or_na)
def test_without_not_applicable_nothing_is_scaled(answers):
    filled = [0 if answer is None else answer for answer in answers]
    assert (
        scoring.score(OPEN, choices(filled)).total
        == scoring.score(VERSION, choices_for(filled)).total
    )


def test_the_shipped_questionnaire_offers_it_nowhere(default_version):
    assert not Question.objects.filter(allows_not_applicable=True).exists()


@pytest.fixture
def open_version(db):
    """The shipped questionnaire with "not applicable" offered on its last question."""
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"]["questions"][-1]["not_applicable"] = True
    return import_document(document)


def test_a_person_answers_not_applicable_and_reads_the_scaled_result(client, open_version):
    client.post("/start/")
    assessment = Assessment.objects.get()
    last = open_version.questions.order_by("order").last()
    page = client.get(f"/a/{assessment.token}/q/{last.order}/").content.decode()
    assert "Not applicable to us" in page
    assert (
        client.post(f"/a/{assessment.token}/q/{last.order}/", {"option": "na"}).status_code == 302
    )
    assert Answer.objects.get(question=last).option is None
    page = client.get(f"/a/{assessment.token}/q/{last.order}/").content.decode()
    assert re.search(r'<input[^>]*value="na"[^>]*checked', page)
    for question in open_version.questions.exclude(pk=last.pk):
        assessments.save_answer(assessment, question.pk, question.options.get(score=4).pk)
    review = client.get(f"/a/{assessment.token}/review/").content.decode()
    assert "Not applicable to us" in review and "still unanswered" not in review
    client.post(f"/a/{assessment.token}/submit/")
    assessment.refresh_from_db()
    assert (assessment.total_score, assessment.applicable_score, assessment.applicable_maximum) == (
        28,
        24,
        24,
    )
    result = client.get(f"/a/{assessment.token}/results/").content.decode()
    assert "24 of 24 applicable points, scaled to 28 / 28" in result
    document = json.loads(client.get(f"/a/{assessment.token}/results.json").content)
    assert document["answers"][-1]["not_applicable"] is True
    assert document["applicable_maximum"] == 24


def test_not_applicable_is_refused_where_not_offered(client, default_version):
    client.post("/start/")
    assessment = Assessment.objects.get()
    response = client.post(f"/a/{assessment.token}/q/1/", {"option": "na"})
    assert response.status_code == 400
    assert not Answer.objects.exists()


def test_compare_and_exports_show_not_applicable(client, people, open_version):
    last = open_version.questions.order_by("order").last()
    made = []
    for not_applicable in (False, True):
        assessment = teams.start_for_team(open_version, people["member"], people["team"])
        choose(assessment, [2] * 7)
        if not_applicable:
            assessments.save_answer(assessment, last.pk, None)
        made.append(assessments.complete(assessment))
    client.force_login(people["member"])
    team = people["team"].pk
    compare = client.get(
        reverse("assessments:compare", args=[team]),
        {"before": made[0].pk, "after": made[1].pk},
    ).content.decode()
    assert "Not applicable to us" in compare
    response = client.get(reverse("assessments:export_csv", args=[team]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    column = rows[0].index(last.key)
    assert [row[column] for row in rows[1:]] == ["2", "n/a"]
