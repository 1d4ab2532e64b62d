"""The team's action plan: turn next steps into actions, follow them up, export them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from assessments.forms import ActionForm, id_in
from assessments.services import actions, selectors
from assessments.views.lookups import team_member


@never_cache
@require_safe
@team_member()
def action_list(request, membership):
    return render(
        request,
        "actions/list.html",
        {
            "team": membership.team,
            "membership": membership,
            "actions": actions.team_actions(membership.team),
            "today": timezone.localdate(),
        },
    )


def _origin(request, team):
    """Where a new action comes from, as the query string or the form names it; a round whose
    answers the person may not see yet is refused, in the form as in its submission."""
    data = request.POST if request.method == "POST" else request.GET
    try:
        return actions.origin_of(
            team,
            user=request.user,
            assessment_id=id_in(data, "assessment"),
            round_id=id_in(data, "round"),
            question_id=id_in(data, "question"),
        )
    except actions.RoundAnswersHidden as error:
        raise PermissionDenied(str(error)) from None


@never_cache
@require_http_methods(["GET", "POST"])
@team_member()
def new_action(request, membership):
    team = membership.team
    assessment, round, question = _origin(request, team)
    members = selectors.team_members(team)
    if request.method == "POST":
        form = ActionForm(members, request.POST)
        if form.is_valid():
            try:
                action = actions.create_action(
                    team=team,
                    membership=membership,
                    text=form.cleaned_data["text"],
                    question=question,
                    assessment=assessment,
                    round=round,
                    owner=form.chosen_owner(),
                    due_on=form.cleaned_data["due_on"],
                )
            except actions.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The action is in the team's plan."))
                return redirect(action)
    else:
        form = ActionForm(
            members,
            initial={
                "text": actions.suggested_text(question, assessment=assessment, round=round)
                if question
                else "",
                "owner": request.user.pk,
                "status": "planned",
            },
        )
    return render(
        request,
        "actions/form.html",
        {
            "team": team,
            "membership": membership,
            "form": form,
            "question": question,
            "assessment": assessment,
            "round": round,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@team_member()
def action_detail(request, membership, action_id):
    action = actions.action_or_404(membership.team, action_id)
    members = selectors.team_members(membership.team)
    if request.method == "POST":
        form = ActionForm(members, request.POST)
        if form.is_valid():
            try:
                actions.update_action(
                    action=action,
                    membership=membership,
                    text=form.cleaned_data["text"],
                    owner=form.chosen_owner(),
                    due_on=form.cleaned_data["due_on"],
                    status=form.cleaned_data["status"],
                )
            except actions.ActionError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The action is saved."))
                return redirect(action)
    else:
        form = ActionForm(
            members,
            initial={
                "text": action.text,
                "owner": action.owner_id,
                "due_on": action.due_on,
                "status": action.status,
            },
        )
    return render(
        request,
        "actions/detail.html",
        {
            "team": membership.team,
            "membership": membership,
            "action": action,
            "form": form,
            "changes": actions.changes_of(action),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
@require_safe
@team_member()
def actions_csv(request, membership):
    response = StreamingHttpResponse(
        actions.csv_lines(actions.team_actions(membership.team)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="team-{membership.team_id}-actions-{timezone.now():%Y-%m-%d}.csv"'
    )
    return response
