"""The team's improvement plan: actions with an owner, a due date and a status, and their
history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.questionnaires import Question
from assessments.models.teams import Team

ACTION_LENGTH = 500


class ActionQuerySet(models.QuerySet):
    def unfinished(self):
        return self.exclude(status=Action.Status.DONE)

    def overdue_first(self):
        """Unfinished actions past their date first, then by date, undated last."""
        return self.order_by(models.F("due_on").asc(nulls_last=True), "created_at", "id")


class Action(models.Model):
    """One step of the team's plan, usually the next step on one question."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="actions", verbose_name=_("team")
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("question"),
    )
    # Where the action came from: a team result or a round.
    assessment = models.ForeignKey(
        "assessments.Assessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the result"),
    )
    round = models.ForeignKey(
        "assessments.Round",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from the round"),
    )
    text = models.CharField(_("action"), max_length=ACTION_LENGTH)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        indexes = [models.Index(fields=["team", "status", "due_on"], name="action_team_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", done_at__isnull=False)
                | (~Q(status="done") & Q(done_at__isnull=True)),
                name="action_done_has_date",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="action_has_text"),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("assessments:action", args=[self.team_id, self.pk])

    @property
    def is_overdue(self) -> bool:
        return (
            self.status != self.Status.DONE
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class ActionChange(models.Model):
    """One change to an action: what it was, what it became, who changed it and when."""

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="changes", verbose_name=_("action")
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    field = models.CharField(_("field"), max_length=30)
    old = models.CharField(_("before"), max_length=ACTION_LENGTH, blank=True)
    new = models.CharField(_("after"), max_length=ACTION_LENGTH, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]
        verbose_name = _("action change")
        verbose_name_plural = _("action changes")

    def __str__(self):
        return f"{self.field}: {self.old} → {self.new}"
