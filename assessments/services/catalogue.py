"""The catalogue: every questionnaire with a published version, as the home page offers them."""

import math
from dataclasses import dataclass

from assessments.models import Questionnaire, QuestionnaireVersion
from assessments.services import selectors

# What one question takes to read and answer, for the time a questionnaire announces.
MINUTES_PER_QUESTION = 0.7


@dataclass(frozen=True)
class Entry:
    version: QuestionnaireVersion
    question_count: int

    @property
    def questionnaire(self) -> Questionnaire:
        return self.version.questionnaire

    @property
    def minutes(self) -> int:
        return max(1, math.ceil(self.question_count * MINUTES_PER_QUESTION))


def entries() -> list[Entry]:
    """Each questionnaire's published version, by title: one query, then the cached
    structures."""
    versions = (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .filter(status=QuestionnaireVersion.Status.PUBLISHED)
        .order_by("questionnaire__title", "questionnaire__slug")
    )
    return [Entry(v, len(selectors.questions_with_options(v))) for v in versions]


def version_to_start(slug: str | None) -> QuestionnaireVersion | None:
    """The published version of the questionnaire `slug`; without a slug, the only published
    questionnaire's, if there is just one."""
    if slug:
        return selectors.published_version(slug)
    published = list(
        QuestionnaireVersion.objects.select_related("questionnaire").filter(
            status=QuestionnaireVersion.Status.PUBLISHED
        )[:2]
    )
    return published[0] if len(published) == 1 else None
