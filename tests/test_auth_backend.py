"""Signed-in requests read their session and its user in one plain SQL query
(maturity/sessions.py, maturity/auth.py), and the cache through a Redis client kept per pool
(maturity/cache.py): Django's checks still hold."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from assessments.models import Session
from assessments.services import stamps
from maturity import auth
from maturity.auth import ModelBackend
from maturity.cache import RedisCache
from maturity.sessions import SessionStore


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


def test_a_session_naming_no_user_is_anonymous(people):
    backend = ModelBackend()
    assert backend.get_user(people["member"].pk) == people["member"]
    assert backend.get_user(str(people["member"].pk)) == people["member"]
    assert backend.get_user(10**6) is None
    assert backend.get_user("not a number") is None


def test_the_user_read_back_has_its_own_values_and_dates(people, django_user_model):
    member = people["member"]
    member.is_staff = True
    member.first_name = "Mateo"
    member.save()
    member.refresh_from_db()

    user = ModelBackend().get_user(member.pk)
    assert (user.username, user.email, user.first_name, user.password) == (
        "mateo",
        "mateo@example.com",
        "Mateo",
        member.password,
    )
    # Booleans, not the 1 and 0 SQLite stores.
    assert user.is_staff is True and user.is_active is True and user.is_superuser is False
    # The dates are read when asked for, with the database's own conversion.
    assert user.date_joined == member.date_joined

    # Saving the user read back keeps what it did not read.
    user.last_name = "Rossi"
    user.save()
    stored = django_user_model.objects.get(pk=member.pk)
    assert (stored.last_name, stored.date_joined, stored.is_staff) == (
        "Rossi",
        member.date_joined,
        True,
    )


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


def test_each_request_reads_a_session_of_its_own(db):
    # The same signed data is decoded once a process: what one request changes in its session
    # (and does not save) must not show in the next one's.
    store = SessionStore()
    store["seen"] = ["first"]
    store.save()
    earlier = SessionStore(store.session_key)
    earlier["seen"].append("changed, not saved")
    assert SessionStore(store.session_key)["seen"] == ["first"]
    # An altered copy of the same data is not taken for it.
    data = Session.objects.get(session_key=store.session_key).session_data
    assert SessionStore().decode(data[:-3] + "abc") == {}


def test_the_session_and_its_user_are_read_in_one_query(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    assert Session.objects.get(session_key=key).user_id == people["member"].pk
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("healthz")).status_code == 200  # reads no user
        page = client.get(reverse("assessments:account"))
    assert "mateo" in page.content.decode()
    reads = [q["sql"] for q in queries if "auth_user" in q["sql"]]
    assert len(reads) == 1 and "JOIN" in reads[0], reads


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


@pytest.mark.parametrize("read_first", [False, True])
def test_a_stamp_is_read_with_the_session_or_on_its_own(people, read_first):
    client = Client()
    client.force_login(people["member"])
    request = RequestFactory().get("/")
    request.session = SessionStore(client.cookies["sessionid"].value)
    request.user = SimpleLazyObject(lambda: get_user(request))
    if read_first:  # as when something before the view asked who is signed in
        assert request.user.is_authenticated
    with CaptureQueriesContext(connection) as queries:
        stamp = stamps.of_team(people["team"].pk, request)
        own, teams = stamps.of_own_assessments(request)
    assert stamp[0] == people["team"].pk and stamp[2] == "member"
    assert own[0] is None and [team[0] for team in teams] == [people["team"].pk]
    # With the session when it is yet to be read (then /mine/'s on its own), else each alone.
    sql = [query["sql"] for query in queries]
    table = Session._meta.db_table
    assert len(sql) == 2 and table not in sql[1]
    assert (table in sql[0]) is not read_first
    request.user = AnonymousUser()
    assert stamps.of_own_assessments(request) is None


def test_no_request_is_given_a_user_row_read_for_another(people):
    client = signed_in("mateo", "pw-mateo-123")
    key = client.cookies["sessionid"].value
    Session.objects.filter(session_key=key).update(user_id=None)
    # A row left over from elsewhere, naming mateo with another password: were it used, the
    # session's password hash would not match, and mateo would be signed out.
    stale = [None] * len(auth.user_columns("u").split(", "))
    stale[0], stale[1] = people["member"].pk, "pbkdf2_sha256$1$salt$stale"
    auth.offer(people["member"].pk, stale)
    assert client.get(reverse("assessments:mine")).status_code == 200


def test_a_deleted_accounts_session_is_anonymous(people):
    client = signed_in("xena", "pw-xena-123")
    people["other_team"].delete()
    people["outsider"].delete()
    assert client.get(reverse("assessments:mine")).status_code == 302


def test_the_redis_cache_keeps_one_client_for_its_pool():
    cache = RedisCache("redis://127.0.0.1:6379/5", {"KEY_PREFIX": "client-test"})
    try:
        cache.set("greeting", {"text": "hello"}, 30)
        assert cache.get("greeting") == {"text": "hello"}
        assert cache.add("greeting-count", 1)
        assert cache.incr("greeting-count") == 2
        assert cache._cache.get_client() is cache._cache.get_client()
    finally:
        cache.delete_many(["greeting", "greeting-count"])
