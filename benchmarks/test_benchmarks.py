"""Timings, kept out of the test suite: `make bench` runs them."""

import pytest
from django.urls import reverse

from assessments.services import assessments, scoring, selectors
from tests.support.content import choose


@pytest.mark.parametrize("questions", [7, 70])
def test_scoring(benchmark, make_version, questions):
    version = make_version(questions=questions)
    spec = selectors.version_spec(version)
    choices = {q.id: q.options[-1].id for q in spec.questions}
    result = benchmark(scoring.score, spec, choices)
    assert result.total == result.maximum


@pytest.mark.parametrize("questions", [7, 70])
def test_results_page(benchmark, client, make_version, questions):
    version = make_version(questions=questions)
    assessment = assessments.start(version)
    choose(assessment, [2] * questions)
    assessments.complete(assessment)
    url = reverse("assessments:results", args=[assessment.token])
    response = benchmark(client.get, url)
    assert response.status_code == 200
