"""A team's target: owners set it; every member sees it with the gap that remains."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from assessments.forms import TargetForm
from assessments.services import catalogue, selectors, targets
from assessments.views.lookups import team_member


@never_cache
@require_http_methods(["GET", "POST"])
@team_member()
def target(request, membership):
    team = membership.team
    current = targets.target_of(team)
    entries = catalogue.entries()
    slug = request.POST.get("questionnaire") or request.GET.get("questionnaire")
    if not slug and current is not None:
        slug = current.version.questionnaire.slug
    entry = next((e for e in entries if e.questionnaire.slug == slug), None) or next(
        iter(entries), None
    )
    if entry is None:
        messages.error(request, _("No questionnaire is published yet, so no target can be set."))
        return redirect(team)
    version = entry.version
    levels = selectors.levels_of(version.pk)
    questions = selectors.questions_with_options(version)
    initial = {}
    if current is not None and current.version_id == version.pk:
        initial = {"level": current.level_id, "due_on": current.due_on}
        initial.update(
            {f"q{question_id}": option_id for question_id, option_id in targets.answers_of(current)}
        )
    form = TargetForm(
        levels, questions, request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST":
        if not membership.is_owner:
            raise PermissionDenied(_("Only a team owner can set the team's target."))
        if form.is_valid():
            try:
                saved = targets.set_target(
                    team=team,
                    membership=membership,
                    version=version,
                    level=form.chosen_level(),
                    due_on=form.cleaned_data["due_on"],
                    answers=form.chosen_answers(),
                )
            except targets.TargetError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The team's target is set.") if saved else _("The team's target is cleared."),
                )
                return redirect(team)
    return render(
        request,
        "targets/form.html",
        {
            "team": team,
            "membership": membership,
            "form": form,
            "current": current,
            "entries": entries,
            "version": version,
            "questionnaire_shown": version.questionnaire,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
