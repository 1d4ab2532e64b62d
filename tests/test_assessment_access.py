"""A team's assessments belong to the team: their private links open them for current members
only, and only the member who took one, or an owner, may change it. Assessments without a team
keep working as bearer links."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment, Membership
from assessments.services import teams
from tests.support.content import choose


@pytest.fixture
def colleague(people, django_user_model):
    """A second plain member of the team."""
    user = django_user_model.objects.create_user("chen", "chen@example.com", "pw-chen-123")
    teams.accept_invitation(teams.create_invitation(people["team"], people["owner"]).token, user)
    return user


def first_option(assessment, order=1):
    question = assessment.version.questions.get(order=order)
    return question, question.options.order_by("-score").first()


def visit(client, user, assessment):
    """Every private page of the assessment, as `user` (None: anonymous): name -> status."""
    client.logout()
    if user is not None:
        client.force_login(user)
    token = assessment.token
    _question, option = first_option(assessment)
    return {
        "resume": client.get(reverse("assessments:resume", args=[token])).status_code,
        "question": client.get(reverse("assessments:question", args=[token, 1])).status_code,
        "answer": client.post(
            reverse("assessments:question", args=[token, 1]), {"option": option.pk}
        ).status_code,
        "review": client.get(reverse("assessments:review", args=[token])).status_code,
        "submit": client.post(reverse("assessments:submit", args=[token])).status_code,
        "results": client.get(reverse("assessments:results", args=[token])).status_code,
        "results_json": client.get(reverse("assessments:results_json", args=[token])).status_code,
        "claim": client.post(reverse("assessments:claim", args=[token])).status_code,
        # The confirmation page only: a POST would delete.
        "delete": client.get(reverse("assessments:delete_assessment", args=[token])).status_code,
    }


NOTHING = dict.fromkeys(
    [
        "resume",
        "question",
        "answer",
        "review",
        "submit",
        "results",
        "results_json",
        "claim",
        "delete",
    ],
    404,
)


def snapshot(assessment):
    assessment.refresh_from_db()
    return (
        assessment.status,
        assessment.team_id,
        assessment.owner_id,
        sorted(
            Answer.objects.filter(assessment=assessment).values_list("question_id", "option_id")
        ),
    )


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
def test_it_hides_a_team_assessment_from_people_outside_the_team(
    client, people, team_assessment, who
):
    completed = team_assessment([2] * 7)
    in_progress = team_assessment([1] * 7, complete=False)
    user = None if who == "anonymous" else people["outsider"]
    # Claiming needs a sign-in first, which tells an anonymous visitor nothing.
    expected = {**NOTHING, "claim": 302} if user is None else NOTHING
    for assessment in (completed, in_progress):
        before = snapshot(assessment)
        assert visit(client, user, assessment) == expected
        assert snapshot(assessment) == before


def test_it_ends_access_when_a_member_is_removed(client, people, team_assessment):
    completed = team_assessment([2] * 7)
    in_progress = team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    assert client.get(reverse("assessments:results", args=[completed.token])).status_code == 200
    membership = Membership.objects.get(team=people["team"], user=people["member"])
    teams.remove_member(people["team"], membership)
    for assessment in (completed, in_progress):
        before = snapshot(assessment)
        assert visit(client, people["member"], assessment) == NOTHING
        assert snapshot(assessment) == before


def test_it_ends_access_when_a_member_leaves(client, people, team_assessment):
    completed = team_assessment([2] * 7)
    client.force_login(people["member"])
    membership = Membership.objects.get(team=people["team"], user=people["member"])
    response = client.post(
        reverse("assessments:remove_member", args=[people["team"].pk, membership.pk])
    )
    assert response.status_code == 302
    assert client.get(reverse("assessments:results", args=[completed.token])).status_code == 404
    assert client.get(reverse("assessments:mine")).content.count(completed.token.encode()) == 0


def test_a_colleague_reads_but_cannot_change_an_unfinished_assessment(
    client, people, team_assessment, colleague
):
    in_progress = team_assessment([1] * 7, complete=False)
    before = snapshot(in_progress)
    statuses = visit(client, colleague, in_progress)
    assert statuses == {
        "resume": 302,
        "question": 403,
        "answer": 403,
        "review": 200,
        "submit": 403,
        "results": 302,
        "results_json": 404,
        "claim": 403,
        "delete": 403,
    }
    assert snapshot(in_progress) == before
    review = client.get(reverse("assessments:review", args=[in_progress.token]))
    page = review.content.decode()
    assert "only the member who took it or a team owner can change" in page
    assert reverse("assessments:submit", args=[in_progress.token]) not in page
    assert reverse("assessments:question", args=[in_progress.token, 1]) not in page
    resume = client.get(reverse("assessments:resume", args=[in_progress.token]))
    assert resume.url == reverse("assessments:review", args=[in_progress.token])
    refused = client.post(reverse("assessments:submit", args=[in_progress.token]))
    assert b"Only the member who took this assessment" in refused.content


def test_a_colleague_reads_a_completed_result(client, people, team_assessment, colleague):
    completed = team_assessment([2] * 7)
    client.force_login(colleague)
    assert client.get(reverse("assessments:results", args=[completed.token])).status_code == 200
    response = client.get(reverse("assessments:results_json", args=[completed.token]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["member", "owner"])
def test_the_taker_and_an_owner_can_answer_and_submit(client, people, team_assessment, who):
    in_progress = team_assessment([1] * 7, complete=False)
    client.force_login(people[who])
    question, option = first_option(in_progress)
    response = client.post(
        reverse("assessments:question", args=[in_progress.token, 1]), {"option": option.pk}
    )
    assert response.status_code == 302
    assert Answer.objects.get(assessment=in_progress, question=question).option == option
    response = client.post(reverse("assessments:submit", args=[in_progress.token]))
    assert response.url == reverse("assessments:results", args=[in_progress.token])
    in_progress.refresh_from_db()
    assert in_progress.is_completed


def test_an_anonymous_assessment_still_works_by_its_private_link(client, answered):
    assessment = answered([4] * 6 + [3])
    _question, option = first_option(assessment, order=7)
    response = client.post(
        reverse("assessments:question", args=[assessment.token, 7]), {"option": option.pk}
    )
    assert response.status_code == 302
    assert client.post(reverse("assessments:submit", args=[assessment.token])).status_code == 302
    assert client.get(reverse("assessments:results", args=[assessment.token])).status_code == 200
    assert Assessment.objects.get(pk=assessment.pk).total_score == 28


def test_a_personal_assessment_still_works_by_its_private_link(client, people, default_version):
    assessment = teams.start_for_team(default_version, people["owner"], None)
    choose(assessment, [2] * 7)
    assert client.post(reverse("assessments:submit", args=[assessment.token])).status_code == 302
    assert client.get(reverse("assessments:results", args=[assessment.token])).status_code == 200


def test_the_team_page_lists_no_private_links(client, people, team_assessment):
    completed = team_assessment([2] * 7)
    in_progress = team_assessment([1] * 7, complete=False, by="owner")
    client.force_login(people["member"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert completed.token not in page and in_progress.token not in page
    link = reverse("assessments:team_assessment", args=[people["team"].pk, in_progress.pk])
    assert link in page
    response = client.get(link)
    assert response.url == reverse("assessments:resume", args=[in_progress.token])
    # Followed through, the member reads the owner's unfinished assessment but cannot change it.
    assert client.get(response.url).url == reverse("assessments:review", args=[in_progress.token])
