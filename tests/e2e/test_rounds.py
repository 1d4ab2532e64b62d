"""Rounds in Chromium: three members answer alone (one with the keyboard only), the owner reads
the disagreement, agrees and records; an action planned from the result is done and the next
round shows the answer moving up; a round answered with JavaScript off. axe-core checks every
new page on the way.

Set SCREENSHOTS_DIR to save the owner's view of the disagreement as round.png there (the README
shows it); without it nothing is written."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, tab_to
from tests.support.content import DEFAULT_FILE

PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def questionnaire(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


@pytest.fixture
def team(questionnaire):
    """Platform team: olivia owns it, mateo and amara are members."""
    from assessments.services import teams

    users = {
        name: get_user_model().objects.create_user(name, f"{name}@example.com", PASSWORD)
        for name in ("olivia", "mateo", "amara")
    }
    team = teams.create_team(users["olivia"], "Platform team")
    for name in ("mateo", "amara"):
        teams.accept_invitation(teams.create_invitation(team, users["olivia"]).token, users[name])
    team.users = users
    return team


def option(questionnaire, order, score):
    return questionnaire.questions.get(order=order).options.get(score=score)


def sign_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def answer_by_clicking(page, questionnaire, scores, notes=None, check=False):
    """Answer the round's questions with `scores` (and `notes`: question order -> text), and
    submit; with `check`, run axe-core on the first question page and the review page."""
    for order, score in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
        if check and order == 1:
            expect(page.get_by_text("Your own answers to the round")).to_be_visible()
            assert_accessible(page)
        page.get_by_label(option(questionnaire, order, score).text, exact=True).check()
        if notes and order in notes:
            page.get_by_label("Note (optional)").fill(notes[order])
        page.get_by_role("button", name=re.compile("^Next")).click()
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    if check:
        assert_accessible(page)
    page.get_by_role("button", name="Submit and see my result").click()


def answer_by_keyboard(page, questionnaire, scores):
    """Tab to each question's options, Space on the first, the arrow keys down to the answer,
    Enter on Next; then Enter on Submit. No clicks."""
    for order, score in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
        tab_to(page, "el => el.type === 'radio'")
        page.keyboard.press("Space")
        for _ in range(score):
            page.keyboard.press("ArrowDown")
        expect(
            page.get_by_label(option(questionnaire, order, score).text, exact=True)
        ).to_be_checked()
        tab_to(page, "el => el.textContent.trim().startsWith('Next')")
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    tab_to(page, "el => el.textContent.trim() === 'Submit and see my result'")
    page.keyboard.press("Enter")


def save_screenshot(page, name):
    directory = os.environ.get("SCREENSHOTS_DIR")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / name))


def test_three_members_answer_alone_and_the_owner_agrees_and_records(
    page, new_page, questionnaire, team
):
    team_url = f"/teams/{team.pk}/"
    rounds_url = f"/teams/{team.pk}/rounds/"
    sign_in(page, "olivia", rounds_url)
    expect(page.get_by_text("The team has held no round yet.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Title").fill("Q1 2027 review")
    closes_on = timezone.localdate() + timedelta(days=14)
    page.get_by_label("Closing date").fill(closes_on.isoformat())
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Q1 2027 review")
    expect(page.get_by_text("Q1 2027 review is open")).to_be_visible()
    expect(page.get_by_text("0 of 3 members have submitted.")).to_be_visible()
    assert_accessible(page)
    round_url = page.url

    # mateo answers first, with a note, by clicking; axe checks the pages of a round's answers.
    mateo = new_page()
    sign_in(mateo, "mateo", team_url)
    expect(mateo.get_by_role("heading", name="Open round: Q1 2027 review")).to_be_visible()
    mateo.get_by_role("button", name="Answer this round").click()
    note = "We fine-tune where the base model falls short"
    answer_by_clicking(mateo, questionnaire, [4, 3, 3, 3, 3, 3, 3], notes={1: note}, check=True)
    expect(mateo.get_by_role("heading", level=1)).to_have_text("Q1 2027 review")
    expect(mateo.get_by_text("You have submitted your answers.")).to_be_visible()
    expect(mateo.get_by_text("1 of 3 members have submitted.")).to_be_visible()
    expect(mateo.get_by_role("heading", name="How far the team agrees")).to_be_visible()
    assert_accessible(mateo)

    # The owner sees who has submitted, not what, before answering.
    page.reload()
    expect(page.get_by_text("1 of 3 members have submitted.")).to_be_visible()
    expect(page.get_by_role("row", name="mateo Submitted")).to_be_visible()
    expect(page.get_by_text(note)).to_have_count(0)
    expect(page.get_by_text("once you have submitted yours")).to_be_visible()

    # amara answers with the keyboard alone, from the team page to the round page.
    amara = new_page()
    sign_in(amara, "amara", team_url)
    tab_to(amara, "el => el.textContent.trim() === 'Answer this round'")
    amara.keyboard.press("Enter")
    answer_by_keyboard(amara, questionnaire, [0, 1, 1, 1, 1, 1, 1])
    expect(amara.get_by_role("heading", level=1)).to_have_text("Q1 2027 review")
    expect(amara.get_by_text("2 of 3 members have submitted.")).to_be_visible()
    expect(amara.get_by_text(note)).to_be_visible()

    # The owner answers last, from the round page, and lands on the disagreement.
    page.get_by_role("button", name="Answer this round").click()
    answer_by_clicking(page, questionnaire, [2] * 7)
    expect(page).to_have_url(round_url)
    expect(page.get_by_text("3 of 3 members have submitted.")).to_be_visible()
    first = questionnaire.questions.get(order=1)
    article = page.locator(f"#question-{first.pk}")
    # Answers 0, 2 and 4 on question 1: the widest spread, so it comes first.
    expect(page.locator("article").first).to_have_id(f"question-{first.pk}")
    expect(article.get_by_text("Spread: 4 points")).to_be_visible()
    expect(article.get_by_text("1 of 3 answers within one step of the median.")).to_be_visible()
    expect(article.get_by_role("img", name=re.compile("How many members chose"))).to_be_visible()
    expect(article.get_by_role("row", name=re.compile(r"^1 .* 0 1$"))).to_be_visible()
    expect(article.get_by_role("row", name=re.compile(r"^mateo .*fine-tune"))).to_be_visible()
    median = option(questionnaire, 1, 2)
    expect(article.get_by_text(f"Agreed answer: {median.text} · the median")).to_be_visible()
    assert_accessible(page)

    # Closed: the owner changes question 1's agreed answer with a reason, then records.
    page.get_by_role("button", name="Close the round").click()
    expect(page.get_by_text("The round is closed: it takes no more answers.").first).to_be_visible()
    expect(article.get_by_label("Agreed answer")).to_be_visible()
    assert_accessible(page)
    higher = option(questionnaire, 1, 3)
    article.get_by_label("Agreed answer").select_option(str(higher.pk))
    article.get_by_label("Reason for the change").fill("Two products document their model choice")
    article.get_by_role("button", name="Save the agreed answer to question 1").click()
    expect(page.get_by_text("The agreed answer is saved.")).to_be_visible()
    expect(
        article.get_by_text("changed from the median because: Two products document")
    ).to_be_visible()
    expect(article.get_by_role("button", name="Back to the median")).to_be_visible()
    assert_accessible(page)
    article.evaluate("el => el.scrollIntoView({block: 'start'})")
    save_screenshot(page, "round.png")

    page.get_by_role("button", name="Record the agreed result").click()
    expect(page.get_by_text("The agreed result is recorded in the team's history.")).to_be_visible()
    expect(page.get_by_text("agreed by 3 of 3 members")).to_be_visible()
    expect(page.get_by_label("Agreed answer")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("navigation", name="Team").get_by_role("link", name="Overview").click()
    expect(page.locator("p.lead")).to_contain_text("Level 3: Managed · 15 / 28")
    expect(page.get_by_text("Q1 2027 review: agreed by 3 of 3 members")).to_be_visible()
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Rounds").click()
    expect(page.get_by_role("row", name=re.compile("Q1 2027 review .* Recorded"))).to_be_visible()
    assert_accessible(page)


def recorded_round(team, questionnaire, scores):
    """A round that olivia and mateo answered with `scores`, closed and recorded."""
    from assessments.services import assessments, rounds, selectors
    from tests.support.content import choose

    owner = selectors.membership_of(team.users["olivia"], team.pk)
    round = rounds.open_round(team=team, membership=owner, title="Q1 2027 review")
    for name in ("olivia", "mateo"):
        own = rounds.answers_of(
            round=round, membership=selectors.membership_of(team.users[name], team.pk)
        )
        choose(own, scores)
        assessments.complete(own)
    rounds.close_round(round=round, membership=owner)
    rounds.record_result(round=round, membership=owner)
    return round


def test_an_action_done_since_the_last_result_shows_the_answer_moving_up(page, questionnaire, team):
    first = recorded_round(team, questionnaire, [1] * 7)
    sign_in(page, "olivia", first.get_absolute_url())
    expect(page.get_by_text("agreed by 2 of 3 members")).to_be_visible()

    # From the round: an action on question 4, its text the next step up from the agreed answer.
    page.get_by_role("link", name="Plan an action on question 4").click()
    expect(page.get_by_role("heading", name="New action")).to_be_visible()
    next_step = option(questionnaire, 4, 2).text
    expect(page.get_by_label("Action")).to_have_value(f"Get to: {next_step}")
    assert_accessible(page)
    page.get_by_label("Owner").select_option(label="mateo")
    page.get_by_label("Due").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action is in the team's plan.")).to_be_visible()
    expect(page.get_by_role("heading", name="Action", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Status").select_option(label="Done")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("The action is saved.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("olivia Status Planned Done"))).to_be_visible()
    assert_accessible(page)

    # From the recorded result: an overdue action on question 2, first on the team page.
    page.goto(first.get_absolute_url())
    page.get_by_role("link", name="Open the agreed result").click()
    page.get_by_label("Turn a question's next step into an action").select_option(
        str(questionnaire.questions.get(order=2).pk)
    )
    page.get_by_role("button", name="Plan an action").click()
    expect(page.get_by_label("Action")).to_have_value(f"Get to: {option(questionnaire, 2, 2).text}")
    page.get_by_label("Due").fill((timezone.localdate() - timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action is in the team's plan.")).to_be_visible()
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Actions").click()
    expect(page.get_by_role("heading", name="Action plan")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("overdue"))).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile("Done"))).to_have_count(1)
    assert_accessible(page)

    # A target: level 3 by a date; the team page shows the gap and the open actions.
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Target").click()
    expect(page.get_by_label("Target level")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Target level").select_option(label="Level 3: Managed")
    page.get_by_label("Target date").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Save the target").click()
    expect(page.get_by_text("The team's target is set.")).to_be_visible()
    expect(page.get_by_role("heading", name="Target", exact=True)).to_be_visible()
    expect(page.get_by_text("8 points to go for the target level.")).to_be_visible()
    open_actions = page.locator("section", has=page.get_by_role("heading", name="Open actions"))
    expect(open_actions.get_by_role("row").nth(1)).to_contain_text("overdue")
    assert_accessible(page)

    # The next round: the owner answers question 4 higher; the done action shows "Up".
    page.get_by_role("navigation", name="Team").get_by_role("link", name="Rounds").click()
    page.get_by_label("Title").fill("Q2 2027 review")
    page.get_by_role("button", name="Open the round").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Q2 2027 review")
    page.get_by_role("button", name="Answer this round").click()
    answer_by_clicking(page, questionnaire, [1, 1, 1, 3, 1, 1, 1])
    expect(page.get_by_role("heading", level=1)).to_have_text("Q2 2027 review")
    movement = page.locator("section", has=page.get_by_role("heading", name="Actions done since"))
    expect(movement.get_by_role("row")).to_have_count(2)
    expect(movement.get_by_role("row").nth(1)).to_contain_text(f"Get to: {next_step}")
    expect(movement.get_by_role("row").nth(1).get_by_role("cell").nth(2)).to_have_text("1")
    expect(movement.get_by_role("row").nth(1).get_by_role("cell").nth(3)).to_have_text("3")
    expect(movement.get_by_role("row").nth(1).get_by_role("cell").nth(4)).to_have_text("Up")
    assert_accessible(page)


def test_a_round_works_with_javascript_off(browser, site, questionnaire, team):
    from assessments.services import rounds, selectors

    owner = selectors.membership_of(team.users["olivia"], team.pk)
    round = rounds.open_round(team=team, membership=owner, title="Q1 2027 review")
    context = browser.new_context(base_url=site, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, "mateo", f"/teams/{team.pk}/")
    page.get_by_role("button", name="Answer this round").click()
    answer_by_clicking(page, questionnaire, [3] * 7)
    expect(page).to_have_url(re.compile(re.escape(round.get_absolute_url()) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Q1 2027 review")
    expect(page.get_by_text("You have submitted your answers.")).to_be_visible()
    expect(page.get_by_text("1 of 3 members have submitted.")).to_be_visible()
    expect(page.get_by_role("heading", name="How far the team agrees")).to_be_visible()
    context.close()
