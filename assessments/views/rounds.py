"""Team rounds: open one, answer it alone, see where the team disagrees, agree and record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import AgreedAnswerForm, RoundForm
from assessments.services import actions, catalogue, rounds, selectors
from assessments.views.lookups import team_member


def _round_for(request, team_id, round_id):
    """The membership and the round: 404 to anyone outside the team."""
    membership = selectors.membership_or_404(request.user, team_id)
    return membership, rounds.round_or_404(membership.team, round_id)


@never_cache
@require_http_methods(["GET", "POST"])
@team_member()
def round_list(request, membership):
    team = membership.team
    form = RoundForm(catalogue.entries(), request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not membership.is_owner:
            raise PermissionDenied(_("Only a team owner can open a round."))
        if form.is_valid():
            try:
                opened = rounds.open_round(
                    team=team,
                    membership=membership,
                    title=form.cleaned_data["title"],
                    closes_on=form.cleaned_data["closes_on"],
                    questionnaire=form.chosen_questionnaire(),
                )
            except rounds.RoundError as error:
                messages.error(request, str(error))
            else:
                messages.success(
                    request,
                    _("%(title)s is open: every member can now answer it.")
                    % {"title": opened.title},
                )
                return redirect(opened)
    return render(
        request,
        "rounds/list.html",
        {"team": team, "membership": membership, "rounds": rounds.rounds_of(team), "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@never_cache
@require_safe
def round_detail(request, team_id, round_id):
    membership, round = _round_for(request, team_id, round_id)
    view = rounds.round_view(round)
    can_see = view.can_see_answers(request.user)
    return render(
        request,
        "rounds/detail.html",
        {
            "team": membership.team,
            "membership": membership,
            "round": round,
            "questionnaire": round.version.questionnaire,
            "view": view,
            "me": view.participant(request.user),
            "can_see": can_see,
            "questions": rounds.questions_with_strips(view) if can_see else [],
            "movements": actions.movements(round, view.agreed_scores()) if can_see else [],
            "can_agree": membership.is_owner and round.is_closed and not round.is_recorded,
        },
    )


@require_POST
def answer(request, team_id, round_id):
    """Start (or go back to) the member's own answers to the round."""
    membership, round = _round_for(request, team_id, round_id)
    try:
        own = rounds.answers_of(round=round, membership=membership)
    except rounds.RoundError as error:
        messages.error(request, str(error))
        return redirect(round)
    return redirect("assessments:resume", token=own.token)


def _owner_action(request, team_id, round_id, act, done_message):
    membership, round = _round_for(request, team_id, round_id)
    if not membership.is_owner:
        raise PermissionDenied(_("Only a team owner can do this."))
    try:
        act(round, membership)
    except rounds.RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done_message)
    return redirect(round)


@require_POST
def close(request, team_id, round_id):
    return _owner_action(
        request,
        team_id,
        round_id,
        lambda round, membership: rounds.close_round(round=round, membership=membership),
        _("The round is closed: it takes no more answers. Agree on the answers, then record."),
    )


@require_POST
def record(request, team_id, round_id):
    return _owner_action(
        request,
        team_id,
        round_id,
        lambda round, membership: rounds.record_result(round=round, membership=membership),
        _("The agreed result is recorded in the team's history."),
    )


@require_POST
def agree(request, team_id, round_id):
    """Change one agreed answer with a reason, or ("reset") go back to the median."""
    membership, round = _round_for(request, team_id, round_id)
    if not membership.is_owner:
        raise PermissionDenied(_("Only a team owner can change the agreed answers."))
    form = AgreedAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the question's answers and give a reason."))
        return redirect(round)
    try:
        if "reset" in request.POST:
            rounds.reset_agreed_answer(
                round=round, membership=membership, question_id=form.cleaned_data["question"]
            )
        else:
            rounds.set_agreed_answer(
                round=round,
                membership=membership,
                question_id=form.cleaned_data["question"],
                option_id=form.cleaned_data["option"],
                reason=form.cleaned_data["reason"],
            )
    except rounds.RoundError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The agreed answer is saved."))
    return redirect(f"{round.get_absolute_url()}#question-{form.cleaned_data['question']}")


@never_cache
@require_safe
def round_json(request, team_id, round_id):
    """The round's answers, for members who may see them: each member's answer and note."""
    _membership, round = _round_for(request, team_id, round_id)
    view = rounds.round_view(round)
    if not view.can_see_answers(request.user):
        return JsonResponse(
            {"error": _("Submit your own answers first: then you can see the others'.")},
            status=403,
        )
    response = JsonResponse(rounds.as_document(view), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}.json"'
    return response
