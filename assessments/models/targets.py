"""A team's target: the level, or the answers to some questions, it means to reach by a date."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.questionnaires import AnswerOption, Level, Question, QuestionnaireVersion
from assessments.models.teams import Team


class Target(models.Model):
    """Where the team means to be by a date: a level, target answers to some questions, or
    both."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, related_name="target", verbose_name=_("team")
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire version"),
    )
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("target level"),
    )
    due_on = models.DateField(_("target date"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    set_at = models.DateTimeField(_("set"), auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return _("Target of %(team)s") % {"team": self.team}


class TargetAnswer(models.Model):
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="answers", verbose_name=_("target")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("target answer")
    )

    class Meta:
        verbose_name = _("target answer")
        verbose_name_plural = _("target answers")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "question"], name="one_target_answer_per_question"
            ),
        ]

    def __str__(self):
        return str(self.option)
