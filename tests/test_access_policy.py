"""A kept page decides access from its stamp, a view from the objects themselves: over
generated teams, roles, rounds and links, the two decisions are always the same."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import RequestFactory
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.models import Assessment, Membership, Round, Team
from assessments.services import access, selectors, stamps


class Rollback(Exception):
    pass


def decided_through_the_orm(token, user) -> access.Access:
    """What `assessment_for`, the views' lookup, lets `user` do."""
    from assessments.views.lookups import assessment_for

    request = RequestFactory().get("/")
    request.user = user
    try:
        assessment_for(request, token)
    except Http404:
        return access.Access.NONE
    try:
        assessment_for(request, token, change=True)
    except PermissionDenied:
        return access.Access.READ
    return access.Access.CHANGE


def team_visible_through_the_orm(team_id, user) -> bool:
    try:
        selectors.membership_or_404(user, team_id)
    except Http404:
        return False
    return True


def team_visible_from_the_stamp(team_id, user) -> bool:
    try:
        stamps.of_team(team_id, user)
    except Http404:
        return False
    return True


@pytest.mark.django_db
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(["without an account", "personal", "team", "round"]),
    taker_role=st.sampled_from([None, "member", "owner"]),
    viewer=st.sampled_from(["nobody", "the taker", "another member", "an owner", "outsider"]),
    round_state=st.sampled_from(["open", "closed", "past its date", "closing today"]),
)
def test_the_decision_from_a_stamp_is_the_decision_through_the_orm(
    default_version, kind, taker_role, viewer, round_state
):
    try:
        with transaction.atomic():
            users = {
                name: get_user_model().objects.create_user(name)
                for name in ("taker", "member", "owner", "outsider")
            }
            team = Team.objects.create(name="Generated team")
            Membership.objects.create(team=team, user=users["owner"], role="owner")
            Membership.objects.create(team=team, user=users["member"], role="member")
            if taker_role:
                Membership.objects.create(team=team, user=users["taker"], role=taker_role)
            round = None
            if kind == "round":
                today = timezone.localdate()
                round = Round.objects.create(
                    team=team,
                    version=default_version,
                    title="Generated round",
                    opened_by=users["owner"],
                    closed_at=timezone.now() if round_state == "closed" else None,
                    closes_on={
                        "past its date": today - timedelta(days=1),
                        "closing today": today,
                    }.get(round_state),
                )
            assessment = Assessment.objects.create(
                version=default_version,
                owner=None if kind == "without an account" else users["taker"],
                team=team if kind == "team" else None,
                round=round,
            )
            user = {
                "nobody": AnonymousUser(),
                "the taker": users["taker"],
                "another member": users["member"],
                "an owner": users["owner"],
                "outsider": users["outsider"],
            }[viewer]
            stamp = stamps.of_assessment(assessment.token, user)
            from_stamp = stamps.assessment_access(stamp, user)
            assert from_stamp is decided_through_the_orm(assessment.token, user)
            assert team_visible_from_the_stamp(team.pk, user) is team_visible_through_the_orm(
                team.pk, user
            )
            raise Rollback
    except Rollback:
        pass
