"""Accounts and team pages through the HTTP client, and who may reach which URL."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment, Invitation, Membership, ShareLink
from assessments.services import assessments as assessments_service
from assessments.services import teams, versions


def signs_in(client, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def test_repeated_failed_sign_ins_lock_the_name_out_for_a_while(client, people):
    for _ in range(5):
        assert not signs_in(client, "olivia", "wrong-guess")
    response = client.post(reverse("login"), {"username": "olivia", "password": "pw-olivia-123"})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert signs_in(client, "mateo", "pw-mateo-123")


def test_sign_up_signs_in_and_leads_to_teams(client, db):
    response = client.post(
        reverse("assessments:signup"),
        {
            "username": "ines",
            "email": "ines@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.url == reverse("assessments:teams")
    page = client.get(response.url).content.decode()
    assert "Welcome, ines" in page and "Sign out ines" in page


def test_sign_up_errors_are_shown_with_400(client, db):
    response = client.post(
        reverse("assessments:signup"),
        {"username": "", "email": "nope", "password1": "a", "password2": "b"},
    )
    assert response.status_code == 400
    assert b"Enter a valid email address" in response.content


def test_sign_up_follows_a_safe_next_only(client, db):
    data = {
        "username": "ines",
        "email": "ines@example.com",
        "password1": "a-long-pass-phrase",
        "password2": "a-long-pass-phrase",
        "next": "https://evil.example.com/",
    }
    response = client.post(reverse("assessments:signup"), data)
    assert response.url == reverse("assessments:teams")


def test_log_in_log_out_and_change_password(client, people):
    response = client.post(reverse("login"), {"username": "olivia", "password": "pw-olivia-123"})
    assert response.url == reverse("assessments:teams")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "pw-olivia-123",
            "new_password1": "another-long-phrase",
            "new_password2": "another-long-phrase",
        },
    )
    assert response.url == reverse("password_change_done")
    client.post(reverse("logout"))
    assert client.get(reverse("assessments:teams")).status_code == 302
    assert signs_in(client, "olivia", "another-long-phrase")


def test_password_reset_sends_a_mail_with_a_working_link(client, people):
    response = client.post(reverse("password_reset"), {"email": "olivia@example.com"})
    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line).strip()
    path = link[link.index("/accounts/reset/") :]
    form_page = client.get(path, follow=True)
    assert b"Choose a new password" in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "reset-long-phrase", "new_password2": "reset-long-phrase"},
    )
    assert response.url == reverse("password_reset_complete")
    assert signs_in(client, "olivia", "reset-long-phrase")


def test_create_a_team_from_the_teams_page(client, people):
    client.force_login(people["outsider"])
    response = client.post(reverse("assessments:teams"), {"name": "  Search squad "})
    membership = Membership.objects.get(user=people["outsider"], team__name="Search squad")
    assert membership.is_owner and response.url == reverse(
        "assessments:team", args=[membership.team_id]
    )
    assert client.post(reverse("assessments:teams"), {"name": "   "}).status_code == 400


def test_start_asks_which_team_and_refuses_a_tampered_team(client, default_version, people):
    client.force_login(people["member"])
    page = client.get("/").content.decode()
    assert "Who is this assessment for?" in page and "Platform team" in page
    client.post("/start/", {"team": people["team"].pk})
    assert Assessment.objects.get().team == people["team"]
    response = client.post("/start/", {"team": people["other_team"].pk}, follow=True)
    assert b"Choose one of your own teams" in response.content
    assert Assessment.objects.count() == 1
    client.post("/start/", {"team": ""})
    assert Assessment.objects.filter(team__isnull=True, owner=people["member"]).count() == 1


def test_team_page_shows_latest_history_and_trend(client, people, team_assessment):
    team_assessment([1] * 7)
    team_assessment([2, 2, 2, 2, 3, 3, 3])
    team_assessment([0] * 7, complete=False, by="owner")
    client.force_login(people["owner"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "Level 3: Managed" in page and "17 / 28" in page
    assert "Application maturity 6 / 12" in page
    assert page.count("<tr>") >= 3 + 2
    assert "mateo" in page and "olivia" in page and "In progress" in page
    assert "<polyline" in page and "The figures behind the picture" in page


def test_team_page_is_paginated(client, people, team_assessment):
    for _ in range(26):
        team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    url = reverse("assessments:team", args=[people["team"].pk])
    first = client.get(url).content.decode()
    assert "page 1 of 2" in first and "?page=2" in first
    last = client.get(url, {"page": 2}).content.decode()
    assert "page 2 of 2" in last and "?page=1" in last
    assert client.get(url, {"page": "abc"}).status_code == 200


def test_my_assessments_are_paginated(client, people, team_assessment):
    for _ in range(26):
        team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    first = client.get(reverse("assessments:mine")).content.decode()
    assert "page 1 of 2" in first and "?page=2" in first
    assert first.count("/a/") == 25
    assert "page 2 of 2" in client.get(reverse("assessments:mine"), {"page": 2}).content.decode()


def test_compare_reaches_a_result_older_than_the_choices(client, people, team_assessment):
    oldest = team_assessment([0] * 7)
    for _ in range(50):
        team_assessment([2] * 7)
    newest = team_assessment([4] * 7)
    client.force_login(people["member"])
    url = reverse("assessments:compare", args=[people["team"].pk])
    page = client.get(url).content.decode()
    assert f'value="{oldest.pk}"' not in page
    response = client.get(url, {"before": oldest.pk, "after": newest.pk})
    assert response.status_code == 200
    assert "0 / 28" in response.content.decode() and "28 / 28" in response.content.decode()


def test_compare_refuses_another_teams_result(client, people, team_assessment, default_version):
    from tests.support.content import choose

    mine = team_assessment([2] * 7)
    theirs = teams.start_for_team(default_version, people["outsider"], people["other_team"])
    choose(theirs, [4] * 7)
    assessments_service.complete(theirs)
    client.force_login(people["member"])
    url = reverse("assessments:compare", args=[people["team"].pk])
    response = client.get(url, {"before": theirs.pk, "after": mine.pk})
    assert response.status_code == 400
    assert "28 / 28" not in response.content.decode()
    huge = client.get(url, {"before": "9" * 40, "after": mine.pk})
    assert huge.status_code == 400


def test_compare_two_assessments(client, people, team_assessment):
    before = team_assessment([1, 1, 1, 1, 1, 1, 1])
    after = team_assessment([1, 3, 1, 1, 1, 1, 2])
    client.force_login(people["member"])
    url = reverse("assessments:compare", args=[people["team"].pk])
    page = client.get(url, {"before": after.pk, "after": before.pk}).content.decode()
    question_2 = before.version.questions.get(order=2)
    assert question_2.options.get(score=1).text in page
    assert question_2.options.get(score=3).text in page
    assert "+3" in page and "+2" in page and "different questionnaire versions" not in page


def test_compare_across_versions_says_so(client, people, team_assessment, default_version):
    before = team_assessment([2] * 7)
    draft = versions.create_draft(default_version)
    draft = versions.publish(draft)
    after = teams.start_from_previous(before, draft, people["member"])
    from assessments.services import assessments

    after = assessments.complete(after)
    client.force_login(people["member"])
    page = client.get(
        reverse("assessments:compare", args=[people["team"].pk]),
        {"before": before.pk, "after": after.pk},
    ).content.decode()
    assert "different questionnaire versions (1 and 2)" in page
    assert "No answer changed" in page


@pytest.mark.parametrize("query", [{"before": "1", "after": "1"}, {"before": "x", "after": "9"}])
def test_compare_refuses_bad_choices(client, people, team_assessment, query):
    team_assessment([1] * 7)
    team_assessment([2] * 7)
    client.force_login(people["member"])
    response = client.get(reverse("assessments:compare", args=[people["team"].pk]), query)
    assert response.status_code == 400


def test_compare_refuses_assessments_of_another_team(
    client, people, team_assessment, default_version
):
    mine = team_assessment([1] * 7)
    theirs = teams.start_for_team(default_version, people["outsider"], people["other_team"])
    client.force_login(people["member"])
    response = client.get(
        reverse("assessments:compare", args=[people["team"].pk]),
        {"before": mine.pk, "after": theirs.pk},
    )
    assert response.status_code == 400


def test_csv_and_json_exports(client, people, team_assessment):
    team_assessment([1, 2, 3, 4, 0, 1, 2])
    team_assessment([0] * 7, complete=False)
    client.force_login(people["member"])
    response = client.get(reverse("assessments:export_csv", args=[people["team"].pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == 2
    assert rows[0]["total"] == "13" and rows[0]["level"] == "Defined"
    assert rows[0]["taken_by"] == "mateo"
    assert [rows[0][key] for key in ("application", "operational")] == ["6", "7"]
    question_columns = [key for key in rows[0] if not key.endswith("_note")][-7:]
    assert [f"{key}_note" for key in question_columns] == list(rows[0])[-7:]
    assert [rows[0][key] for key in question_columns] == ["1", "2", "3", "4", "0", "1", "2"]
    document = json.loads(
        client.get(reverse("assessments:export_json", args=[people["team"].pk])).getvalue()
    )
    assert document["team"] == "Platform team"
    first = document["assessments"][0]
    assert first["total"] == 13 and len(first["answers"]) == 7


def test_share_link_shows_the_result_without_team_or_names(client, people, team_assessment):
    assessment = team_assessment([3] * 7)
    client.force_login(people["member"])
    client.post(reverse("assessments:share", args=[people["team"].pk, assessment.pk]))
    link = ShareLink.objects.get()
    client.logout()
    page = client.get(reverse("assessments:shared", args=[link.token])).content.decode()
    assert "Level 4: Optimized" in page and "21 / 28" in page
    assert "Platform team" not in page and "mateo" not in page
    assert assessment.token not in page
    client.force_login(people["member"])
    client.post(
        reverse("assessments:revoke_share", args=[people["team"].pk, assessment.pk, link.pk])
    )
    client.logout()
    response = client.get(reverse("assessments:shared", args=[link.token]))
    assert response.status_code == 410 and b"revoked" in response.content


def test_invitation_page_states(client, people):
    invitation = teams.create_invitation(people["team"], people["owner"])
    url = reverse("assessments:invitation", args=[invitation.token])
    anonymous = client.get(url).content.decode()
    assert "Join Platform team" in anonymous and "Sign in" in anonymous
    client.force_login(people["outsider"])
    assert "You are signed in as xena" in client.get(url).content.decode()
    response = client.post(url)
    assert response.url == reverse("assessments:team", args=[people["team"].pk])
    used = client.get(url)
    assert used.status_code == 410 and b"already been used" in used.content
    expired = teams.create_invitation(people["team"], people["owner"])
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("assessments:invitation", args=[expired.token]))
    assert response.status_code == 410 and b"expired" in response.content


def test_owner_invites_revokes_removes_and_hands_over(client, people):
    client.force_login(people["owner"])
    team_id = people["team"].pk
    response = client.post(reverse("assessments:invite", args=[team_id]), follow=True)
    invitation = Invitation.objects.filter(team=people["team"], used_at__isnull=True).get()
    assert invitation.token in response.content.decode()
    client.post(reverse("assessments:revoke_invitation", args=[team_id, invitation.pk]))
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    owner = Membership.objects.get(team_id=team_id, user=people["owner"])
    response = client.post(
        reverse("assessments:remove_member", args=[team_id, owner.pk]), follow=True
    )
    assert b"A team needs an owner" in response.content
    member = Membership.objects.get(team_id=team_id, user=people["member"])
    client.post(reverse("assessments:transfer_ownership", args=[team_id, member.pk]))
    member.refresh_from_db()
    assert member.is_owner
    response = client.post(reverse("assessments:remove_member", args=[team_id, owner.pk]))
    assert response.url == reverse("assessments:teams")
    assert not Membership.objects.filter(pk=owner.pk).exists()


def test_a_tampered_membership_id_is_refused(client, people):
    client.force_login(people["owner"])
    stranger = Membership.objects.get(team=people["other_team"])
    response = client.post(
        reverse("assessments:remove_member", args=[people["team"].pk, stranger.pk])
    )
    assert response.status_code == 404
    assert Membership.objects.filter(pk=stranger.pk).exists()


def test_claim_an_anonymous_assessment_from_its_link(client, default_version, people):
    client.post("/start/")
    assessment = Assessment.objects.get()
    client.force_login(people["member"])
    review = client.get(reverse("assessments:review", args=[assessment.token])).content.decode()
    assert "Keep it with your team" in review
    response = client.post(
        reverse("assessments:claim", args=[assessment.token]), {"team": people["other_team"].pk}
    )
    assessment.refresh_from_db()
    assert assessment.team is None and response.status_code == 302
    client.post(reverse("assessments:claim", args=[assessment.token]), {"team": people["team"].pk})
    assessment.refresh_from_db()
    assert assessment.team == people["team"] and assessment.owner == people["member"]


def test_start_from_a_previous_assessment(client, people, team_assessment):
    previous = team_assessment([3, 3, 1, 1, 2, 2, 0])
    client.force_login(people["owner"])
    response = client.post(reverse("assessments:start_from", args=[people["team"].pk, previous.pk]))
    follow_up = Assessment.objects.exclude(pk=previous.pk).get()
    assert response.url == reverse("assessments:review", args=[follow_up.token])
    assert follow_up.owner == people["owner"] and follow_up.team == people["team"]
    assert "still unanswered" not in client.get(response.url).content.decode()


def test_every_page_of_a_long_history_lists_its_own_rows_once(client, people, team_assessment):
    from assessments.models import Assessment

    for _ in range(53):
        team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    url = reverse("assessments:team", args=[people["team"].pk])
    seen = []
    for number in (1, 2, 3):
        page = client.get(url, {"page": number}).content.decode()
        seen += [int(pk) for pk in re.findall(r'/assessments/(\d+)/"', page)]
    newest_first = list(
        Assessment.objects.filter(team=people["team"])
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)
    )
    assert seen == newest_first


def test_compare_refuses_unusual_digits_and_ignores_unrelated_parameters(
    client, people, team_assessment
):
    team_assessment([1] * 7)
    team_assessment([2] * 7)
    client.force_login(people["member"])
    url = reverse("assessments:compare", args=[people["team"].pk])
    assert client.get(url, {"before": "\u00b2", "after": "1"}).status_code == 400
    assert client.get(url, {"utm_source": "newsletter"}).status_code == 200
