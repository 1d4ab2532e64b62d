"""A published version's structure is read once and served from the cache; what stays
editable (level names, descriptions, guidance, references) shows on the very next request, in
every process."""

import re
import subprocess
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Level, Question
from assessments.services import selectors, versions
from tests.support.http import Client, Form, take_assessment
from tests.support.servers import ROOT, start_server, stop_server


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_published_version_is_loaded_once(client, answered):
    assessment = answered([2] * 7)
    url = reverse("assessments:question", args=[assessment.token, 7])
    # The page's stamp, the assessment, the questions, their options, and the answers with
    # their notes.
    assert queries(client, url) == 5
    # Then the page is kept whole under its stamp.
    assert queries(client, url) == 1
    # Another question of the same version: its structure and the answers come from the cache.
    assert queries(client, reverse("assessments:question", args=[assessment.token, 6])) == 2


def test_a_draft_is_never_cached(default_version):
    draft = versions.create_draft(default_version)
    assert selectors.questions_with_options(draft)[0].text != "Reworded"
    Question.objects.filter(version=draft, order=1).update(text="Reworded")
    assert selectors.questions_with_options(draft)[0].text == "Reworded"


def test_editable_advice_shows_on_the_next_request(client, answered):
    assessment = answered([2] * 7, complete=True)
    url = reverse("assessments:results", args=[assessment.token])
    assert client.get(url).status_code == 200
    level = Level.objects.get(pk=assessment.level_id)
    level.name = "Renamed level"
    level.guidance = "Fresh guidance written a moment ago."
    level.save()
    level.references.update(title="A brand new reading")
    page = client.get(url).content.decode()
    assert "Renamed level" in page and "Fresh guidance written a moment ago." in page
    assert "A brand new reading" in page


def test_a_reference_edited_alone_shows_on_the_next_request(client, answered):
    assessment = answered([1] * 7, complete=True)
    url = reverse("assessments:results", args=[assessment.token])
    json_url = reverse("assessments:results_json", args=[assessment.token])
    assert client.get(url).status_code == 200 and client.get(json_url).status_code == 200
    reference = Level.objects.get(pk=assessment.level_id).references.first()
    reference.title = "Retitled reading"
    reference.save()
    assert "Retitled reading" in client.get(url).content.decode()
    Level.objects.filter(pk=assessment.level_id).get().references.first().delete()
    assert "Retitled reading" not in client.get(url).content.decode()
    level = Level.objects.get(pk=assessment.level_id)
    level.name = "Brand new name"
    level.save()
    assert client.get(json_url).json()["level"]["name"] == "Brand new name"


@pytest.mark.server
def test_an_admin_edit_shows_at_once_in_another_process(tmp_path):
    """Two gunicorn processes share one SQLite database and one Redis cache: an edit made
    through the admin of one shows on the next request to the other."""
    shared = {"CACHE_URL": "redis://127.0.0.1:6379/9", "DJANGO_TRUSTED_PROXY_COUNT": "1"}
    first, base_a, env, _log = start_server(tmp_path, "a.log", WEB_CONCURRENCY="1", **shared)
    second = None
    try:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "shell",
                "--no-imports",
                "-c",
                "from django.core.cache import cache; cache.clear(); "
                "from django.contrib.auth.models import User; "
                "User.objects.create_superuser('root', 'root@example.com', 'pw-root-12345')",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=60,
        )
        second, base_b, _env, _log = start_server(tmp_path, "b.log", WEB_CONCURRENCY="1", **shared)
        visitor_a, visitor_b = Client(base_a), Client(base_b)
        results = take_assessment(visitor_a)
        level_name = re.search(r"Level \d: ([^<]+)</", visitor_a.get(results).text).group(1)
        assert level_name in visitor_b.get(results).text

        admin = Client(base_b)
        assert admin.sign_in("root", "pw-root-12345").status == 302
        levels = admin.get("/admin/assessments/level/?q=" + level_name.replace(" ", "+"))
        change = re.search(r'href="(/admin/assessments/level/\d+/change/)', levels.text).group(1)
        form = admin.get(change)
        fields = Form(form.text, form_id="level_form").as_dict()
        fields.update(name="Edited in process B", guidance="Guidance edited in process B.")
        saved = admin.request("POST", change, fields)
        assert saved.status == 302, saved.text[:2000]

        page = visitor_a.get(results).text
        assert "Edited in process B" in page and "Guidance edited in process B." in page
    finally:
        stop_server(first)
        if second is not None:
            stop_server(second)
