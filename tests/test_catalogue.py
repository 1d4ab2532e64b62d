"""More than one questionnaire: the catalogue, pages named by their questionnaire, pictures
that follow its levels and dimensions, and teams, rounds, compare and exports per
questionnaire."""

import csv
import io
import re

import pytest
from django.urls import reverse

from assessments.models import Assessment, Membership
from assessments.services import assessments, rounds, teams, versions
from tests.support.content import choose, import_document, questionnaire_document


def take(client, slug, scores):
    """Start `slug` over HTTP, answer with the option at each position, submit: the
    assessment."""
    response = client.post("/start/", {"questionnaire": slug})
    assert response.status_code == 302, response
    assessment = Assessment.objects.order_by("-pk").first()
    choose(assessment, scores)
    assert client.post(f"/a/{assessment.token}/submit/").status_code == 302
    return Assessment.objects.get(pk=assessment.pk)


def test_the_home_page_lists_every_published_questionnaire(client, default_version, second_version):
    page = client.get("/").content.decode()
    assert "GenAIOps Maturity Model Assessment" in page
    assert "Responsible AI Maturity Check" in page
    assert "10 questions, about 7 minutes" in page and "7 questions, about 5 minutes" in page
    assert page.count('name="questionnaire"') == 2


def test_a_questionnaire_names_its_pages(client, default_version, second_version):
    client.post("/start/", {"questionnaire": "responsible-ai"})
    assessment = Assessment.objects.get()
    assert assessment.version == second_version
    page = client.get(f"/a/{assessment.token}/q/1/").content.decode()
    assert "<title>Question 1 of 10 · Responsible AI Maturity Check</title>" in page
    assert "A test questionnaire, written for this suite." in page
    assert "GenAIOps" not in page


def test_an_unknown_questionnaire_cannot_be_started(client, default_version, second_version):
    response = client.post("/start/", {"questionnaire": "nonesuch"}, follow=True)
    assert "that one is not published" in response.content.decode()
    response = client.post("/start/", follow=True)
    assert "that one is not published" in response.content.decode()
    assert not Assessment.objects.exists()


def test_five_levels_and_three_dimensions_draw_a_scale_and_bars(client, second_version):
    assessment = take(client, "responsible-ai", [2] * 10)
    assert (assessment.total_score, assessment.max_score, assessment.level.name) == (
        20,
        30,
        "Embedded",
    )
    page = client.get(f"/a/{assessment.token}/results/").content.decode()
    assert page.count('class="band-') >= 5
    assert "Your 3 dimensions" in page
    assert 'id="dimension-bars-title"' in page
    assert "The maturity map" not in page


def test_one_dimension_and_two_levels_draw_neither_map_nor_bars(client, db):
    document = questionnaire_document(questions=3, options=3, slug="tiny")
    version = document["version"]
    version["dimensions"] = [{"key": "all", "order": 1, "name": "Everything"}]
    for question in version["questions"]:
        question["dimension"] = "all"
    version["levels"] = version["levels"][:2]
    version["levels"][0].update(min_score=0, max_score=2)
    version["levels"][1].update(min_score=3, max_score=6)
    import_document(document)
    assessment = take(client, "tiny", [1, 1, 1])
    page = client.get(f"/a/{assessment.token}/results/").content.decode()
    assert "Your dimension" in page
    assert "The maturity map" not in page and "dimension-bars-title" not in page


def test_a_version_with_nine_levels_cannot_be_published(db):
    document = questionnaire_document(questions=9, options=5, slug="many")
    levels = document["version"]["levels"]
    template = levels[0]
    document["version"]["levels"] = [
        {
            **template,
            "number": n + 1,
            "name": f"L{n + 1}",
            "min_score": n * 4,
            "max_score": n * 4 + 3,
        }
        for n in range(9)
    ]
    version = import_document(document, publish=False)
    messages = [problem.message for problem in versions.validate_version(version)]
    assert "A version needs between 2 and 8 levels." in messages


@pytest.fixture
def mixed_team(people, default_version, second_version):
    """The team with one result on each questionnaire, the second one latest."""
    made = []
    for version, scores in ((default_version, [2] * 7), (second_version, [1] * 10)):
        assessment = teams.start_for_team(version, people["member"], people["team"])
        choose(assessment, scores)
        made.append(assessments.complete(assessment))
    return made


def test_the_team_page_shows_one_questionnaire_at_a_time(client, people, mixed_team):
    client.force_login(people["member"])
    url = reverse("assessments:team", args=[people["team"].pk])
    page = client.get(url).content.decode()
    assert "Latest result on Responsible AI Maturity Check" in page
    assert "Questionnaire, version" in page
    page = client.get(url, {"questionnaire": "genaiops"}).content.decode()
    assert "Latest result on GenAIOps Maturity Model Assessment" in page
    assert "14 / 28" in page


def test_compare_refuses_two_questionnaires(client, people, mixed_team):
    client.force_login(people["member"])
    first, second = mixed_team
    response = client.get(
        reverse("assessments:compare", args=[people["team"].pk]),
        {"before": first.pk, "after": second.pk},
    )
    assert response.status_code == 400
    assert "answer different questionnaires" in response.content.decode()


def test_exports_name_the_questionnaire_and_keep_keys_apart(client, people, mixed_team):
    client.force_login(people["member"])
    response = client.get(reverse("assessments:export_csv", args=[people["team"].pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert header[0] == "questionnaire"
    assert "genaiops.application" in header and "responsible-ai.q1" in header
    assert [row[0] for row in rows[1:]] == ["genaiops", "responsible-ai"]


def test_a_round_and_a_target_on_the_second_questionnaire(client, people, mixed_team):
    client.force_login(people["owner"])
    response = client.post(
        reverse("assessments:rounds", args=[people["team"].pk]),
        {"title": "RAI review", "questionnaire": "responsible-ai"},
    )
    assert response.status_code == 302
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    round = people["team"].rounds.get()
    assert round.version.questionnaire.slug == "responsible-ai"
    rounds.close_round(round=round, membership=owner)
    target_url = reverse("assessments:target", args=[people["team"].pk])
    form = client.get(target_url, {"questionnaire": "responsible-ai"}).content.decode()
    level = re.search(r'<option value="(\d+)">Level 5: Leading', form).group(1)
    client.post(target_url, {"questionnaire": "responsible-ai", "level": level})
    team_page = client.get(
        reverse("assessments:team", args=[people["team"].pk]), {"questionnaire": "responsible-ai"}
    ).content.decode()
    assert "Level 5: Leading" in team_page
