"""What a security review found, each as a test that catches its return: private pages kept
out of caches, rate limits, sign-in lockout along three axes, spreadsheet formulas in exports,
unique email addresses and no record of successful sign-ins."""

import csv
import io
from urllib.parse import quote

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.messages.storage.cookie import CookieStorage
from django.core import mail
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import Assessment
from assessments.services import history, teams


def assert_not_cached(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, (response.request["PATH_INFO"], directives)


def test_private_pages_are_never_cached(client, people, team_assessment):
    completed = team_assessment([2] * 7)
    in_progress = team_assessment([1] * 7, complete=False)
    link = teams.share(completed, people["member"])
    invitation = teams.create_invitation(people["team"], people["owner"])
    team = people["team"].pk
    client.force_login(people["member"])
    urls = [
        reverse("assessments:results", args=[completed.token]),
        reverse("assessments:results_json", args=[completed.token]),
        reverse("assessments:resume", args=[in_progress.token]),
        reverse("assessments:question", args=[in_progress.token, 1]),
        reverse("assessments:review", args=[in_progress.token]),
        reverse("assessments:shared", args=[link.token]),
        reverse("assessments:invitation", args=[invitation.token]),
        reverse("assessments:mine"),
        reverse("assessments:teams"),
        reverse("assessments:team", args=[team]),
        reverse("assessments:team_members", args=[team]),
        reverse("assessments:compare", args=[team]),
        reverse("assessments:export_csv", args=[team]),
        reverse("assessments:export_json", args=[team]),
        reverse("assessments:team_assessment", args=[team, completed.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        assert_not_cached(response)


def test_starting_is_rate_limited_per_client_address(client, default_version, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "3/m"}
    start = reverse("assessments:start")
    for _ in range(3):
        assert client.post(start, REMOTE_ADDR="198.51.100.7").status_code == 302
    refused = client.post(start, REMOTE_ADDR="198.51.100.7")
    assert refused.status_code == 429
    assert b"Too many requests" in refused.content
    assert Assessment.objects.count() == 3
    assert client.post(start, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_behind_a_proxy_the_forwarded_client_is_counted(client, default_version, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "2/m"}
    settings.TRUSTED_PROXY_COUNT = 1
    start = reverse("assessments:start")
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        assert client.post(start, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 302
    assert client.post(start, HTTP_X_FORWARDED_FOR="203.0.113.1", **proxy).status_code == 429
    assert client.post(start, HTTP_X_FORWARDED_FOR="203.0.113.2", **proxy).status_code == 302


def sign_up(client, name, email=None, **extra):
    return client.post(
        reverse("assessments:signup"),
        {
            "username": name,
            "email": email or f"{name}@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        **extra,
    )


def test_sign_up_is_rate_limited_per_client_address(client, db, settings, django_user_model):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": "2/h"}
    for name in ("ana", "ben"):
        assert sign_up(client, name).status_code == 302
        client.logout()
    assert sign_up(client, "cy").status_code == 429
    assert not django_user_model.objects.filter(username="cy").exists()


def test_password_reset_is_rate_limited_per_address_and_per_email(client, people, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "password_reset": "3/h",
        "password_reset_email": "2/h",
    }
    reset = reverse("password_reset")
    # One email address, asked for from several places: two mails, then no more.
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        client.post(reset, {"email": " Olivia@Example.com"}, REMOTE_ADDR=address)
    assert len(mail.outbox) == 2
    # One place asking for several addresses: three requests, then 429.
    for email in ("mateo@example.com", "xena@example.com", "nobody@example.com"):
        assert client.post(reset, {"email": email}, REMOTE_ADDR="192.0.2.9").status_code == 302
    assert (
        client.post(reset, {"email": "x@example.com"}, REMOTE_ADDR="192.0.2.9").status_code == 429
    )
    assert len(mail.outbox) == 4


def sign_in(client, username, password, address="192.0.2.50"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    ).status_code


@pytest.fixture
def five_accounts(db, django_user_model):
    return [
        django_user_model.objects.create_user(f"user{n}", f"user{n}@example.com", f"pw-user-{n}")
        for n in range(6)
    ]


def test_spraying_usernames_from_one_address_is_locked_out(client, five_accounts):
    # 20 wrong passwords over 5 usernames: never 5 for one name, but 20 from the address.
    for attempt in range(19):
        assert sign_in(client, f"user{attempt % 5}", "wrong") == 200
    assert sign_in(client, "user4", "wrong") == 429
    assert sign_in(client, "user5", "pw-user-5") == 429
    assert sign_in(client, "user5", "pw-user-5", address="192.0.2.51") == 302


def test_signing_in_to_ones_own_account_does_not_clear_the_address_count(client, five_accounts):
    for attempt in range(19):
        assert sign_in(client, f"user{attempt % 5}", "wrong") == 200
    assert sign_in(client, "user5", "pw-user-5") == 302
    client.logout()
    assert sign_in(client, "user4", "wrong") == 429
    assert sign_in(client, "user4", "pw-user-4") == 429


def test_guessing_one_username_from_many_addresses_is_locked_out(client, five_accounts, settings):
    settings.LOGIN_FAILURE_LIMITS = (5, 20, 12)
    for n in range(11):
        assert sign_in(client, "user0", "wrong", address=f"198.18.0.{n + 1}") == 200
    assert sign_in(client, "user0", "wrong", address="198.18.0.99") == 429
    assert sign_in(client, "user0", "pw-user-0", address="198.18.1.1") == 429
    assert sign_in(client, "user1", "pw-user-1", address="198.18.1.1") == 302


def test_each_axis_has_its_own_configurable_limit(client, five_accounts, settings):
    settings.LOGIN_FAILURE_LIMITS = (3, 20, 50)
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert sign_in(client, "user0", "wrong") == 200
    assert sign_in(client, "user0", "wrong") == 429
    assert sign_in(client, "user0", "pw-user-0") == 429
    assert AccessAttempt.objects.count() == 1


def test_a_successful_sign_in_leaves_no_record(client, five_accounts):
    assert sign_in(client, "user0", "pw-user-0") == 302
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "\t=1+1", "  +cmd", "\n-2", " @SUM(A1)"])
def test_the_csv_guard_catches_formulas_after_whitespace(cell):
    row = history.HistoryRow(
        questionnaire="genaiops",
        started="2026-01-01",
        completed="",
        taken_by=cell,
        version=1,
        status="completed",
        total=1,
        maximum=28,
        level=cell,
        dimensions={},
        answers={},
    )
    written = list(
        csv.reader(
            io.StringIO("".join(history.csv_lines([row], dimension_keys=[], question_keys=[])))
        )
    )[1]
    # After the questionnaire and two dates: who took it; after the figures: the level.
    assert written[3] == written[8] == "'" + cell


def test_the_csv_guard_leaves_plain_text_alone():
    row = history.HistoryRow(
        "genaiops", "", "", " olivia", 1, "completed", 1, 28, "Managed", {}, {}
    )
    written = list(
        csv.reader(
            io.StringIO("".join(history.csv_lines([row], dimension_keys=[], question_keys=[])))
        )
    )[1]
    assert written[3] == " olivia" and written[8] == "Managed"


def test_sign_up_refuses_an_email_address_in_use_whatever_its_case(client, people):
    response = sign_up(client, "olivia2", "OLIVIA@example.com")
    assert response.status_code == 400
    assert b"An account with this email address already exists." in response.content


def test_the_database_refuses_a_second_account_with_the_same_email(people, django_user_model):
    with pytest.raises(IntegrityError):
        django_user_model.objects.create_user("olivia2", "Olivia@Example.COM", "pw-123456")


def test_the_admin_refuses_an_email_address_in_use(admin_client, people):
    member = people["member"]
    response = admin_client.post(
        reverse("admin:auth_user_change", args=[member.pk]),
        {
            "username": member.username,
            "email": "OLIVIA@example.com",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert b"An account with this email address already exists." in response.content
    member.refresh_from_db()
    assert member.email == "mateo@example.com"


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_oldest_account_of_a_duplicate_address(django_user_model):
    executor = MigrationExecutor(connection)
    executor.migrate([("assessments", "0002_teams")])
    apps = executor.loader.project_state([("assessments", "0002_teams")]).apps
    User = apps.get_model("auth", "User")
    from django.utils import timezone

    now = timezone.now()
    User.objects.create(username="first", email="Same@example.com", date_joined=now)
    User.objects.create(
        username="second", email="same@EXAMPLE.com", date_joined=now + timezone.timedelta(1)
    )
    User.objects.create(username="other", email="other@example.com", date_joined=now)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    emails = dict(django_user_model.objects.values_list("username", "email"))
    assert emails == {"first": "Same@example.com", "second": "", "other": "other@example.com"}
    second = django_user_model.objects.get(username="second")
    assert list(second.groups.values_list("name", flat=True)) == ["Duplicate email address cleared"]


def test_password_reset_tokens_are_redacted_from_logs():
    from maturity.log_redaction import redact

    line = '"GET /accounts/reset/MQ/cz8x9k-0123456789abcdef/ HTTP/1.1" 302'
    assert redact(line) == '"GET /accounts/reset/[redacted]/[redacted]/ HTTP/1.1" 302'
    assert (
        redact("/a/secret-token/q/1/ and /shared/x/")
        == "/a/[redacted]/q/1/ and /shared/[redacted]/"
    )


SECRET = "tok3n-0123456789_abcdef"


def encoded(text: str, times: int, lower: bool = False) -> str:
    for _ in range(times):
        text = quote(text, safe="")
    return text.lower() if lower else text


@pytest.mark.parametrize("prefix", ["/a/", "/invitations/", "/shared/"])
@pytest.mark.parametrize(
    ("times", "lower"), [(1, False), (2, False), (1, True), (3, False)], ids=str
)
def test_a_token_percent_encoded_in_a_query_string_is_redacted(prefix, times, lower):
    from maturity.log_redaction import redact

    target = encoded(f"{prefix}{SECRET}/q/1/", times, lower)
    line = f'"GET /accounts/login/?next={target}&x=1 HTTP/1.1" 200 "https://h/?next={target}"'
    redacted = redact(line)
    assert SECRET.lower() not in redacted.lower()
    assert redacted.count("[redacted]") == 2
    assert redacted.startswith('"GET /accounts/login/?next=') and "&x=1 HTTP/1.1" in redacted


def test_a_token_with_percent_encoded_letters_in_its_path_is_redacted():
    from maturity.log_redaction import redact

    # Django decodes the path before it resolves it: /a/%74ok3n.../ opens the assessment too.
    line = '"GET /a/%74ok3n-0123456789_abcdef/results/ HTTP/1.1" 200'
    assert redact(line) == '"GET /a/[redacted]/results/ HTTP/1.1" 200'


def test_a_password_reset_link_percent_encoded_in_a_query_string_is_redacted():
    from maturity.log_redaction import redact

    target = encoded("/accounts/reset/MQ/cz8x9k-0123456789abcdef/", 1)
    redacted = redact(f'"GET /accounts/login/?next={target} HTTP/1.1" 302')
    assert "MQ" not in redacted and "cz8x9k" not in redacted


def test_one_ipv6_network_is_counted_as_one_client(client, default_version, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "2/m"}
    start = reverse("assessments:start")
    assert client.post(start, REMOTE_ADDR="2001:db8:1:2::1").status_code == 302
    assert client.post(start, REMOTE_ADDR="2001:db8:1:2::ffff").status_code == 302
    assert client.post(start, REMOTE_ADDR="2001:db8:1:2:abcd::9").status_code == 429
    assert client.post(start, REMOTE_ADDR="2001:db8:1:3::1").status_code == 302


def test_starting_from_earlier_answers_counts_as_starting(
    client, people, team_assessment, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "1/m"}
    previous = team_assessment([2] * 7)
    client.force_login(people["member"])
    url = reverse("assessments:start_from", args=[people["team"].pk, previous.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 429


def test_pages_are_served_while_the_shared_cache_is_down(client, answered, settings):
    completed = answered([3] * 7, complete=True)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get(reverse("assessments:results", args=[completed.token]))
    assert response.status_code == 200
    assert "21 / 28" in response.content.decode()


def test_an_address_differing_only_in_unicode_case_never_gives_a_500(client, people):
    response = sign_up(client, "kate", "\u212aate@example.com")
    assert response.status_code in (302, 400)


def test_a_request_body_over_the_limit_is_refused_and_saves_nothing(
    client, default_version, settings
):
    from assessments.services import assessments

    assessment = assessments.start(default_version)
    question = assessment.version.questions.get(order=1)
    option = question.options.first()
    body = {"option": option.pk, "note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)}
    response = client.post(f"/a/{assessment.token}/q/1/", body)
    assert response.status_code in (400, 413)
    assert not assessment.answers.exists()


def test_a_limit_says_when_to_try_again_and_resets_after_its_window(
    client, default_version, settings, monkeypatch
):
    from django_ratelimit import core

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "2/m"}
    now = [1_800_000_000.0]
    # django-ratelimit counts in fixed windows of the clock: move its clock on.
    monkeypatch.setattr(core.time, "time", lambda: now[0])
    start = reverse("assessments:start")
    for _ in range(2):
        assert client.post(start, REMOTE_ADDR="198.51.100.9").status_code == 302
    refused = client.post(start, REMOTE_ADDR="198.51.100.9")
    assert refused.status_code == 429
    seconds = int(refused["Retry-After"])
    assert 1 <= seconds <= 60
    assert f"Try again in {seconds} second" in refused.content.decode()
    # Once the window is over, the address may start again.
    now[0] += seconds + 1
    assert client.post(start, REMOTE_ADDR="198.51.100.9").status_code == 302


def delete_my_account(client, password):
    return client.post(reverse("assessments:delete_account"), {"password": password})


def change_my_password(client, old, new="a-new-long-pass-phrase"):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_too_many_wrong_passwords_on_the_delete_page_lock_it_and_delete_nothing(
    client, people, settings, django_user_model
):
    client.force_login(people["member"])
    wrong = [delete_my_account(client, "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)]
    response = delete_my_account(client, "pw-mateo-123")
    assert django_user_model.objects.filter(username="mateo").exists()
    assert [r.status_code for r in wrong] == [400] * (len(wrong) - 1) + [429]
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    # The pause is the sign-in's too: the same guesses cannot go on there.
    client.logout()
    assert sign_in(client, "mateo", "pw-mateo-123", address="127.0.0.1") == 429


def test_too_many_wrong_old_passwords_lock_the_password_change_and_change_nothing(
    client, people, settings
):
    client.force_login(people["member"])
    wrong = [change_my_password(client, "wrong") for _ in range(settings.AXES_FAILURE_LIMIT)]
    response = change_my_password(client, "pw-mateo-123")
    people["member"].refresh_from_db()
    assert not people["member"].check_password("a-new-long-pass-phrase")
    assert people["member"].check_password("pw-mateo-123")
    assert [r.status_code for r in wrong] == [200] * (len(wrong) - 1) + [429]
    assert response.status_code == 429


def test_the_right_password_deletes_the_account_before_any_failure(
    client, people, django_user_model
):
    client.force_login(people["member"])
    assert delete_my_account(client, "pw-mateo-123").status_code == 302
    assert not django_user_model.objects.filter(username="mateo").exists()


def test_the_right_old_password_changes_the_password_before_any_failure(client, people):
    client.force_login(people["member"])
    assert change_my_password(client, "pw-mateo-123").status_code == 302
    people["member"].refresh_from_db()
    assert people["member"].check_password("a-new-long-pass-phrase")


def cookie_texts(response) -> list[str]:
    """Every cookie the response sets, as sent and, for the notices, as read back."""
    texts = [morsel.value for morsel in response.cookies.values()]
    request = RequestFactory().get("/")
    request.COOKIES = {name: morsel.value for name, morsel in response.cookies.items()}
    texts += [str(message) for message in CookieStorage(request)]
    return texts


def test_a_new_invitation_link_travels_in_no_cookie(client, people):
    team = people["team"]
    client.force_login(people["owner"])
    response = client.post(reverse("assessments:invite", args=[team.pk]))
    invitation = team.invitations.filter(used_at__isnull=True).get()
    assert response.status_code == 302
    assert not [text for text in cookie_texts(response) if invitation.token in text]
    page = client.get(response["Location"])
    # The owner still finds it on the page they land on, to copy.
    assert invitation.token in page.content.decode()
    assert "Send this single-use link" in page.content.decode()
    assert not [text for text in cookie_texts(page) if invitation.token in text]


def test_a_new_share_link_travels_in_no_cookie(client, people, team_assessment):
    assessment = team_assessment([2] * 7)
    client.force_login(people["member"])
    response = client.post(reverse("assessments:share", args=[people["team"].pk, assessment.pk]))
    link = assessment.share_links.get()
    assert response.status_code == 302
    assert not [text for text in cookie_texts(response) if link.token in text]
    page = client.get(response["Location"])
    assert link.token in page.content.decode()
    assert "Anyone with this link can read the result" in page.content.decode()
    assert not [text for text in cookie_texts(page) if link.token in text]
