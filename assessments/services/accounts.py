"""People's control over their data: everything they entered as one document, deleting their
account, and forgetting anonymous assessments nobody came back to."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    Action,
    ActionChange,
    Answer,
    Assessment,
    Membership,
    Round,
    ShareLink,
    Team,
)


class AccountError(Exception):
    """The request is refused; the message is meant for the person."""


def _answers(assessment_ids) -> dict[int, list[dict]]:
    rows = (
        Answer.objects.filter(assessment_id__in=assessment_ids)
        .order_by("assessment_id", "question__order")
        .values_list("assessment_id", "question__key", "question__text", "option__text", "note")
    )
    answers: dict[int, list[dict]] = {}
    for assessment_id, key, question, option, note in rows:
        answers.setdefault(assessment_id, []).append(
            {
                "question": key,
                "text": question,
                "answer": option,
                "not_applicable": option is None,
                "note": note,
            }
        )
    return answers


def my_data(user) -> dict:
    """Everything `user` entered, as one JSON-ready document: the account, memberships, the
    assessments they took with every answer and note, their actions and their changes."""
    taken = list(
        Assessment.objects.filter(owner=user)
        .select_related("version__questionnaire", "team", "round", "level")
        .order_by("created_at", "pk")
    )
    answers = _answers([a.pk for a in taken])
    return {
        "account": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "joined": user.date_joined.isoformat(),
        },
        "memberships": [
            {"team": m.team.name, "role": m.role, "joined": m.joined_at.isoformat()}
            for m in Membership.objects.filter(user=user).select_related("team")
        ],
        "assessments": [
            {
                "questionnaire": a.version.questionnaire.slug,
                "version": a.version.number,
                "team": a.team.name if a.team else None,
                "round": a.round.title if a.round else None,
                "status": a.status,
                "started": a.created_at.isoformat(),
                "completed": a.completed_at.isoformat() if a.completed_at else None,
                "total": a.total_score,
                "maximum": a.max_score,
                "level": a.level.name if a.level else None,
                "answers": answers.get(a.pk, []),
            }
            for a in taken
        ],
        "rounds_opened": [
            {"team": r.team.name, "title": r.title, "opened": r.opened_at.isoformat()}
            for r in Round.objects.filter(opened_by=user).select_related("team")
        ],
        "actions": [
            {
                "team": action.team.name,
                "text": action.text,
                "status": action.status,
                "due": action.due_on.isoformat() if action.due_on else None,
                "created_by_you": action.created_by_id == user.pk,
                "owned_by_you": action.owner_id == user.pk,
            }
            for action in Action.objects.filter(Q(created_by=user) | Q(owner=user))
            .select_related("team")
            .order_by("created_at", "pk")
        ],
        "action_changes": [
            {
                "action": change.action.text,
                "field": change.field,
                "before": change.old,
                "after": change.new,
                "at": change.changed_at.isoformat(),
            }
            for change in ActionChange.objects.filter(changed_by=user).select_related("action")
        ],
        "share_links": ShareLink.objects.filter(created_by=user).count(),
    }


def teams_only_owned_by(user) -> list[Team]:
    """The teams `user` is the sole owner of: they must be handed over or deleted before the
    account can go."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER).values("team_id")
    return list(
        Team.objects.filter(pk__in=owned)
        .annotate(owners=Count("memberships", filter=Q(memberships__role=Membership.Role.OWNER)))
        .filter(owners=1)
        .order_by("name")
    )


@dataclass(frozen=True)
class DeletionPlan:
    """What deleting an account does, shown before the person confirms."""

    personal_assessments: int
    team_assessments: int
    memberships: int
    blocking_teams: list[Team]


def deletion_plan(user) -> DeletionPlan:
    return DeletionPlan(
        personal_assessments=Assessment.objects.filter(owner=user, team__isnull=True).count(),
        team_assessments=Assessment.objects.filter(owner=user, team__isnull=False).count(),
        memberships=Membership.objects.filter(user=user).count(),
        blocking_teams=teams_only_owned_by(user),
    )


def is_password_of(request, user, password: str) -> bool:
    """Whether `password` is `user`'s, asked through Django's authenticate() as a sign-in is:
    django-axes counts every wrong one against the same limits, and once they are reached it
    refuses every answer, the right one too, until the cool-off is over (its middleware then
    answers with the lockout page)."""
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def delete_account(*, request, user, password: str) -> None:
    """Delete `user`: their personal assessments (and their own answers to rounds) go; their
    team assessments stay with the team, taken by "a former member"; memberships end. Refused
    without the right password (checked as a sign-in is, so that guessing is limited), or while
    they are the only owner of a team."""
    # Outside the transaction: django-axes records a wrong password, which a rollback would undo.
    if not is_password_of(request, user, password):
        raise AccountError(_("That is not your password: nothing was deleted."))
    with transaction.atomic():
        blocking = teams_only_owned_by(user)
        if blocking:
            raise AccountError(
                _(
                    "You are the only owner of %(teams)s: hand the team over to another member, "
                    "or delete it, before deleting your account."
                )
                % {"teams": ", ".join(team.name for team in blocking)}
            )
        Assessment.objects.filter(owner=user, team__isnull=True).delete()
        user.delete()


def purge_stale(*, days: int) -> int:
    """Delete assessments started without an account and left unfinished for `days` days;
    the number deleted."""
    cutoff = timezone.now() - timedelta(days=days)
    stale = Assessment.objects.filter(
        owner__isnull=True,
        team__isnull=True,
        status=Assessment.Status.IN_PROGRESS,
        updated_at__lt=cutoff,
    )
    _deleted, by_model = stale.delete()
    return by_model.get("assessments.Assessment", 0)
