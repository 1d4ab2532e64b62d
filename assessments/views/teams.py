"""Accounts, teams, invitations, history, comparison, sharing and export."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.forms import CompareForm, SignUpForm, TeamChoiceForm, TeamForm
from assessments.models import Invitation, Membership
from assessments.services import history, selectors, teams
from assessments.views import fragments
from assessments.views.limits import per_address, per_email
from assessments.views.lookups import assessment_for


def _safe_next(request, fallback):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@per_address("signup")
@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("assessments:teams")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
        except IntegrityError:
            # Someone took the name or the address between the check and the save.
            form.add_error(None, _("That username or email address was just taken: try again."))
            return render(request, "registration/signup.html", {"form": form}, status=400)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s: your account is ready.") % {"name": user.get_username()}
        )
        return redirect(_safe_next(request, reverse("assessments:teams")))
    return render(
        request,
        "registration/signup.html",
        {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


password_reset = per_address("password_reset")(
    per_email("password_reset_email")(auth_views.PasswordResetView.as_view())
)


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
# The compare form offers the latest this many; any other is reached by its id.
COMPARE_CHOICES = 50


@never_cache
@require_safe
def team_detail(request, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
    team = membership.team
    page = selectors.team_assessments_page(team, request.GET.get("page"))
    completed = selectors.latest_completed(team, TREND_POINTS)
    latest = completed[-1] if completed else None
    dimension_names = selectors.dimension_names(latest.version) if latest else {}
    return render(
        request,
        "teams/detail.html",
        {
            "team": team,
            "membership": membership,
            "page": page,
            "rows": fragments.history_rows("teams/_history_rows.html", page.object_list, team),
            "latest": latest,
            "trend": fragments.team_trend(team, completed) if completed else None,
            "dimension_names": dimension_names,
        },
    )


def _owner_or_403(request, team_id) -> Membership:
    membership = selectors.membership_or_404(request.user, team_id)
    if not membership.is_owner:
        raise PermissionDenied
    return membership


@never_cache
@require_safe
def team_members(request, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
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
def invite(request, team_id):
    membership = _owner_or_403(request, team_id)
    invitation = teams.create_invitation(membership.team, request.user)
    link = request.build_absolute_uri(reverse("assessments:invitation", args=[invitation.token]))
    messages.success(
        request,
        _(
            "Send this single-use link to the person you invite; "
            "it expires in %(days)s days: %(link)s"
        )
        % {"days": teams.INVITATION_DAYS, "link": link},
    )
    return redirect("assessments:team_members", team_id=team_id)


@require_POST
def revoke_invitation(request, team_id, invitation_id):
    membership = _owner_or_403(request, team_id)
    invitation = get_object_or_404(Invitation, pk=invitation_id, team=membership.team)
    teams.revoke_invitation(invitation)
    messages.success(request, _("The invitation is revoked; its link no longer works."))
    return redirect("assessments:team_members", team_id=team_id)


@require_POST
def remove_member(request, team_id, membership_id):
    """Owners remove anyone; every member may remove themselves (leave the team)."""
    membership = selectors.membership_or_404(request.user, team_id)
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
    return redirect("assessments:team_members", team_id=team_id)


@require_POST
def transfer_ownership(request, team_id, membership_id):
    membership = _owner_or_403(request, team_id)
    target = get_object_or_404(Membership, pk=membership_id, team=membership.team)
    teams.transfer_ownership(membership.team, membership, target)
    messages.success(
        request, _("%(name)s now owns the team.") % {"name": target.user.get_username()}
    )
    return redirect("assessments:team_members", team_id=team_id)


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
def compare(request, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
    team = membership.team
    choices = selectors.latest_completed(team, COMPARE_CHOICES)
    offered = {a.pk for a in choices}
    for requested in CompareForm.requested_ids(request.GET):
        # An older result, linked from the history, is offered too when it is the team's.
        if requested not in offered and (
            found := selectors.completed_team_assessment(team, requested)
        ):
            choices.insert(0, found)
            offered.add(found.pk)
    # Only a choice binds the form: unrelated parameters (a campaign tag, say) show it afresh.
    chosen = "before" in request.GET or "after" in request.GET
    form = CompareForm(choices, request.GET if chosen else None)
    if form.is_bound and not form.is_valid():
        context = {"team": team, "form": form, "comparison": None}
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
    return render(request, "teams/compare.html", {"team": team, "body": body})


def _history_rows(team):
    for assessment, answers in selectors.team_history(team):
        yield history.history_row(assessment, answers)


def _download(chunks, content_type, filename):
    """A streamed download: the export is written as it is read, never held whole."""
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_safe
def export_csv(request, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
    dimension_keys, question_keys = selectors.team_export_columns(membership.team)
    return _download(
        history.csv_lines(
            _history_rows(membership.team),
            dimension_keys=dimension_keys,
            question_keys=question_keys,
        ),
        "text/csv; charset=utf-8",
        f"team-{team_id}-history-{timezone.now():%Y-%m-%d}.csv",
    )


@never_cache
@require_safe
def export_json(request, team_id):
    membership = selectors.membership_or_404(request.user, team_id)
    return _download(
        history.json_chunks(membership.team.name, _history_rows(membership.team)),
        "application/json",
        f"team-{team_id}-history-{timezone.now():%Y-%m-%d}.json",
    )


@never_cache
@require_safe
def team_assessment(request, team_id, assessment_id):
    """A team assessment's page for members: its result, or its answers so far."""
    membership = selectors.membership_or_404(request.user, team_id)
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    return redirect("assessments:resume", token=assessment.token)


@require_POST
def share(request, team_id, assessment_id):
    membership = selectors.membership_or_404(request.user, team_id)
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    try:
        link = teams.share(
            assessment, request.user, include_notes=request.POST.get("include_notes") == "on"
        )
    except teams.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Anyone with this link can read the result, without your team's name: %(link)s")
            % {
                "link": request.build_absolute_uri(reverse("assessments:shared", args=[link.token]))
            },
        )
    return redirect("assessments:results", token=assessment.token)


@require_POST
def revoke_share(request, team_id, assessment_id, link_id):
    membership = selectors.membership_or_404(request.user, team_id)
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    link = get_object_or_404(assessment.share_links, pk=link_id)
    teams.revoke_share(link)
    messages.success(request, _("The share link is revoked; it no longer shows the result."))
    return redirect("assessments:results", token=assessment.token)


@per_address("start")
@require_POST
def start_from(request, team_id, assessment_id):
    membership = selectors.membership_or_404(request.user, team_id)
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


@never_cache
@require_safe
def shared(request, token):
    link = selectors.share_link_or_404(token)
    if not link.is_active:
        return render(request, "teams/share_revoked.html", status=410)
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": link.assessment,
            "result_body": fragments.result_body(link.assessment, include_notes=link.include_notes),
            "shared": True,
        },
    )


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
