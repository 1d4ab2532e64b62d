"""Rounds: an owner opens one, every member answers it alone, the owner closes it, adjusts the
agreed answers and records them as the team's result."""

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import (
    REASON_LENGTH,
    AgreedAnswer,
    Answer,
    Assessment,
    Membership,
    Round,
    Team,
)
from assessments.services import access, agreement, assessments, catalogue, charts, selectors
from assessments.services.charts import Strip


class RoundError(Exception):
    """The request is refused; the message is meant for the person."""


def _require_owner(membership: Membership, team: Team) -> None:
    if membership.team_id != team.pk or not membership.is_owner:
        raise RoundError(_("Only a team owner can do this."))


def open_round(
    *,
    team: Team,
    membership: Membership,
    title: str,
    closes_on: date | None = None,
    questionnaire: str | None = None,
) -> Round:
    """A new round on the published version of the questionnaire `questionnaire` (a slug; the
    only published one when not given); a team holds one open round at a time."""
    _require_owner(membership, team)
    version = catalogue.version_to_start(questionnaire)
    if version is None:
        raise RoundError(_("Choose one of the published questionnaires for the round."))
    if closes_on is not None and closes_on < timezone.localdate():
        raise RoundError(_("The closing date cannot be in the past."))
    try:
        with transaction.atomic():
            return Round.objects.create(
                team=team,
                version=version,
                title=title.strip(),
                closes_on=closes_on,
                opened_by=membership.user,
            )
    except IntegrityError:
        raise RoundError(
            _("This team already has an open round: close it before opening another.")
        ) from None


def answers_of(*, round: Round, membership: Membership) -> Assessment:
    """The member's own assessment for the round, started on first use: members who join
    while the round is open take part too."""
    if membership.team_id != round.team_id:
        raise RoundError(_("Only the team's members take part in its rounds."))
    existing = Assessment.objects.filter(round=round, owner=membership.user).first()
    if existing is not None:
        return existing
    if not round.takes_answers:
        raise RoundError(_("This round no longer takes answers."))
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                version=round.version, round=round, owner=membership.user
            )
    except IntegrityError:
        # Two clicks at once: the other request started it.
        return Assessment.objects.get(round=round, owner=membership.user)


def close_round(*, round: Round, membership: Membership) -> Round:
    """Stop taking answers; whoever has not submitted is listed as not answered."""
    _require_owner(membership, round.team)
    with transaction.atomic():
        Round.objects.filter(pk=round.pk, closed_at__isnull=True).update(closed_at=timezone.now())
        Team.objects.filter(pk=round.team_id).touch()
    round.refresh_from_db(fields=["closed_at"])
    return round


def _agreeable(round: Round, membership: Membership) -> None:
    _require_owner(membership, round.team)
    if not round.is_closed:
        raise RoundError(_("Close the round before agreeing on its answers."))
    if round.is_recorded:
        raise RoundError(_("The agreed result is recorded; its answers can no longer change."))


def set_agreed_answer(
    *, round: Round, membership: Membership, question_id: int, option_id: int, reason: str
) -> AgreedAnswer:
    """An owner's choice of the team's answer to one question, with a short reason."""
    _agreeable(round, membership)
    reason = reason.strip()
    if not reason:
        raise RoundError(_("Give a short reason for changing the agreed answer."))
    if len(reason) > REASON_LENGTH:
        raise RoundError(
            _("A reason can be at most %(count)s characters long.") % {"count": REASON_LENGTH}
        )
    spec = selectors.version_spec(round.version)
    question = next((q for q in spec.questions if q.id == question_id), None)
    if question is None or option_id not in {o.id for o in question.options}:
        raise RoundError(_("That answer is not an option of this question."))
    agreed, _created = AgreedAnswer.objects.update_or_create(
        round=round,
        question_id=question_id,
        defaults={"option_id": option_id, "reason": reason, "decided_by": membership.user},
    )
    return agreed


def reset_agreed_answer(*, round: Round, membership: Membership, question_id: int) -> None:
    """Go back to the median for one question."""
    _agreeable(round, membership)
    AgreedAnswer.objects.filter(round=round, question_id=question_id).delete()


def record_result(*, round: Round, membership: Membership) -> Assessment:
    """The agreed answers become the team's assessment for the round, completed and scored like
    any other, with each changed answer's reason as its note."""
    with transaction.atomic():
        locked = (
            Round.objects.select_for_update().select_related("team", "version").get(pk=round.pk)
        )
        _agreeable(locked, membership)
        view = round_view(locked)
        choices = view.agreement.agreed_choices()
        if len(choices) < len(view.agreement.questions):
            raise RoundError(
                _("Every question needs an agreed answer: nobody answered some of them yet.")
            )
        result = Assessment.objects.create(
            version=locked.version, team=locked.team, owner=membership.user
        )
        Answer.objects.bulk_create(
            Answer(
                assessment=result,
                question_id=q.question.id,
                option_id=choices[q.question.id],
                note=q.reason,
            )
            for q in view.agreement.questions
        )
        result = assessments.complete(result)
        locked.result = result
        locked.agreed_by = len(view.submitted)
        locked.member_count = len(view.participants)
        locked.save(update_fields=["result", "agreed_by", "member_count"])
        return result


@dataclass(frozen=True)
class Participant:
    membership: Membership
    assessment: Assessment | None

    @property
    def name(self) -> str:
        return display_name(self.membership.user)

    @property
    def has_submitted(self) -> bool:
        return self.assessment is not None and self.assessment.is_completed


@dataclass(frozen=True)
class RoundView:
    round: Round
    participants: list[Participant]
    agreement: agreement.RoundAgreement

    @property
    def submitted(self) -> list[Participant]:
        return [p for p in self.participants if p.has_submitted]

    @property
    def not_submitted(self) -> list[Participant]:
        return [p for p in self.participants if not p.has_submitted]

    def agreed_scores(self) -> dict[str, int]:
        """Question key -> the agreed answer's score, where there is one."""
        return {q.question.key: q.agreed.score for q in self.agreement.questions if q.agreed}

    def participant(self, user) -> Participant | None:
        return next((p for p in self.participants if p.membership.user_id == user.pk), None)

    def can_see_answers(self, user) -> bool:
        """Members see each other's answers once they have submitted their own, or once the
        round is closed: nobody reads the others before answering."""
        mine = self.participant(user)
        return access.may_see_round_answers(
            round=self.round, own_submitted=mine is not None and mine.has_submitted
        )


def questions_with_strips(view: RoundView) -> list[tuple[agreement.QuestionAgreement, Strip]]:
    """Each question of the round, most disagreement first, with its distribution strip."""
    return [
        (
            q,
            charts.distribution_strip(
                q.counts, q.median.id if q.median else None, q.agreed.id if q.agreed else None
            ),
        )
        for q in view.agreement.questions
    ]


def may_see_answers(round: Round, user) -> bool:
    """Whether `user`, a member of the round's team, sees its answers (see `access`), read
    without drawing the whole round."""
    return access.may_see_round_answers(
        round=round,
        own_submitted=Assessment.objects.filter(
            round=round, owner_id=user.pk, status=Assessment.Status.COMPLETED
        ).exists(),
    )


def round_or_404(team: Team, round_id: int) -> Round:
    return get_object_or_404(
        Round.objects.select_related("team", "version__questionnaire", "result__level"),
        team=team,
        pk=round_id,
    )


def open_round_of(team: Team, user) -> tuple[Round | None, Assessment | None]:
    """The team's open round, if any, and `user`'s own answers to it, if started."""
    round = Round.objects.open().filter(team=team).select_related("version").first()
    if round is None:
        return None, None
    return round, Assessment.objects.filter(round=round, owner=user).first()


def rounds_of(team: Team) -> list[Round]:
    return list(Round.objects.filter(team=team).select_related("result__level"))


def round_view(round: Round) -> RoundView:
    """Who takes part in the round, who has submitted, and how far they agree: a fixed number
    of queries whatever the number of members or questions. Only current members count."""
    members = selectors.team_members(round.team)
    own = {
        a.owner_id: a
        for a in Assessment.objects.filter(round=round).only(
            "pk", "token", "owner_id", "status", "round_id", "version_id", "updated_at"
        )
    }
    participants = [Participant(m, own.get(m.user_id)) for m in members]
    names = {m.user_id: display_name(m.user) for m in members}
    answer_sets: dict[int, agreement.MemberAnswers] = {}
    rows = Answer.objects.filter(
        assessment__round=round,
        assessment__status=Assessment.Status.COMPLETED,
        assessment__owner_id__in=names,
    ).values_list("assessment__owner_id", "question_id", "option_id", "note")
    for owner_id, question_id, option_id, note in rows:
        member = answer_sets.setdefault(owner_id, agreement.MemberAnswers(names[owner_id], {}, {}))
        member.choices[question_id] = option_id
        if note:
            member.notes[question_id] = note
    overrides = {
        question_id: (option_id, reason)
        for question_id, option_id, reason in AgreedAnswer.objects.filter(round=round).values_list(
            "question_id", "option_id", "reason"
        )
    }
    spec = selectors.version_spec(round.version, levels=[])
    ordered = [answer_sets[m.user_id] for m in members if m.user_id in answer_sets]
    return RoundView(round, participants, agreement.agree(spec, ordered, overrides))


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def as_document(view: RoundView) -> dict:
    """The round as a JSON-ready document, each member's answers and notes included: for
    members only."""
    round = view.round
    return {
        "round": round.title,
        "questionnaire": round.version.questionnaire.slug,
        "version": round.version.number,
        "opened_at": round.opened_at.isoformat(),
        "closes_on": round.closes_on.isoformat() if round.closes_on else None,
        "closed_at": round.closed_at.isoformat() if round.closed_at else None,
        "submitted": [p.name for p in view.submitted],
        "not_submitted": [p.name for p in view.not_submitted],
        "alignment": view.agreement.alignment,
        "dimensions": [
            {"key": d.dimension.key, "name": d.dimension.name, "alignment": d.alignment}
            for d in view.agreement.dimensions
        ],
        "questions": [
            {
                "question": q.question.key,
                "text": q.question.text,
                "spread": q.spread,
                "alignment": q.alignment,
                "median": q.median.text if q.median else None,
                "agreed": q.agreed.text if q.agreed else None,
                "agreed_score": q.agreed.score if q.agreed else None,
                "reason": q.reason,
                "answers": [
                    {
                        "member": a.name,
                        "answer": a.option.text if a.option else None,
                        "not_applicable": a.option is None,
                        "score": a.option.score if a.option else None,
                        "note": a.note,
                    }
                    for a in q.answers
                ],
            }
            for q in view.agreement.questions
        ],
    }
