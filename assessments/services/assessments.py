"""Taking an assessment: start it, save answers page by page, and complete it once."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    NOTE_LENGTH,
    Answer,
    AnswerOption,
    Assessment,
    Level,
    Question,
    QuestionnaireVersion,
    Round,
)
from assessments.services import scoring, selectors


class AssessmentError(Exception):
    """The request cannot be carried out; the message is meant for the person."""


class AssessmentCompleted(AssessmentError):
    pass


def _lock(assessment: Assessment) -> Assessment:
    """The assessment, locked for the transaction; a round's answers are refused once the
    round no longer takes them."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if (
        not locked.is_completed
        and locked.round_id is not None
        and not Round.objects.get(pk=locked.round_id).takes_answers
    ):
        raise AssessmentError(_("This round is closed; its answers can no longer change."))
    return locked


def start(version: QuestionnaireVersion, owner=None) -> Assessment:
    """A new assessment on a published version, owned by `owner` when signed in."""
    if version.status != QuestionnaireVersion.Status.PUBLISHED:
        raise AssessmentError(_("This questionnaire version is not open for new assessments."))
    return Assessment.objects.create(
        version=version, owner=owner if owner and owner.is_authenticated else None
    )


def save_answer(
    assessment: Assessment, question_id: int, option_id: int | None, *, note: str | None = None
) -> Answer:
    """Record (or change) the answer to one question of an assessment in progress, with its
    note (the evidence or the reason; empty for none). `option_id` None answers "not
    applicable", where the question offers it. Without a note, a note already saved on the
    answer is kept."""
    if note is not None:
        note = note.replace("\r\n", "\n").strip()
    if note is not None and len(note) > NOTE_LENGTH:
        raise AssessmentError(
            _("A note can be at most %(count)s characters long.") % {"count": NOTE_LENGTH}
        )
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.is_completed:
            raise AssessmentCompleted(
                _("This assessment is completed; its answers can no longer change.")
            )
        if option_id is None:
            option = None
            if not Question.objects.filter(
                pk=question_id, version_id=locked.version_id, allows_not_applicable=True
            ).exists():
                raise AssessmentError(_("This question cannot be answered “not applicable”."))
        else:
            option = (
                AnswerOption.objects.select_related("question")
                .filter(
                    pk=option_id,
                    question_id=question_id,
                    question__version_id=locked.version_id,
                )
                .first()
            )
            if option is None:
                raise AssessmentError(_("That answer is not an option of this question."))
        changes = {"option": option} if note is None else {"option": option, "note": note}
        answer, _created = Answer.objects.update_or_create(
            assessment=locked, question_id=question_id, defaults=changes
        )
        Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return answer


def complete(assessment: Assessment) -> Assessment:
    """Score the answers and store the result; completing twice keeps the first result."""
    with transaction.atomic():
        locked = _lock(assessment)
        if locked.is_completed:
            return locked
        version_spec = selectors.version_spec(locked.version)
        try:
            result = scoring.score(version_spec, selectors.choices_of(locked))
        except scoring.ScoringError as error:
            raise AssessmentError(str(error)) from None
        locked.status = Assessment.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.total_score = result.total
        locked.max_score = result.maximum
        locked.level = Level.objects.get(pk=result.level.id)
        locked.dimension_scores = {
            dimension.key: {"score": dimension.score, "maximum": dimension.maximum}
            for dimension in result.dimensions
        }
        if result.scaled:
            locked.applicable_score = result.applicable_total
            locked.applicable_maximum = result.applicable_maximum
        locked.save()
        return locked


@transaction.atomic
def delete(assessment: Assessment) -> None:
    """Delete an assessment with its answers and share links. A round's agreed result stays
    while its round does: it is the team's record of what was agreed; and a member's submitted
    answers to a round stay too."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.stays_once_submitted:
        raise AssessmentError(_("Answers to a round stay once submitted."))
    if Round.objects.filter(result=locked).exists():
        raise AssessmentError(
            _("This is the agreed result of a round: it stays in the team's history.")
        )
    locked.delete()
