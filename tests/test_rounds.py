"""Rounds: members answer alone, see the disagreement after submitting, and the owner agrees
and records the team's result."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import AgreedAnswer, Assessment, Round
from assessments.services import assessments, rounds, selectors, teams
from tests.support.content import choose


@pytest.fixture
def trio(people, django_user_model):
    """The team of `people` with a third member, and an open round."""
    third = django_user_model.objects.create_user("amara", "amara@example.com", "pw-amara-123")
    teams.accept_invitation(teams.create_invitation(people["team"], people["owner"]).token, third)
    return {**people, "third": third}


def owner_membership(world):
    return selectors.membership_of(world["owner"], world["team"].pk)


def membership(world, who):
    return selectors.membership_of(world[who], world["team"].pk)


@pytest.fixture
def open_round(default_version, trio):
    return rounds.open_round(
        team=trio["team"], membership=owner_membership(trio), title="Q1 2027 review"
    )


def submit(world, round, who, scores, notes=None):
    """`who` answers the round with `scores` (one per question), with `notes` (question index
    -> text), and submits."""
    own = rounds.answers_of(round=round, membership=membership(world, who))
    choose(own, scores)
    questions = list(own.version.questions.order_by("order"))
    for index, note in (notes or {}).items():
        chosen = selectors.choices_of(Assessment.objects.get(pk=own.pk))[questions[index].pk]
        assessments.save_answer(own, questions[index].pk, chosen, note=note)
    return assessments.complete(own)


def round_url(round, name="round"):
    return reverse(f"assessments:{name}", args=[round.team_id, round.pk])


def test_an_owner_opens_a_round_with_a_title_and_closing_date(client, default_version, trio):
    client.force_login(trio["owner"])
    due = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("assessments:rounds", args=[trio["team"].pk]),
        {"title": "Q1 2027 review", "closes_on": due.isoformat()},
    )
    round = Round.objects.get()
    assert response.status_code == 302
    assert response["Location"] == round.get_absolute_url()
    assert (round.title, round.closes_on, round.version) == ("Q1 2027 review", due, default_version)
    team_page = client.get(reverse("assessments:team", args=[trio["team"].pk])).content.decode()
    assert "Open round: Q1 2027 review" in team_page


def test_it_refuses_a_second_open_round_and_a_past_closing_date(client, open_round, trio):
    client.force_login(trio["owner"])
    url = reverse("assessments:rounds", args=[trio["team"].pk])
    response = client.post(url, {"title": "Another"}, follow=True)
    assert "already has an open round" in response.content.decode()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(url, {"title": "Late", "closes_on": yesterday.isoformat()})
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert Round.objects.count() == 1


def test_only_owners_open_close_agree_and_record(client, open_round, trio):
    client.force_login(trio["member"])
    assert (
        client.post(
            reverse("assessments:rounds", args=[trio["team"].pk]), {"title": "x"}
        ).status_code
        == 403
    )
    for name in ("close_round", "record_round", "agree"):
        assert client.post(round_url(open_round, name), {}).status_code == 403
    open_round.refresh_from_db()
    assert not open_round.is_closed


def test_members_answer_alone_on_the_usual_question_pages(client, open_round, trio):
    client.force_login(trio["member"])
    response = client.post(round_url(open_round, "round_answer"))
    own = Assessment.objects.get(round=open_round, owner=trio["member"])
    assert response["Location"] == reverse("assessments:resume", args=[own.token])
    assert own.team_id is None
    question = client.get(reverse("assessments:question", args=[own.token, 1])).content.decode()
    assert "Q1 2027 review" in question
    # Answering twice goes back to the same answers.
    client.post(round_url(open_round, "round_answer"))
    assert Assessment.objects.filter(round=open_round).count() == 1


def test_nobody_sees_the_others_answers_before_submitting(client, open_round, trio):
    submit(
        trio, open_round, "member", [4] * 7, notes={0: "Our zebra log shows evals on each merge"}
    )
    for who in ("owner", "third"):
        client.force_login(trio[who])
        page = client.get(round_url(open_round)).content.decode()
        assert "zebra log" not in page
        assert "once you have submitted yours" in page
        # Owners and members see who has submitted, not what.
        assert "1 of 3 members have submitted" in page
        response = client.get(round_url(open_round, "round_json"))
        assert response.status_code == 403
        assert b"zebra log" not in response.content
    own = Assessment.objects.get(round=open_round, owner=trio["member"])
    client.force_login(trio["owner"])
    for name in ("resume", "review", "results", "results_json"):
        assert client.get(reverse(f"assessments:{name}", args=[own.token])).status_code == 404
    # Nor through the team's own pages and downloads.
    team = trio["team"].pk
    for name in ("team", "compare", "export_csv", "export_json", "actions", "target"):
        response = client.get(reverse(f"assessments:{name}", args=[team]))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert b"zebra log" not in content
        assert own.token.encode() not in content


def test_after_submitting_a_member_sees_the_distribution_and_notes(client, open_round, trio):
    submit(
        trio, open_round, "member", [4] * 7, notes={0: "Our zebra log shows evals on each merge"}
    )
    submit(trio, open_round, "third", [0] * 7, notes={0: "Twice a year, by hand"})
    client.force_login(trio["third"])
    page = client.get(round_url(open_round)).content.decode()
    assert "zebra log" in page and "Twice a year, by hand" in page
    assert page.count('role="img"') >= 7
    assert "Spread: 4 points" in page
    document = json.loads(client.get(round_url(open_round, "round_json")).content)
    first = document["questions"][0]
    assert first["spread"] == 4
    assert {a["member"] for a in first["answers"]} == {"mateo", "amara"}
    assert document["not_submitted"] == ["olivia"]


def test_the_median_is_the_lower_middle_answer_and_owners_change_it_with_a_reason(
    client, open_round, trio, team_assessment
):
    earlier = team_assessment([0] * 7)
    submit(trio, open_round, "member", [4] * 7)
    submit(trio, open_round, "third", [1] * 7)
    client.force_login(trio["owner"])
    client.post(round_url(open_round, "close_round"))
    view = rounds.round_view(Round.objects.get())
    assert {q.agreed.score for q in view.agreement.questions} == {1}
    question = view.agreement.questions[0].question
    top = max(question.options, key=lambda o: o.score)
    response = client.post(
        round_url(open_round, "agree"), {"question": question.id, "option": top.id, "reason": ""}
    )
    assert AgreedAnswer.objects.count() == 0
    client.post(
        round_url(open_round, "agree"),
        {"question": question.id, "option": top.id, "reason": "Evals gate every deploy now"},
    )
    assert AgreedAnswer.objects.get().option_id == top.id
    response = client.post(round_url(open_round, "record_round"))
    assert response.status_code == 302
    round = Round.objects.get()
    result = round.result
    assert (round.agreed_by, round.member_count) == (2, 3)
    assert result.team == trio["team"] and result.is_completed
    assert result.total_score == 4 + 6 * 1
    note = result.answers.get(question_id=question.id).note
    assert note == "Evals gate every deploy now"
    history = client.get(reverse("assessments:team", args=[trio["team"].pk])).content.decode()
    assert "agreed by 2 of 3 members" in history
    csv = b"".join(
        client.get(reverse("assessments:export_csv", args=[trio["team"].pk])).streaming_content
    ).decode()
    assert "2 of 3" in csv
    # The trend's table and the compare choices mark it too.
    assert history.count("agreed by 2 of 3 members") == 2
    compare = client.get(reverse("assessments:compare", args=[trio["team"].pk])).content.decode()
    assert "agreed by 2 of 3 members" in compare
    # Recorded: the agreed answers no longer change, and recording twice makes nothing new.
    client.post(round_url(open_round, "record_round"))
    assert Assessment.objects.filter(team=trio["team"]).exclude(pk=earlier.pk).count() == 1


def test_a_closed_round_takes_no_more_answers(client, open_round, trio):
    own = rounds.answers_of(round=open_round, membership=membership(trio, "member"))
    rounds.close_round(round=open_round, membership=owner_membership(trio))
    client.force_login(trio["member"])
    question = own.version.questions.order_by("order").first()
    response = client.post(
        reverse("assessments:question", args=[own.token, 1]),
        {"option": question.options.first().pk},
    )
    assert response.status_code == 403
    assert client.post(reverse("assessments:submit", args=[own.token])).status_code == 403
    assert not own.answers.exists()
    page = client.get(round_url(open_round)).content.decode()
    assert "Not answered" in page
    # Closed: whoever did not submit may now read the others too.
    assert "How far the team agrees" in page


def test_a_round_past_its_closing_date_refuses_new_answers(client, open_round, trio):
    Round.objects.filter(pk=open_round.pk).update(
        closes_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(trio["member"])
    response = client.post(round_url(open_round, "round_answer"), follow=True)
    assert "no longer takes answers" in response.content.decode()
    assert not Assessment.objects.filter(round=open_round).exists()


def test_a_member_who_joins_mid_round_can_answer(client, open_round, trio, django_user_model):
    late = django_user_model.objects.create_user("li", "li@example.com", "pw-li-12345")
    teams.accept_invitation(teams.create_invitation(trio["team"], trio["owner"]).token, late)
    client.force_login(late)
    response = client.post(round_url(open_round, "round_answer"))
    assert response.status_code == 302
    assert Assessment.objects.filter(round=open_round, owner=late).exists()


def test_a_member_who_leaves_loses_their_round_answers_link(client, open_round, trio):
    own = rounds.answers_of(round=open_round, membership=membership(trio, "member"))
    teams.remove_member(trio["team"], membership(trio, "member"))
    client.force_login(trio["member"])
    assert client.get(reverse("assessments:resume", args=[own.token])).status_code == 404


def test_submitting_round_answers_goes_back_to_the_round(client, open_round, trio):
    own = rounds.answers_of(round=open_round, membership=membership(trio, "member"))
    choose(own, [2] * 7)
    client.force_login(trio["member"])
    response = client.post(reverse("assessments:submit", args=[own.token]))
    assert response["Location"] == open_round.get_absolute_url()


def test_round_answers_cannot_be_claimed_into_a_team(client, open_round, trio):
    own = rounds.answers_of(round=open_round, membership=membership(trio, "member"))
    choose(own, [2] * 7)
    client.force_login(trio["member"])
    client.post(reverse("assessments:claim", args=[own.token]), {"team": trio["team"].pk})
    own.refresh_from_db()
    assert own.team_id is None


def test_recording_needs_an_answer_to_every_question(client, open_round, trio):
    client.force_login(trio["owner"])
    client.post(round_url(open_round, "close_round"))
    response = client.post(round_url(open_round, "record_round"), follow=True)
    assert "Every question needs an agreed answer" in response.content.decode()
    assert Round.objects.get().result is None
