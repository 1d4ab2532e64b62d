"""What dates the pages kept whole (`assessments.views.pages`).

A team's pages are kept under `Team.changed_at`; any save or deletion of something they show
(an assessment, a member, a round, an action, a target, a share link, a member's name) moves it
on in the same transaction, so the next request, in any process, draws them afresh. A person's
`/mine/` is kept under `OwnerStamp.changed_at`, moved on alike by any save or deletion of an
assessment they own, and under their assessments' latest save. Services
that change rows with `update()` or `bulk_create()`, which send no signals, touch the team
themselves. Any change to a questionnaire's wording or advice dates its versions' advice
(`QuestionnaireVersion.advice_revised_at`) and every team's pages, as level names and
references appear on them.
"""

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils import timezone

from assessments.models.actions import Action, ActionChange
from assessments.models.assessments import Answer, Assessment, ShareLink
from assessments.models.owners import OwnerStamp
from assessments.models.questionnaires import Level, Questionnaire, QuestionnaireVersion, Reference
from assessments.models.rounds import AgreedAnswer, Round
from assessments.models.targets import Target, TargetAnswer
from assessments.models.teams import Invitation, Membership, Team


def teams_of_assessment(assessment_id: int):
    """The team an assessment belongs to, directly or through its round."""
    return Team.objects.filter(
        Q(pk__in=Assessment.objects.filter(pk=assessment_id).values("team_id"))
        | Q(pk__in=Round.objects.filter(member_assessments__pk=assessment_id).values("team_id"))
    )


@receiver([post_save, post_delete], sender=Membership)
@receiver([post_save, post_delete], sender=Invitation)
@receiver([post_save, post_delete], sender=Round)
@receiver([post_save, post_delete], sender=Action)
@receiver([post_save, post_delete], sender=Target)
def team_row_changed(sender, instance, **kwargs):
    Team.objects.filter(pk=instance.team_id).touch()


@receiver([post_save, post_delete], sender=Assessment)
def assessment_changed(sender, instance, **kwargs):
    if instance.team_id:
        Team.objects.filter(pk=instance.team_id).touch()
    if instance.round_id:
        Team.objects.filter(rounds__pk=instance.round_id).touch()


@receiver([post_save, post_delete], sender=Assessment)
def own_assessment_changed(sender, instance, **kwargs):
    # Saving an answer updates the assessment's `updated_at` alone, which `/mine/`'s stamp
    # reads too: it sends no signal.
    if instance.owner_id:
        OwnerStamp.touch(instance.owner_id)


@receiver([post_save, post_delete], sender=Answer)
@receiver([post_save, post_delete], sender=ShareLink)
def assessment_part_changed(sender, instance, **kwargs):
    if sender.assessment.is_cached(instance):
        # Saving an answer goes through its assessment: no query for one without a team.
        assessment_changed(Assessment, instance.assessment)
    else:
        teams_of_assessment(instance.assessment_id).touch()


@receiver([post_save, post_delete], sender=AgreedAnswer)
def agreed_answer_changed(sender, instance, **kwargs):
    Team.objects.filter(rounds__pk=instance.round_id).touch()


@receiver([post_save, post_delete], sender=ActionChange)
def action_change_recorded(sender, instance, **kwargs):
    Team.objects.filter(actions__pk=instance.action_id).touch()


@receiver([post_save, post_delete], sender=TargetAnswer)
def target_answer_changed(sender, instance, **kwargs):
    Team.objects.filter(target__pk=instance.target_id).touch()


def teams_naming(user_id: int):
    """The teams whose pages name a person: as a member, or as who took an assessment or
    owns an action, even after leaving."""
    return Team.objects.filter(
        Q(pk__in=Membership.objects.filter(user_id=user_id).values("team_id"))
        | Q(pk__in=Assessment.objects.filter(owner_id=user_id).values("team_id"))
        | Q(pk__in=Action.objects.filter(owner_id=user_id).values("team_id"))
    )


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def person_renamed(sender, instance, update_fields=None, **kwargs):
    # Signing in saves the last login only: nothing any page shows.
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    teams_naming(instance.pk).touch()


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def person_deleted(sender, instance, **kwargs):
    # Deleting an account clears its name from assessments and actions with an update that
    # sends no signal: date the pages that named it first, in the same transaction.
    teams_naming(instance.pk).touch()


@receiver([post_save, post_delete], sender=Questionnaire)
@receiver([post_save, post_delete], sender=QuestionnaireVersion)
@receiver([post_save, post_delete], sender=Level)
@receiver([post_save, post_delete], sender=Reference)
def content_changed(sender, instance, **kwargs):
    """Any change to a questionnaire, a version, a level or a reference (admin, import,
    publication, deletion) dates the advice of the versions concerned anew, and every team's
    pages unless only a draft changed."""
    now = timezone.now()
    if sender is Questionnaire:
        versions = QuestionnaireVersion.objects.filter(questionnaire_id=instance.pk)
    elif sender is QuestionnaireVersion:
        versions = QuestionnaireVersion.objects.filter(pk=instance.pk)
    elif sender is Level:
        versions = QuestionnaireVersion.objects.filter(pk=instance.version_id)
    else:
        # By the level's id: in a cascade the level itself may already be gone.
        versions = QuestionnaireVersion.objects.filter(levels__pk=instance.level_id)
    versions.update(advice_revised_at=now)
    # Drafts show on no team's page: editing one dates nothing else.
    if (
        sender is Questionnaire
        or versions.exclude(status=QuestionnaireVersion.Status.DRAFT).exists()
    ):
        Team.objects.touch()
