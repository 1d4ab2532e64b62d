"""Geometry of the maturity map: the first dimension across and the second up, in points, with
the level regions tinted behind and a team's path over time. Pure: numbers in, numbers out.

On these axes a result's total is x + y, so a level band's edges are the straight lines where
the two dimensions add up to the band's bounds. That is exact only when every question belongs
to one of the two dimensions; otherwise the map draws no regions and says why.
"""

import itertools
import math
from dataclasses import dataclass

MAP_WIDTH = 300
MAP_HEIGHT = 300
# A team's path shows at most this many of its latest results.
PATH_POINTS = 12
# How far short of a dot an arrow stops (the latest dot's radius and a little).
ARROW_GAP = 10


@dataclass(frozen=True)
class Region:
    number: int
    name: str
    points: str  # an SVG polygon's points
    label_x: float
    label_y: float


@dataclass(frozen=True)
class Tick:
    value: int
    position: float


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    x_score: int
    y_score: int
    label: str
    latest: bool


@dataclass(frozen=True)
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class MaturityMap:
    width: int
    height: int
    x_name: str
    y_name: str
    x_maximum: int
    y_maximum: int
    regions: tuple[Region, ...]
    # False when some question belongs to neither dimension: no regions are drawn.
    exact: bool
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    points: tuple[MapPoint, ...]
    segments: tuple[Segment, ...]
    # (number, label) of each result on a path, oldest first: what the numbers stand for.
    legend: tuple[tuple[int, str], ...] = ()


def _clip(polygon, keep):
    """Sutherland-Hodgman: the part of a convex `polygon` where `keep(point)` is >= 0, `keep`
    being linear."""
    result = []
    for index, current in enumerate(polygon):
        previous = polygon[index - 1]
        now, before = keep(current), keep(previous)
        if now >= 0:
            if before < 0:
                result.append(_cross(previous, current, before, now))
            result.append(current)
        elif before >= 0:
            result.append(_cross(previous, current, before, now))
    return result


def _cross(a, b, fa, fb):
    t = fa / (fa - fb)
    return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))


def _numbered(results):
    """Each result labelled by its number on the path (oldest 1), results on one spot
    labelled once, at their latest, with their numbers joined; the dates go in a legend, so
    short labels never overprint."""
    numbers: dict[tuple[int, int], list[str]] = {}
    for index, (x, y, _label) in enumerate(results, start=1):
        numbers.setdefault((x, y), []).append(str(index))
    seen: dict[tuple[int, int], int] = {}
    labelled = []
    for x, y, _label in results:
        seen[(x, y)] = seen.get((x, y), 0) + 1
        here = numbers[(x, y)]
        labelled.append((x, y, ", ".join(here) if seen[(x, y)] == len(here) else ""))
    return labelled


def _arrow(a: MapPoint, b: MapPoint) -> Segment:
    """From `a` to the edge of `b`'s dot, so that the arrowhead shows."""
    length = math.hypot(b.x - a.x, b.y - a.y)
    stop = min(ARROW_GAP, length / 2) / length
    return Segment(a.x, a.y, round(b.x - (b.x - a.x) * stop, 1), round(b.y - (b.y - a.y) * stop, 1))


def _ticks(maximum: int, length: float, flip: bool) -> tuple[Tick, ...]:
    step = max(1, math.ceil(maximum / 6))
    values = list(range(0, maximum + 1, step))
    if values[-1] != maximum:
        # The axis ends at its maximum; a step mark too close to it would crowd it.
        if maximum - values[-1] < step / 2 and len(values) > 1:
            values.pop()
        values.append(maximum)
    scale = length / maximum if maximum else 0
    return tuple(
        Tick(value, round(length - value * scale if flip else value * scale, 1)) for value in values
    )


def maturity_map(
    *,
    x_name: str,
    y_name: str,
    x_maximum: int,
    y_maximum: int,
    total_maximum: int,
    levels,
    results: list[tuple[int, int, str]],
) -> MaturityMap:
    """The map for `results` ((x score, y score, label) each, oldest first; the last is the
    latest), over `levels` (number, name, min_score, max_score each, on the total's scale)."""
    sx = MAP_WIDTH / x_maximum if x_maximum else 0
    sy = MAP_HEIGHT / y_maximum if y_maximum else 0

    def to_svg(x: float, y: float) -> tuple[float, float]:
        return (round(x * sx, 1), round(MAP_HEIGHT - y * sy, 1))

    exact = x_maximum + y_maximum == total_maximum and x_maximum > 0 and y_maximum > 0
    regions = []
    if exact:
        frame = [(0, 0), (x_maximum, 0), (x_maximum, y_maximum), (0, y_maximum)]
        ordered = sorted(levels, key=lambda level: level.min_score)
        for index, level in enumerate(ordered):
            # Scores are whole points: a band runs from half a point below its lowest total to
            # half a point above its highest, so neighbouring regions meet without a gap.
            low = level.min_score - 0.5 if index else -math.inf
            high = level.max_score + 0.5 if index < len(ordered) - 1 else math.inf
            shape = _clip(frame, lambda p, low=low: p[0] + p[1] - low)
            shape = _clip(shape, lambda p, high=high: high - (p[0] + p[1]))
            if len(shape) < 3:
                continue
            corners = [to_svg(x, y) for x, y in shape]
            regions.append(
                Region(
                    number=level.number,
                    name=level.name,
                    points=" ".join(f"{x},{y}" for x, y in corners),
                    label_x=round(sum(x for x, _ in corners) / len(corners), 1),
                    label_y=round(sum(y for _, y in corners) / len(corners), 1),
                )
            )
    shown = results[-PATH_POINTS:]
    several = len(shown) > 1
    points = tuple(
        MapPoint(*to_svg(x, y), x, y, label if several else "", index == len(shown) - 1)
        for index, (x, y, label) in enumerate(_numbered(shown))
    )
    segments = tuple(
        _arrow(a, b) for a, b in itertools.pairwise(points) if (a.x, a.y) != (b.x, b.y)
    )
    return MaturityMap(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        x_name=x_name,
        y_name=y_name,
        x_maximum=x_maximum,
        y_maximum=y_maximum,
        regions=tuple(regions),
        exact=exact,
        x_ticks=_ticks(x_maximum, MAP_WIDTH, flip=False),
        y_ticks=_ticks(y_maximum, MAP_HEIGHT, flip=True),
        points=points,
        segments=segments,
        legend=tuple(enumerate((label for _x, _y, label in shown), start=1)) if several else (),
    )
