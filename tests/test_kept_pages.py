"""Read pages kept whole (assessments/views/pages.py): served again without being drawn, and
drawn afresh on the very next view after anything they show changes."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_http_date

from assessments.models import Level, Membership, Questionnaire
from assessments.services import accounts, actions, rounds, targets, teams
from assessments.views import pages
from tests.support.content import choose, scores_for_total

# What serving a kept page costs at most: the session, its user, and the page's stamp (two
# queries for /mine/: the person's own figures, and their teams).
KEPT_QUERIES = 4


def drawn(queries) -> bool:
    """Whether the page was drawn: more queries than serving a kept page makes."""
    return len(queries) > KEPT_QUERIES


def csrf_token_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.fixture
def owner_client(client, people):
    client.force_login(people["owner"])
    return client


@pytest.fixture
def member_client(people):
    member = Client()
    member.force_login(people["member"])
    return member


@pytest.mark.django_db
def test_a_kept_page_is_served_without_drawing_it(owner_client, people, team_assessment):
    team_assessment(scores_for_total(12))
    url = f"/teams/{people['team'].pk}/"
    first = owner_client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        again = owner_client.get(url).content.decode()
    # The session, its user, and the team's stamp with the viewer's role.
    assert len(queries) == 3, [q["sql"] for q in queries]
    assert csrf_token_of(first) != csrf_token_of(again)
    assert first.replace(csrf_token_of(first), "") == again.replace(csrf_token_of(again), "")


def test_each_visitor_gets_a_token_of_their_own_that_works(default_version):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    token_one = csrf_token_of(first.get("/").content.decode())
    token_two = csrf_token_of(second.get("/").content.decode())
    assert token_one != token_two
    assert pages.token_placeholder() not in first.get("/").content.decode()
    for visitor, token in ((first, token_one), (second, token_two)):
        started = visitor.post("/start/", {"csrfmiddlewaretoken": token})
        assert started.status_code == 302 and "/q/1/" in started["Location"]
    # Someone else's token is refused.
    third = Client(enforce_csrf_checks=True)
    third.get("/")
    assert third.post("/start/", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_only_a_kept_page_with_a_form_sets_the_csrf_cookie(people, team_assessment):
    link = teams.share(team_assessment([2] * 7), people["owner"], include_notes=False)
    for _ in range(2):  # drawn, then served as kept
        visitor = Client()
        shared = visitor.get(f"/shared/{link.token}/")
        assert shared.status_code == 200 and "csrftoken" not in shared.cookies
        home = visitor.get("/")
        assert "csrftoken" in home.cookies
        assert home.cookies["csrftoken"].value and csrf_token_of(home.content.decode())


def test_a_kept_form_takes_a_new_token_that_the_middleware_accepts(people, team_assessment):
    team_assessment(scores_for_total(12))
    member = Client(enforce_csrf_checks=True)
    member.force_login(people["member"])
    url = f"/teams/{people['team'].pk}/"
    first = member.get(url)  # drawn: Django's own token, and the cookie set
    secret = first.cookies["csrftoken"].value
    tokens = [csrf_token_of(member.get(url).content.decode()) for _ in range(3)]  # kept
    assert len({csrf_token_of(first.content.decode()), *tokens}) == 4
    assert all(len(token) == 64 and token.isalnum() and secret not in token for token in tokens)
    for token in tokens:
        started = member.post("/start/", {"csrfmiddlewaretoken": token})
        assert started.status_code == 302 and "/q/1/" in started["Location"]
    assert member.post("/start/", {"csrfmiddlewaretoken": "x" * 64}).status_code == 403


@pytest.mark.django_db
def test_private_pages_are_never_cached_as_djangos_never_cache_has_it(
    owner_client, people, team_assessment
):
    team_assessment(scores_for_total(12))
    expected = HttpResponse()
    add_never_cache_headers(expected)
    for url in ("/", f"/teams/{people['team'].pk}/", "/mine/", "/teams/"):
        for _ in range(2):  # drawn, then kept (the team list is always drawn)
            response = owner_client.get(url)
            assert response["Cache-Control"] == expected["Cache-Control"], url
            assert parse_http_date(response["Expires"]) <= time.time() + 1


def test_a_notice_shows_once_and_is_never_kept(client, default_version):
    question = client.post("/start/")["Location"]
    with_notice = client.get(question).content.decode()
    assert "Bookmark it" in with_notice
    assert "Bookmark it" not in client.get(question).content.decode()


def test_an_answer_shows_on_the_next_view_of_its_question_and_review(client, default_version):
    question = client.post("/start/")["Location"]
    review = question.split("/q/")[0] + "/review/"
    client.get(question)
    client.get(review)
    page = client.get(question).content.decode()
    assert "checked" not in re.search(r"<fieldset.*?</fieldset>", page, re.S).group(0)
    option = re.search(r'name="option" value="(\d+)"', page).group(1)
    client.post(question, {"option": option, "note": "Seen in the logs"})
    page = client.get(question).content.decode()
    assert re.search(rf'value="{option}"[^>]*checked', page)
    assert "Seen in the logs" in page
    assert "Seen in the logs" in client.get(review).content.decode()


@pytest.mark.django_db
def test_every_change_a_team_page_shows_is_on_the_next_view(
    owner_client, people, team_assessment, default_version
):
    team = people["team"]
    url = f"/teams/{team.pk}/"

    def page():
        return owner_client.get(url).content.decode()

    assert "The team has no assessments yet." in page()
    assessment = team_assessment(scores_for_total(12))
    assert f"/teams/{team.pk}/assessments/{assessment.pk}/" in page()

    team.name = "Renamed platform team"
    team.save()
    assert "Renamed platform team" in page()

    owner_membership = Membership.objects.get(team=team, user=people["owner"])
    action = actions.create_action(
        team=team, membership=owner_membership, text="Write the evaluation plan"
    )
    assert "Write the evaluation plan" in page()
    actions.update_action(
        action=action,
        membership=owner_membership,
        text=action.text,
        owner=None,
        due_on=None,
        status="done",
    )
    assert "Write the evaluation plan" not in page()

    targets.set_target(
        team=team,
        membership=owner_membership,
        version=default_version,
        level=Level.objects.get(version=default_version, number=4),
        due_on=timezone.localdate() + timedelta(days=90),
        answers={},
    )
    assert "Optimized" in page()

    round = rounds.open_round(team=team, membership=owner_membership, title="Spring check")
    assert "Spring check" in page()
    rounds.close_round(round=round, membership=owner_membership)
    assert "Spring check" not in page()

    people["member"].username = "mateo-renamed"
    people["member"].save()
    assert "mateo-renamed" in page()

    questionnaire = Questionnaire.objects.get()
    questionnaire.title = "Retitled questionnaire"
    questionnaire.save()
    assert "Retitled questionnaire" in page()


@pytest.mark.django_db
def test_a_level_edited_in_the_admin_shows_on_kept_team_pages(
    owner_client, people, team_assessment
):
    assessment = team_assessment(scores_for_total(12))
    url = f"/teams/{people['team'].pk}/"
    level = Level.objects.get(pk=assessment.level_id)
    assert level.name in owner_client.get(url).content.decode()
    level.name = "Freshly renamed level"
    level.save()
    assert "Freshly renamed level" in owner_client.get(url).content.decode()
    results = f"/a/{assessment.token}/results/"
    assert "Freshly renamed level" in owner_client.get(results).content.decode()


@pytest.mark.django_db
def test_it_never_serves_a_kept_page_to_someone_who_lost_access(
    owner_client, member_client, people, team_assessment
):
    assessment = team_assessment(scores_for_total(12), by="owner")
    pages = [
        f"/teams/{people['team'].pk}/",
        f"/teams/{people['team'].pk}/compare/",
        f"/a/{assessment.token}/results/",
    ]
    for url in pages:
        assert member_client.get(url).status_code == 200
    member = Membership.objects.get(team=people["team"], user=people["member"])
    teams.remove_member(people["team"], member)
    for url in pages:
        assert member_client.get(url).status_code == 404
    outsider = Client()
    outsider.force_login(people["outsider"])
    for url in pages:
        assert outsider.get(url).status_code == 404


@pytest.mark.django_db
def test_mine_shows_a_new_assessment_and_a_claim_at_once(client, people, default_version):
    client.force_login(people["member"])
    assert "/review/" not in client.get("/mine/").content.decode()
    started = client.post("/start/", {"team": ""})
    token = started["Location"].split("/a/")[1].split("/")[0]
    mine = client.get("/mine/").content.decode()
    assert token in mine or "in progress" in mine.lower()
    client.post(f"/a/{token}/claim/", {"team": people["team"].pk})
    assert people["team"].name in client.get("/mine/").content.decode()


def test_mine_drops_a_deleted_assessment_at_once_even_an_older_one(client, people, default_version):
    client.force_login(people["member"])
    tokens = [
        client.post("/start/", {"team": ""})["Location"].split("/a/")[1].split("/")[0]
        for _ in range(2)
    ]
    client.get("/mine/")  # shows the notices from starting them
    mine = client.get("/mine/").content.decode()  # kept
    assert all(token in mine for token in tokens)
    # The older one: the latest save stays the same, so only the owner's stamp can tell.
    deleted = client.post(f"/a/{tokens[0]}/delete/", {"confirm": "on"})
    assert deleted.status_code == 302
    assert "deleted" in client.get("/mine/").content.decode()  # the notice: drawn afresh
    mine = client.get("/mine/").content.decode()  # and again, as it may be kept
    assert tokens[0] not in mine and tokens[1] in mine


def test_a_revoked_share_link_stops_at_once(client, people, team_assessment):
    assessment = team_assessment(scores_for_total(12))
    link = teams.share(assessment, people["owner"], include_notes=False)
    url = f"/shared/{link.token}/"
    assert client.get(url).status_code == 200
    teams.revoke_share(link)
    assert client.get(url).status_code == 410


@pytest.mark.django_db
def test_a_former_members_new_name_and_closed_account_show_at_once(
    owner_client, people, team_assessment
):
    team_assessment(scores_for_total(12), by="member")
    url = f"/teams/{people['team'].pk}/"
    assert "mateo" in owner_client.get(url).content.decode()
    member = people["member"]
    teams.remove_member(people["team"], Membership.objects.get(team=people["team"], user=member))
    member.username = "mateo-elsewhere"
    member.save()
    assert "mateo-elsewhere" in owner_client.get(url).content.decode()
    accounts.delete_account(
        request=RequestFactory().post("/account/delete/"), user=member, password="pw-mateo-123"
    )
    page = owner_client.get(url).content.decode()
    assert "mateo-elsewhere" not in page and "a former member" in page


@pytest.mark.django_db
def test_it_keeps_only_pages_whose_address_names_what_they_show(
    owner_client, people, team_assessment
):
    team_assessment(scores_for_total(12))
    team = people["team"].pk
    for url, kept in (
        (f"/teams/{team}/?page=1", True),
        (f"/teams/{team}/?page=999", False),
        (f"/teams/{team}/?questionnaire=no-such-one", False),
        ("/mine/?page=1", True),
        ("/mine/?page=7", False),
    ):
        assert owner_client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        assert drawn(queries) is not kept, url


@pytest.mark.parametrize("how", ["left", "removed"])
def test_mine_drops_the_round_answers_of_a_team_one_is_no_longer_in_at_once(
    client, people, default_version, how
):
    team = people["team"]
    owner = Membership.objects.get(team=team, user=people["owner"])
    member = Membership.objects.get(team=team, user=people["member"])
    round = rounds.open_round(team=team, membership=owner, title="Spring review")
    answers = rounds.answers_of(round=round, membership=member)
    choose(answers, [2] * 7)
    client.force_login(people["member"])
    client.get("/mine/")
    assert answers.token in client.get("/mine/").content.decode()  # kept
    if how == "left":
        assert client.post(f"/teams/{team.pk}/members/{member.pk}/remove/").status_code == 302
    else:
        teams.remove_member(team, member)
    first = client.get("/mine/").content.decode()
    again = client.get("/mine/").content.decode()  # as it may be kept
    assert answers.token not in first and answers.token not in again
    # What it would have linked to: the answers are the team's round's, out of reach now.
    assert client.get(f"/a/{answers.token}/").status_code == 404
