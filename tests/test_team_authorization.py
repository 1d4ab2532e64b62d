"""Every team URL, walked as anonymous, as a member of another team, as a member and as an owner;
and every URL the app serves, classified so that none escapes a walk.

Outsiders get 404 whether or not the team exists, so nothing confirms a team to them.
"""

import pytest
from django.urls import resolve, reverse

from assessments.models import Membership
from assessments.services import actions, rounds, teams
from tests.support import urls

OK = {"GET": 200, "POST": 302}


@pytest.fixture
def world(people, team_assessment):
    assessment = team_assessment([2] * 7)
    link = teams.share(assessment, people["member"])
    invitation = teams.create_invitation(people["team"], people["owner"])
    owner_membership = Membership.objects.get(team=people["team"], user=people["owner"])
    round = rounds.open_round(team=people["team"], membership=owner_membership, title="Review")
    rounds.close_round(round=round, membership=owner_membership)
    action = actions.create_action(
        team=people["team"], membership=owner_membership, text="Write the runbook"
    )
    return {
        "round": round,
        "action": action,
        **people,
        "assessment": assessment,
        "link": link,
        "invitation": invitation,
        "owner_membership": Membership.objects.get(team=people["team"], user=people["owner"]),
        "member_membership": Membership.objects.get(team=people["team"], user=people["member"]),
    }


def routes(w, role):
    team = w["team"].pk
    a = w["assessment"].pk
    r = w["round"].pk
    # Removing or promoting someone else: the owner acts on the member, the member on the owner.
    other = w["owner_membership"] if role == "member" else w["member_membership"]
    return {
        "team": ("GET", reverse("assessments:team", args=[team]), "member"),
        "members": ("GET", reverse("assessments:team_members", args=[team]), "member"),
        "compare": ("GET", reverse("assessments:compare", args=[team]), "member"),
        "export_csv": ("GET", reverse("assessments:export_csv", args=[team]), "member"),
        "export_json": ("GET", reverse("assessments:export_json", args=[team]), "member"),
        "invite": ("POST", reverse("assessments:invite", args=[team]), "owner"),
        "revoke_invitation": (
            "POST",
            reverse("assessments:revoke_invitation", args=[team, w["invitation"].pk]),
            "owner",
        ),
        "remove_member": (
            "POST",
            reverse("assessments:remove_member", args=[team, other.pk]),
            "owner",
        ),
        "transfer_ownership": (
            "POST",
            reverse("assessments:transfer_ownership", args=[team, other.pk]),
            "owner",
        ),
        "share": ("POST", reverse("assessments:share", args=[team, a]), "member"),
        "revoke_share": (
            "POST",
            reverse("assessments:revoke_share", args=[team, a, w["link"].pk]),
            "member",
        ),
        "start_from": ("POST", reverse("assessments:start_from", args=[team, a]), "member"),
        "team_assessment": (
            "GET",
            reverse("assessments:team_assessment", args=[team, a]),
            "member",
        ),
        "rounds": ("GET", reverse("assessments:rounds", args=[team]), "member"),
        "open_round": ("POST", reverse("assessments:rounds", args=[team]), "owner"),
        "round": ("GET", reverse("assessments:round", args=[team, r]), "member"),
        "round_json": ("GET", reverse("assessments:round_json", args=[team, r]), "member"),
        "round_answer": ("POST", reverse("assessments:round_answer", args=[team, r]), "member"),
        "close_round": ("POST", reverse("assessments:close_round", args=[team, r]), "owner"),
        "agree": ("POST", reverse("assessments:agree", args=[team, r]), "owner"),
        "record_round": ("POST", reverse("assessments:record_round", args=[team, r]), "owner"),
        "actions": ("GET", reverse("assessments:actions", args=[team]), "member"),
        "new_action": ("GET", reverse("assessments:new_action", args=[team]), "member"),
        "action": ("GET", reverse("assessments:action", args=[team, w["action"].pk]), "member"),
        "actions_csv": ("GET", reverse("assessments:actions_csv", args=[team]), "member"),
        "target": ("GET", reverse("assessments:target", args=[team]), "member"),
        "set_target": ("POST", reverse("assessments:target", args=[team]), "owner"),
        # The confirmation page: a POST without the name deletes nothing.
        "delete_team": ("GET", reverse("assessments:delete_team", args=[team]), "owner"),
        "delete_team_unconfirmed": (
            "POST",
            reverse("assessments:delete_team", args=[team]),
            "owner",
        ),
    }


ROUTE_NAMES = [
    "team",
    "members",
    "compare",
    "export_csv",
    "export_json",
    "invite",
    "revoke_invitation",
    "remove_member",
    "transfer_ownership",
    "share",
    "revoke_share",
    "start_from",
    "team_assessment",
    "rounds",
    "open_round",
    "round",
    "round_json",
    "round_answer",
    "close_round",
    "agree",
    "record_round",
    "actions",
    "new_action",
    "action",
    "actions_csv",
    "target",
    "set_target",
    "delete_team",
    "delete_team_unconfirmed",
]
# GET routes that lead on to another page rather than showing one.
REDIRECTING = {"team_assessment"}
# POST routes that answer an empty form with the form again and its errors.
REFUSED_EMPTY = {"open_round", "delete_team_unconfirmed"}


def expected(role, needs):
    if role in ("anonymous", "outsider"):
        return 404
    if needs == "owner" and role == "member":
        return 403
    return None  # success: 200 for GET, 302 for POST


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "owner"])
@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_every_team_url_answers_each_role(client, world, role, name):
    if role != "anonymous":
        client.force_login(world[role])
    method, url, needs = routes(world, role)[name]
    response = client.get(url) if method == "GET" else client.post(url)
    success = 302 if name in REDIRECTING else 400 if name in REFUSED_EMPTY else OK[method]
    assert response.status_code == (expected(role, needs) or success)


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member"])
@pytest.mark.parametrize("name", ROUTE_NAMES)
def test_a_team_that_does_not_exist_is_404_like_one_you_are_not_in(client, world, role, name):
    if role != "anonymous":
        client.force_login(world[role])
    method, url, _needs = routes(world, role)[name]
    missing = url.replace(f"/teams/{world['team'].pk}/", "/teams/999999/")
    response = client.get(missing) if method == "GET" else client.post(missing)
    assert response.status_code == 404


def test_outsiders_change_nothing(client, world):
    client.force_login(world["outsider"])
    for name in ROUTE_NAMES:
        _method, url, _needs = routes(world, "outsider")[name]
        client.post(url)
    world["link"].refresh_from_db()
    world["invitation"].refresh_from_db()
    assert world["link"].is_active and world["invitation"].is_open
    assert Membership.objects.filter(team=world["team"]).count() == 2
    assert world["team"].assessments.count() == 1
    assert world["team"].rounds.count() == 1
    assert not world["round"].member_assessments.exists()
    assert world["team"].actions.get().text == "Write the runbook"


@pytest.mark.parametrize("role", ["anonymous", "outsider", "member", "owner"])
def test_the_team_list_needs_a_sign_in(client, world, role):
    if role != "anonymous":
        client.force_login(world[role])
    response = client.get(reverse("assessments:teams"))
    assert response.status_code == (302 if role == "anonymous" else 200)


def test_a_team_id_too_large_for_the_database_is_404(client, world):
    client.force_login(world["member"])
    huge = "1" * 40
    assert client.get(f"/teams/{huge}/").status_code == 404
    assert client.get(f"/teams/{huge}/compare/").status_code == 404
    assert client.post(f"/teams/{huge}/invite/").status_code == 404
    team = world["team"].pk
    assert client.get(f"/teams/{team}/rounds/{huge}/").status_code == 404
    assert client.get(f"/teams/{team}/actions/{huge}/").status_code == 404


def test_another_teams_round_and_action_are_404_to_members(client, world):
    outsider = Membership.objects.get(team=world["other_team"], user=world["outsider"])
    theirs = rounds.open_round(team=world["other_team"], membership=outsider, title="Theirs")
    action = actions.create_action(team=world["other_team"], membership=outsider, text="Theirs")
    client.force_login(world["member"])
    team = world["team"].pk
    assert client.get(f"/teams/{team}/rounds/{theirs.pk}/").status_code == 404
    assert client.get(f"/teams/{team}/rounds/{theirs.pk}/results.json").status_code == 404
    assert client.post(f"/teams/{team}/rounds/{theirs.pk}/answer/").status_code == 404
    assert client.get(f"/teams/{team}/actions/{action.pk}/").status_code == 404


# Private links to one assessment, walked by tests/test_assessment_access.py as anonymous,
# outsider, colleague, member and owner.
ASSESSMENT_TOKEN = {
    "resume",
    "question",
    "review",
    "submit",
    "results",
    "results_json",
    "claim",
    "delete_assessment",
}
# Open to everyone by design, or tokens checked by their own tests (share links, invitations).
PUBLIC = {"home", "start", "healthz", "signup", "shared", "invitation", "password_reset"}
# The signed-in person's own pages: tests/test_data_control.py and the list tests.
OWN = {"mine", "teams", "account", "my_data", "delete_account"}


def test_every_url_is_classified(world):
    served = {name.split(":")[-1] for name, _converters in urls.routes()}
    # Django's own sign-in, sign-out and password pages.
    served = {name for name in served if not name.startswith(("login", "logout", "password_"))}
    walked = {
        resolve(url).url_name
        for role in ("member", "owner")
        for _method, url, _needs in (routes(world, role)[name] for name in ROUTE_NAMES)
    }
    assert {"home", "team", "round", "action", "delete_team"} <= served
    unclassified = served - walked - ASSESSMENT_TOKEN - PUBLIC - OWN
    assert unclassified == set(), f"add these URLs to an authorization walk: {unclassified}"


def numeric_routes():
    """Every URL pattern with a number in its path, the admin's included, as (name, numeric
    parameter names, the names of all its parameters)."""
    for name, found in urls.routes(admin=True):
        numbers = {key for key, c in found.items() if isinstance(c.to_python("1"), int)}
        if numbers:
            yield name, numbers, set(found)


def test_a_zero_padded_number_in_any_path_answers_404(client, admin_client, world, team_assessment):
    in_progress = team_assessment([2] * 7, complete=False, by="owner")
    values = {
        "team_id": world["team"].pk,
        "assessment_id": world["assessment"].pk,
        "invitation_id": world["invitation"].pk,
        "membership_id": world["member_membership"].pk,
        "link_id": world["link"].pk,
        "round_id": world["round"].pk,
        "action_id": world["action"].pk,
        "order": 1,
        "token": in_progress.token,
        "pk": in_progress.version.pk,
    }
    client.force_login(world["owner"])
    walked, missing, answered = set(), [], []
    for name, numbers, parameters in numeric_routes():
        visitor = admin_client if name.startswith("admin:") else client
        # Each number stands in as a distinct canonical placeholder, then is written out.
        placeholders = {key: 900_000_001 + n for n, key in enumerate(sorted(numbers))}
        kwargs = {key: placeholders.get(key, values[key]) for key in parameters}
        template = reverse(name, kwargs=kwargs)

        def written(padded=None, zeros=0, template=template, placeholders=placeholders):
            url = template
            for key, placeholder in placeholders.items():
                padding = "0" * zeros if key == padded else ""
                url = url.replace(str(placeholder), f"{padding}{values[key]}")
            return url

        if visitor.get(written()).status_code == 404:
            missing.append(written())
        for key in numbers:
            for zeros in (1, 3):
                url = written(key, zeros)
                if name.startswith("admin:"):
                    # The admin's own catch-all takes any path to an object's change page, which
                    # finds nothing called "01/preview": the preview itself must not answer.
                    if resolve(url).view_name == name:
                        answered.append(url)
                elif visitor.get(url).status_code != 404:
                    answered.append(url)
        walked.add(name)
    assert {"assessments:team", "assessments:question", "assessments:revoke_share"} <= walked
    assert missing == []
    assert answered == []
