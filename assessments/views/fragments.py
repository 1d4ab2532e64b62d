"""Rendered fragments of content that changes rarely, cached under keys that change with it.

Keys are built by `caching.key` from named parts. Every key names an assessment by its token
as well as its id, or a team by its results' tokens: ids repeat across databases (after a
restore), tokens do not.

A completed result's body changes only when its version's advice is revised (a level's text or
a reference), which `QuestionnaireVersion.advice_revised_at` dates; the page reads that stamp
with the assessment itself, so an edit shows on the next request in every process, whatever the
cache backend. A question of a published version never changes at all.
"""

import hashlib

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from assessments import caching
from assessments.services import benchmark, charts, reports, selectors


def _kept(kind: str, render, **parts) -> SafeString:
    """`render()`, an HTML fragment, kept by `caching.immutable` under its kind, `parts` and
    the request's language."""
    return mark_safe(caching.immutable(caching.key(kind, language=get_language(), **parts), render))


def _digest(values) -> str:
    """A short name for a list of values, to put a whole list in a key."""
    return hashlib.sha256(repr(values).encode()).hexdigest()[:32]


def _advice_stamp(assessment) -> float:
    return assessment.version.advice_revised_at.timestamp()


def level_list(version) -> SafeString:
    """The levels of `version` with their score bands, as the home page lists them."""
    return _kept(
        "level-list",
        version=version.pk,
        advice=version.advice_revised_at.timestamp(),
        render=lambda: render_to_string(
            "assessments/_levels.html", {"levels": selectors.levels_of(version.pk)}
        ),
    )


def review_answers(assessment, rows, missing, can_change: bool) -> SafeString:
    """The answers so far, and what is missing, of an assessment in progress: unchanged until
    an answer is saved, which moves the assessment's last-saved moment on."""
    context = {"assessment": assessment, "rows": rows, "missing": missing, "can_change": can_change}
    return _kept(
        "review-answers",
        assessment=assessment.pk,
        token=assessment.token,
        saved=assessment.updated_at.timestamp(),
        can_change=can_change,
        render=lambda: render_to_string("assessments/_review_answers.html", context),
    )


def result_body(assessment, *, include_notes: bool) -> SafeString:
    """The level, its advice, the pictures and the next steps of a completed assessment, with
    the notes on its answers or without them (a share link may leave them out)."""

    def render():
        report = reports.build(assessment)
        return render_to_string(
            "assessments/_result_body.html",
            {
                "assessment": assessment,
                "report": report,
                "notes": selectors.notes_of(assessment) if include_notes else {},
                **charts.result_pictures(report.result, report.version_spec),
            },
        )

    return _kept(
        "result-body",
        assessment=assessment.pk,
        token=assessment.token,
        advice=_advice_stamp(assessment),
        notes=include_notes,
        render=render,
    )


def result_document(assessment, render) -> str:
    """The JSON download of a completed assessment, as `render()` writes it."""
    return _kept(
        "result-json",
        assessment=assessment.pk,
        token=assessment.token,
        advice=_advice_stamp(assessment),
        render=render,
    )


def question_form(question, version, chosen: int | None, render) -> SafeString | None:
    """The answer options of a question of a frozen version, as `render()` writes them with
    `chosen` checked; None for a draft, which is rendered afresh every time."""
    if version.structure_stamp is None:
        return None
    return _kept(
        "question-form",
        question=question.pk,
        structure=version.structure_stamp,
        chosen=chosen,
        render=render,
    )


def team_trend(team, completed, target=None) -> SafeString:
    """The trend picture, the maturity map with the team's path, and their table over
    `completed` (the team's latest results, oldest first), with the `target` level's line.
    Completed results never change; their level names may, which the newest advice stamp
    among their versions dates."""
    revised = max(a.version.advice_revised_at for a in completed).timestamp()
    latest = completed[-1]

    def render():
        dimension_names = selectors.dimension_names(latest.version)
        levels = selectors.levels_of(latest.version_id)
        return render_to_string(
            "teams/_trend.html",
            {
                "team": team,
                "completed": completed,
                "dimension_names": dimension_names,
                "trend": charts.trend(
                    [
                        {
                            "total": a.total_score,
                            "maximum": a.max_score,
                            "dimensions": a.dimension_scores,
                        }
                        for a in completed
                    ],
                    levels,
                    dimension_names,
                    target_score=target_score,
                ),
                "target": target,
                "map": charts.team_map(completed, dimension_names, levels),
            },
        )

    target_score = target.level.min_score if target and target.level else None
    ids = _digest([(a.pk, a.token) for a in completed])
    return _kept(
        "team-trend",
        team=team.pk,
        results=ids,
        advice=revised,
        target=target_score,
        target_name=target.level.name if target_score is not None else None,
        render=render,
    )


def comparison(team, choices, pair, context) -> SafeString:
    """The compare form over `choices` (completed results, which never change) and, for the
    chosen `pair` of ids, what changed between them; `context()` gives what to render."""
    revised = max((a.version.advice_revised_at.timestamp() for a in choices), default=None)
    chosen = "-".join(str(pk) for pk in pair) if pair else None
    return _kept(
        "comparison",
        team=team.pk,
        choices=_digest([(a.pk, a.token) for a in choices]),
        chosen=chosen,
        advice=revised,
        render=lambda: render_to_string("teams/_compare.html", context()),
    )


def history_rows(
    template: str, assessments, team=None, *, several_questionnaires: bool = False
) -> SafeString:
    """The rows of a history table, naming each result's questionnaire when the team has more
    than one. They are kept under a digest of everything they show, so a page of a long
    history costs no more to draw than a page of a short one."""
    shown = [
        (
            a.pk,
            a.token,
            a.created_at.isoformat(),
            a.owner.get_username() if team and a.owner_id else "",
            a.version.number if team else None,
            a.version.questionnaire.title if several_questionnaires else None,
            a.status,
            a.total_score,
            a.max_score,
            (a.level.number, a.level.name) if a.level_id else None,
            (a.agreed_round.title, a.agreed_round.agreed_by, a.agreed_round.member_count)
            if team and a.agreed_round
            else None,
        )
        for a in assessments
    ]
    return _kept(
        "history-rows",
        rows=_digest((template, team and team.pk, shown)),
        render=lambda: render_to_string(
            template,
            {
                "team": team,
                "assessments": assessments,
                "several_questionnaires": several_questionnaires,
            },
        ),
    )


def how_you_compare(assessment, *, show_questions: bool) -> SafeString | None:
    """ "How you compare" for a completed result. Its peers' release is cached for a few
    minutes and dated; the section drawn from it is kept under that date (or, before the
    first release, the number of contributors so far)."""
    peers = benchmark.peers_of(assessment)
    if peers is None:
        return None
    return _kept(
        "benchmark",
        assessment=assessment.pk,
        token=assessment.token,
        release=peers.release.published_at.timestamp() if peers.release else peers.counted_now,
        minimum=settings.BENCHMARK_MIN_GROUPS,
        questions=show_questions,
        render=lambda: render_to_string(
            "assessments/_benchmark.html",
            {
                "comparison": benchmark.compare(assessment, peers),
                "benchmark_id": "benchmark",
                "show_questions": show_questions,
            },
        ),
    )
