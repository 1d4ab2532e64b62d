"""The pages a security fix added, in Chromium with axe-core: a colleague reading an unfinished
team assessment, the refusal to change it, and the page for too many requests."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.content import DEFAULT_FILE, choose


@pytest.fixture
def questionnaire(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name=f"Sign out {username}")).to_be_visible()


def test_a_colleague_reads_an_unfinished_assessment_without_changing_it(
    page, questionnaire, django_user_model
):
    from assessments.services import teams

    owner = django_user_model.objects.create_user("olivia", "olivia@example.com", "pw-olivia-1")
    colleague = django_user_model.objects.create_user("chen", "chen@example.com", "pw-chen-1")
    team = teams.create_team(owner, "Platform team")
    teams.accept_invitation(teams.create_invitation(team, owner).token, colleague)
    assessment = teams.start_for_team(questionnaire, owner, team)
    choose(assessment, [3] * 7)

    sign_in(page, "chen", "pw-chen-1")
    page.goto(f"/teams/{team.pk}/")
    page.locator("table").last.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.get_by_text("only the member who took it or a team owner")).to_be_visible()
    expect(page.get_by_role("button", name="Submit and see my result")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"/a/{assessment.token}/q/1/")
    expect(page.get_by_role("heading", name="You cannot do that here")).to_be_visible()
    expect(page.get_by_text("Only the member who took this assessment")).to_be_visible()
    assert_accessible(page)


def test_too_many_starts_show_the_429_page(page, questionnaire, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "start": "1/m"}
    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", name="Too many requests")).to_be_visible()
    assert_accessible(page)
