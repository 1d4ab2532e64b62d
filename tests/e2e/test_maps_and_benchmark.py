"""The maturity map and "How you compare" in Chromium: a person without an account sees the map
and the hint that there are not enough others yet; a member of a seeded team sees the team's
path on the map, its percentiles and the histogram, and then the latest result's page with the
shares of the others' answers; the map still prints. axe-core checks every page, with the
figures in their <details> opened too.

Set SCREENSHOTS_DIR to save the team page's map as team-map.png and the results page's "How you
compare" as benchmark.png there (the README shows them); without it nothing is written."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.content import DEFAULT_FILE

PASSWORD = "a-long-pass-phrase"


@pytest.fixture
def questionnaire(site):
    from assessments.services import questionnaire_io

    return questionnaire_io.import_questionnaire(DEFAULT_FILE.read_text(encoding="utf-8")).version


def option(questionnaire, order, score):
    return questionnaire.questions.get(order=order).options.get(score=score)


def complete_without_a_team(questionnaire, scores):
    from assessments.services import assessments

    assessment = assessments.start(questionnaire)
    for order, score in enumerate(scores, start=1):
        chosen = option(questionnaire, order, score)
        assessments.save_answer(assessment, chosen.question_id, chosen.pk)
    return assessments.complete(assessment)


def sign_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={next_url}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{next_url}")


def map_svg(page, map_id):
    """The map's <svg>: the one its <title> names."""
    return page.locator(f"svg:has(> title#{map_id}-title)")


def open_all_details(page):
    closed = page.locator("details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    expect(page.locator("details:not([open])")).to_have_count(0)


def bands_less_own(values, own, steps):
    """What the page is drawn from: the release's values (the viewer's own among them) in
    bands of at least five over `steps`, the viewer's own then taken out."""
    import dataclasses
    from collections import Counter

    from assessments.services import benchmark

    return [
        dataclasses.replace(band, count=band.count - 1) if band.holds(own) else band
        for band in benchmark.banded(Counter(values), list(steps), 6)
    ]


def percentile(values, own, maximum):
    from assessments.services import benchmark

    return benchmark.percentile(bands_less_own(values, own, range(maximum + 1)), own)


def save_screenshot(page, name, area, top=None, pad=16):
    """With SCREENSHOTS_DIR set, save the picture of `area` (a locator), from the top of `top`
    when given (a heading above it), with `pad` pixels around."""
    directory = os.environ.get("SCREENSHOTS_DIR")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    top = top or area
    top.evaluate("el => el.scrollIntoView({block: 'start'})")
    scroll_x, scroll_y = page.evaluate("[window.scrollX, window.scrollY]")
    box, first = area.bounding_box(), top.bounding_box()
    left = max(box["x"] + scroll_x - pad, 0)
    upper = max(first["y"] + scroll_y - pad, 0)
    page.screenshot(
        path=str(Path(directory) / name),
        full_page=True,
        clip={
            "x": left,
            "y": upper,
            "width": box["x"] + scroll_x + box["width"] + pad - left,
            "height": box["y"] + scroll_y + box["height"] + pad - upper,
        },
    )


def test_a_first_result_shows_the_map_and_that_there_are_too_few_others(page, questionnaire):
    # Two others have answered without an account: they never count, five more are needed.
    complete_without_a_team(questionnaire, [1] * 7)
    complete_without_a_team(questionnaire, [3] * 7)

    page.goto("/")
    page.get_by_role("button", name="Start the assessment").click()
    scores = [3, 2, 4, 0, 4, 2, 1]
    for order, score in enumerate(scores, start=1):
        expect(page.get_by_text(f"Question {order} of 7")).to_be_visible()
        page.get_by_label(option(questionnaire, order, score).text, exact=True).check()
        page.get_by_role("button", name=re.compile("^Next")).click()
    page.get_by_role("button", name="Submit and see my result").click()
    expect(page.locator("#total-score")).to_have_text("16 / 28")

    from assessments.models import Assessment

    mine = Assessment.objects.filter(team__isnull=True).latest("completed_at")
    across, up = mine.dimension_scores["application"], mine.dimension_scores["operational"]
    svg = map_svg(page, "result-map")
    expect(svg).to_be_visible()
    name = (
        f"The maturity map: Application maturity {across['score']} of {across['maximum']} "
        f"across, Operational maturity {up['score']} of {up['maximum']} up"
    )
    expect(page.get_by_role("img", name=re.compile(f"^{name}"))).to_be_visible()
    expect(svg.locator("polygon")).to_have_count(4)
    for number in range(1, 5):
        expect(svg.locator(f"polygon.band-{number}")).to_have_count(1)
    point = svg.locator("circle")
    expect(point).to_have_count(1)
    expect(point).to_have_class("marker")
    # In the map's 300 x 300 units: the application score across, the operational score up.
    assert float(point.get_attribute("cx")) == pytest.approx(
        300 * across["score"] / across["maximum"], abs=0.1
    )
    assert float(point.get_attribute("cy")) == pytest.approx(
        300 - 300 * up["score"] / up["maximum"], abs=0.1
    )
    expect(svg.locator("line.map-path")).to_have_count(0)

    compare = page.locator("section", has=page.get_by_role("heading", name="How you compare"))
    expect(compare).to_contain_text(
        "Not enough results to compare with yet: 5 more teams or signed-in people"
    )
    expect(compare.get_by_role("img")).to_have_count(0)
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(svg).to_be_visible()
    expect(svg.locator("polygon").first).to_be_visible()
    box = svg.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50


@pytest.fixture
def seeded(questionnaire):
    """Six demonstration teams (the first with six reviews and a recorded round) and one
    result without an account (which never counts): enough peers for every team."""
    from assessments.services import demo

    teams = demo.seed(
        version=questionnaire,
        sizes=[6, 3, 3, 3, 3, 3],
        members=2,
        password=PASSWORD,
        prefix="demo",
        seed=1,
    )
    complete_without_a_team(questionnaire, [2, 2, 1, 2, 1, 1, 2])
    return teams


def latest_results():
    """The latest completed result of every team: what the release counts."""
    from assessments.models import Assessment, Team

    results = []
    for other in Team.objects.all():
        latest = (
            other.assessments.filter(status=Assessment.Status.COMPLETED)
            .order_by("-completed_at", "-pk")
            .first()
        )
        if latest:
            results.append(latest)
    return results


def test_a_team_sees_its_path_on_the_map_and_how_it_compares(page, questionnaire, seeded):
    from assessments.models import Assessment

    team = seeded[0].team
    completed = list(
        team.assessments.filter(status=Assessment.Status.COMPLETED).order_by("completed_at", "pk")
    )
    latest = completed[-1]
    released = latest_results()
    assert len(released) == 6

    sign_in(page, "demo-1-1", f"/teams/{team.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)

    # The map, under the trend: the team's path over its results, the latest emphasised.
    over_time = page.locator("section", has=page.get_by_role("heading", name="Over time"))
    expect(over_time.get_by_role("heading", name="Where the team stands")).to_be_visible()
    svg = map_svg(page, "team-map")
    expect(svg).to_be_visible()
    expect(
        page.get_by_role(
            "img", name=re.compile(f"team's path over its latest {len(completed)} results")
        )
    ).to_be_visible()
    expect(svg.locator("polygon")).to_have_count(4)
    expect(svg.locator("circle")).to_have_count(len(completed))
    expect(svg.locator("circle.map-earlier")).to_have_count(len(completed) - 1)
    latest_dot = svg.locator("circle.marker")
    expect(latest_dot).to_have_count(1)
    assert float(latest_dot.get_attribute("r")) > float(
        svg.locator("circle.map-earlier").first.get_attribute("r")
    )
    arrows = svg.locator("line.map-path")
    assert 1 <= arrows.count() <= len(completed) - 1
    expect(arrows.first).to_have_attribute("marker-end", "url(#team-map-arrow)")
    # Results on the same spot share one label, their dates joined: one label per spot.
    spots = {
        (a.dimension_scores["application"]["score"], a.dimension_scores["operational"]["score"])
        for a in completed
    }
    expect(svg.locator("text.map-point-label")).to_have_count(len(spots))
    if len(spots) < len(completed):
        expect(svg.locator("text.map-point-label", has_text=", ").first).to_be_visible()
    expect(svg.locator("text.map-latest-label")).to_have_count(1)

    # How the latest result compares with the six others.
    compare = page.locator("section", has=page.get_by_role("heading", name="How you compare"))
    expect(compare).to_contain_text("5 other teams and signed-in people")
    expected = percentile([p.total_score for p in released], latest.total_score, 28)
    expect(compare.get_by_text(f"Total score: ahead of {expected}% of them.")).to_be_visible()
    for key, name in (
        ("application", "Application maturity"),
        ("operational", "Operational maturity"),
    ):
        own = latest.dimension_scores[key]["score"]
        values = [p.dimension_scores[key]["score"] for p in released]
        maximum = latest.dimension_scores[key]["maximum"]
        expect(
            compare.get_by_text(f"{name}: ahead of {percentile(values, own, maximum)}% of them.")
        ).to_be_visible()
    histogram = compare.get_by_role("img", name=re.compile("reached each band of total scores"))
    expect(histogram).to_be_visible()
    expect(histogram.locator("rect.histogram-yours")).to_have_count(1)
    expect(histogram.locator("text", has_text=re.compile("^you$"))).to_have_count(1)
    # Answer shares are for a result's own page only.
    shares = compare.get_by_role("table", name=re.compile("What the others answered"))
    expect(shares).to_have_count(0)
    assert_accessible(page)

    open_all_details(page)
    expect(
        compare.get_by_role(
            "table", name="How many of the others reached each band of total scores"
        )
    ).to_be_visible()
    expect(compare.get_by_role("row", name=re.compile(r"\(yours\)"))).to_have_count(1)
    assert_accessible(page)

    # The picture for the README: the heading and the map, without the empty width beside it.
    save_screenshot(
        page,
        "team-map.png",
        svg,
        top=over_time.get_by_role("heading", name="Where the team stands"),
    )

    # The latest result's page, from the history: the map, the percentiles and the shares.
    history = page.locator("section", has=page.get_by_role("heading", name="All assessments"))
    history.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/a/{latest.token}/results/$"))
    expect(page.locator("#total-score")).to_have_text(f"{latest.total_score} / 28")
    svg = map_svg(page, "result-map")
    expect(svg).to_be_visible()
    expect(svg.locator("polygon")).to_have_count(4)
    expect(svg.locator("circle")).to_have_count(1)

    compare = page.locator("section", has=page.get_by_role("heading", name="How you compare"))
    expect(compare.get_by_text(f"Total score: ahead of {expected}% of them.")).to_be_visible()
    expect(compare.get_by_text(re.compile(r"ahead of \d+% of them"))).to_have_count(3)
    expect(
        compare.get_by_role("img", name=re.compile("reached each band of total scores"))
    ).to_be_visible()
    shares = compare.get_by_role("table", name=re.compile("What the others answered"))
    expect(shares).to_be_visible()
    rows = shares.locator("tbody tr")
    expect(rows).to_have_count(7)
    expect(rows.locator("strong")).to_have_count(7)
    # Question 1: the share of the five others in each band of its five answers.
    first = questionnaire.questions.get(order=1)
    chosen = [p.answers.get(question=first).option.order for p in released]
    own = latest.answers.get(question=first).option.order
    expected_shares = ", ".join(
        (f"step {b.low}" if b.low == b.high else f"steps {b.low}\N{EN DASH}{b.high}")
        + f": {round(100 * b.count / 5)}%"
        for b in bands_less_own(chosen, own, range(1, 6))
    )
    expect(rows.first).to_contain_text(expected_shares)
    expect(rows.first.locator("svg.share-strip rect.share-yours")).to_have_count(1)
    assert_accessible(page)
    save_screenshot(page, "benchmark.png", compare)
    open_all_details(page)
    assert_accessible(page)

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(svg).to_be_visible()
    expect(svg.locator("polygon").first).to_be_visible()
    expect(svg.locator("circle.marker")).to_be_visible()
