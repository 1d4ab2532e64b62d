"""More than one questionnaire in Chromium: with two published the home page lists both; a
person starts the second one (5 levels, 3 dimensions, 10 questions) from its entry, sees its
title in the header and its attribution in the footer on every page, and reads a result with
five level bands and dimension bars instead of the map. Then "not applicable": a copy of the
shipped questionnaire offers it on its last question, the person chooses it and the results
say how the score was scaled. axe-core checks every page on the way.

Set SCREENSHOTS_DIR to save the two-entry home page as catalogue.png there (the README shows
it); without it nothing is written."""

import json
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.content import DEFAULT_FILE, import_document, second_document

SECOND_TITLE = "Responsible AI Maturity Check"
SECOND_ATTRIBUTION = "A test questionnaire, written for this suite."
SHIPPED_TITLE = "GenAIOps Maturity Model Assessment"
SHIPPED_ATTRIBUTION = "Based on Microsoft's four-level GenAIOps maturity model."
NA_TITLE = "GenAIOps Maturity Model Assessment (with not applicable)"


@pytest.fixture
def shipped(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


@pytest.fixture
def second(site):
    return import_document(second_document())


@pytest.fixture
def not_applicable_copy(site):
    """The shipped questionnaire under another slug and title, "not applicable" offered on its
    last question only."""
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["slug"] = "genaiops-na"
    document["title"] = NA_TITLE
    document["version"]["questions"][-1]["not_applicable"] = True
    return import_document(document)


def option_text(version, order, score):
    return version.questions.get(order=order).options.get(score=score).text


def entry(page, title):
    """The home page's entry for the questionnaire `title`."""
    return page.locator("ul.catalogue > li", has=page.get_by_role("heading", name=title))


def expect_named_by(page, title, attribution):
    expect(page.locator(".site-header .site-title")).to_have_text(title)
    expect(page.locator(".site-footer")).to_contain_text(attribution)


def save_screenshot(page, name, area, pad=16):
    """With SCREENSHOTS_DIR set, save the page from its top to the bottom of `area` (a
    locator), with `pad` pixels below."""
    directory = os.environ.get("SCREENSHOTS_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    box = area.bounding_box()
    width = page.viewport_size["width"]
    page.screenshot(
        path=str(Path(directory) / name),
        clip={"x": 0, "y": 0, "width": width, "height": box["y"] + box["height"] + pad},
    )


def test_a_person_chooses_the_second_questionnaire_and_reads_bars_and_five_bands(
    page, shipped, second
):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("How mature is your practice?")
    entries = page.locator("ul.catalogue > li")
    expect(entries).to_have_count(2)
    # By title: GenAIOps before Responsible AI.
    expect(entries.get_by_role("heading", level=2)).to_have_text([SHIPPED_TITLE, SECOND_TITLE])
    expect(entry(page, SHIPPED_TITLE)).to_contain_text("7 questions, about 5 minutes")
    expect(entry(page, SECOND_TITLE)).to_contain_text("10 questions, about 7 minutes")
    expect(page.get_by_role("button", name="Start this assessment")).to_have_count(2)
    # No single questionnaire names the home page: the site's own name does.
    expect(page.locator(".site-header .site-title")).to_have_text(settings.SITE_NAME)
    expect(page).to_have_title(settings.SITE_NAME)
    assert_accessible(page)
    save_screenshot(page, "catalogue.png", page.locator("ul.catalogue"))

    entry(page, SECOND_TITLE).get_by_role("button", name="Start this assessment").click()
    expect(page).to_have_url(re.compile(r"/a/[^/]+/q/1/$"))
    scores = [3, 3, 2, 2, 1, 1, 0, 0, 3, 2]
    for order, score in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {order} of 10")).to_be_visible()
        expect(page).to_have_title(f"Question {order} of 10 · {SECOND_TITLE}")
        if order == 1:
            expect_named_by(page, SECOND_TITLE, SECOND_ATTRIBUTION)
            expect(page.get_by_role("radio")).to_have_count(4)
            expect(page.get_by_label("Not applicable to us")).to_have_count(0)
            assert_accessible(page)
        page.get_by_label(option_text(second, order, score), exact=True).check()
        page.get_by_role("button", name=re.compile("^Next")).click()

    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect_named_by(page, SECOND_TITLE, SECOND_ATTRIBUTION)
    assert_accessible(page)
    page.get_by_role("button", name="Submit and see my result").click()

    # 17 of 30: the third of five levels, Practising (12-17).
    expect(page).to_have_url(re.compile(r"/a/[^/]+/results/$"))
    expect(page.locator("#total-score")).to_have_text("17 / 30")
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 3: Practising")
    expect_named_by(page, SECOND_TITLE, SECOND_ATTRIBUTION)

    scale = page.get_by_role("img", name="Score 17 of 30, in the Practising band")
    expect(scale).to_be_visible()
    expect(scale.locator("rect")).to_have_count(5)
    for number in range(1, 6):
        expect(scale.locator(f"rect.band-{number}")).to_have_count(1)
    expect(scale.locator("rect.band-current")).to_have_class(re.compile(r"\bband-3\b"))
    bands = page.get_by_role("table", name="Levels and their score bands")
    expect(bands.locator("tbody tr")).to_have_count(5)
    expect(bands.locator("tbody tr")).to_contain_text(
        ["1. Unaware", "2. Aware", "3. Practising", "4. Embedded", "5. Leading"]
    )

    expect(page.get_by_role("heading", name="Your 3 dimensions")).to_be_visible()
    bars = page.get_by_role(
        "img", name="Score per dimension; the table beside it gives the same figures"
    )
    expect(bars).to_be_visible()
    expect(bars.locator("rect.bar-fill")).to_have_count(3)
    # Questions 1, 4, 7, 10 are governance; 2, 5, 8 testing; 3, 6, 9 transparency.
    expect(bars).to_contain_text("Governance")
    expect(bars).to_contain_text("7 / 12")
    expect(bars).to_contain_text("4 / 9")
    expect(bars).to_contain_text("6 / 9")
    dimensions = page.get_by_role("table", name="Score per dimension")
    expect(dimensions.get_by_role("row", name="Governance 7 / 12")).to_be_visible()
    expect(dimensions.get_by_role("row", name="Testing 4 / 9")).to_be_visible()
    expect(dimensions.get_by_role("row", name="Transparency 6 / 9")).to_be_visible()
    # Three dimensions have no map.
    expect(page.locator("svg:has(> title#result-map-title)")).to_have_count(0)
    expect(page.get_by_role("img", name=re.compile("maturity map"))).to_have_count(0)
    expect(page.locator("#scaled-note")).to_have_count(0)
    assert_accessible(page)


def test_a_question_that_is_not_applicable_is_left_out_and_the_score_scaled(
    page, shipped, not_applicable_copy
):
    version = not_applicable_copy
    page.goto("/")
    expect(page.locator("ul.catalogue > li")).to_have_count(2)
    entry(page, NA_TITLE).get_by_role("button", name="Start this assessment").click()

    scores = [4, 4, 4, 4, 4, 2]
    for order, score in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
        if order == 1:
            expect_named_by(page, NA_TITLE, SHIPPED_ATTRIBUTION)
            # Only the last question offers "not applicable".
            expect(page.get_by_label("Not applicable to us")).to_have_count(0)
        page.get_by_label(option_text(version, order, score), exact=True).check()
        page.get_by_role("button", name=re.compile("^Next")).click()

    expect(page.get_by_text("Question 7 of 7")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(6)
    not_applicable = page.get_by_label("Not applicable to us", exact=True)
    expect(not_applicable).to_be_visible()
    not_applicable.check()
    assert_accessible(page)
    page.get_by_role("button", name="Next: review your answers").click()

    expect(page.get_by_role("heading", name="Review your answers")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Not applicable to us"))).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("button", name="Submit and see my result").click()

    # 22 of the 24 applicable points, scaled to 28: 25.67, rounded to 26.
    expect(page.locator("#total-score")).to_have_text("26 / 28")
    expect(page.locator("#scaled-note")).to_have_text(
        "Some questions were not applicable: 22 of 24 applicable points, scaled to 26 / 28 "
        "(rounded to the nearest point, halves up) before the levels apply."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Level 4: Optimized")
    expect(page.get_by_text("Left out of the score.")).to_be_visible()
    expect_named_by(page, NA_TITLE, SHIPPED_ATTRIBUTION)
    assert_accessible(page)
