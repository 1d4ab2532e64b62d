"""What every page carries for browsers, monitors and link checkers: HEAD, a favicon and a
meta description."""

import re

import pytest
from django.urls import reverse


def test_read_pages_answer_head(client, answered, people, team_assessment):
    completed = answered([2] * 7, complete=True)
    team_result = team_assessment([3] * 7)
    client.force_login(people["member"])
    for url in [
        reverse("assessments:home"),
        reverse("assessments:results", args=[completed.token]),
        reverse("assessments:results_json", args=[completed.token]),
        reverse("assessments:team", args=[people["team"].pk]),
        reverse("assessments:mine"),
        reverse("assessments:results", args=[team_result.token]),
        "/healthz",
    ]:
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b""


def test_a_post_only_url_still_refuses_get(client, default_version):
    assert client.get(reverse("assessments:start")).status_code == 405


def test_the_favicon_is_served_at_the_root(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/nowhere"])
def test_every_page_has_a_description_and_an_icon(client, default_version, url):
    page = client.get(url).content.decode()
    description = re.search(r'<meta name="description" content="([^"]*)"', page).group(1)
    # A page about a questionnaire describes it; the others describe the site.
    assert description.startswith(("This self-assessment rates", "A free maturity self-assessment"))
    assert '<link rel="icon" href="/static/favicon' in page
