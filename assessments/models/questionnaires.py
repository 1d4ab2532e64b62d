"""The maturity model as data: questionnaires, their numbered versions, and each version's
dimensions, questions, answer options, levels and references.

A draft version can be edited freely; once published its structure (dimensions, questions,
options, scores and level bands) is frozen, so that a completed assessment always points at
exactly the wording and scores its people answered. Level descriptions, guidance and references
are living advice and stay editable; any change to them dates the version's advice anew
(`advice_revised_at`), which keys the cached renderings of results.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FrozenVersionError(ValidationError):
    """Raised when something tries to change the structure of a published version."""


class Questionnaire(models.Model):
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Shown at the foot of every page about the questionnaire: where its model comes from.
    attribution = models.TextField(_("attribution"), blank=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self):
        return self.title


class QuestionnaireVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("questionnaire"),
    )
    number = models.PositiveIntegerField(_("number"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    based_on = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("based on"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # When a level's text or a reference last changed: rendered results are cached under it,
    # so an edit shows on the next request in every process.
    advice_revised_at = models.DateTimeField(_("advice last revised"), default=timezone.now)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["questionnaire"],
                condition=Q(status="published"),
                name="one_published_version_per_questionnaire",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]

    def __str__(self):
        return _("%(title)s, version %(number)s (%(status)s)") % {
            "title": self.questionnaire.title,
            "number": self.number,
            "status": self.get_status_display(),
        }

    @property
    def is_frozen(self) -> bool:
        return self.status != self.Status.DRAFT

    @property
    def structure_stamp(self) -> str | None:
        """What names this version's unchanging structure in cache keys: the moment it was
        published; None while it is a draft, whose structure may still change."""
        if not self.is_frozen or self.published_at is None:
            return None
        return f"{self.pk}:{self.published_at.timestamp()}"

    def delete(self, *args, **kwargs):
        if self.is_frozen:
            raise FrozenVersionError(_("A published or retired version cannot be deleted."))
        return super().delete(*args, **kwargs)


# The mixin is only ever mixed into models: type checkers see it as one.
_ModelBase = models.Model if TYPE_CHECKING else object


class FrozenStructureMixin(_ModelBase):  # type: ignore[misc,valid-type]
    """Refuses to change the listed fields once the owning version has been published."""

    frozen_fields: tuple[str, ...] = ()

    def owning_version(self) -> QuestionnaireVersion:
        raise NotImplementedError

    def _stored(self):
        return type(self)._default_manager.filter(pk=self.pk).values(*self.frozen_fields).first()

    def save(self, *args, **kwargs):
        if self.owning_version().is_frozen:
            stored = self._stored() if self.pk else None
            if stored is None:
                raise FrozenVersionError(
                    _("Nothing can be added to a published version: make a new draft.")
                )
            changed = [name for name in self.frozen_fields if stored[name] != _value(self, name)]
            if changed:
                raise FrozenVersionError(
                    _("These fields of a published version cannot change: %(fields)s.")
                    % {"fields": ", ".join(changed)}
                )
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.owning_version().is_frozen:
            raise FrozenVersionError(
                _("Nothing can be removed from a published version: make a new draft.")
            )
        return super().delete(*args, **kwargs)


def _value(instance, name):
    field = instance._meta.get_field(name)
    return getattr(instance, field.attname)


class Dimension(FrozenStructureMixin, models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("version"),
    )
    key = models.SlugField(_("key"))
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    frozen_fields = ("version", "key", "order", "name", "description")

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="dimension_order_unique"),
            models.UniqueConstraint(fields=["version", "key"], name="dimension_key_unique"),
        ]

    def __str__(self):
        return self.name

    def owning_version(self):
        return self.version


class Question(FrozenStructureMixin, models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("version"),
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.RESTRICT, related_name="questions", verbose_name=_("dimension")
    )
    key = models.SlugField(_("key"))
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    # Whether "not applicable" is offered: such an answer leaves the question out of the score.
    allows_not_applicable = models.BooleanField(_("offers “not applicable”"), default=False)

    frozen_fields = (
        "version",
        "dimension",
        "key",
        "order",
        "text",
        "help_text",
        "allows_not_applicable",
    )

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="question_order_unique"),
            models.UniqueConstraint(fields=["version", "key"], name="question_key_unique"),
        ]

    def __str__(self):
        return f"{self.order}. {self.text}"

    def owning_version(self):
        return self.version

    def clean(self):
        if self.dimension_id and self.version_id and self.dimension.version_id != self.version_id:
            raise ValidationError(
                {"dimension": _("Choose a dimension of the same questionnaire version.")}
            )


class AnswerOption(FrozenStructureMixin, models.Model):
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    text = models.TextField(_("answer"))
    score = models.PositiveSmallIntegerField(_("score"))

    frozen_fields = ("question", "order", "text", "score")

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        constraints = [
            models.UniqueConstraint(fields=["question", "order"], name="option_order_unique"),
            models.UniqueConstraint(fields=["question", "score"], name="option_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="option_score_not_negative"),
        ]

    def __str__(self):
        return self.text

    def owning_version(self):
        return self.question.version


class Level(FrozenStructureMixin, models.Model):
    version = models.ForeignKey(
        QuestionnaireVersion,
        on_delete=models.CASCADE,
        related_name="levels",
        verbose_name=_("version"),
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=100)
    min_score = models.PositiveSmallIntegerField(_("lowest score"))
    max_score = models.PositiveSmallIntegerField(_("highest score"))
    description = models.TextField(_("what it means"), blank=True)
    guidance = models.TextField(_("how to advance"), blank=True)

    # Names, descriptions and guidance are living advice; the bands decide results.
    frozen_fields = ("version", "number", "min_score", "max_score")

    class Meta:
        ordering = ["version", "number"]
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="level_number_unique"),
            models.UniqueConstraint(fields=["version", "min_score"], name="level_min_unique"),
            models.CheckConstraint(
                condition=Q(min_score__lte=F("max_score")), name="level_band_ordered"
            ),
        ]

    def __str__(self):
        return _("Level %(number)s %(name)s") % {"number": self.number, "name": self.name}

    def owning_version(self):
        return self.version

    def clean(self):
        if self.min_score is not None and self.max_score is not None:
            if self.min_score > self.max_score:
                raise ValidationError(
                    {"max_score": _("The highest score must not be below the lowest score.")}
                )
            if self.version_id:
                overlapping = (
                    Level.objects.filter(version_id=self.version_id)
                    .exclude(pk=self.pk)
                    .filter(min_score__lte=self.max_score, max_score__gte=self.min_score)
                    .first()
                )
                if overlapping:
                    raise ValidationError(
                        {
                            "min_score": _("This band overlaps %(level)s (%(low)s-%(high)s).")
                            % {
                                "level": overlapping,
                                "low": overlapping.min_score,
                                "high": overlapping.max_score,
                            }
                        }
                    )


class Reference(models.Model):
    """A suggested reading for advancing from a level: living advice, editable any time."""

    level = models.ForeignKey(
        Level, on_delete=models.CASCADE, related_name="references", verbose_name=_("level")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["level", "order"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        constraints = [
            models.UniqueConstraint(fields=["level", "order"], name="reference_order_unique"),
        ]

    def __str__(self):
        return self.title
