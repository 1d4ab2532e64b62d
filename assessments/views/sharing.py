"""Read-only share links to a completed team result, and the page they open."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from assessments.services import selectors, stamps, teams
from assessments.views import fragments
from assessments.views.lookups import team_member
from assessments.views.pages import kept


@require_POST
@team_member()
def share(request, membership, assessment_id):
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    try:
        teams.share(
            assessment, request.user, include_notes=request.POST.get("include_notes") == "on"
        )
    except teams.TeamError as error:
        messages.error(request, str(error))
    else:
        # The link itself is shown by the page, from the database: a notice travels in a
        # cookie, signed but readable, and a private link must not.
        messages.success(
            request,
            _(
                "Anyone with this link can read the result, without your team's name: copy it, "
                "the first of the share links below."
            ),
        )
    return redirect("assessments:results", token=assessment.token)


@require_POST
@team_member()
def revoke_share(request, membership, assessment_id, link_id):
    assessment = selectors.team_assessment_or_404(membership.team, assessment_id)
    link = get_object_or_404(assessment.share_links, pk=link_id)
    teams.revoke_share(link)
    messages.success(request, _("The share link is revoked; it no longer shows the result."))
    return redirect("assessments:results", token=assessment.token)


@never_cache
@require_safe
@kept(lambda request, token: stamps.of_share_link(token))
def shared(request, token_context, token):
    link = selectors.share_link_or_404(token)
    if not link.is_active:
        return render(request, "teams/share_revoked.html", status=410)
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": link.assessment,
            "questionnaire": link.assessment.version.questionnaire,
            "result_body": fragments.result_body(link.assessment, include_notes=link.include_notes),
            "shared": True,
            **token_context,
        },
    )
