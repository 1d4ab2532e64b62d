"""How far members agree, on hand-built structures: no database involved."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.services.agreement import MemberAnswers, agree
from tests.test_scoring import VERSION


def members(*score_lists, notes=None):
    """One member per list of per-question scores (None: not answered); option id = q*10+s."""
    return [
        MemberAnswers(
            f"m{index}",
            {q: q * 10 + s for q, s in enumerate(scores, start=1) if s is not None},
            notes or {},
        )
        for index, scores in enumerate(score_lists)
    ]


def by_order(agreement):
    return {q.question.order: q for q in agreement.questions}


def test_the_median_is_the_lower_middle_answer_on_a_tie():
    result = by_order(agree(VERSION, members([1] * 7, [4] * 7)))
    assert result[1].median.score == 1
    assert result[1].agreed.score == 1
    result = by_order(agree(VERSION, members([0] * 7, [2] * 7, [4] * 7)))
    assert result[1].median.score == 2


def test_spread_orders_the_questions_most_disagreement_first():
    agreement = agree(VERSION, members([2, 0, 2, 2, 2, 2, 2], [2, 4, 3, 2, 2, 2, 2]))
    assert [q.question.order for q in agreement.questions][:2] == [2, 3]
    assert agreement.questions[0].spread == 4
    assert agreement.questions[-1].spread == 0


def test_alignment_is_the_share_within_one_step_of_the_median():
    # Question 1: scores 0, 1, 4 -> median 1; 0 and 1 within one step, 4 not: 2 of 3.
    agreement = agree(VERSION, members([0] + [2] * 6, [1] + [2] * 6, [4] + [2] * 6))
    first = by_order(agreement)[1]
    assert (first.within_one_step, first.answered) == (2, 3)
    assert agreement.alignment == (2 + 3 * 6) / 21
    application, operational = agreement.dimensions
    assert application.alignment == (2 + 3 + 3) / 9
    assert operational.alignment == 1.0


def test_an_override_replaces_the_median_with_its_reason():
    agreement = agree(VERSION, members([1] * 7, [1] * 7), overrides={1: (14, "Evals gate deploys")})
    first = by_order(agreement)[1]
    assert (first.median.score, first.agreed.score, first.reason) == (1, 4, "Evals gate deploys")
    assert agreement.agreed_choices()[1] == 14


def test_unanswered_questions_have_no_median_and_no_alignment():
    agreement = agree(VERSION, members([None] * 7))
    assert all(q.median is None and q.alignment is None for q in agreement.questions)
    assert agreement.alignment is None
    assert agreement.agreed_choices() == {}


@given(st.lists(st.lists(st.integers(0, 4), min_size=7, max_size=7), min_size=1, max_size=12))
def test_the_median_is_always_an_answer_someone_gave_and_alignment_a_share(answers):
    agreement = agree(VERSION, members(*answers))
    for q in agreement.questions:
        given_scores = [a.option.score for a in q.answers]
        assert q.median.score in given_scores
        assert sum(s <= q.median.score for s in given_scores) >= len(given_scores) / 2
        assert 0 < q.alignment <= 1


def test_not_applicable_answers_are_listed_but_not_counted():
    from tests.test_not_applicable import OPEN

    team = [
        MemberAnswers("a", {1: None, 2: None}, {}),
        MemberAnswers("b", {1: 14, 2: None}, {}),
    ]
    result = {q.question.order: q for q in agree(OPEN, team).questions}
    first, second = result[1], result[2]
    assert len(first.answers) == 2 and first.answered == 1
    assert first.median.score == 4 and first.spread == 0
    assert second.agreed is None and second.agreed_not_applicable
    assert agree(OPEN, team).agreed_choices()[2] is None
