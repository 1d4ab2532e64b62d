"""Taking an assessment through the HTTP client: the flow, bad input, and query counts."""

import json

import pytest
from django.urls import reverse

from assessments.models import Answer, Assessment
from assessments.services import assessments
from tests.support.content import choose, scores_for_total


def url(name, assessment, *args):
    return reverse(f"assessments:{name}", args=[assessment.token, *args])


def option_id(assessment, order, score):
    return assessment.version.questions.get(order=order).options.get(score=score).pk


def saved(assessment):
    return dict(
        Answer.objects.filter(assessment=assessment).values_list("question_id", "option_id")
    )


def test_home_explains_and_offers_to_start(client, default_version):
    response = client.get("/")
    assert response.status_code == 200
    assert b"<h1>GenAIOps Maturity Model Assessment</h1>" in response.content
    assert b"7 questions, about 5 minutes." in response.content
    assert b'name="questionnaire" value="genaiops"' in response.content


def test_home_without_a_published_questionnaire_says_so(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"No questionnaire has been published yet" in response.content
    response = client.post("/start/", follow=True)
    assert b"that one is not published" in response.content


def test_start_creates_an_anonymous_assessment_with_an_unguessable_link(client, default_version):
    response = client.post("/start/")
    assessment = Assessment.objects.get()
    assert response.url == url("question", assessment, 1)
    assert len(assessment.token) >= 32 and assessment.token != str(assessment.pk)
    assert assessment.owner is None
    page = client.get(response.url)
    assert b"private link" in page.content
    assert b"Question 1 of 7" in page.content


def test_start_is_post_only(client, default_version):
    assert client.get("/start/").status_code == 405


def test_answers_are_saved_page_by_page_and_the_link_resumes(client, default_version):
    client.post("/start/")
    assessment = Assessment.objects.get()
    response = client.post(url("question", assessment, 1), {"option": option_id(assessment, 1, 2)})
    assert response.url == url("question", assessment, 2)
    client.post(url("question", assessment, 2), {"option": option_id(assessment, 2, 3)})
    assert len(saved(assessment)) == 2
    assert client.get(url("resume", assessment)).url == url("question", assessment, 3)


def test_back_saves_the_choice_and_goes_to_the_previous_question(client, default_version):
    client.post("/start/")
    assessment = Assessment.objects.get()
    response = client.post(
        url("question", assessment, 2), {"option": option_id(assessment, 2, 4), "direction": "back"}
    )
    assert response.url == url("question", assessment, 1)
    assert len(saved(assessment)) == 1
    response = client.post(url("question", assessment, 3), {"direction": "back"})
    assert response.url == url("question", assessment, 2)


def test_a_question_page_shows_the_saved_answer(client, answered):
    assessment = answered([0, 3, 0, 0, 0, 0, 0])
    page = client.get(url("question", assessment, 2)).content.decode()
    chosen = option_id(assessment, 2, 3)
    assert f'value="{chosen}"' in page
    assert "checked" in page.split(f'value="{chosen}"')[1].split(">")[0]


def test_the_last_question_leads_to_the_review(client, answered):
    assessment = answered([1] * 7)
    response = client.post(url("question", assessment, 7), {"option": option_id(assessment, 7, 2)})
    assert response.url == url("review", assessment)
    assert client.get(url("resume", assessment)).url == url("review", assessment)


def test_review_lists_answers_and_what_is_missing(client, default_version):
    assessment = assessments.start(default_version)
    choose_some = assessment.version.questions.get(order=1)
    assessments.save_answer(assessment, choose_some.pk, choose_some.options.get(score=1).pk)
    page = client.get(url("review", assessment)).content.decode()
    assert "6 questions are still unanswered" in page
    assert choose_some.options.get(score=1).text in page
    assert url("question", assessment, 4) in page


def test_submitting_with_missing_answers_is_refused_with_a_message(client, default_version):
    assessment = assessments.start(default_version)
    response = client.post(url("submit", assessment), follow=True)
    assert b"not answered yet" in response.content
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"


@pytest.mark.parametrize(
    ("total", "level"),
    [
        (0, "Level 1: Initial"),
        (9, "Level 1: Initial"),
        (10, "Level 2: Defined"),
        (14, "Level 2: Defined"),
        (15, "Level 3: Managed"),
        (19, "Level 3: Managed"),
        (20, "Level 4: Optimized"),
        (28, "Level 4: Optimized"),
    ],
)
def test_submitting_shows_the_level_for_each_band_boundary(client, answered, total, level):
    assessment = answered(scores_for_total(total))
    response = client.post(url("submit", assessment), follow=True)
    page = response.content.decode()
    assert f"<h1>{level}</h1>" in page
    assert f"{total} / 28" in page


def test_results_page_has_guidance_references_dimensions_and_next_steps(client, answered):
    assessment = answered([4, 4, 2, 0, 1, 1, 0], complete=True)
    page = client.get(url("results", assessment)).content.decode()
    level = assessment.level
    assert "12 / 28" in page and "3 points to Managed" in page
    assert level.description in page and level.guidance in page
    for reference in level.references.all():
        assert reference.url in page and reference.title in page
    assert "Application maturity" in page and "10 / 12" in page
    assert "Operational maturity" in page and "2 / 16" in page
    question_4 = assessment.version.questions.get(order=4)
    assert question_4.options.get(score=1).text in page
    question_3 = assessment.version.questions.get(order=3)
    assert page.index("4. " + question_4.text) < page.index("3. " + question_3.text)
    assert "version 1" in page
    assert page.count("<svg") == 3 and page.count("<table") >= 3


def test_submitting_twice_completes_once(client, answered):
    assessment = answered([2] * 7)
    client.post(url("submit", assessment))
    first = Assessment.objects.get(pk=assessment.pk)
    response = client.post(url("submit", assessment))
    assert response.url == url("results", assessment)
    again = Assessment.objects.get(pk=assessment.pk)
    assert (again.completed_at, again.total_score) == (first.completed_at, 14)


def test_a_completed_assessment_is_read_only(client, answered):
    assessment = answered([2] * 7, complete=True)
    before = saved(assessment)
    response = client.post(url("question", assessment, 1), {"option": option_id(assessment, 1, 4)})
    assert response.url == url("results", assessment)
    assert saved(assessment) == before
    with pytest.raises(assessments.AssessmentCompleted):
        assessments.save_answer(assessment, assessment.version.questions.first().pk, 1)


def test_an_option_of_another_question_is_refused_and_nothing_changes(client, answered):
    assessment = answered([2] * 7)
    before = saved(assessment)
    response = client.post(url("question", assessment, 1), {"option": option_id(assessment, 2, 4)})
    assert response.status_code == 400
    assert b"not an option of this question" in response.content
    assert saved(assessment) == before


@pytest.mark.parametrize("bad", ["abc", "", "999999", "-1"])
def test_forged_option_values_are_refused(client, answered, bad):
    assessment = answered([1] * 7)
    before = saved(assessment)
    response = client.post(url("question", assessment, 3), {"option": bad})
    assert response.status_code == 400
    assert saved(assessment) == before


def test_forged_question_and_token_are_404(client, answered):
    assessment = answered([1] * 7)
    assert client.get(url("question", assessment, 99)).status_code == 404
    assert client.post(url("question", assessment, 99), {"option": 1}).status_code == 404
    for name in ("resume", "review", "results", "results_json"):
        assert client.get(reverse(f"assessments:{name}", args=["nope"])).status_code == 404
    assert client.post(reverse("assessments:submit", args=["nope"])).status_code == 404


def test_a_tampered_csrf_token_is_refused_with_a_page_and_nothing_changes(answered):
    from django.test import Client

    assessment = answered([1] * 7)
    before = saved(assessment)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        url("question", assessment, 1),
        {"option": option_id(assessment, 1, 4), "csrfmiddlewaretoken": "tampered"},
    )
    assert response.status_code == 403
    assert b"could not be accepted" in response.content
    assert saved(assessment) == before


def test_results_of_an_unfinished_assessment_lead_back_to_it(client, answered):
    assessment = answered([1] * 7)
    assert client.get(url("results", assessment)).url == url("resume", assessment)
    assert client.get(url("results_json", assessment)).status_code == 404


def test_json_download_holds_version_answers_scores_and_level(client, answered):
    assessment = answered([4, 3, 2, 1, 0, 1, 2], complete=True)
    response = client.get(url("results_json", assessment))
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert (document["questionnaire"], document["version"]) == ("genaiops", 1)
    assert (document["total"], document["maximum"]) == (13, 28)
    assert document["level"] == {"number": 2, "name": "Defined"}
    assert [a["score"] for a in document["answers"]] == [4, 3, 2, 1, 0, 1, 2]
    assert document["answers"][0]["next_step"] is None
    assert document["dimensions"][0]["score"] == 9


def test_unknown_url_gets_the_styled_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content and b"skip-link" in response.content


def test_signed_in_users_find_their_assessments(client, default_version, django_user_model):
    user = django_user_model.objects.create_user("ada", password="a-long-password")
    client.force_login(user)
    client.post("/start/")
    assessment = Assessment.objects.get()
    assert assessment.owner == user
    page = client.get("/mine/").content.decode()
    assert url("resume", assessment) in page


def test_my_assessments_needs_a_sign_in(client, db):
    response = client.get("/mine/")
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("questions", [7, 70])
def test_question_page_runs_a_fixed_number_of_queries(
    client, make_version, django_assert_max_num_queries, questions
):
    version = make_version(questions=questions)
    assessment = assessments.start(version)
    choose(assessment, [1] * questions)
    with django_assert_max_num_queries(6):
        assert client.get(url("question", assessment, 2)).status_code == 200
    with django_assert_max_num_queries(15):
        client.post(url("question", assessment, 2), {"option": option_id(assessment, 2, 3)})
    with django_assert_max_num_queries(6):
        assert client.get(url("review", assessment)).status_code == 200


@pytest.mark.parametrize("questions", [7, 70])
def test_results_page_runs_a_fixed_number_of_queries(
    client, make_version, django_assert_max_num_queries, questions
):
    version = make_version(questions=questions)
    assessment = assessments.start(version)
    choose(assessment, [1] * questions)
    assessments.complete(assessment)
    # The first view also counts everyone's results for "how you compare"; for a few minutes
    # after, the next ones find them in the cache.
    with django_assert_max_num_queries(13):
        assert client.get(url("results", assessment)).status_code == 200
    with django_assert_max_num_queries(7):
        assert client.get(url("results", assessment)).status_code == 200


def test_next_is_the_default_button_so_enter_moves_forward(client, default_version):
    client.post("/start/")
    assessment = Assessment.objects.get()
    page = client.get(url("question", assessment, 2)).content.decode()
    form = page[page.index("<form") : page.index("</form>")]
    assert form.index('value="next"') < form.index('value="back"')
