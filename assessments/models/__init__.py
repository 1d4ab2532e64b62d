"""The app's models, by concern: the questionnaire and its versions, teams, assessments,
rounds, actions and targets.

Every model is importable from `assessments.models`, as migrations and the rest of the code
expect.
"""

from assessments.models.actions import ACTION_LENGTH, Action, ActionChange
from assessments.models.assessments import NOTE_LENGTH, Answer, Assessment, ShareLink
from assessments.models.benchmark import BenchmarkRelease
from assessments.models.installation import Installation
from assessments.models.owners import OwnerStamp
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
from assessments.models.rounds import REASON_LENGTH, AgreedAnswer, Round
from assessments.models.sessions import Session
from assessments.models.targets import Target, TargetAnswer
from assessments.models.teams import Invitation, Membership, Team, new_token

__all__ = [
    "ACTION_LENGTH",
    "NOTE_LENGTH",
    "REASON_LENGTH",
    "Action",
    "ActionChange",
    "AgreedAnswer",
    "Answer",
    "AnswerOption",
    "Assessment",
    "BenchmarkRelease",
    "Dimension",
    "FrozenStructureMixin",
    "FrozenVersionError",
    "Installation",
    "Invitation",
    "Level",
    "Membership",
    "OwnerStamp",
    "Question",
    "Questionnaire",
    "QuestionnaireVersion",
    "Reference",
    "Round",
    "Session",
    "ShareLink",
    "Target",
    "TargetAnswer",
    "Team",
    "new_token",
]
