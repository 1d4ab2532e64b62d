"""`manage.py seed_demo`: scale data that looks real, the same for the same seed."""

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Answer, Assessment, Membership, Team
from assessments.services import scoring, selectors


def seed(**options):
    call_command("seed_demo", password="pw-demo-123", **options)


def history(team):
    return list(
        Assessment.objects.filter(team=team)
        .order_by("created_at")
        .values_list("total_score", "level__number")
    )


def test_it_seeds_teams_members_and_scored_history(default_version):
    seed(sizes="30,5", members=3, seed=7)
    teams = list(Team.objects.order_by("pk"))
    # The first team also holds the agreed result of its recorded round.
    assert [t.assessments.count() for t in teams] == [31, 5]
    assert Membership.objects.filter(team=teams[0], role="owner").count() == 1
    assert Membership.objects.filter(team=teams[0]).count() == 3
    assert Answer.objects.filter(assessment__round__isnull=True).count() == 36 * 7
    spec = selectors.version_spec(default_version)
    for assessment in Assessment.objects.all():
        result = scoring.score(spec, selectors.choices_of(assessment))
        assert (assessment.total_score, assessment.level_id) == (result.total, result.level.id)
    totals = [total for total, _level in history(teams[0])]
    assert len(set(totals)) > 1, "a team's practice moves over time"
    dates = list(
        Assessment.objects.filter(team=teams[0], agreed_in__isnull=True).values_list(
            "created_at", flat=True
        )
    )
    assert len(set(d.date() for d in dates)) == 30


def test_the_first_team_has_a_recorded_round_an_open_one_and_actions(default_version):
    seed(sizes="4,2", members=3, seed=7)
    team = Team.objects.order_by("pk").first()
    recorded, open_round = team.rounds.order_by("opened_at")
    assert recorded.result.is_completed
    assert (recorded.agreed_by, recorded.member_count) == (3, 3)
    assert not open_round.is_closed
    assert open_round.member_assessments.filter(status="completed").count() == 2
    assert list(team.actions.order_by("pk").values_list("status", flat=True)) == [
        "done",
        "planned",
        "planned",
    ]
    assert not Team.objects.order_by("pk").last().rounds.exists()


def test_the_same_seed_gives_the_same_history(default_version):
    seed(sizes="20", prefix="first", seed=3)
    seed(sizes="20", prefix="second", seed=3)
    seed(sizes="20", prefix="third", seed=4)
    first, second, third = (history(t) for t in Team.objects.order_by("pk"))
    assert first == second and first != third


def test_it_refuses_bad_sizes_and_a_used_prefix(default_version):
    with pytest.raises(CommandError, match="whole numbers"):
        seed(sizes="ten")
    seed(sizes="1")
    with pytest.raises(CommandError, match="already exist"):
        seed(sizes="1")
    assert Team.objects.count() == 1
