"""How you compare: figures over the latest result of each other team and signed-in person,
released only in bands of at least the minimum of them, and anew only once that many have
changed; results without an account never unlock anything."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments import caching
from assessments.models import Assessment
from assessments.services import assessments, benchmark, teams
from tests.support.content import DEFAULT_FILE, choose, import_document, questionnaire_document


def per_question(total):
    """Scores for the seven questions adding up to `total`, filled from the first on."""
    return [min(4, max(0, total - 4 * q)) for q in range(7)]


@pytest.fixture
def other_teams(default_version, django_user_model):
    """Make `count` other teams, each with results of the given totals (the last is latest)."""
    made = []

    def make(count, totals=(14,)):
        for _ in range(count):
            index = len(made)
            user = django_user_model.objects.create_user(f"peer{index}", f"p{index}@example.com")
            team = teams.create_team(user, f"Peer team {index}")
            for total in totals:
                assessment = teams.start_for_team(default_version, user, team)
                choose(assessment, per_question(total))
                assessments.complete(assessment)
            made.append(team)
        return made

    return make


def later():
    """The few minutes the release is kept in the cache have passed."""
    cache.clear()
    caching.forget_local()


def results_page(client, assessment):
    return client.get(reverse("assessments:results", args=[assessment.token])).content.decode()


def band_counts(page) -> list[int]:
    """The counts in the table behind the histogram."""
    table = page.split("How many of the others reached each band", 1)[1].split("</table>")[0]
    return [int(n) for n in re.findall(r"</td><td>(\d+)</td></tr>", table)]


def section(page) -> str:
    return page.split('id="benchmark-heading"', 1)[1].split("</section>", 1)[0]


def shares(page) -> list[int]:
    return [int(n) for n in re.findall("steps? [\\d\N{EN DASH}]+: (\\d+)%", page)]


def take_over_http(client, version, position):
    """Start an assessment without an account and answer every question at `position`."""
    response = client.post(reverse("assessments:start"))
    assert response.status_code == 302, response.status_code
    token = response["Location"].split("/")[2]
    for question in version.questions.order_by("order"):
        url = reverse("assessments:question", args=[token, question.order])
        options = re.findall(r'name="option" value="(\d+)"', client.get(url).content.decode())
        client.post(url, {"option": options[position], "direction": "next"})
    response = client.post(reverse("assessments:submit", args=[token]))
    assert response.status_code == 302
    return Assessment.objects.get(token=token)


def test_one_team_and_five_throwaway_results_from_one_address_unlock_nothing(
    client, people, team_assessment, default_version
):
    """The attack of the review: one team's result, then five results at the lowest step
    taken without an account, from one address, within the start limit."""
    team_assessment(per_question(14))
    throwaway = [
        take_over_http(client, default_version, 0) for _ in range(5)
    ]  # REMOTE_ADDR is the same for every request of the test client
    for result in throwaway:
        page = results_page(client, result)
        assert "Not enough results to compare with yet" in page
        assert "ahead of" not in page and "%" not in page.split("How you compare")[1]
    client.force_login(people["member"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "Not enough results to compare with yet" in page


def test_with_too_few_contributors_it_says_how_many_more_are_needed(client, answered, other_teams):
    other_teams(2)
    page = results_page(client, answered([2] * 7, complete=True))
    assert "3 more teams or signed-in people must complete" in page
    assert "ahead of" not in page


def test_a_team_counts_once_however_many_results_it_has(client, answered, other_teams):
    other_teams(1, totals=(4, 8, 12, 16, 20, 24))
    page = results_page(client, answered([2] * 7, complete=True))
    assert "4 more teams or signed-in people must complete" in page


def test_a_signed_in_person_counts_once_however_many_results_they_have(
    client, answered, default_version, django_user_model
):
    person = django_user_model.objects.create_user("solo", "solo@example.com")
    for _ in range(5):
        assessments.complete(
            (lambda a: (choose(a, [3] * 7), a)[1])(assessments.start(default_version, person))
        )
    page = results_page(client, answered([2] * 7, complete=True))
    assert "4 more teams or signed-in people must complete" in page


def test_signed_in_people_count_as_peers(client, answered, default_version, django_user_model):
    for index in range(6):
        person = django_user_model.objects.create_user(f"person{index}", f"s{index}@example.com")
        mine = assessments.start(default_version, person)
        choose(mine, [1] * 7)
        assessments.complete(mine)
    page = results_page(client, answered([2] * 7, complete=True))
    assert "6 other teams and signed-in people" in page
    assert "Total score: ahead of 100% of them." in page


def test_one_account_with_five_teams_is_one_contributor(
    client, answered, default_version, django_user_model
):
    """The review's second attack: one sign-up, five teams of one, five results."""
    solo = django_user_model.objects.create_user("solo", "solo@example.com")
    for index in range(5):
        team = teams.create_team(solo, f"Sock puppet {index}")
        result = teams.start_for_team(default_version, solo, team)
        choose(result, [0] * 7)
        assessments.complete(result)
    page = results_page(client, answered([2] * 7, complete=True))
    assert "4 more teams or signed-in people must complete" in page


def test_a_person_counts_once_by_their_own_results_and_their_teams(
    client, answered, default_version, django_user_model, other_teams
):
    made = other_teams(4)
    holder = made[0].memberships.get().user
    mine = assessments.start(default_version, holder)
    choose(mine, [1] * 7)
    assessments.complete(mine)
    page = results_page(client, answered([2] * 7, complete=True))
    assert "1 more team or signed-in person must complete" in page


def test_it_gives_percentiles_a_histogram_and_answer_shares(client, answered, other_teams):
    other_teams(6, totals=(28, 8))  # each team's latest result: 8 points
    mine = answered([2] * 7, complete=True)  # 14 points
    page = results_page(client, mine)
    assert "6 other teams and signed-in people" in page
    # 14 points beat all five others: the teams' older 28-point results do not count.
    assert "Total score: ahead of 100% of them." in page
    assert page.count('class="histogram-yours"') == 1
    assert "What the others answered on each question" in page


def test_results_without_an_account_are_left_out(client, answered, other_teams):
    other_teams(6, totals=(20,))
    for _ in range(5):
        answered([0] * 7, complete=True)
    page = results_page(client, answered([2] * 7, complete=True))
    assert band_counts(page) == [0, 6, 0]
    assert "6 other teams and signed-in people" in page


def test_no_count_or_share_rests_on_fewer_than_the_minimum(client, answered, other_teams):
    other_teams(4, totals=(0,))
    other_teams(1, totals=(14,))
    page = results_page(client, answered([2] * 7, complete=True))
    counts = band_counts(page)
    assert sum(counts) == 5
    assert all(count == 0 or count >= 5 for count in counts)
    # Every question's answers: four at the lowest step, one higher, shown as one band.
    assert shares(page) and all(share in (0, 100) for share in shares(page))


def test_a_question_fewer_than_the_minimum_answered_is_left_out(client, django_user_model):
    document = questionnaire_document()
    document["version"]["questions"][-1]["not_applicable"] = True
    version = import_document(document)
    questions = list(version.questions.order_by("order"))
    for index in range(5):
        user = django_user_model.objects.create_user(f"na{index}", f"na{index}@example.com")
        team = teams.create_team(user, f"Team {index}")
        result = teams.start_for_team(version, user, team)
        choose(result, [2] * 7)
        if index:
            assessments.save_answer(result, questions[-1].pk, None)
        assessments.complete(result)
    mine = assessments.start(version)
    choose(mine, [1] * 7)
    page = results_page(client, assessments.complete(mine))
    assert "5 other teams and signed-in people" in page
    assert page.count("Too few answers to show.") == 1


def test_new_figures_wait_for_the_minimum_of_new_contributors(client, answered, other_teams):
    other_teams(5, totals=(8,))
    mine = answered([2] * 7, complete=True)
    first = section(results_page(client, mine))
    assert "5 other teams and signed-in people" in first
    # One more team: comparing before and after would single it out, so nothing changes.
    other_teams(1, totals=(24,))
    later()
    assert section(results_page(client, mine)) == first
    other_teams(3, totals=(24,))
    later()
    assert section(results_page(client, mine)) == first
    # A fifth change releases new figures.
    other_teams(1, totals=(24,))
    later()
    page = results_page(client, mine)
    assert "10 other teams and signed-in people" in page
    assert "Total score: ahead of 50% of them." in page


def test_a_team_is_compared_with_the_others_only(client, people, team_assessment, other_teams):
    other_teams(5, totals=(20,))
    latest = team_assessment([2] * 7)
    client.force_login(people["member"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "5 other teams and signed-in people" in page
    # Alone at 14 points in the release, the team's result shares the others' band: it is
    # shown in the middle of it, as nothing may single it out.
    assert "Total score: ahead of 50% of them." in page
    comparison = benchmark.compare(latest, benchmark.peers_of(latest))
    assert comparison.groups == 5


def test_a_teams_own_result_in_the_figures_is_taken_out_of_what_it_sees(
    client, people, team_assessment, other_teams
):
    latest = team_assessment([4] * 7)  # 28 points: alone in the top band, were it counted
    other_teams(5, totals=(20,))
    comparison = benchmark.compare(latest, benchmark.peers_of(latest))
    assert comparison.groups == 5
    assert sum(bar.count for bar in comparison.histogram.bars) == 5
    assert [(bar.low, bar.high, bar.count) for bar in comparison.histogram.bars] == [
        (0, 19, 0),
        (20, 28, 5),
    ]


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


def test_bands_hold_nobody_or_at_least_the_minimum_and_percentiles_read_them():
    bands = benchmark.banded({0: 4, 14: 1, 20: 5}, list(range(29)), 5)
    assert [(b.low, b.high, b.count) for b in bands] == [
        (0, 14, 5),
        (15, 19, 0),
        (20, 20, 5),
        (21, 28, 0),
    ]
    assert benchmark.percentile(bands, 14) == 25
    assert benchmark.percentile(bands, 24) == 100
    assert benchmark.percentile([], 3) is None


@pytest.mark.parametrize("anonymous", [0, 60])
def test_its_queries_do_not_grow(
    client, answered, other_teams, django_assert_max_num_queries, anonymous
):
    other_teams(5)
    for _ in range(anonymous):
        answered([1] * 7, complete=True)
    mine = answered([2] * 7, complete=True)
    with django_assert_max_num_queries(24):
        page = results_page(client, mine)
    assert "How you compare" in page


def test_every_question_shows_the_others_answer_shares(client, answered, other_teams):
    other_teams(5)
    page = results_page(client, answered([2] * 7, complete=True))
    assert page.count(": 100%") == 7
    assert "Too few answers to show." not in page


def test_a_round_member_whose_team_has_no_result_is_not_taken_for_a_contributor(
    client, people, other_teams
):
    from assessments.services import rounds, selectors

    other_teams(2)
    owner = selectors.membership_of(people["owner"], people["team"].pk)
    round = rounds.open_round(team=people["team"], membership=owner, title="First review")
    own = rounds.answers_of(
        round=round, membership=selectors.membership_of(people["member"], people["team"].pk)
    )
    choose(own, [2] * 7)
    own = assessments.complete(own)
    client.force_login(people["member"])
    assert "3 more teams or signed-in people must complete" in results_page(client, own)
