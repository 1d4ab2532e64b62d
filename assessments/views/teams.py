"""Teams: their pages, members, invitations, follow-up assessments and claiming."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import NameConfirmForm, TeamChoiceForm, TeamForm
from assessments.models import Invitation, Membership
from assessments.services import (
    actions,
    benchmark,
    rounds,
    selectors,
    stamps,
    targets,
    teams,
)
from assessments.views import fragments
from assessments.views.limits import per_address
from assessments.views.lookups import assessment_for, team_member
from assessments.views.pages import kept, kept_if_asked_as_shown


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def team_list(request):
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = teams.create_team(request.user, form.cleaned_data["name"])
        messages.success(
            request,
            _("%(team)s is ready. Invite your colleagues from its members page.")
            % {"team": team.name},
        )
        return redirect(team)
    return render(
        request,
        "teams/list.html",
        {"memberships": selectors.memberships_of(request.user), "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# The trend and its table show the latest this many results; the export has them all.
TREND_POINTS = 24
# The overview lists this many open actions, overdue first; the plan has them all.
OPEN_ACTIONS_SHOWN = 10


def _team_stamp(request, team_id):
    return (
        stamps.of_team(team_id, request.user),
        # Overdue actions and a round's closing date are told by the date.
        timezone.localdate(),
        benchmark.window(),
        request.GET.get("page"),
        request.GET.get("questionnaire"),
    )


@never_cache
@require_safe
@kept(_team_stamp)
def team_detail(request, token_context, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
    team = membership.team
    page = selectors.team_assessments_page(team, request.GET.get("page"))
    questionnaires = selectors.team_questionnaires(team)
    shown = _questionnaire_shown(team, questionnaires, request.GET.get("questionnaire"))
    completed = selectors.latest_completed(team, TREND_POINTS, shown.pk if shown else None)
    latest = completed[-1] if completed else None
    dimension_names = selectors.dimension_names(latest.version) if latest else {}
    open_round, own_answers = rounds.open_round_of(team, request.user)
    target = targets.target_of(team)
    if target and shown and target.version.questionnaire_id != shown.pk:
        # The target is set on another questionnaire than the one shown.
        target = None
    gap = targets.gap(target, latest) if target else None
    response = render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "membership": membership,
            "page": page,
            "rows": fragments.history_rows(
                "teams/_history_rows.html",
                page.object_list,
                team,
                several_questionnaires=len(questionnaires) > 1,
            ),
            "latest": latest,
            "trend": fragments.team_trend(team, completed, target) if completed else None,
            "dimension_names": dimension_names,
            "questionnaires": questionnaires,
            "shown": shown,
            "open_round": open_round,
            "own_answers": own_answers,
            "open_actions": actions.open_actions(team, limit=OPEN_ACTIONS_SHOWN),
            "gap": gap,
            "how_you_compare": fragments.how_you_compare(latest, show_questions=False)
            if latest
            else None,
            # Actions planned from the target's gap start from the latest result.
            "plan_from": f"assessment={latest.pk}" if latest else "",
            **token_context,
        },
    )
    return kept_if_asked_as_shown(
        request, response, page=page.number, questionnaire=shown.slug if shown else None
    )


def _questionnaire_shown(team, questionnaires, slug):
    """Which questionnaire the team page's latest result, trend, map and comparison are about:
    the one asked for, else that of the team's latest result."""
    if len(questionnaires) < 2:
        return questionnaires[0] if questionnaires else None
    asked = next((q for q in questionnaires if q.slug == slug), None)
    if asked is not None:
        return asked
    latest = selectors.latest_completed(team, 1)
    return next((q for q in questionnaires if q.pk == latest[0].version.questionnaire_id), None)


@never_cache
@require_safe
@team_member()
def team_members(request, membership):
    return render(
        request,
        "teams/members.html",
        {
            "team": membership.team,
            "membership": membership,
            "members": selectors.team_members(membership.team),
            "invitations": selectors.open_invitations(membership.team)
            if membership.is_owner
            else [],
        },
    )


@require_POST
@team_member(owner=True)
def invite(request, membership):
    teams.create_invitation(membership.team, request.user)
    # The link itself is shown by the page, from the database: a notice travels in a cookie,
    # signed but readable, and a private link must not.
    messages.success(
        request,
        _(
            "Send this single-use link, the first under “Open invitations” below, to the person "
            "you invite; it expires in %(days)s days."
        )
        % {"days": teams.INVITATION_DAYS},
    )
    return redirect("assessments:team_members", team_id=membership.team_id)


@require_POST
@team_member(owner=True)
def revoke_invitation(request, membership, invitation_id):
    invitation = get_object_or_404(Invitation, pk=invitation_id, team=membership.team)
    teams.revoke_invitation(invitation)
    messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect("assessments:team_members", team_id=membership.team_id)


@require_POST
@team_member()
def remove_member(request, membership, membership_id):
    """Owners remove anyone; every member may remove themselves (leave the team)."""
    target = get_object_or_404(Membership, pk=membership_id, team=membership.team)
    leaving = target.pk == membership.pk
    if not membership.is_owner and not leaving:
        raise PermissionDenied
    try:
        teams.remove_member(membership.team, target)
    except teams.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("%(name)s is no longer a member.") % {"name": target.user.get_username()},
        )
    if leaving and not Membership.objects.filter(pk=membership.pk).exists():
        return redirect("assessments:teams")
    return redirect("assessments:team_members", team_id=membership.team_id)


@require_POST
@team_member(owner=True)
def transfer_ownership(request, membership, membership_id):
    target = get_object_or_404(Membership, pk=membership_id, team=membership.team)
    teams.transfer_ownership(membership.team, membership, target)
    messages.success(
        request, _("%(name)s now owns the team.") % {"name": target.user.get_username()}
    )
    return redirect("assessments:team_members", team_id=membership.team_id)


@never_cache
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = get_object_or_404(Invitation.objects.select_related("team"), token=token)
    problem = teams.invitation_problem(invitation)
    if request.method == "POST" and request.user.is_authenticated and not problem:
        try:
            teams.accept_invitation(token, request.user)
        except teams.TeamError as error:
            problem = str(error)
        else:
            messages.success(
                request, _("You are now a member of %(team)s.") % {"team": invitation.team.name}
            )
            return redirect(invitation.team)
    return render(
        request,
        "teams/invitation.html",
        {"invitation": invitation, "problem": problem},
        status=410 if problem else 200,
    )


@never_cache
@require_safe
@team_member()
def team_assessment(request, membership, assessment_id):
    """A team assessment's page for members: its result, or its answers so far."""
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    return redirect("assessments:resume", token=assessment.token)


@per_address("start")
@require_POST
@team_member()
def start_from(request, membership, assessment_id):
    previous = selectors.team_assessment_or_404(membership.team, assessment_id)
    version = selectors.published_version(previous.version.questionnaire.slug)
    if version is None:
        messages.error(request, _("No questionnaire is published at the moment."))
        return redirect(membership.team)
    assessment = teams.start_from_previous(previous, version, request.user)
    messages.info(
        request,
        _("This new assessment starts from the earlier answers: change only what moved."),
    )
    return redirect("assessments:review", token=assessment.token)


@login_required
@require_POST
def claim(request, token):
    assessment = assessment_for(request, token, change=True).assessment
    form = TeamChoiceForm(
        selectors.memberships_of(request.user), request.POST, allow_personal=False
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of your own teams."))
        return redirect("assessments:resume", token=token)
    try:
        teams.claim(assessment, request.user, form.chosen_team())
    except teams.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The assessment now belongs to %(team)s.") % {"team": form.chosen_team().name},
        )
    return redirect("assessments:resume", token=token)


@never_cache
@require_http_methods(["GET", "POST"])
@team_member(owner=True)
def delete_team(request, membership):
    """Owners delete the team and everything in it, typing its name to confirm."""
    team = membership.team
    form = NameConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            teams.delete_team(
                team=team, membership=membership, typed_name=form.cleaned_data["name"]
            )
        except teams.TeamError as error:
            form.add_error("name", str(error))
        else:
            messages.success(
                request, _("%(team)s and everything in it are deleted.") % {"team": team.name}
            )
            return redirect("assessments:teams")
    return render(
        request,
        "teams/delete.html",
        {
            "team": team,
            "membership": membership,
            "form": form,
            "counts": selectors.team_counts(team),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
