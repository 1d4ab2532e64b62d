"""Realistic demonstration and benchmark data: teams whose practice matures over time.

Each team starts somewhere on every question and, review after review, mostly stays, sometimes
moves up a step and now and then slips back. Results are scored by the same pure scoring
service as real submissions and written with bulk inserts.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from assessments.models import Answer, Assessment, Membership, QuestionnaireVersion, Team
from assessments.services import actions, assessments, rounds, scoring, selectors

BATCH = 2000


@dataclass(frozen=True)
class SeededTeam:
    team: Team
    usernames: list[str]
    assessments: int


def plausible_path(rng: random.Random, spec: scoring.VersionSpec, count: int) -> list[dict]:
    """`count` successive answer sets (question id -> option id) of one maturing team."""
    ladders = [sorted(q.options, key=lambda option: option.score) for q in spec.questions]
    steps = [rng.choice((0, 0, 0, 1, 1, 2)) for _ in ladders]
    path = []
    for _ in range(count):
        for index, ladder in enumerate(ladders):
            roll = rng.random()
            if roll < 0.12:
                steps[index] = min(steps[index] + 1, len(ladder) - 1)
            elif roll < 0.15:
                steps[index] = max(steps[index] - 1, 0)
        path.append({q.id: ladders[i][steps[i]].id for i, q in enumerate(spec.questions)})
    return path


@transaction.atomic
def seed(
    *,
    version: QuestionnaireVersion,
    sizes: list[int],
    members: int,
    password: str,
    prefix: str,
    seed: int,
) -> list[SeededTeam]:
    """One team per entry of `sizes`, each with `members` accounts (the first owns it) and that
    many completed assessments spread over the past, with stored scores. Deterministic for a
    given `seed`."""
    rng = random.Random(seed)
    spec = selectors.version_spec(version)
    levels = {level.id: level for level in version.levels.all()}
    User = get_user_model()
    hashed = make_password(password)
    now = timezone.now()
    seeded = []
    for number, size in enumerate(sizes, start=1):
        team = Team.objects.create(name=f"{prefix} team {number}")
        usernames = [f"{prefix}-{number}-{m}" for m in range(1, members + 1)]
        users = User.objects.bulk_create(
            User(username=name, email=f"{name}@example.com", password=hashed) for name in usernames
        )
        Membership.objects.bulk_create(
            Membership(
                team=team,
                user=user,
                role=Membership.Role.OWNER if index == 0 else Membership.Role.MEMBER,
            )
            for index, user in enumerate(users)
        )
        # Reviews every week or two, squeezed into the last two years for very long histories.
        gap = min(7.0, 730 / max(size, 1))
        moment = now - timedelta(days=gap * size + rng.randint(0, 30))
        for start in range(0, size, BATCH):
            path = plausible_path(rng, spec, min(BATCH, size - start))
            batch = []
            for choices in path:
                moment += timedelta(days=gap * rng.uniform(0.5, 1.5))
                result = scoring.score(spec, choices)
                batch.append(
                    Assessment(
                        version=version,
                        team=team,
                        owner=rng.choice(users),
                        status=Assessment.Status.COMPLETED,
                        created_at=moment,
                        completed_at=moment + timedelta(minutes=rng.randint(5, 90)),
                        total_score=result.total,
                        max_score=result.maximum,
                        level=levels[result.level.id],
                        dimension_scores={
                            d.key: {"score": d.score, "maximum": d.maximum}
                            for d in result.dimensions
                        },
                    )
                )
            made = Assessment.objects.bulk_create(batch)
            Answer.objects.bulk_create(
                (
                    Answer(assessment_id=assessment.pk, question_id=question_id, option_id=option)
                    for assessment, choices in zip(made, path, strict=True)
                    for question_id, option in choices.items()
                ),
                batch_size=BATCH,
            )
        # Bulk inserts send no signals: date the team's pages after its history is in.
        Team.objects.filter(pk=team.pk).touch()
        seeded.append(SeededTeam(team, usernames, size))
    if seeded and members >= 2:
        seed_rounds(seeded[0].team, rng, version.questionnaire.slug)
    return seeded


def _answer_alone(round, membership, rng: random.Random, spec: scoring.VersionSpec, base: int):
    """A member's own answers to `round`: around step `base`, a step up or down at times."""
    own = rounds.answers_of(round=round, membership=membership)
    for question in spec.questions:
        ladder = sorted(question.options, key=lambda option: option.score)
        step = min(max(base + rng.choice((-1, 0, 0, 1)), 0), len(ladder) - 1)
        assessments.save_answer(own, question.id, ladder[step].id)
    return assessments.complete(own)


def seed_rounds(team: Team, rng: random.Random, questionnaire: str) -> None:
    """A recorded round with an action plan, and a second round still open with some answers
    in: what a team that assesses together has to show."""
    memberships = list(team.memberships.select_related("user").order_by("pk"))
    owner = memberships[0]
    first = rounds.open_round(
        team=team, membership=owner, title="Spring review", questionnaire=questionnaire
    )
    spec = selectors.version_spec(first.version)
    for membership in memberships:
        _answer_alone(first, membership, rng, spec, base=rng.choice((1, 2)))
    rounds.close_round(round=first, membership=owner)
    result = rounds.record_result(round=first, membership=owner)
    chosen = selectors.choices_of(result)
    weakest = sorted(spec.questions, key=lambda q: chosen[q.id] or 0)[:3]
    for index, question in enumerate(weakest):
        model = first.version.questions.get(pk=question.id)
        action = actions.create_action(
            team=team,
            membership=owner,
            text=actions.suggested_text(model, assessment=result),
            question=model,
            assessment=result,
            owner=memberships[index % len(memberships)].user,
            due_on=timezone.localdate() + timedelta(days=30 * (index + 1)),
        )
        if index == 0:
            actions.update_action(
                action=action,
                membership=owner,
                text=action.text,
                owner=action.owner,
                due_on=action.due_on,
                status="done",
            )
    second = rounds.open_round(
        team=team, membership=owner, title="Autumn review", questionnaire=questionnaire
    )
    for membership in memberships[: max(len(memberships) - 1, 1)]:
        _answer_alone(second, membership, rng, spec, base=2)
