"""Signed-in requests read their session (Django's database engine, on our session model:
assessments/sessions.py) and their user through Django's own backend: Django's checks hold."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Session


def signed_in(username, password):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return client


def test_a_signed_in_person_is_read_back_from_their_session(people):
    client = signed_in("mateo", "pw-mateo-123")
    page = client.get(reverse("assessments:mine"))
    assert page.status_code == 200
    assert "Sign out mateo" in page.content.decode()


def test_a_deactivated_account_is_signed_out_at_once(people):
    client = signed_in("mateo", "pw-mateo-123")
    people["member"].is_active = False
    people["member"].save()
    assert client.get(reverse("assessments:mine")).status_code == 302


def test_a_new_password_ends_every_other_session(people):
    client = signed_in("mateo", "pw-mateo-123")
    people["member"].set_password("pw-mateo-456")
    people["member"].save()
    assert client.get(reverse("assessments:mine")).status_code == 302
    assert signed_in("mateo", "pw-mateo-456").get(reverse("assessments:mine")).status_code == 200


def test_an_expired_session_is_signed_out(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(1))
    assert client.get(reverse("assessments:mine")).status_code == 302


def test_signing_out_ends_the_session_for_a_copied_cookie_too(people):
    client = signed_in("mateo", "pw-mateo-123")
    copy = Client()
    copy.cookies["sessionid"] = client.cookies["sessionid"].value
    assert copy.get(reverse("assessments:mine")).status_code == 200

    client.post(reverse("logout"))
    assert copy.get(reverse("assessments:mine")).status_code == 302


def test_a_session_whose_data_was_altered_is_anonymous(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    session = Session.objects.get(session_key=key)
    Session.objects.filter(session_key=key).update(session_data=session.session_data[:-3] + "abc")
    assert client.get(reverse("assessments:mine")).status_code == 302


def test_a_session_keeps_its_persons_id_in_a_column(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).user_id == people["member"].pk


def test_a_session_row_naming_someone_else_does_not_make_you_them(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(user_id=people["owner"].pk)
    page = client.get(reverse("assessments:account")).content.decode()
    assert "Sign out mateo" in page and "olivia" not in page


def test_a_page_read_with_a_session_naming_someone_else_is_not_theirs(people):
    # The team page's stamp is read with the session, for the id its row names: the outsider's
    # session, altered to name a member, must still find no team.
    team = f"/teams/{people['team'].pk}/"
    outsider = signed_in("xena", "pw-xena-123")
    key = outsider.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(user_id=people["member"].pk)
    for path in (team, team + "compare/", "/mine/"):
        page = outsider.get(path)
        assert page.status_code == (200 if path == "/mine/" else 404), path
        assert "Platform team" not in page.content.decode()
    # And a member whose row names the outsider is still the member.
    member = signed_in("mateo", "pw-mateo-123")
    key = member.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(user_id=people["outsider"].pk)
    assert "Platform team" in member.get(team).content.decode()


def test_a_deleted_accounts_session_is_anonymous(people):
    client = signed_in("xena", "pw-xena-123")
    people["other_team"].delete()
    people["outsider"].delete()
    assert client.get(reverse("assessments:mine")).status_code == 302
