"""People's control over their data: download it, delete the account, a team or an
assessment, and forget abandoned anonymous assessments."""

import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, Assessment, Membership, Round, ShareLink, Team
from assessments.services import actions, assessments, rounds, teams
from tests.support.content import choose


def owner_of(people):
    return Membership.objects.get(team=people["team"], user=people["owner"])


def test_my_data_holds_everything_i_entered_and_nothing_else(client, people, team_assessment):
    mine = team_assessment([2] * 7)
    question = mine.version.questions.get(order=1)
    Assessment.objects.filter(pk=mine.pk).update(status="in_progress")
    assessments.save_answer(
        Assessment.objects.get(pk=mine.pk),
        question.pk,
        question.options.get(score=2).pk,
        note="Our evidence",
    )
    theirs = team_assessment([3] * 7, by="owner")
    client.force_login(people["member"])
    document = json.loads(client.get(reverse("assessments:my_data")).content)
    assert document["account"]["username"] == "mateo"
    assert [m["team"] for m in document["memberships"]] == ["Platform team"]
    assert len(document["assessments"]) == 1
    assert document["assessments"][0]["answers"][0]["note"] == "Our evidence"
    assert theirs.token not in json.dumps(document)


def test_my_data_needs_a_sign_in(client, db):
    assert client.get(reverse("assessments:my_data")).status_code == 302


def test_deleting_an_account_asks_for_the_password(client, people, answered):
    client.force_login(people["member"])
    response = client.post(reverse("assessments:delete_account"), {"password": "wrong"})
    assert response.status_code == 400
    assert "nothing was deleted" in response.content.decode()
    assert get_user_model().objects.filter(username="mateo").exists()


def test_deleting_an_account_keeps_team_results_and_drops_personal_ones(
    client, people, team_assessment, default_version
):
    team_result = team_assessment([2] * 7)
    personal = teams.start_for_team(default_version, people["member"], None)
    client.force_login(people["member"])
    page = client.get(reverse("assessments:delete_account")).content.decode()
    assert "delete your 1 personal assessment" in page
    response = client.post(reverse("assessments:delete_account"), {"password": "pw-mateo-123"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(username="mateo").exists()
    assert not Assessment.objects.filter(pk=personal.pk).exists()
    team_result.refresh_from_db()
    assert team_result.owner is None and team_result.team == people["team"]
    assert Membership.objects.filter(team=people["team"]).count() == 1
    client.force_login(people["owner"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "a former member" in page


def test_the_only_owner_of_a_team_must_hand_it_over_first(client, people):
    client.force_login(people["owner"])
    page = client.get(reverse("assessments:delete_account")).content.decode()
    assert "you are their only owner" in page
    response = client.post(reverse("assessments:delete_account"), {"password": "pw-olivia-123"})
    assert response.status_code == 400
    assert "only owner of Platform team" in response.content.decode()
    assert get_user_model().objects.filter(username="olivia").exists()


def test_the_admin_enforces_the_same_rule(admin_client, people):
    owner = people["owner"]
    assert admin_client.get(f"/admin/auth/user/{owner.pk}/delete/").status_code == 403

    def delete_selected(*users):
        return admin_client.post(
            "/admin/auth/user/",
            {
                "action": "delete_selected",
                "_selected_action": [user.pk for user in users],
                "post": "yes",
            },
        )

    # A batch with a team's only owner in it is refused whole.
    delete_selected(owner, people["member"])
    assert get_user_model().objects.filter(pk__in=[owner.pk, people["member"].pk]).count() == 2
    delete_selected(people["member"])
    assert not get_user_model().objects.filter(pk=people["member"].pk).exists()


@pytest.fixture
def full_team(people, team_assessment):
    """The team with a result, a share link, a recorded round, an action and a target."""
    result = team_assessment([2] * 7)
    teams.share(result, people["member"])
    owner = owner_of(people)
    round = rounds.open_round(team=people["team"], membership=owner, title="Review")
    own = rounds.answers_of(round=round, membership=owner)
    choose(own, [1] * 7)
    assessments.complete(own)
    rounds.close_round(round=round, membership=owner)
    rounds.record_result(round=round, membership=owner)
    actions.create_action(team=people["team"], membership=owner, text="Do it", assessment=result)
    return people


def test_only_an_owner_deletes_a_team_by_typing_its_name(client, full_team):
    people = full_team
    url = reverse("assessments:delete_team", args=[people["team"].pk])
    client.force_login(people["member"])
    assert client.post(url, {"name": "Platform team"}).status_code == 403
    client.force_login(people["owner"])
    response = client.post(url, {"name": "Platform"})
    assert response.status_code == 400
    assert Team.objects.filter(pk=people["team"].pk).exists()
    response = client.post(url, {"name": "Platform team"})
    assert response.status_code == 302
    assert not Team.objects.filter(pk=people["team"].pk).exists()
    assert not Assessment.objects.exists()
    assert not (Round.objects.exists() or Action.objects.exists() or ShareLink.objects.exists())
    assert Team.objects.filter(pk=people["other_team"].pk).exists()


def test_the_taker_or_an_owner_deletes_an_assessment(client, people, team_assessment):
    first, second = team_assessment([2] * 7), team_assessment([3] * 7)
    client.force_login(people["outsider"])
    assert (
        client.post(reverse("assessments:delete_assessment", args=[first.token])).status_code == 404
    )
    client.force_login(people["member"])
    assert (
        client.post(reverse("assessments:delete_assessment", args=[first.token])).status_code == 302
    )
    client.force_login(people["owner"])
    assert (
        client.post(reverse("assessments:delete_assessment", args=[second.token])).status_code
        == 302
    )
    assert not Assessment.objects.exists()


def test_a_colleague_cannot_delete_anothers_assessment(client, people, team_assessment):
    theirs = team_assessment([2] * 7, by="owner")
    client.force_login(people["member"])
    response = client.post(reverse("assessments:delete_assessment", args=[theirs.token]))
    assert response.status_code == 403
    assert Assessment.objects.filter(pk=theirs.pk).exists()


def test_a_rounds_agreed_result_stays(client, full_team):
    people = full_team
    agreed = Round.objects.get().result
    client.force_login(people["owner"])
    response = client.post(
        reverse("assessments:delete_assessment", args=[agreed.token]), follow=True
    )
    assert "agreed result of a round" in response.content.decode()
    assert Assessment.objects.filter(pk=agreed.pk).exists()


def test_an_anonymous_assessment_is_deleted_by_its_link(client, answered):
    mine = answered([2] * 7)
    assert (
        client.get(reverse("assessments:delete_assessment", args=[mine.token])).status_code == 200
    )
    client.post(reverse("assessments:delete_assessment", args=[mine.token]))
    assert not Assessment.objects.filter(pk=mine.pk).exists()


def test_purge_stale_forgets_abandoned_anonymous_assessments(answered, people, default_version):
    old, recent, done = answered([2] * 7), answered([2] * 7), answered([2] * 7, complete=True)
    owned = teams.start_for_team(default_version, people["member"], None)
    long_ago = timezone.now() - timedelta(days=91)
    Assessment.objects.filter(pk__in=[old.pk, done.pk, owned.pk]).update(updated_at=long_ago)
    call_command("purge_stale")
    assert set(Assessment.objects.values_list("pk", flat=True)) == {recent.pk, done.pk, owned.pk}
    call_command("purge_stale", days=1)
    assert Assessment.objects.filter(pk=recent.pk).exists()


def test_end_sessions_signs_everybody_out(client, people):
    client.force_login(people["member"])
    assert client.get(reverse("assessments:account")).status_code == 200
    call_command("end_sessions", stdout=io.StringIO())
    response = client.get(reverse("assessments:account"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
