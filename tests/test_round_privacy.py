"""Nobody reads, or infers, a round's answers before submitting their own.

Every URL the app serves is fetched, from the resolver, by a member who has not submitted, with
a round and each question in its query string (as the action form takes them). The pages must
be the same whatever a colleague answered: if one changes when the colleague's answers change,
it tells something about them.
"""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from assessments import caching
from assessments.models import Action, Answer, Assessment
from assessments.services import actions, assessments, rounds, selectors, teams
from tests.support.content import choose
from tests.support.urls import routes

SECRET_NOTE = "colleague-secret-note"


def membership(world, who):
    return selectors.membership_of(world[who], world["team"].pk)


@pytest.fixture
def world(people, default_version, team_assessment):
    """An open round that the owner has submitted, with notes, and that the member has
    started but not submitted."""
    team_assessment([1] * 7)
    round = rounds.open_round(
        team=people["team"], membership=membership(people, "owner"), title="Q1 review"
    )
    theirs = rounds.answers_of(round=round, membership=membership(people, "owner"))
    choose(theirs, [0, 1, 2, 3, 4, 0, 1])
    for question in theirs.version.questions.all():
        chosen = selectors.choices_of(theirs)[question.pk]
        assessments.save_answer(theirs, question.pk, chosen, note=f"{SECRET_NOTE} {question.key}")
    theirs = assessments.complete(theirs)
    mine = rounds.answers_of(round=round, membership=membership(people, "member"))
    choose(mine, [2, 2, 2, 2, 2, 2, 2])
    action = actions.create_action(
        team=people["team"], membership=membership(people, "owner"), text="Write the runbook"
    )
    return {
        **people,
        "round": round,
        "theirs": theirs,
        "mine": mine,
        "action": action,
        "link": teams.share(people["team"].assessments.get(round=None), people["owner"]),
        "invitation": teams.create_invitation(people["team"], people["owner"]),
        "questions": list(default_version.questions.order_by("order")),
    }


def addresses(world):
    """Every URL of the app, its parameters filled with the world's objects: a parameter this
    does not know fails the test, so that a new one is walked too."""
    values = {
        "team_id": [world["team"].pk],
        "round_id": [world["round"].pk],
        # The member's own answers, and the colleague's (which must stay closed to them).
        "token": [world["mine"].token, world["theirs"].token],
        "order": [q.order for q in world["questions"]],
        "assessment_id": [world["link"].assessment_id, world["theirs"].pk],
        "action_id": [world["action"].pk],
        "invitation_id": [world["invitation"].pk],
        "membership_id": [membership(world, "owner").pk],
        "link_id": [world["link"].pk],
        "uidb64": ["MQ"],
    }
    for name, converters in routes():
        parameters = list(converters)
        unknown = set(parameters) - set(values)
        assert not unknown, f"tell this walk how to fill {unknown} of {name}"
        combinations = [{}]
        for parameter in parameters:
            combinations = [
                {**kwargs, parameter: value}
                for kwargs in combinations
                for value in values[parameter]
            ]
        for kwargs in combinations:
            yield reverse(name, kwargs=kwargs)


CSRF = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]+"')


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return CSRF.sub(rb'\1-"', content)


def fetch_everything(client, world) -> dict[str, tuple[int, bytes]]:
    cache.clear()
    caching.forget_local()
    seen = {}
    for url in addresses(world):
        for question in world["questions"]:
            query = f"?round={world['round'].pk}&question={question.pk}"
            response = client.get(url + query)
            seen[url + query] = (response.status_code, body(response))
    return seen


def answer_otherwise(assessment: Assessment, scores: list[int], note: str) -> None:
    """Give a submitted assessment other answers, notes and score, keeping its dates."""
    for answer in Answer.objects.filter(assessment=assessment).select_related("question"):
        option = answer.question.options.get(score=scores[answer.question.order - 1])
        Answer.objects.filter(pk=answer.pk).update(option=option, note=note)
    Assessment.objects.filter(pk=assessment.pk).update(total_score=sum(scores))


def test_no_url_tells_a_member_who_has_not_submitted_what_a_colleague_answered(client, world):
    client.force_login(world["member"])
    before = fetch_everything(client, world)
    answer_otherwise(world["theirs"], [4, 3, 2, 1, 0, 4, 3], "another note")
    after = fetch_everything(client, world)
    assert len(before) > 300
    changed = [url for url in before if before[url] != after[url]]
    assert changed == [], f"these pages change with a colleague's round answers: {changed[:5]}"
    leaked = [url for url, (_status, content) in before.items() if SECRET_NOTE.encode() in content]
    assert leaked == [], f"these pages show a colleague's note: {leaked[:5]}"


def plan_from_the_round(client, url, world):
    """Plan an action from the round's first question, as the form sends it."""
    origin = {"round": world["round"].pk, "question": world["questions"][0].pk}
    return client.post(
        url, {"text": "Go", "owner": world["member"].pk, "status": "planned", **origin}
    )


def test_an_action_cannot_start_from_a_round_whose_answers_the_member_may_not_see(client, world):
    client.force_login(world["member"])
    url = reverse("assessments:new_action", args=[world["team"].pk])
    origin = f"round={world['round'].pk}&question={world['questions'][0].pk}"
    response = client.get(f"{url}?{origin}")
    assert response.status_code == 403
    assert b"Submit your own answers" in response.content
    response = plan_from_the_round(client, url, world)
    assert response.status_code == 403
    assert not Action.objects.filter(round=world["round"]).exists()


def test_an_action_starts_from_a_round_once_the_member_has_submitted(client, world):
    assessments.complete(world["mine"])
    client.force_login(world["member"])
    url = reverse("assessments:new_action", args=[world["team"].pk])
    origin = f"round={world['round'].pk}&question={world['questions'][0].pk}"
    response = client.get(f"{url}?{origin}")
    assert response.status_code == 200
    # No suggestion while the round is open: kept in an action every member sees, it would
    # tell the others what the answers are so far.
    assert b"Get to:" not in response.content
    response = plan_from_the_round(client, url, world)
    assert response.status_code == 302
    assert Action.objects.filter(round=world["round"]).count() == 1
    rounds.close_round(round=world["round"], membership=membership(world, "owner"))
    assert b"Get to:" in client.get(f"{url}?{origin}").content


def test_a_submitted_round_answer_cannot_be_withdrawn_by_its_taker(client, world):
    client.force_login(world["owner"])
    theirs = world["theirs"]
    results = client.get(reverse("assessments:results", args=[theirs.token]))
    assert results.status_code == 200
    assert reverse("assessments:delete_assessment", args=[theirs.token]).encode() not in (
        results.content
    )
    assert b"stay once submitted" in results.content
    response = client.post(reverse("assessments:delete_assessment", args=[theirs.token]))
    assert response.status_code in (302, 403)
    assert Assessment.objects.filter(pk=theirs.pk, status="completed").exists()
    assert Answer.objects.filter(assessment=theirs).count() == 7
    page = client.get(reverse("assessments:round", args=[world["team"].pk, world["round"].pk]))
    assert b"1 of 2 members have submitted" in page.content


def test_round_answers_not_yet_submitted_can_be_deleted(client, world):
    client.force_login(world["member"])
    mine = world["mine"]
    response = client.post(reverse("assessments:delete_assessment", args=[mine.token]))
    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=mine.pk).exists()
