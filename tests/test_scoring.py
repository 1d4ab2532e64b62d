"""The scoring service on hand-built structures: no database involved."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.services.scoring import (
    DimensionSpec,
    LevelSpec,
    OptionSpec,
    QuestionSpec,
    ScoringError,
    VersionSpec,
    score,
)

LEVELS = (
    LevelSpec(1, 1, "Initial", 0, 9),
    LevelSpec(2, 2, "Defined", 10, 14),
    LevelSpec(3, 3, "Managed", 15, 19),
    LevelSpec(4, 4, "Optimized", 20, 28),
)


def genaiops_like(status="published"):
    questions = tuple(
        QuestionSpec(
            id=q,
            key=f"q{q}",
            order=q,
            text=f"Question {q}",
            dimension_key="application" if q <= 3 else "operational",
            options=tuple(OptionSpec(q * 10 + s, s + 1, f"Option {s}", s) for s in range(5)),
        )
        for q in range(1, 8)
    )
    return VersionSpec(
        id=1,
        number=1,
        status=status,
        dimensions=(
            DimensionSpec("application", 1, "Application maturity"),
            DimensionSpec("operational", 2, "Operational maturity"),
        ),
        questions=questions,
        levels=LEVELS,
    )


VERSION = genaiops_like()


def choices_for(scores):
    return {q: q * 10 + s for q, s in zip(range(1, 8), scores, strict=True)}


def test_lowest_answers_everywhere_are_level_1_with_zero_of_28():
    result = score(VERSION, choices_for([0] * 7))
    assert (result.total, result.maximum) == (0, 28)
    assert result.level.name == "Initial"
    assert result.next_level.name == "Defined"
    assert result.points_to_next_level == 10


def test_highest_answers_everywhere_are_level_4_with_28_of_28():
    result = score(VERSION, choices_for([4] * 7))
    assert (result.total, result.level.number, result.next_level) == (28, 4, None)
    assert result.points_to_next_level is None
    assert all(item.next_option is None for item in result.questions)


@pytest.mark.parametrize(
    ("scores", "total", "level"),
    [
        ([4, 4, 1, 0, 0, 0, 0], 9, "Initial"),
        ([4, 4, 2, 0, 0, 0, 0], 10, "Defined"),
        ([4, 4, 4, 2, 0, 0, 0], 14, "Defined"),
        ([4, 4, 4, 3, 0, 0, 0], 15, "Managed"),
        ([4, 4, 4, 4, 3, 0, 0], 19, "Managed"),
        ([4, 4, 4, 4, 4, 0, 0], 20, "Optimized"),
    ],
)
def test_band_boundaries_map_to_the_right_level(scores, total, level):
    result = score(VERSION, choices_for(scores))
    assert result.total == total
    assert result.level.name == level


def test_dimension_scores_and_maximums():
    result = score(VERSION, choices_for([4, 3, 2, 1, 0, 1, 2]))
    application, operational = result.dimensions
    assert (application.key, application.score, application.maximum) == ("application", 9, 12)
    assert (operational.key, operational.score, operational.maximum) == ("operational", 4, 16)


def test_each_question_names_the_chosen_option_and_the_next_one_up():
    result = score(VERSION, choices_for([4, 3, 2, 1, 0, 1, 2]))
    first, second = result.questions[0], result.questions[1]
    assert first.chosen.score == 4 and first.next_option is None
    assert second.chosen.score == 3 and second.next_option.score == 4
    weakest = result.weakest_first()
    assert [item.question.order for item in weakest[:2]] == [5, 4]


def test_an_option_of_another_question_is_refused():
    choices = choices_for([0] * 7)
    choices[1] = 21  # an option of question 2
    with pytest.raises(ScoringError, match="not an option of question 1"):
        score(VERSION, choices)


def test_a_missing_answer_is_refused():
    choices = choices_for([0] * 7)
    del choices[7]
    with pytest.raises(ScoringError, match="not answered yet: 7"):
        score(VERSION, choices)


def test_a_question_of_another_version_is_refused():
    choices = choices_for([0] * 7)
    choices[99] = 990
    with pytest.raises(ScoringError, match="not part of this version: 99"):
        score(VERSION, choices)


def test_a_draft_is_refused_unless_previewing():
    draft = genaiops_like(status="draft")
    with pytest.raises(ScoringError, match="not published"):
        score(draft, choices_for([0] * 7))
    assert score(draft, choices_for([1] * 7), allow_draft=True).total == 7


def test_a_retired_version_still_scores_old_assessments():
    assert score(genaiops_like(status="retired"), choices_for([2] * 7)).total == 14


answer_lists = st.lists(st.integers(min_value=0, max_value=4), min_size=7, max_size=7)


@given(answer_lists)
def test_total_is_within_the_bands_and_maps_to_exactly_one_level(scores):
    result = score(VERSION, choices_for(scores))
    assert 0 <= result.total <= result.maximum == 28
    containing = [lvl for lvl in LEVELS if lvl.min_score <= result.total <= lvl.max_score]
    assert containing == [result.level]
    assert sum(d.score for d in result.dimensions) == result.total


@given(answer_lists, st.integers(min_value=0, max_value=6))
def test_a_higher_option_never_lowers_the_total(scores, question_index):
    before = score(VERSION, choices_for(scores))
    raised = list(scores)
    raised[question_index] = min(4, raised[question_index] + 1)
    after = score(VERSION, choices_for(raised))
    assert after.total >= before.total
    assert after.level.number >= before.level.number
