"""A person takes the assessment in Chromium: start, answer, go back, leave, resume, review,
submit and read the results; every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, tab_to
from tests.support.content import DEFAULT_FILE


@pytest.fixture
def questionnaire(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


def option_label(page, score, questionnaire, order):
    text = questionnaire.questions.get(order=order).options.get(score=score).text
    return page.get_by_label(text, exact=True)


def answer(page, questionnaire, order, score):
    expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
    option_label(page, score, questionnaire, order).check()
    page.get_by_role("button", name=re.compile("^Next")).click()


def test_the_whole_flow_with_leave_and_resume(page, new_page, questionnaire):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_text("Your assessment has a private link")).to_be_visible()
    assert_accessible(page)
    private_link = page.locator(".private-link a").get_attribute("href")
    assert page.url.endswith(private_link + "q/1/")

    answer(page, questionnaire, 1, 3)
    option_label(page, 2, questionnaire, 2).check()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_text("Question 1 of 7")).to_be_visible()
    expect(option_label(page, 3, questionnaire, 1)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    expect(option_label(page, 2, questionnaire, 2)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    answer(page, questionnaire, 3, 1)
    page.goto("about:blank")  # the person leaves half way

    later = new_page()
    later.goto(private_link)
    expect(later.get_by_text("Question 4 of 7")).to_be_visible()
    for order, score in [(4, 0), (5, 4), (6, 2), (7, 1)]:
        answer(later, questionnaire, order, score)

    expect(later.get_by_role("heading", name="Review your answers")).to_be_visible()
    assert_accessible(later)
    later.get_by_role("link", name="Change question 3").click()
    option_label(later, 4, questionnaire, 3).check()
    later.get_by_role("button", name="Next").click()
    later.get_by_role("link", name="Review all answers").click()
    later.get_by_role("button", name="Submit and see my result").click()

    # 3 + 2 + 4 + 0 + 4 + 2 + 1 = 16: Level 3 Managed, 4 points short of Optimized.
    expect(later.get_by_role("heading", level=1)).to_have_text("Level 3: Managed")
    expect(later.locator("#total-score")).to_have_text("16 / 28")
    expect(later.get_by_text("4 points to Optimized")).to_be_visible()
    expect(later.get_by_role("heading", name="What to read next")).to_be_visible()
    expect(later.get_by_role("img", name=re.compile("Score 16 of 28"))).to_be_visible()
    assert_accessible(later)

    later.emulate_media(media="print")
    expect(later.locator(".site-header")).to_be_hidden()
    expect(later.get_by_role("link", name="Download as JSON")).to_be_hidden()


def test_highest_answers_everywhere_reach_level_4(page, questionnaire):
    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    for order in range(1, 8):
        answer(page, questionnaire, order, 4)
    page.get_by_role("button", name="Submit and see my result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 4: Optimized")
    expect(page.locator("#total-score")).to_have_text("28 / 28")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    assert download.value.suggested_filename.endswith(".json")


def test_the_keyboard_alone_completes_the_assessment_with_the_lowest_answers(page, questionnaire):
    page.goto("/")
    tab_to(page, "el => el.textContent.trim() === 'Start the assessment'")
    page.keyboard.press("Enter")
    for order in range(1, 8):
        expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
        tab_to(page, "el => el.type === 'radio'")
        page.keyboard.press("Space")
        tab_to(page, "el => el.textContent.trim().startsWith('Next')")
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    tab_to(page, "el => el.textContent.trim() === 'Submit and see my result'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 1: Initial")
    expect(page.locator("#total-score")).to_have_text("0 / 28")


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, questionnaire):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_pages_work_without_javascript(browser, site, questionnaire):
    context = browser.new_context(base_url=site, java_script_enabled=False)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    for order in range(1, 8):
        answer(page, questionnaire, order, 2)
    page.get_by_role("button", name="Submit and see my result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 2: Defined")
    context.close()


def test_error_pages_pass_axe(page, questionnaire):
    page.goto("/no/such/page/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    assert_accessible(page)


def test_the_axe_check_fails_on_an_inaccessible_page(page):
    page.set_content("<html><body><img src='x.png'><input type='text'></body></html>")
    with pytest.raises(AssertionError, match="axe-core found violations"):
        assert_accessible(page)
