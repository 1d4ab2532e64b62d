"""The figures "How you compare" shows: published for a pool of comparable versions, and kept
until enough contributors have changed for a new release not to single any of them out."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BenchmarkRelease(models.Model):
    """The latest figures of one pool of versions (`assessments.services.benchmark`).

    `contributors` maps each contributor (a team, "t<id>"; a signed-in person, "p<id>"; an
    assessment taken without an account, "a<id>", where those are included) to the result of
    theirs that the figures count. `figures` holds the exact counts; pages show them only in
    bands of at least the minimum of contributors."""

    pool = models.CharField(_("versions pooled"), max_length=200, unique=True)
    published_at = models.DateTimeField(_("published at"))
    contributors = models.JSONField(_("contributors"), default=dict)
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("benchmark release")

    def __str__(self):
        return f"{self.pool} {self.published_at.isoformat()}"
