"""Teams through the services: membership, invitations, ownership, claiming, follow-ups."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Answer, Membership
from assessments.services import assessments, history, teams, versions
from tests.support.content import choose


def test_creating_a_team_makes_its_creator_the_owner(people):
    membership = Membership.objects.get(team=people["team"], user=people["owner"])
    assert membership.is_owner
    assert Membership.objects.get(team=people["team"], user=people["member"]).role == "member"


def test_a_user_can_belong_to_several_teams(people):
    invitation = teams.create_invitation(people["other_team"], people["outsider"])
    teams.accept_invitation(invitation.token, people["member"])
    assert set(people["member"].teams.values_list("name", flat=True)) == {
        "Platform team",
        "Other team",
    }


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (lambda i: setattr(i, "expires_at", timezone.now() - timedelta(minutes=1)), "expired"),
        (lambda i: setattr(i, "used_at", timezone.now()), "already been used"),
        (lambda i: setattr(i, "revoked_at", timezone.now()), "revoked"),
    ],
)
def test_expired_used_or_revoked_invitations_say_so(people, spoil, message):
    invitation = teams.create_invitation(people["team"], people["owner"])
    spoil(invitation)
    invitation.save()
    with pytest.raises(teams.TeamError, match=message):
        teams.accept_invitation(invitation.token, people["outsider"])
    assert not Membership.objects.filter(team=people["team"], user=people["outsider"]).exists()


def test_an_invitation_works_once_and_expires_after_seven_days(people):
    invitation = teams.create_invitation(people["team"], people["owner"])
    assert timedelta(days=6, hours=23) < invitation.expires_at - timezone.now() <= timedelta(days=7)
    teams.accept_invitation(invitation.token, people["outsider"])
    with pytest.raises(teams.TeamError, match="already been used"):
        teams.accept_invitation(invitation.token, people["owner"])


def test_the_last_owner_cannot_be_removed(people):
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    with pytest.raises(teams.TeamError, match="needs an owner"):
        teams.remove_member(people["team"], owner)
    assert Membership.objects.filter(pk=owner.pk).exists()


def test_handing_over_ownership_then_leaving(people):
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    member = Membership.objects.get(team=people["team"], user=people["member"])
    teams.transfer_ownership(people["team"], owner, member)
    owner.refresh_from_db()
    member.refresh_from_db()
    assert (owner.role, member.role) == ("member", "owner")
    teams.remove_member(people["team"], owner)
    assert list(people["team"].members.all()) == [people["member"]]


def test_ownership_only_goes_to_a_member_of_the_same_team(people):
    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    stranger = Membership.objects.get(team=people["other_team"])
    with pytest.raises(teams.TeamError):
        teams.transfer_ownership(people["team"], owner, stranger)


def test_an_anonymous_assessment_can_be_claimed_by_a_member(default_version, people):
    assessment = assessments.start(default_version)
    claimed = teams.claim(assessment, people["member"], people["team"])
    assert (claimed.team, claimed.owner) == (people["team"], people["member"])
    with pytest.raises(teams.TeamError, match="already belongs"):
        teams.claim(assessment, people["outsider"], people["other_team"])


def test_claiming_into_a_team_one_is_not_in_is_refused(default_version, people):
    assessment = assessments.start(default_version)
    with pytest.raises(teams.TeamError):
        teams.claim(assessment, people["outsider"], people["team"])
    assessment.refresh_from_db()
    assert assessment.team is None


def test_starting_for_a_team_one_is_not_in_is_refused(default_version, people):
    with pytest.raises(teams.TeamError):
        teams.start_for_team(default_version, people["outsider"], people["team"])


def test_start_from_previous_copies_the_answers(team_assessment, default_version, people):
    previous = team_assessment([1, 2, 3, 4, 0, 1, 2])
    follow_up = teams.start_from_previous(previous, default_version, people["owner"])
    assert follow_up.team == people["team"] and follow_up.status == "in_progress"
    scores = list(
        Answer.objects.filter(assessment=follow_up)
        .order_by("question__order")
        .values_list("option__score", flat=True)
    )
    assert scores == [1, 2, 3, 4, 0, 1, 2]


def test_start_from_previous_on_a_new_version_keeps_answers_where_questions_remain(
    team_assessment, default_version, people
):
    previous = team_assessment([3] * 7)
    draft = versions.create_draft(default_version)
    removed = draft.questions.get(order=7)
    removed.options.all().delete()
    removed.delete()
    reworded = draft.questions.get(order=1)
    reworded.text = "Reworded"
    reworded.save()
    draft.levels.filter(number=4).update(max_score=24)
    draft = versions.publish(draft)
    follow_up = teams.start_from_previous(previous, draft, people["member"])
    answers = Answer.objects.filter(assessment=follow_up).select_related("question", "option")
    assert sorted(a.question.order for a in answers) == [1, 2, 3, 4, 5, 6]
    assert all(a.option.score == 3 and a.question.version == draft for a in answers)


def test_only_completed_results_can_be_shared(team_assessment, people):
    unfinished = team_assessment([1] * 7, complete=False)
    with pytest.raises(teams.TeamError):
        teams.share(unfinished, people["member"])
    link = teams.share(team_assessment([1] * 7), people["member"])
    assert link.is_active
    teams.revoke_share(link)
    assert not link.is_active


def test_compare_lists_changes_in_total_level_dimensions_and_answers(team_assessment):
    before = history.stored_snapshot(team_assessment([2, 2, 2, 2, 1, 1, 1]))
    after = history.stored_snapshot(team_assessment([2, 3, 2, 2, 3, 1, 1]))
    comparison = history.compare(before, after, same_version=True)
    assert (comparison.total_before, comparison.total_after, comparison.total_change) == (11, 14, 3)
    assert comparison.level_change == 0
    assert [d.change for d in comparison.dimensions] == [1, 2]
    assert [(c.score_before, c.score_after) for c in comparison.changed_answers] == [
        (2, 3),
        (1, 3),
    ]
    assert comparison.shared_questions == 7


def test_csv_cells_that_look_like_formulas_are_defused():
    row = history.HistoryRow(
        questionnaire="genaiops",
        started="2026-01-01",
        completed="",
        taken_by="=HYPERLINK(1)",
        version=1,
        status="in_progress",
        total=None,
        maximum=None,
        level="",
        dimensions={},
        answers={},
    )
    assert "'=HYPERLINK(1)" in "".join(
        history.csv_lines([row], dimension_keys=[], question_keys=[])
    )


def test_in_progress_team_assessment_choices(team_assessment):
    assessment = team_assessment([0] * 7, complete=False)
    choose(assessment, [4] * 7)
    assert assessments.complete(assessment).total_score == 28


def test_a_personal_assessment_can_be_claimed_only_by_its_owner(default_version, people):
    personal = teams.start_for_team(default_version, people["member"], None)
    with pytest.raises(teams.TeamError, match="Only the person who took"):
        teams.claim(personal, people["outsider"], people["other_team"])
    personal.refresh_from_db()
    assert personal.team is None
    assert teams.claim(personal, people["member"], people["team"]).team == people["team"]


def test_a_member_opening_an_invitation_does_not_use_it_up(people):
    invitation = teams.create_invitation(people["team"], people["owner"])
    teams.accept_invitation(invitation.token, people["owner"])
    invitation.refresh_from_db()
    assert invitation.is_open
    teams.accept_invitation(invitation.token, people["outsider"])
    invitation.refresh_from_db()
    assert not invitation.is_open
