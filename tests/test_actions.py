"""The action plan: actions from next steps, their owner, date and status, every change
recorded, overdue first on the team page, the CSV export, and the movement a round shows."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import Action, ActionChange
from assessments.services import actions, assessments, rounds, selectors
from tests.support.content import choose


def membership(people, who):
    return selectors.membership_of(people[who], people["team"].pk)


@pytest.fixture
def result(team_assessment):
    return team_assessment([1, 2, 2, 2, 2, 2, 2])


def test_a_member_turns_a_results_next_step_into_an_action(client, people, result):
    client.force_login(people["member"])
    page = client.get(reverse("assessments:results", args=[result.token])).content.decode()
    assert "Turn a question's next step into an action" in page
    question = result.version.questions.get(order=1)
    url = reverse("assessments:new_action", args=[people["team"].pk])
    form = client.get(url, {"assessment": result.pk, "question": question.pk}).content.decode()
    next_step = question.options.get(score=2).text
    assert f"Get to: {next_step}" in form
    response = client.post(
        url,
        {
            "assessment": result.pk,
            "question": question.pk,
            "text": "Run the evaluation suite on every pull request",
            "owner": people["owner"].pk,
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "status": "planned",
        },
    )
    action = Action.objects.get()
    assert response["Location"] == action.get_absolute_url()
    assert (action.question, action.assessment, action.owner) == (
        question,
        result,
        people["owner"],
    )
    assert action.created_by == people["member"]


def test_an_actions_owner_must_be_a_member(client, people, result):
    client.force_login(people["member"])
    response = client.post(
        reverse("assessments:new_action", args=[people["team"].pk]),
        {"text": "Something", "owner": people["outsider"].pk, "status": "planned"},
    )
    assert response.status_code == 400
    assert not Action.objects.exists()


def test_ids_of_other_teams_results_are_ignored(client, people, default_version):
    from assessments.services import teams

    theirs = teams.start_for_team(default_version, people["outsider"], people["other_team"])
    choose(theirs, [2] * 7)
    theirs = assessments.complete(theirs)
    client.force_login(people["member"])
    client.post(
        reverse("assessments:new_action", args=[people["team"].pk]),
        {"assessment": theirs.pk, "text": "Borrowed", "status": "planned"},
    )
    assert Action.objects.get().assessment is None


def test_every_change_is_recorded_with_who_and_when(client, people, result):
    action = actions.create_action(
        team=people["team"], membership=membership(people, "member"), text="Write a runbook"
    )
    client.force_login(people["owner"])
    url = reverse("assessments:action", args=[people["team"].pk, action.pk])
    client.post(
        url, {"text": "Write a runbook", "owner": people["member"].pk, "status": "in_progress"}
    )
    client.post(url, {"text": "Write a runbook", "owner": people["member"].pk, "status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_at is not None
    changes = list(ActionChange.objects.values_list("field", "old", "new", "changed_by__username"))
    assert changes == [
        ("owner", "", "mateo", "olivia"),
        ("status", "Planned", "In progress", "olivia"),
        ("status", "In progress", "Done", "olivia"),
    ]
    page = client.get(url).content.decode()
    assert "In progress" in page and "olivia" in page
    # Reopened, it is no longer done.
    client.post(url, {"text": "Write a runbook", "owner": "", "status": "planned"})
    action.refresh_from_db()
    assert action.done_at is None and action.owner is None


def test_the_team_page_lists_open_actions_overdue_first(client, people):
    today = timezone.localdate()
    member = membership(people, "member")
    for text, due in [
        ("Later", today + timedelta(days=9)),
        ("Undated", None),
        ("Late", today - timedelta(days=3)),
    ]:
        actions.create_action(team=people["team"], membership=member, text=text, due_on=due)
    done = actions.create_action(team=people["team"], membership=member, text="Finished")
    actions.update_action(
        action=done, membership=member, text="Finished", owner=None, due_on=None, status="done"
    )
    client.force_login(people["member"])
    page = client.get(reverse("assessments:team", args=[people["team"].pk])).content.decode()
    assert page.index("Late") < page.index("Later") < page.index("Undated")
    assert "overdue" in page
    assert "Finished" not in page


def test_the_plan_exports_as_csv(client, people):
    actions.create_action(
        team=people["team"], membership=membership(people, "member"), text="=HYPERLINK(1)"
    )
    client.force_login(people["member"])
    response = client.get(reverse("assessments:actions_csv", args=[people["team"].pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["action", "question", "owner", "due", "status", "created", "done"]
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][4] == "planned"


def test_the_next_round_shows_whether_a_done_actions_question_moved(
    client, people, team_assessment
):
    before = team_assessment([1] * 7)
    member = membership(people, "member")
    owner = membership(people, "owner")
    first, second = before.version.questions.order_by("order")[:2]
    for question in (first, second):
        action = actions.create_action(
            team=people["team"],
            membership=member,
            text=f"Improve {question.key}",
            question=question,
            assessment=before,
        )
        actions.update_action(
            action=action,
            membership=member,
            text=action.text,
            owner=None,
            due_on=None,
            status="done",
        )
    round = rounds.open_round(team=people["team"], membership=owner, title="Next review")
    own = rounds.answers_of(round=round, membership=member)
    choose(own, [3, 1, 1, 1, 1, 1, 1])
    assessments.complete(own)
    client.force_login(people["member"])
    page = client.get(round.get_absolute_url()).content.decode()
    section = page[page.index("Actions done since the previous result") :]
    assert f"Improve {first.key}" in section and f"Improve {second.key}" in section
    assert section.index("Up") < section.index("No change")


def test_actions_done_after_a_round_closed_belong_to_the_next_round(
    client, people, default_version
):
    member = membership(people, "member")
    owner = membership(people, "owner")
    round = rounds.open_round(team=people["team"], membership=owner, title="First review")
    rounds.close_round(round=round, membership=owner)
    question = round.version.questions.get(order=1)
    action = actions.create_action(
        team=people["team"], membership=member, text="Later work", question=question
    )
    actions.update_action(
        action=action, membership=member, text=action.text, owner=None, due_on=None, status="done"
    )
    client.force_login(people["member"])
    page = client.get(round.get_absolute_url()).content.decode()
    assert "Actions done since the previous result" not in page
