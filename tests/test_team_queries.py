"""The team page and the exports run a fixed number of queries whatever the history's size."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Answer, Assessment, Membership, Round, Team
from assessments.services import actions, rounds, targets


def bulk_history(version, team, users, count):
    """`count` completed assessments with all their answers, written in a few bulk inserts."""
    questions = list(version.questions.prefetch_related("options").order_by("order"))
    level = version.levels.get(number=2)
    start = timezone.now() - timedelta(days=count)
    made = Assessment.objects.bulk_create(
        Assessment(
            version=version,
            team=team,
            owner=users[index % len(users)],
            status=Assessment.Status.COMPLETED,
            created_at=start + timedelta(days=index),
            completed_at=start + timedelta(days=index, hours=1),
            total_score=14,
            max_score=28,
            level=level,
            dimension_scores={
                "application": {"score": 6, "maximum": 12},
                "operational": {"score": 8, "maximum": 16},
            },
        )
        for index in range(count)
    )
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=question, option=question.options.all()[2])
        for assessment in made
        for question in questions
    )


@pytest.mark.parametrize("count", [1, 500])
def test_team_page_queries_do_not_grow(
    client, default_version, people, django_assert_max_num_queries, count
):
    bulk_history(default_version, people["team"], [people["owner"], people["member"]], count)
    # Everything the page can show: an open round the member has started, a target with a
    # target answer, and open actions.
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    member = Membership.objects.get(team=people["team"], user=people["member"])
    round = rounds.open_round(team=people["team"], membership=owner, title="Review")
    rounds.answers_of(round=round, membership=member)
    first = default_version.questions.get(order=1)
    targets.set_target(
        team=people["team"],
        membership=owner,
        version=default_version,
        level=default_version.levels.get(number=3),
        due_on=None,
        answers={first.pk: first.options.get(score=4).pk},
    )
    for index in range(count % 20):
        actions.create_action(team=people["team"], membership=member, text=f"Step {index}")
    client.force_login(people["member"])
    url = reverse("assessments:team", args=[people["team"].pk])
    # The first view also counts the other teams' results for "how you compare"; a view
    # after the team changes finds them in the cache for a few minutes; in between, the page
    # is kept whole, and served after three queries: the session, its user and the page's
    # stamp.
    with django_assert_max_num_queries(27):
        client.get(url)
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200
    Team.objects.filter(pk=people["team"].pk).touch()
    with django_assert_max_num_queries(17):
        response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    # The trend and its table show the latest 24 results; the list shows 25 a page.
    assert page.count('class="trend-dot"') == min(count, 24)
    # The maturity map joins the latest 12 only.
    assert page.count('class="map-earlier"') + page.count('class="marker"') == min(count, 12)
    links = re.findall(rf'href="/teams/{people["team"].pk}/assessments/\d+/"', page)
    assert len(links) == min(count, 25)
    assert len(response.content) < 60_000


@pytest.mark.parametrize("count", [1, 500])
@pytest.mark.parametrize("export", ["export_csv", "export_json"])
def test_exports_queries_do_not_grow(
    client, default_version, people, django_assert_max_num_queries, count, export
):
    bulk_history(default_version, people["team"], [people["owner"], people["member"]], count)
    client.force_login(people["member"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse(f"assessments:{export}", args=[people["team"].pk]))
        content = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    if export == "export_csv":
        assert len(content.splitlines()) == count + 1
    else:
        assert len(json.loads(content)["assessments"]) == count


@pytest.mark.parametrize("count", [1, 60])
def test_my_assessments_queries_do_not_grow(
    client, default_version, people, django_assert_max_num_queries, count
):
    bulk_history(default_version, people["team"], [people["member"]], count)
    client.force_login(people["member"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("assessments:mine"))
    assert response.status_code == 200
    assert response.content.decode().count('href="/a/') == min(count, 25)
    # Kept: the session, its user and the page's stamp (the person's figures, their teams).
    with django_assert_max_num_queries(4):
        assert client.get(reverse("assessments:mine")).status_code == 200


@pytest.mark.parametrize("count", [2, 120])
def test_compare_queries_do_not_grow(
    client, default_version, people, django_assert_max_num_queries, count
):
    bulk_history(default_version, people["team"], [people["member"]], count)
    client.force_login(people["member"])
    ids = list(people["team"].assessments.order_by("pk").values_list("pk", flat=True))
    url = reverse("assessments:compare", args=[people["team"].pk])
    with django_assert_max_num_queries(10):
        response = client.get(url, {"before": ids[0], "after": ids[-1]})
    assert response.status_code == 200
    assert "No answer changed between these two assessments." in response.content.decode()
    with django_assert_max_num_queries(3):
        assert client.get(url, {"before": ids[0], "after": ids[-1]}).status_code == 200


def bulk_round(version, team, count):
    """A round of `team` on `version` in which `count` new members have all submitted."""
    from django.contrib.auth import get_user_model

    owner = Membership.objects.get(team=team, role=Membership.Role.OWNER)
    round = rounds.open_round(team=team, membership=owner, title="Review")
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"member{index}", email=f"member{index}@example.com")
        for index in range(count)
    )
    Membership.objects.bulk_create(Membership(team=team, user=user) for user in users)
    level = version.levels.order_by("number").first()
    made = Assessment.objects.bulk_create(
        Assessment(
            version=version,
            round=round,
            owner=user,
            status=Assessment.Status.COMPLETED,
            completed_at=timezone.now(),
            total_score=0,
            max_score=0,
            level=level,
        )
        for user in users
    )
    questions = list(version.questions.prefetch_related("options").order_by("order"))
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=question,
            option=question.options.all()[index % 3],
            note=f"Note {index}",
        )
        for index, assessment in enumerate(made)
        for question in questions
    )
    return round, users[0]


@pytest.mark.parametrize("members", [2, 50])
@pytest.mark.parametrize("questions", [7, 70])
def test_round_page_queries_do_not_grow(
    client, make_version, people, django_assert_max_num_queries, members, questions
):
    version = make_version(questions=questions)
    round, reader = bulk_round(version, people["team"], members)
    client.force_login(reader)
    with django_assert_max_num_queries(12):
        response = client.get(round.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<article id="question-') == questions
    assert f"{members} of {members + 2} members have submitted" in page
    with django_assert_max_num_queries(9):
        response = client.get(reverse("assessments:round_json", args=[people["team"].pk, round.pk]))
    assert len(json.loads(response.content)["questions"][0]["answers"]) == members
    assert Round.objects.count() == 1
