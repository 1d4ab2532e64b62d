"""Two people in Chromium: sign up, create a team, invite, take two assessments a few answers
apart, and read the trend and the comparison; axe-core checks every page on the way."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.content import DEFAULT_FILE


@pytest.fixture
def questionnaire(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


def sign_up(page, name):
    page.goto("/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username").fill(name)
    page.get_by_label("Email").fill(f"{name}@example.com")
    page.locator("#id_password1").fill("a-long-pass-phrase")
    page.locator("#id_password2").fill("a-long-pass-phrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text(f"Welcome, {name}")).to_be_visible()


def take(page, questionnaire, scores):
    for order, score in enumerate(scores, start=1):
        text = questionnaire.questions.get(order=order).options.get(score=score).text
        page.get_by_label(text, exact=True).check()
        page.get_by_role("button", name=re.compile("^Next")).click()
    page.get_by_role("button", name="Submit and see my result").click()
    expect(page.locator("#total-score")).to_have_text(f"{sum(scores)} / 28")


def test_a_team_keeps_its_history_and_compares_it(page, new_page, questionnaire):
    sign_up(page, "olivia")
    assert_accessible(page)
    page.get_by_label("Team name").fill("Platform team")
    page.get_by_role("button", name="Create the team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Platform team")
    assert_accessible(page)

    page.get_by_role("link", name="Members").click()
    page.get_by_role("button", name="Make an invitation link").click()
    expect(page.get_by_text("Send this single-use link")).to_be_visible()
    assert_accessible(page)
    invitation_url = page.locator("td.private-link a").first.get_attribute("href")

    mateo = new_page()
    mateo.goto(invitation_url)
    expect(mateo.get_by_role("heading", name="Join Platform team")).to_be_visible()
    assert_accessible(mateo)
    mateo.get_by_role("link", name="Sign up").last.click()
    mateo.get_by_label("Username").fill("mateo")
    mateo.get_by_label("Email").fill("mateo@example.com")
    mateo.locator("#id_password1").fill("a-long-pass-phrase")
    mateo.locator("#id_password2").fill("a-long-pass-phrase")
    mateo.get_by_role("button", name="Sign up").click()
    expect(mateo.get_by_text("You are signed in as mateo")).to_be_visible()
    mateo.get_by_role("button", name="Accept the invitation").click()
    expect(mateo.get_by_text("You are now a member of Platform team")).to_be_visible()

    mateo.get_by_role("button", name="Start a new assessment for this team").click()
    take(mateo, questionnaire, [1, 1, 2, 1, 1, 0, 1])

    page.goto("/teams/")
    page.get_by_role("link", name="Platform team").click()
    expect(page.locator("p.lead")).to_contain_text("Level 1: Initial · 7 / 28")
    page.get_by_role("button", name="Start from the latest answers").click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    page.get_by_role("link", name="Change question 2").click()
    text = questionnaire.questions.get(order=2).options.get(score=3).text
    page.get_by_label(text, exact=True).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("link", name="Review all answers").click()
    page.get_by_role("button", name="Submit and see my result").click()
    expect(page.locator("#total-score")).to_have_text("9 / 28")

    page.get_by_role("link", name="Back to the team's history").click()
    expect(page.get_by_role("img", name=re.compile("over time"))).to_be_visible()
    expect(page.locator("table").filter(has_text="olivia")).to_be_visible()
    expect(page.locator("table").filter(has_text="mateo")).to_be_visible()
    page.get_by_text("The figures behind the picture").click()
    assert_accessible(page)

    page.get_by_role("link", name="Compare").click()
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", name="Answers that changed")).to_be_visible()
    expect(page.get_by_text(text)).to_be_visible()
    expect(page.locator("td.change-up")).to_have_text("+2")
    assert_accessible(page)

    mateo.goto(page.url)
    expect(mateo.get_by_role("heading", name="Answers that changed")).to_be_visible()


def test_a_shared_result_hides_the_team(page, new_page, questionnaire):
    sign_up(page, "olivia")
    page.get_by_label("Team name").fill("Secret project")
    page.get_by_role("button", name="Create the team").click()
    page.get_by_role("button", name="Start a new assessment for this team").click()
    take(page, questionnaire, [2] * 7)
    page.get_by_role("button", name="Make a read-only share link").click()
    shared_url = page.locator("li.private-link a").first.get_attribute("href")
    assert_accessible(page)

    stranger = new_page()
    stranger.goto(shared_url)
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Level 2: Defined")
    expect(stranger.get_by_text("Secret project")).to_have_count(0)
    expect(stranger.get_by_text("olivia")).to_have_count(0)
    assert_accessible(stranger)

    page.get_by_role("button", name="Revoke this share link").click()
    stranger.reload()
    expect(stranger.get_by_role("heading", name="no longer available")).to_be_visible()
