"""Rounds: a team answering one questionnaire version together, each member alone, and the
answers the team agrees on afterwards."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.questionnaires import AnswerOption, Question, QuestionnaireVersion
from assessments.models.teams import Team

REASON_LENGTH = 300


class RoundQuerySet(models.QuerySet):
    def open(self):
        return self.filter(closed_at__isnull=True)

    def closed(self):
        return self.filter(closed_at__isnull=False)


class Round(models.Model):
    """One review held by the whole team: every member answers alone, then the team agrees."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("team")
    )
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("questionnaire version"),
    )
    title = models.CharField(_("title"), max_length=100)
    # The date answers are due; after it the round no longer takes answers.
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The team's assessment made of the agreed answers, once recorded.
    result = models.OneToOneField(
        "assessments.Assessment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_in",
        verbose_name=_("agreed result"),
    )
    # How many members had submitted, out of how many members, when the result was recorded.
    agreed_by = models.PositiveSmallIntegerField(_("submitted answers"), null=True, blank=True)
    member_count = models.PositiveSmallIntegerField(_("members"), null=True, blank=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(closed_at__isnull=True),
                name="one_open_round_per_team",
            ),
            models.CheckConstraint(
                condition=Q(result__isnull=True)
                | Q(closed_at__isnull=False, agreed_by__isnull=False, member_count__isnull=False),
                name="round_recorded_after_closing",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("assessments:round", args=[self.team_id, self.pk])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def is_past_closing_date(self) -> bool:
        return self.closes_on is not None and timezone.localdate() > self.closes_on

    @property
    def takes_answers(self) -> bool:
        return Round.answers_taken(closed_at=self.closed_at, closes_on=self.closes_on)

    @staticmethod
    def answers_taken(*, closed_at, closes_on) -> bool:
        """Whether a round closed at `closed_at` (None: open) and closing on `closes_on` takes
        answers today: for a round and for a page's stamp alike."""
        return closed_at is None and (closes_on is None or timezone.localdate() <= closes_on)

    @property
    def is_recorded(self) -> bool:
        return self.result_id is not None


class AgreedAnswer(models.Model):
    """An owner's choice of the team's answer to one question of a round, where it differs
    from the median of the members' answers, with the reason."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="agreed_answers", verbose_name=_("round")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, related_name="+", verbose_name=_("answer")
    )
    reason = models.CharField(_("reason"), max_length=REASON_LENGTH)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), auto_now=True)

    class Meta:
        verbose_name = _("agreed answer")
        verbose_name_plural = _("agreed answers")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "question"], name="one_agreed_answer_per_question"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="agreed_answer_has_reason"),
        ]

    def __str__(self):
        return str(self.option)
