"""The app's models, by concern: the questionnaire and its versions, teams, and assessments.

Every model is importable from `assessments.models`, as migrations and the rest of the code
expect.
"""

from assessments.models.assessments import NOTE_LENGTH, Answer, Assessment, ShareLink
from assessments.models.questionnaires import (
    AnswerOption,
    Dimension,
    FrozenStructureMixin,
    FrozenVersionError,
    Level,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Reference,
)
from assessments.models.teams import Invitation, Membership, Team, new_token

__all__ = [
    "NOTE_LENGTH",
    "Answer",
    "AnswerOption",
    "Assessment",
    "Dimension",
    "FrozenStructureMixin",
    "FrozenVersionError",
    "Invitation",
    "Level",
    "Membership",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "Reference",
    "ShareLink",
    "Team",
    "new_token",
]
