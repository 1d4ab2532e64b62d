"""A team's history: comparing two results, and the CSV and JSON exports, streamed."""

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from assessments.forms import CompareForm
from assessments.services import history, selectors, stamps
from assessments.views import fragments
from assessments.views.lookups import team_member
from assessments.views.pages import kept, kept_if_asked_as_shown

# The compare form offers the latest this many; any other is reached by its id.
COMPARE_CHOICES = 50


def _compare_stamp(request, team_id):
    return (
        stamps.of_team(team_id, request.user),
        request.GET.get("before"),
        request.GET.get("after"),
    )


@never_cache
@require_safe
@kept(_compare_stamp)
def compare(request, token_context, team_id):
    team = selectors.membership_or_404(request.user, team_id).team
    choices = selectors.compare_choices(
        team, count=COMPARE_CHOICES, requested=CompareForm.requested_ids(request.GET)
    )
    # Only a choice binds the form: unrelated parameters (a campaign tag, say) show it afresh.
    chosen = "before" in request.GET or "after" in request.GET
    form = CompareForm(choices, request.GET if chosen else None)
    if form.is_bound and not form.is_valid():
        context = {"team": team, "form": form, "comparison": None, **token_context}
        return render(request, "teams/compare.html", context, status=400)
    pair = (form.cleaned_data["before"], form.cleaned_data["after"]) if form.is_bound else None

    def comparison_context():
        context = {"team": team, "form": form, "comparison": None}
        if pair:
            by_id = {a.pk: a for a in choices}
            before, after = sorted((by_id[pk] for pk in pair), key=lambda a: (a.completed_at, a.pk))
            context.update(
                before=before,
                after=after,
                comparison=history.compare(
                    history.stored_snapshot(before),
                    history.stored_snapshot(after),
                    same_version=before.version_id == after.version_id,
                ),
            )
        return context

    body = fragments.comparison(team, choices, pair, comparison_context)
    response = render(request, "teams/compare.html", {"team": team, "body": body, **token_context})
    before, after = pair or (None, None)
    return kept_if_asked_as_shown(request, response, before=before, after=after)


def _history_rows(team, *, qualified: bool):
    for assessment, answers in selectors.team_history(team):
        yield history.history_row(assessment, answers, qualified=qualified)


def _download(chunks, content_type, filename):
    """A streamed download: the export is written as it is read, never held whole."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_safe
@team_member()
def export_csv(request, membership):
    dimension_keys, question_keys, qualified = selectors.team_export_columns(membership.team)
    return _download(
        history.csv_lines(
            _history_rows(membership.team, qualified=qualified),
            dimension_keys=dimension_keys,
            question_keys=question_keys,
        ),
        "text/csv; charset=utf-8",
        f"team-{membership.team_id}-history-{timezone.now():%Y-%m-%d}.csv",
    )


@never_cache
@require_safe
@team_member()
def export_json(request, membership):
    return _download(
        history.json_chunks(membership.team.name, _history_rows(membership.team, qualified=False)),
        "application/json",
        f"team-{membership.team_id}-history-{timezone.now():%Y-%m-%d}.json",
    )
