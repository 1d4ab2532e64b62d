"""How you compare: aggregates over the other teams' latest results and the assessments taken
without a team, shown only with enough of them."""

import pytest
from django.urls import reverse

from assessments.services import assessments, benchmark, teams
from tests.conftest import DEFAULT_FILE, choose, import_document


@pytest.fixture
def other_teams(default_version, django_user_model):
    """Make `count` other teams, each with results of the given totals (the last is latest)."""

    def make(count, totals=(14,)):
        made = []
        for index in range(count):
            user = django_user_model.objects.create_user(f"peer{index}", f"p{index}@example.com")
            team = teams.create_team(user, f"Peer team {index}")
            for total in totals:
                assessment = teams.start_for_team(default_version, user, team)
                choose(assessment, [min(4, max(0, total - 4 * q)) for q in range(7)])
                assessments.complete(assessment)
            made.append(team)
        return made

    return make


def results_page(client, assessment):
    return client.get(reverse("assessments:results", args=[assessment.token])).content.decode()


def test_with_too_few_results_it_says_how_many_more_are_needed(client, answered, other_teams):
    other_teams(2)
    mine = answered([2] * 7, complete=True)
    page = results_page(client, mine)
    assert "3 more teams or respondents must complete" in page
    assert "ahead of" not in page


def test_it_gives_percentiles_a_histogram_and_answer_shares(client, answered, other_teams):
    other_teams(4, totals=(28, 8))  # each team's latest result: 8 points
    answered([0] * 7, complete=True)  # someone else, without a team: 0 points
    mine = answered([2] * 7, complete=True)  # 14 points
    page = results_page(client, mine)
    assert "5 teams and respondents" in page
    # 14 points beat all five others: the teams' older 28-point results do not count.
    assert "Total score: ahead of 100% of them." in page
    assert page.count('class="histogram-yours"') == 1
    assert "What the others answered on each question" in page


def test_a_team_is_compared_with_the_others_only(client, people, team_assessment, other_teams):
    other_teams(5, totals=(20,))
    latest = team_assessment([2] * 7)
    client.force_login(people["member"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "5 teams and respondents" in page
    assert "Total score: ahead of 0% of them." in page
    comparison = benchmark.compare(latest, benchmark.peers_of(latest))
    assert comparison.groups == 5


def test_nothing_identifies_a_team(client, answered, other_teams):
    other_teams(5)
    page = results_page(client, answered([2] * 7, complete=True))
    assert "Peer team" not in page and "peer0" not in page


def test_an_administrator_can_switch_it_off(client, answered, other_teams, settings):
    other_teams(5)
    settings.BENCHMARK_ENABLED = False
    page = results_page(client, answered([2] * 7, complete=True))
    assert "How you compare" not in page


def test_only_versions_with_the_same_questions_and_scores_are_pooled(default_version):
    import json

    from assessments.models import QuestionnaireVersion

    same = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    same["version"]["number"] = 2
    changed = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    changed["version"]["number"] = 3
    changed["version"]["questions"][0]["key"] = "a-different-question"
    ids = [import_document(same, publish=False).pk, import_document(changed, publish=False).pk]
    QuestionnaireVersion.objects.filter(pk__in=ids).update(status="retired")
    assert benchmark.comparable_versions(default_version) == sorted([default_version.pk, ids[0]])


def test_percentile_counts_ties_as_half():
    assert benchmark.percentile({10: 2, 14: 2}, 14) == 75
    assert benchmark.percentile({}, 3) is None


@pytest.mark.parametrize("anonymous", [0, 60])
def test_its_queries_do_not_grow(
    client, answered, other_teams, django_assert_max_num_queries, anonymous
):
    other_teams(5)
    for _ in range(anonymous):
        answered([1] * 7, complete=True)
    mine = answered([2] * 7, complete=True)
    with django_assert_max_num_queries(16):
        page = results_page(client, mine)
    assert "How you compare" in page


def test_every_question_shows_the_others_answer_shares(client, answered, other_teams):
    other_teams(5)
    page = results_page(client, answered([2] * 7, complete=True))
    assert page.count("step 1:") == 7
    assert page.count("<strong>step 3:") == 7


def test_a_result_newer_than_the_cached_counts_is_not_taken_out_of_them(
    client, answered, other_teams
):
    other_teams(4)
    first = answered([2] * 7, complete=True)
    assert "1 more team or respondent must complete" in results_page(client, first)
    # The counts are now cached, and the next result was completed after them.
    second = answered([3] * 7, complete=True)
    assert "5 teams and respondents" in results_page(client, second)
