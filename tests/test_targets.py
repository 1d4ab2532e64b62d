"""A team's target: owners set a level and target answers with a date; the team page, the
trend and the team's results show the gap."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from assessments.models import Target


def target_url(people):
    return reverse("assessments:target", args=[people["team"].pk])


def set_target(client, people, default_version, *, level_number=3, answers=None):
    level = default_version.levels.get(number=level_number)
    data = {"level": level.pk, "due_on": (timezone.localdate() + timedelta(days=90)).isoformat()}
    for question, score in (answers or {}).items():
        data[f"q{question.pk}"] = question.options.get(score=score).pk
    return client.post(target_url(people), data)


def test_an_owner_sets_a_target_level_and_answers(client, people, default_version):
    client.force_login(people["owner"])
    first = default_version.questions.get(order=1)
    response = set_target(client, people, default_version, answers={first: 3})
    assert response.status_code == 302
    target = Target.objects.get()
    assert target.level.number == 3
    assert list(target.answers.values_list("question", "option__score")) == [(first.pk, 3)]
    form = client.get(target_url(people)).content.decode()
    assert "selected" in form


def test_members_read_the_target_but_cannot_set_it(client, people, default_version):
    client.force_login(people["owner"])
    set_target(client, people, default_version)
    client.force_login(people["member"])
    page = client.get(target_url(people)).content.decode()
    assert "Target level 3" in page
    assert set_target(client, people, default_version, level_number=4).status_code == 403
    assert Target.objects.get().level.number == 3


def test_an_option_of_another_question_is_refused(client, people, default_version):
    client.force_login(people["owner"])
    first, second = default_version.questions.order_by("order")[:2]
    response = client.post(target_url(people), {f"q{first.pk}": second.options.first().pk})
    assert response.status_code == 400
    assert not Target.objects.exists()


def test_the_team_page_trend_and_results_show_the_gap(
    client, people, default_version, team_assessment
):
    result = team_assessment([2] * 7)  # 14 points: level 2
    client.force_login(people["owner"])
    first = default_version.questions.get(order=1)
    set_target(client, people, default_version, answers={first: 4})
    team_page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "1 point to go for the target level." in team_page
    assert 'class="trend-target"' in team_page
    assert "Plan an action" in team_page
    results = client.get(reverse("assessments:results", args=[result.token])).content.decode()
    assert "1 point to go for the target level." in results
    assert first.options.get(score=4).text in results


def test_a_reached_target_says_so(client, people, default_version, team_assessment):
    team_assessment([4] * 7)
    client.force_login(people["owner"])
    set_target(client, people, default_version, level_number=3)
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert "Reached: this result meets the target." in page


def test_clearing_every_field_clears_the_target(client, people, default_version):
    client.force_login(people["owner"])
    set_target(client, people, default_version)
    client.post(target_url(people), {"level": ""})
    assert not Target.objects.exists()


def test_an_action_is_tied_to_a_question_the_target_needs(client, people, default_version):
    client.force_login(people["owner"])
    first = default_version.questions.get(order=1)
    set_target(client, people, default_version, answers={first: 4})
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert f"question={first.pk}" in page
    client.post(
        reverse("assessments:new_action", args=[people["team"].pk]),
        {"question": first.pk, "text": "Reach the target on evaluation", "status": "planned"},
    )
    from assessments.models import Action

    assert Action.objects.get().question == first
