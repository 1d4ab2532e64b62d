"""Versions: validation before publishing, publishing, new drafts, and frozen structure."""

import pytest

from assessments.models import (
    AnswerOption,
    FrozenVersionError,
    Level,
    Question,
    QuestionnaireVersion,
    Reference,
)
from assessments.services import assessments, versions
from tests.support.content import choose


def test_the_shipped_questionnaire_is_published_and_valid(default_version):
    assert default_version.status == QuestionnaireVersion.Status.PUBLISHED
    assert default_version.questionnaire.title == "GenAIOps Maturity Model Assessment"
    assert default_version.questions.count() == 7
    assert versions.validate_version(default_version) == []
    bands = list(default_version.levels.values_list("number", "name", "min_score", "max_score"))
    assert bands == [
        (1, "Initial", 0, 9),
        (2, "Defined", 10, 14),
        (3, "Managed", 15, 19),
        (4, "Optimized", 20, 28),
    ]
    for question in default_version.questions.all():
        assert list(question.options.values_list("score", flat=True)) == [0, 1, 2, 3, 4]


def test_new_draft_copies_everything_with_the_next_number(default_version):
    draft = versions.create_draft(default_version)
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", default_version)
    assert draft.questions.count() == 7
    assert AnswerOption.objects.filter(question__version=draft).count() == 35
    assert (
        Reference.objects.filter(level__version=draft).count()
        == Reference.objects.filter(level__version=default_version).count()
    )
    assert versions.validate_version(draft) == []


def test_publishing_a_draft_retires_the_previous_version(default_version):
    draft = versions.create_draft(default_version)
    versions.publish(draft)
    default_version.refresh_from_db()
    draft.refresh_from_db()
    assert default_version.status == "retired"
    assert draft.status == "published" and draft.published_at is not None


def test_old_assessments_keep_their_version_after_a_new_one_is_published(answered):
    assessment = answered([4] * 7, complete=True)
    draft = versions.create_draft(assessment.version)
    question = draft.questions.get(order=1)
    question.text = "A reworded question"
    question.save()
    versions.publish(draft)
    assessment.refresh_from_db()
    assert assessment.version.number == 1
    assert assessment.total_score == 28
    assert assessment.version.questions.get(order=1).text != "A reworded question"


def test_a_published_version_is_frozen(default_version):
    question = default_version.questions.get(order=1)
    question.text = "Changed"
    with pytest.raises(FrozenVersionError):
        question.save()
    option = question.options.first()
    option.score = 9
    with pytest.raises(FrozenVersionError):
        option.save()
    with pytest.raises(FrozenVersionError):
        option.delete()
    with pytest.raises(FrozenVersionError):
        AnswerOption.objects.create(question=question, order=9, text="New", score=9)
    level = default_version.levels.get(number=1)
    level.max_score = 10
    with pytest.raises(FrozenVersionError):
        level.save()
    with pytest.raises(FrozenVersionError):
        default_version.delete()


def test_guidance_and_references_stay_editable_on_a_published_version(answered):
    assessment = answered([0] * 7, complete=True)
    level = assessment.level
    level.guidance = "Fresh advice"
    level.save()
    Reference.objects.create(level=level, order=99, title="New read", url="https://example.com/")
    level.refresh_from_db()
    assert level.guidance == "Fresh advice"
    assert level.references.filter(title="New read").exists()


def _draft(default_version):
    return versions.create_draft(default_version)


def test_publish_refuses_a_question_with_fewer_than_two_options(default_version):
    draft = _draft(default_version)
    question = draft.questions.get(order=2)
    question.options.exclude(score=0).delete()
    with pytest.raises(versions.PublishError) as error:
        versions.publish(draft)
    assert [p.message for p in error.value.problems] == [
        "Question 2 needs at least two answer options.",
        "The highest band must end at 24, the highest possible total.",
    ]
    assert error.value.problems[0].obj == question
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_publish_refuses_gaps_and_wrong_ends_in_the_bands(default_version):
    draft = _draft(default_version)
    Level.objects.filter(version=draft, number=2).update(min_score=11)
    Level.objects.filter(version=draft, number=4).update(max_score=27)
    Level.objects.filter(version=draft, number=1).update(min_score=1)
    messages = [p.message for p in versions.validate_version(draft)]
    assert "Level 2 must start at 10, right after level 1." in messages
    assert "The highest band must end at 28, the highest possible total." in messages
    assert "The lowest band must start at 0, the lowest possible total." in messages


def test_publish_refuses_a_level_without_a_name(default_version):
    draft = _draft(default_version)
    Level.objects.filter(version=draft, number=3).update(name="  ")
    problems = versions.validate_version(draft)
    assert [(p.message, p.field) for p in problems] == [("Level 3 has no name.", "name")]


def test_publish_refuses_an_empty_version(default_version):
    empty = QuestionnaireVersion.objects.create(
        questionnaire=default_version.questionnaire, number=5
    )
    messages = [p.message for p in versions.validate_version(empty)]
    assert messages == [
        "The version has no dimension.",
        "The version has no question.",
        "The version has no level.",
    ]


def test_publishing_twice_is_refused(default_version):
    with pytest.raises(versions.PublishError, match="Only a draft"):
        versions.publish(default_version)


def test_an_assessment_cannot_start_on_a_draft(default_version):
    draft = _draft(default_version)
    with pytest.raises(assessments.AssessmentError):
        assessments.start(draft)


def test_overlapping_bands_are_reported_next_to_the_lowest_score(default_version):
    draft = _draft(default_version)
    level = draft.levels.get(number=2)
    level.min_score = 8
    with pytest.raises(Exception) as error:
        level.full_clean()
    assert "overlaps Level 1 Initial (0-9)" in str(error.value)


def test_in_progress_assessments_on_a_retired_version_can_still_be_completed(default_version):
    assessment = assessments.start(default_version)
    choose(assessment, [2] * 7)
    versions.publish(versions.create_draft(default_version))
    completed = assessments.complete(assessment)
    assert (completed.total_score, completed.level.name) == (14, "Defined")


def test_question_dimension_must_belong_to_the_same_version(default_version):
    draft = _draft(default_version)
    question = Question(
        version=draft,
        dimension=default_version.dimensions.first(),
        key="x",
        order=50,
        text="?",
    )
    with pytest.raises(Exception, match="same questionnaire version"):
        question.full_clean()
