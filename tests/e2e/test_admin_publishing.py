"""An admin makes a new draft, edits a question, previews and publishes it in Chromium;
respondents then get the new wording while the old result keeps the old one."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.content import DEFAULT_FILE, choose


@pytest.fixture
def admin_page(page, site, django_user_model):
    from assessments.services import questionnaire_io

    questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8"))
    django_user_model.objects.create_superuser("admin", "admin@example.com", "a-long-password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("a-long-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def test_admin_edits_previews_and_publishes_a_new_version(admin_page):
    from assessments.models import QuestionnaireVersion
    from assessments.services import assessments

    old_version = QuestionnaireVersion.objects.get()
    old = assessments.start(old_version)
    choose(old, [1] * 7)
    old = assessments.complete(old)

    page = admin_page
    page.get_by_role("link", name="Questionnaire versions").click()
    expect(
        page.get_by_role("heading", name="Select questionnaire version to change")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"version 1 \(Published\)")).click()
    expect(page.get_by_text("are frozen")).to_be_visible()
    page.get_by_role("button", name="Make a new draft from this version").click()
    expect(page.get_by_text("version 2 (Draft) is ready to edit")).to_be_visible()
    expect(page.get_by_text("passes every check")).to_be_visible()
    assert_accessible(page)
    draft_url = page.url

    draft = QuestionnaireVersion.objects.get(number=2)
    question = draft.questions.get(order=1)
    page.goto(f"/admin/assessments/question/{question.pk}/change/")
    assert_accessible(page)
    page.locator("textarea[name=text]").fill("Which models have you compared for this use case?")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("was changed successfully")).to_be_visible()

    page.goto(draft_url)
    page.get_by_role("link", name="Preview").first.click()
    expect(page.get_by_text("Which models have you compared for this use case?")).to_be_visible()
    assert_accessible(page)

    page.goto(draft_url)
    page.get_by_role("button", name="Save and publish this draft").click()
    expect(page.get_by_text("is published: new assessments use it")).to_be_visible()

    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Which models have you compared for this use case?")).to_be_visible()

    page.goto(f"/a/{old.token}/results/")
    expect(page.get_by_text(old_version.questions.get(order=1).text)).to_be_visible()
    expect(page.get_by_text("Answered on version 1")).to_be_visible()


def test_publishing_an_invalid_draft_lists_the_problems(admin_page):
    from assessments.models import Level, QuestionnaireVersion
    from assessments.services import versions

    draft = versions.create_draft(QuestionnaireVersion.objects.get())
    Level.objects.filter(version=draft, number=2).update(min_score=11)
    page = admin_page
    page.goto(f"/admin/assessments/questionnaireversion/{draft.pk}/change/")
    expect(page.get_by_text("Before this draft can be published")).to_be_visible()
    page.get_by_role("button", name="Save and publish this draft").click()
    expect(page.get_by_text("was not published")).to_be_visible()
    page.get_by_role("link", name="Level 2 must start at 10, right after level 1.").first.click()
    expect(page.get_by_text("Blocks publishing: Level 2 must start at 10")).to_be_visible()
    assert_accessible(page)
