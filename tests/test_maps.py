"""The maturity map's geometry: pure functions, no database."""

from hypothesis import given
from hypothesis import strategies as st

from assessments.services.maps import MAP_HEIGHT, MAP_WIDTH, PATH_POINTS, maturity_map
from tests.test_scoring import LEVELS


def genaiops_map(results, total_maximum=28):
    return maturity_map(
        x_name="Application",
        y_name="Operational",
        x_maximum=12,
        y_maximum=16,
        total_maximum=total_maximum,
        levels=LEVELS,
        results=results,
    )


def polygon(region):
    return [tuple(map(float, corner.split(","))) for corner in region.points.split()]


def to_points(x, y):
    """SVG coordinates back to dimension points."""
    return x * 12 / MAP_WIDTH, (MAP_HEIGHT - y) * 16 / MAP_HEIGHT


def test_each_level_gets_a_region_bounded_by_its_band():
    drawn = genaiops_map([(6, 8, "")])
    assert [r.number for r in drawn.regions] == [1, 2, 3, 4]
    assert drawn.exact
    for region, level in zip(drawn.regions, LEVELS, strict=True):
        sums = [sum(to_points(*corner)) for corner in polygon(region)]
        low = level.min_score - 0.5 if level.number > 1 else 0
        high = level.max_score + 0.5 if level.number < 4 else 28
        assert min(sums) >= low - 0.1 and max(sums) <= high + 0.1
        assert round(min(sums), 1) == round(low, 1) or level.number == 1


def test_the_point_sits_at_its_scores_and_axes_have_ticks():
    drawn = genaiops_map([(6, 8, "")])
    point = drawn.points[0]
    assert (point.x, point.y) == (MAP_WIDTH / 2, MAP_HEIGHT / 2)
    assert point.latest
    assert drawn.x_ticks[0].value == 0 and drawn.x_ticks[-1].value == 12
    assert drawn.y_ticks[-1].position == 0.0  # the top, for the maximum


def test_without_every_question_in_the_two_dimensions_no_region_is_drawn():
    drawn = genaiops_map([(6, 8, "")], total_maximum=32)
    assert not drawn.exact
    assert drawn.regions == ()


def test_a_path_keeps_the_latest_points_with_arrows_between_moves():
    results = [(i % 12, i % 16, f"day {i}") for i in range(20)]
    drawn = genaiops_map(results)
    assert len(drawn.points) == PATH_POINTS
    assert drawn.legend[0] == (1, "day 8") and drawn.points[-1].latest
    assert len(drawn.segments) == PATH_POINTS - 1
    still = genaiops_map([(3, 3, "a"), (3, 3, "b")])
    assert still.segments == ()


@given(st.integers(0, 12), st.integers(0, 16))
def test_every_result_lies_in_the_region_of_its_level(x, y):
    drawn = genaiops_map([(x, y, "")])
    total = x + y
    level = next(level for level in LEVELS if level.min_score <= total <= level.max_score)
    region = next(r for r in drawn.regions if r.number == level.number)
    sums = [sum(to_points(*corner)) for corner in polygon(region)]
    assert min(sums) - 0.1 <= total <= max(sums) + 0.1


def test_the_results_page_draws_the_map_with_its_regions(client, answered):
    assessment = answered([2] * 7, complete=True)
    page = client.get(f"/a/{assessment.token}/results/").content.decode()
    assert page.count('<polygon class="band-') == 4
    assert "The maturity map:" in page


def test_the_team_page_draws_the_teams_path(client, people, team_assessment):
    for scores in ([1] * 7, [2] * 7, [3] * 7):
        team_assessment(scores)
    client.force_login(people["member"])
    page = client.get(f"/teams/{people['team'].pk}/").content.decode()
    assert page.count('class="map-earlier"') == 2 and page.count('class="marker"') == 1
    assert page.count('class="map-path"') == 2
    assert "path over its latest 3 results" in page


def test_results_are_numbered_and_those_on_one_spot_share_a_label():
    drawn = genaiops_map([(4, 6, "a"), (5, 6, "b"), (4, 6, "c"), (4, 6, "d")])
    labels = [point.label for point in drawn.points]
    assert labels == ["", "2", "", "1, 3, 4"]
    assert drawn.legend == ((1, "a"), (2, "b"), (3, "c"), (4, "d"))
    assert genaiops_map([(4, 6, "a")]).legend == ()


def test_the_last_tick_is_the_maximum_and_never_crowded():
    drawn = genaiops_map([(6, 8, "")])
    values = [tick.value for tick in drawn.y_ticks]
    assert values[-1] == 16 and values[-2] <= 16 - 3 / 2
