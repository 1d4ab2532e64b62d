"""The assessments people fill in against a questionnaire version, their answers, and the
read-only links that share a completed result."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.questionnaires import AnswerOption, Level, Question, QuestionnaireVersion
from assessments.models.teams import Team, new_token

NOTE_LENGTH = 2000


class Assessment(models.Model):
    """One team's or person's answers to one questionnaire version, and its stored result."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    token = models.CharField(_("private link token"), max_length=64, unique=True, default=new_token)
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("questionnaire version"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("taken by"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assessments",
        verbose_name=_("team"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    total_score = models.PositiveSmallIntegerField(_("total score"), null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(_("highest possible score"), null=True, blank=True)
    level = models.ForeignKey(
        Level,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("level"),
    )
    dimension_scores = models.JSONField(_("scores per dimension"), default=dict, blank=True)
    # With "not applicable" answers, the points scored on the applicable questions and the most
    # they could give; the total above is scaled from them to the questionnaire's full range.
    applicable_score = models.PositiveSmallIntegerField(
        _("applicable points scored"), null=True, blank=True
    )
    applicable_maximum = models.PositiveSmallIntegerField(
        _("applicable points possible"), null=True, blank=True
    )
    # A member's own answers to a team round: private to them, outside the team's history.
    round = models.ForeignKey(
        "assessments.Round",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="member_assessments",
        verbose_name=_("round"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            # Each ends with the id, the lists' tie-break, so that no page needs a sort.
            models.Index(fields=["team", "-created_at", "-id"], name="assessment_team_newest"),
            # The trend and compare read a team's latest completed results.
            models.Index(
                fields=["team", "status", "-completed_at", "-id"],
                name="assessment_team_completed",
            ),
            # /mine/ lists a person's assessments, newest first.
            models.Index(fields=["owner", "-created_at", "-id"], name="assessment_owner_newest"),
            # ... and is kept under how many they own and when one was last saved: read from
            # this index alone.
            models.Index(fields=["owner", "updated_at"], name="assessment_owner_saved"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="in_progress")
                | Q(
                    completed_at__isnull=False,
                    total_score__isnull=False,
                    max_score__isnull=False,
                    level__isnull=False,
                ),
                name="completed_assessment_has_result",
            ),
            models.CheckConstraint(
                condition=Q(applicable_score__isnull=True, applicable_maximum__isnull=True)
                | Q(
                    applicable_score__isnull=False,
                    applicable_maximum__isnull=False,
                    applicable_score__lte=models.F("applicable_maximum"),
                ),
                name="applicable_points_within_maximum",
            ),
            models.UniqueConstraint(
                fields=["round", "owner"],
                condition=Q(round__isnull=False),
                name="one_assessment_per_member_per_round",
            ),
            models.CheckConstraint(
                condition=Q(round__isnull=True) | Q(team__isnull=True, owner__isnull=False),
                name="round_assessment_is_a_members_own",
            ),
        ]

    def __str__(self):
        return _("Assessment started %(date)s") % {"date": self.created_at.date()}

    def get_absolute_url(self):
        return reverse("assessments:resume", args=[self.token])

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED

    @property
    def stays_once_submitted(self) -> bool:
        """A member's submitted answers to a round: they stay, so that nobody can read the
        others' answers, withdraw their own and answer again."""
        return self.round_id is not None and self.is_completed

    @property
    def agreed_round(self):
        """The round whose agreed answers this result records, or None (read it with
        `select_related("agreed_in")` to spare a query per result)."""
        try:
            return self.agreed_in
        except ObjectDoesNotExist:
            return None


class Answer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question")
    )
    # None when the person answered "not applicable" (where the question offers it).
    option = models.ForeignKey(
        AnswerOption,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answer"),
    )
    # The evidence or the reason for the answer, in the person's own words.
    note = models.TextField(_("note"), max_length=NOTE_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        ordering = ["assessment", "question__order"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "question"], name="one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("note"), NOTE_LENGTH),
                name="answer_note_length",
            ),
        ]

    def __str__(self):
        return str(self.option)


class ShareLink(models.Model):
    """A read-only link to one completed result, for someone outside the team."""

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="share_links",
        verbose_name=_("assessment"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_token)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    include_notes = models.BooleanField(_("shows the notes on answers"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self):
        return _("Share link for %(assessment)s") % {"assessment": self.assessment}

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
