"""Hostile input: arbitrary methods, form data, content types and paths sent to every view,
as anyone. Nothing answers 5xx, and a refused request changes nothing."""

import urllib.parse

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import (
    Action,
    Answer,
    Assessment,
    Invitation,
    Membership,
    Round,
    ShareLink,
    Target,
    Team,
)
from assessments.services import actions, rounds, teams

FIELDS = [
    "option",
    "note",
    "direction",
    "team",
    "title",
    "closes_on",
    "question",
    "reason",
    "text",
    "owner",
    "due_on",
    "status",
    "level",
    "questionnaire",
    "name",
    "password",
    "include_notes",
    "before",
    "after",
    "page",
    "reset",
    "assessment",
    "round",
    "q1",
]
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.sampled_from(
        ["na", "", "0", "1", "-1", "1e9", "\uff12", "\u00b2 ", "\x00", "' OR 1=1 --", "<script>"]
    ),
)


@pytest.fixture
def paths(people, team_assessment):
    """A real path of every view, with ids and tokens of the team's own things."""
    result = team_assessment([2] * 7)
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    round = rounds.open_round(team=people["team"], membership=owner, title="Review")
    action = actions.create_action(team=people["team"], membership=owner, text="Do it")
    link = teams.share(result, people["member"])
    invitation = teams.create_invitation(people["team"], people["owner"])
    t, token = people["team"].pk, result.token
    return [
        "/",
        "/start/",
        "/mine/",
        "/healthz",
        "/accounts/signup/",
        "/account/",
        "/account/data.json",
        "/account/delete/",
        "/teams/",
        *(
            f"/a/{token}/{tail}"
            for tail in [
                "",
                "q/1/",
                "q/99/",
                "review/",
                "submit/",
                "results/",
                "results.json",
                "claim/",
                "delete/",
            ]
        ),
        f"/shared/{link.token}/",
        f"/invitations/{invitation.token}/",
        *(
            reverse(f"assessments:{name}", args=[t])
            for name in [
                "team",
                "team_members",
                "invite",
                "compare",
                "export_csv",
                "export_json",
                "rounds",
                "actions",
                "new_action",
                "actions_csv",
                "target",
                "delete_team",
            ]
        ),
        *(
            reverse(f"assessments:{name}", args=[t, round.pk])
            for name in [
                "round",
                "round_answer",
                "close_round",
                "agree",
                "record_round",
                "round_json",
            ]
        ),
        reverse("assessments:action", args=[t, action.pk]),
        reverse("assessments:team_assessment", args=[t, result.pk]),
        reverse("assessments:share", args=[t, result.pk]),
        reverse("assessments:start_from", args=[t, result.pk]),
    ]


def state():
    """What a refused request must leave as it was."""
    return (
        list(Assessment.objects.order_by("pk").values_list("pk", "status", "team", "owner")),
        list(Answer.objects.order_by("pk").values_list("pk", "option", "note")),
        [model.objects.count() for model in (Team, Membership, Round, Action, Target)],
        list(ShareLink.objects.order_by("pk").values_list("pk", "revoked_at")),
        list(Invitation.objects.order_by("pk").values_list("pk", "used_at", "revoked_at")),
    )


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_nothing_answers_5xx_and_refusals_change_nothing(client, people, paths, data):
    path = data.draw(
        st.one_of(
            st.sampled_from(paths),
            st.sampled_from(paths).map(lambda p: p.replace("/1/", "/99999999999999999999/")),
            st.text(min_size=1, max_size=30).map(lambda p: "/" + urllib.parse.quote(p)),
        ),
        label="path",
    )
    method = data.draw(
        st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
    )
    who = data.draw(st.sampled_from([None, "member", "owner", "outsider"]), label="who")
    form = data.draw(
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), VALUES, max_size=6)
    )
    kind = data.draw(
        st.sampled_from(["application/x-www-form-urlencoded", "application/json", "text/plain"])
    )
    client.logout()
    if who:
        client.force_login(people[who])
    before = state()
    body = urllib.parse.urlencode(form)
    if method == "GET":
        response = client.get(path, form)
    else:
        response = client.generic(method, path, body.encode(), content_type=kind)
    assert response.status_code < 500, (method, path, form)
    if response.status_code >= 400:
        assert state() == before, (method, path, form, response.status_code)
