"""Pages for taking an assessment and reading its result. Views parse, call a service, render."""

import json

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import NOT_APPLICABLE, AnswerForm, TeamChoiceForm
from assessments.services import (
    assessments,
    benchmark,
    catalogue,
    reports,
    selectors,
    stamps,
    targets,
    teams,
)
from assessments.views import fragments
from assessments.views.limits import per_address
from assessments.views.lookups import assessment_for, enforce
from assessments.views.pages import kept, kept_if_asked_as_shown


# Its form carries the visitor's own CSRF token, and a signed-in visitor's teams: no shared
# cache may keep it.
def _catalogue_stamp(request):
    return (stamps.of_catalogue(), stamps.teams_of(request.user))


@never_cache
@require_safe
@kept(_catalogue_stamp)
def home(request, token_context):
    entries = catalogue.entries()
    memberships = selectors.memberships_of(request.user)
    if len(entries) == 1:
        # A single questionnaire: the home page is its own, as it always was.
        version = entries[0].version
        return render(
            request,
            "assessments/home.html",
            {
                "entry": entries[0],
                "questionnaire": version.questionnaire,
                "levels": fragments.level_list(version),
                "team_form": TeamChoiceForm(memberships) if memberships else None,
                **token_context,
            },
        )
    return render(
        request,
        "assessments/catalogue.html",
        {
            "entries": [
                (
                    entry,
                    TeamChoiceForm(memberships, auto_id=f"id_{entry.questionnaire.slug}_%s")
                    if memberships
                    else None,
                )
                for entry in entries
            ],
            **token_context,
        },
    )


@per_address("start")
@require_POST
def start(request):
    version = catalogue.version_to_start(request.POST.get("questionnaire"))
    if version is None:
        messages.error(
            request, _("Choose one of the questionnaires offered: that one is not published.")
        )
        return redirect("assessments:home")
    team = None
    if request.user.is_authenticated:
        form = TeamChoiceForm(selectors.memberships_of(request.user), request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose one of your own teams, or just you."))
            return redirect("assessments:home")
        team = form.chosen_team()
    try:
        assessment = teams.start_for_team(version, request.user, team)
    except teams.TeamError as error:
        messages.error(request, str(error))
        return redirect("assessments:home")
    if team is None:
        note = _(
            "Your assessment has a private link: this page's address. Bookmark it or copy it "
            "to come back later; anyone with the link can see and change your answers."
        )
    else:
        note = _(
            "This assessment belongs to %(team)s: its address opens it for the team's members "
            "only, and only you and the team's owners can change the answers."
        ) % {"team": team.name}
    messages.info(request, note)
    return redirect("assessments:question", token=assessment.token, order=1)


@never_cache
@require_safe
def resume(request, token):
    """The private link: go on where the person stopped (or, for a colleague who may only
    read, show the answers so far)."""
    opened = assessment_for(request, token)
    assessment = opened.assessment
    if assessment.is_completed:
        return redirect("assessments:results", token=token)
    if not opened.can_change:
        return redirect("assessments:review", token=token)
    questions = selectors.questions_with_options(assessment.version)
    answered = selectors.choices_of(assessment)
    for question in questions:
        if question.pk not in answered:
            return redirect("assessments:question", token=token, order=question.order)
    return redirect("assessments:review", token=token)


def _assessment_stamp(request, token, *, change=False) -> tuple:
    """What an assessment's pages are kept under (see `stamps.of_assessment`), once the
    viewer's access is decided from it as `assessment_for` decides it; a round's answers also
    stop being taken at its closing date."""
    row = stamps.of_assessment(token, request.user)
    enforce(stamps.assessment_access(row, request.user), change=change, in_round=bool(row.round_id))
    return (row, timezone.localdate() if row.round_id else None)


def _claimable_stamp(request, token) -> tuple:
    """An assessment's stamp with the viewer's teams, when the page offers to add the
    assessment to one of them."""
    stamp = _assessment_stamp(request, token)
    row, _date = stamp
    return (stamp, stamps.teams_of(request.user) if teams.can_claim(row, request.user) else [])


@never_cache
@require_http_methods(["GET", "POST"])
@kept(lambda request, token, order: _assessment_stamp(request, token, change=True))
def question(request, token_context, token, order):
    """Save an answer (POST), or show the question with the saved answer, `token_context`
    for the page kept whole."""
    assessment = assessment_for(request, token, change=True).assessment
    if assessment.is_completed:
        messages.info(request, _("This assessment is completed; here is its result."))
        return redirect("assessments:results", token=token)
    questions = selectors.questions_with_options(assessment.version)
    current = selectors.question_by_order(questions, order)
    position = questions.index(current)
    if request.method == "POST":
        form = AnswerForm(current, request.POST)
        if form.is_valid():
            try:
                assessments.save_answer(
                    assessment, current.pk, form.chosen_option(), note=form.cleaned_data["note"]
                )
            except assessments.AssessmentCompleted as error:
                messages.error(request, str(error))
                return redirect("assessments:results", token=token)
            except assessments.AssessmentError as error:
                messages.error(request, str(error))
                return redirect("assessments:review", token=token)
            if request.POST.get("direction") == "back" and position > 0:
                return redirect(
                    "assessments:question", token=token, order=questions[position - 1].order
                )
            if position + 1 < len(questions):
                return redirect(
                    "assessments:question", token=token, order=questions[position + 1].order
                )
            return redirect("assessments:review", token=token)
        if (
            request.POST.get("direction") == "back"
            and position > 0
            and "option" not in request.POST
        ):
            # Going back without choosing anything is not an error: nothing to save.
            return redirect(
                "assessments:question", token=token, order=questions[position - 1].order
            )
        return _question_page(request, assessment, questions, position, form, {})
    return _question_page(request, assessment, questions, position, None, token_context)


def _question_page(request, assessment, questions, position, form, token_context):
    """The question at `position`: with `form` when it was sent with errors, else with the
    saved answer and note."""
    current = questions[position]
    answered = selectors.choices_of(assessment)
    chosen = _shown_choice(answered, current) if current.pk in answered else None
    if form is None:
        initial = {"option": chosen} if chosen is not None else {}
        initial["note"] = selectors.notes_of(assessment).get(current.pk, "")
        form = AnswerForm(current, initial=initial)
    return render(
        request,
        "assessments/question.html",
        {
            "assessment": assessment,
            "questionnaire": assessment.version.questionnaire,
            "question": current,
            "form": form,
            # Unbound, the options render the same for everyone who chose the same one.
            "form_html": None
            if form.is_bound
            else fragments.question_form(
                current, assessment.version, chosen, lambda: render_crispy_form(form)
            ),
            "position": position + 1,
            "count": len(questions),
            "answered_count": len(answered),
            "previous": questions[position - 1] if position > 0 else None,
            **token_context,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _shown_choice(answered, question):
    """The radio button to check for a saved answer: its option, or "not applicable"."""
    option = answered[question.pk]
    return NOT_APPLICABLE if option is None else option


@never_cache
@require_safe
@kept(_claimable_stamp)
def review(request, token_context, token):
    opened = assessment_for(request, token)
    assessment = opened.assessment
    if assessment.is_completed:
        return redirect("assessments:results", token=token)
    questions = selectors.questions_with_options(assessment.version)
    rows = reports.review_rows(
        questions, selectors.choices_of(assessment), selectors.notes_of(assessment)
    )
    missing = [row for row in rows if not row.answered]
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "questionnaire": assessment.version.questionnaire,
            "answers_table": fragments.review_answers(assessment, rows, missing, opened.can_change),
            "missing": missing,
            "can_change": opened.can_change,
            "claim_form": _claim_form(_claimable_into(request, assessment)),
            **token_context,
        },
    )


def _claimable_into(request, assessment) -> list:
    """The viewer's memberships, when they may add the assessment to one of their teams."""
    if request.user.is_authenticated and teams.can_claim(assessment, request.user):
        return selectors.memberships_of(request.user)
    return []


def _claim_form(memberships):
    """The form to add the assessment to one of the viewer's teams, when they may."""
    return TeamChoiceForm(memberships, allow_personal=False) if memberships else None


@require_POST
def submit(request, token):
    assessment = assessment_for(request, token, change=True).assessment
    try:
        assessments.complete(assessment)
    except assessments.AssessmentError as error:
        messages.error(request, str(error))
        return redirect("assessments:review", token=token)
    round = assessment.round
    if round is not None:
        messages.success(
            request, _("Your answers are in. Here is how the team has answered so far.")
        )
        return redirect(round)
    return redirect("assessments:results", token=token)


@never_cache
@require_safe
@kept(lambda request, token: (_claimable_stamp(request, token), benchmark.window()))
def results(request, token_context, token):
    opened = assessment_for(request, token)
    assessment, membership = opened.assessment, opened.membership
    if not assessment.is_completed:
        messages.info(request, _("This assessment is not submitted yet: review it and submit."))
        return redirect("assessments:resume", token=token)
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": assessment,
            "questionnaire": assessment.version.questionnaire,
            "result_body": fragments.result_body(assessment, include_notes=True),
            "membership": membership,
            "share_links": selectors.active_share_links(assessment) if membership else [],
            "claim_form": _claim_form(_claimable_into(request, assessment)),
            "how_you_compare": fragments.how_you_compare(assessment, show_questions=True),
            **(_team_follow_up(assessment) if membership else {}),
            **token_context,
        },
    )


def _team_follow_up(assessment) -> dict:
    """For a team's members: the gap to the team's target and the questions to plan on."""
    target = targets.target_of(assessment.team)
    return {
        "gap": targets.gap(target, assessment) if target else None,
        "plan_from": f"assessment={assessment.pk}",
        "questions": selectors.questions_with_options(assessment.version),
        "team": assessment.team,
    }


@never_cache
@require_safe
def results_json(request, token):
    assessment = assessment_for(request, token).assessment
    if not assessment.is_completed:
        return JsonResponse({"error": _("This assessment is not completed yet.")}, status=404)
    document = fragments.result_document(
        assessment,
        lambda: json.dumps(
            reports.as_document(reports.build(assessment), notes=selectors.notes_of(assessment)),
            indent=2,
            ensure_ascii=False,
        ),
    )
    response = HttpResponse(document, content_type="application/json")
    response["Content-Disposition"] = (
        f'attachment; filename="{assessment.version.questionnaire.slug}-assessment-'
        f'{assessment.completed_at:%Y-%m-%d}.json"'
    )
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request, token):
    """Delete an assessment: the person who took it, or a team owner for a team's; whoever
    holds the link of one taken without an account."""
    opened = assessment_for(request, token, change=True)
    assessment = opened.assessment
    taker = assessment.owner_id is None or assessment.owner_id == request.user.pk
    if not taker and not (opened.membership and opened.membership.is_owner):
        raise PermissionDenied(
            _("Only the person who took this assessment, or a team owner, can delete it.")
        )
    if assessment.stays_once_submitted:
        raise PermissionDenied(_("Answers to a round stay once submitted."))
    if request.method == "POST":
        try:
            assessments.delete(assessment)
        except assessments.AssessmentError as error:
            messages.error(request, str(error))
            return redirect("assessments:resume", token=token)
        messages.success(request, _("The assessment and its answers are deleted."))
        if assessment.team_id:
            return redirect("assessments:team", team_id=assessment.team_id)
        return redirect("assessments:mine" if request.user.is_authenticated else "assessments:home")
    return render(
        request,
        "assessments/delete.html",
        {"assessment": assessment, "questionnaire": assessment.version.questionnaire},
    )


@never_cache
@login_required
@require_safe
@kept(lambda request: (stamps.of_own_assessments(request.user), request.GET.get("page")))
def mine(request, token_context):
    page = selectors.assessments_of(request.user, request.GET.get("page"))
    response = render(
        request,
        "assessments/mine.html",
        {
            "page": page,
            "rows": fragments.history_rows("assessments/_mine_rows.html", page.object_list),
            **token_context,
        },
    )
    return kept_if_asked_as_shown(request, response, page=page.number)


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
