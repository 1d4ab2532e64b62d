"""Geometry for the server-rendered SVG pictures on the results page. Pure: numbers in, numbers out.

Templates draw what these functions compute; every picture also has a table or text beside it.
"""

from dataclasses import dataclass

from django.utils.formats import date_format

from assessments.services import maps
from assessments.services.scoring import Result, VersionSpec

SCALE_WIDTH = 640
BAR_WIDTH = 360


@dataclass(frozen=True)
class Band:
    number: int
    name: str
    low: int
    high: int
    x: float
    width: float
    label_x: float
    current: bool


@dataclass(frozen=True)
class LevelScale:
    width: int
    bands: tuple[Band, ...]
    marker_x: float
    total: int
    maximum: int


def level_scale(result: Result, version: VersionSpec) -> LevelScale:
    """The 0..maximum line split into level bands, with a marker at the total."""
    units = max(version.max_score - version.min_score + 1, 1)
    unit = SCALE_WIDTH / units

    def x_of(score):
        return round((score - version.min_score) * unit, 1)

    bands = tuple(
        Band(
            number=level.number,
            name=level.name,
            low=level.min_score,
            high=level.max_score,
            x=x_of(level.min_score),
            width=round((level.max_score - level.min_score + 1) * unit, 1),
            label_x=round(
                x_of(level.min_score) + (level.max_score - level.min_score + 1) * unit / 2, 1
            ),
            current=level.id == result.level.id,
        )
        for level in sorted(version.levels, key=lambda level: level.min_score)
    )
    return LevelScale(
        width=SCALE_WIDTH,
        bands=bands,
        marker_x=round(x_of(result.total) + unit / 2, 1),
        total=result.total,
        maximum=result.maximum,
    )


def result_map(result: Result, version: VersionSpec) -> maps.MaturityMap | None:
    """The maturity map with the result as its one point; only for two dimensions."""
    if len(result.dimensions) != 2:
        return None
    across, up = result.dimensions
    return maps.maturity_map(
        x_name=across.name,
        y_name=up.name,
        x_maximum=across.maximum,
        y_maximum=up.maximum,
        total_maximum=result.maximum,
        levels=version.levels,
        results=[(across.score, up.score, "")],
    )


@dataclass(frozen=True)
class QuestionBar:
    order: int
    text: str
    score: int
    maximum: int
    y: int
    width: float


def question_bars(result: Result, row_height: int = 28) -> tuple[int, tuple[QuestionBar, ...]]:
    """One bar per question answered with an option (not "not applicable"), in questionnaire
    order; returns the picture's height and the bars."""
    scored = [item for item in result.questions if not item.not_applicable]
    bars = tuple(
        QuestionBar(
            order=item.question.order,
            text=item.question.text,
            score=item.points,
            maximum=item.question.max_score,
            y=index * row_height,
            width=round(
                BAR_WIDTH * item.points / item.question.max_score if item.question.max_score else 0,
                1,
            ),
        )
        for index, item in enumerate(sorted(scored, key=lambda q: q.question.order))
    )
    return len(bars) * row_height, bars


@dataclass(frozen=True)
class DimensionBar:
    name: str
    score: int
    maximum: int
    y: int
    width: float


def dimension_bars(result: Result, row_height: int = 28) -> tuple[int, tuple[DimensionBar, ...]]:
    """One bar per dimension, where there are three or more and no map can show them."""
    if len(result.dimensions) < 3:
        return 0, ()
    bars = tuple(
        DimensionBar(
            name=dimension.name,
            score=dimension.score,
            maximum=dimension.maximum,
            y=index * row_height,
            width=round(BAR_WIDTH * dimension.score / dimension.maximum, 1)
            if dimension.maximum
            else 0,
        )
        for index, dimension in enumerate(result.dimensions)
    )
    return len(bars) * row_height, bars


def result_pictures(result: Result, version: VersionSpec) -> dict:
    """The pictures of a results page, by the names the template uses: the map for two
    dimensions, bars for three or more, nothing more for one."""
    return {
        "scale": level_scale(result, version),
        "maturity_map": result_map(result, version),
        "dimension_bars": dimension_bars(result),
        "question_bars": question_bars(result),
    }


@dataclass(frozen=True)
class TrendBand:
    number: int
    name: str
    y: float
    height: float


@dataclass(frozen=True)
class TrendSeries:
    name: str
    css_class: str
    points: str
    dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    bands: tuple[TrendBand, ...]
    series: tuple[TrendSeries, ...]
    # Where the target level starts, as a line across; None without a target level.
    target_y: float | None = None


TREND_WIDTH = 640
TREND_HEIGHT = 220


def trend(
    points: list[dict],
    levels: list,
    dimension_names: dict[str, str],
    target_score: int | None = None,
) -> TrendChart | None:
    """Total and each dimension over time, as shares of their maximum, over the level bands.

    `points` are completed assessments oldest first, each with `total`, `maximum` and
    `dimensions` ({key: {"score", "maximum"}}); `levels` give the bands (number, name,
    min_score, max_score) on the scale of the newest assessment's maximum. `target_score`, on
    that scale, draws the team's target as a line.
    """
    if not points:
        return None
    count = len(points)

    def x_of(index):
        return round(TREND_WIDTH * (index + 0.5) / count, 1)

    def y_of(share):
        return round(TREND_HEIGHT * (1 - share), 1)

    scale = points[-1]["maximum"] or 1
    bands = tuple(
        TrendBand(
            number=level.number,
            name=level.name,
            y=y_of(min(level.max_score + 0.5, scale) / scale),
            height=round(
                TREND_HEIGHT
                * (min(level.max_score + 0.5, scale) - max(level.min_score - 0.5, 0))
                / scale,
                1,
            ),
        )
        for level in levels
    )

    def series(name, css_class, shares):
        dots = tuple((x_of(i), y_of(share)) for i, share in enumerate(shares))
        return TrendSeries(name, css_class, " ".join(f"{x},{y}" for x, y in dots), dots)

    all_series = [
        series(
            "total",
            "trend-total",
            [p["total"] / p["maximum"] if p["maximum"] else 0 for p in points],
        )
    ]
    for index, (key, name) in enumerate(dimension_names.items()):
        shares = []
        for p in points:
            dimension = p["dimensions"].get(key, {})
            shares.append(
                dimension.get("score", 0) / dimension["maximum"] if dimension.get("maximum") else 0
            )
        all_series.append(series(name, f"trend-dimension-{index + 1}", shares))
    target_y = y_of(max(target_score - 0.5, 0) / scale) if target_score is not None else None
    return TrendChart(TREND_WIDTH, TREND_HEIGHT, bands, tuple(all_series), target_y)


STRIP_CELL = 96
STRIP_HEIGHT = 56


@dataclass(frozen=True)
class StripCell:
    step: int
    text: str
    count: int
    x: int
    width: int
    bar_y: float
    bar_height: float
    median: bool
    agreed: bool


@dataclass(frozen=True)
class Strip:
    width: int
    height: int
    cells: tuple[StripCell, ...]


def distribution_strip(counts, median_id: int | None, agreed_id: int | None) -> Strip:
    """One cell per option, lowest score first, with a bar as tall as the share of members
    who chose it; the median and the agreed answer are marked."""
    answered = sum(count for _option, count in counts) or 1
    usable = STRIP_HEIGHT - 20
    cells = []
    for index, (option, count) in enumerate(counts):
        height = round(usable * count / answered, 1)
        cells.append(
            StripCell(
                step=index + 1,
                text=option.text,
                count=count,
                x=index * STRIP_CELL,
                width=STRIP_CELL,
                bar_y=round(usable - height + 2, 1),
                bar_height=height,
                median=option.id == median_id,
                agreed=option.id == agreed_id,
            )
        )
    return Strip(width=len(cells) * STRIP_CELL, height=STRIP_HEIGHT, cells=tuple(cells))


def team_map(completed, dimension_names: dict[str, str], levels) -> maps.MaturityMap | None:
    """A team's path over its latest results on the maturity map, on the scale of the newest
    (whose version gives the level regions); only for two dimensions."""
    if len(dimension_names) != 2 or not completed:
        return None
    (x_key, x_name), (y_key, y_name) = dimension_names.items()
    latest = completed[-1].dimension_scores
    if x_key not in latest or y_key not in latest:
        return None
    on_both = [a for a in completed if x_key in a.dimension_scores and y_key in a.dimension_scores]
    return maps.maturity_map(
        x_name=x_name,
        y_name=y_name,
        x_maximum=latest[x_key]["maximum"],
        y_maximum=latest[y_key]["maximum"],
        total_maximum=completed[-1].max_score,
        levels=levels,
        results=[
            (
                a.dimension_scores[x_key]["score"],
                a.dimension_scores[y_key]["score"],
                date_format(a.completed_at, "SHORT_DATE_FORMAT"),
            )
            for a in on_both
        ],
    )
