"""The admin, by concern: the questionnaire content, and what teams keep."""

from assessments.admin import content, teams  # noqa: F401  (registers the models)
