"""The score is stored at submission, and what is stored is what the answers give: history,
trends, compare and exports read the stored figures and never recompute them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment
from assessments.services import assessments, scoring, selectors
from tests.support.content import choose


def recomputed(assessment):
    spec = selectors.version_spec(assessment.version)
    return scoring.score(spec, selectors.choices_of(assessment))


def stored(assessment):
    return (
        assessment.total_score,
        assessment.max_score,
        assessment.level_id,
        assessment.dimension_scores,
    )


def as_stored(result):
    return (
        result.total,
        result.maximum,
        result.level.id,
        {d.key: {"score": d.score, "maximum": d.maximum} for d in result.dimensions},
    )


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(scores=st.lists(st.integers(min_value=0, max_value=4), min_size=7, max_size=7))
def test_stored_equals_recomputed_for_any_answers(default_version, scores):
    assessment = assessments.start(default_version)
    choose(assessment, scores)
    completed = assessments.complete(assessment)
    from_database = Assessment.objects.get(pk=completed.pk)
    assert stored(from_database) == as_stored(recomputed(from_database))
    assert from_database.total_score == sum(scores)


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_missing_dimension_scores(default_version):
    assessment = assessments.start(default_version)
    choose(assessment, [4, 3, 2, 1, 0, 1, 2])
    assessments.complete(assessment)
    expected = Assessment.objects.get(pk=assessment.pk).dimension_scores
    Assessment.objects.filter(pk=assessment.pk).update(dimension_scores={})

    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0003_unique_email")])
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    filled = Assessment.objects.get(pk=assessment.pk).dimension_scores
    assert filled == expected and filled != {}
