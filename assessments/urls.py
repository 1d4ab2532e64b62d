from django.urls import path

from assessments import converters  # noqa: F401  (registers <number:…>)
from assessments.views import accounts, actions, history, rounds, sharing, taking, targets, teams

app_name = "assessments"

urlpatterns = [
    path("", taking.home, name="home"),
    path("start/", taking.start, name="start"),
    path("mine/", taking.mine, name="mine"),
    path("a/<str:token>/", taking.resume, name="resume"),
    path("a/<str:token>/q/<number:order>/", taking.question, name="question"),
    path("a/<str:token>/review/", taking.review, name="review"),
    path("a/<str:token>/submit/", taking.submit, name="submit"),
    path("a/<str:token>/results/", taking.results, name="results"),
    path("a/<str:token>/results.json", taking.results_json, name="results_json"),
    path("a/<str:token>/claim/", teams.claim, name="claim"),
    path("a/<str:token>/delete/", taking.delete, name="delete_assessment"),
    path("shared/<str:token>/", sharing.shared, name="shared"),
    path("invitations/<str:token>/", teams.invitation, name="invitation"),
    path("accounts/signup/", accounts.signup, name="signup"),
    path("account/", accounts.account, name="account"),
    path("account/data.json", accounts.my_data, name="my_data"),
    path("account/delete/", accounts.delete_account, name="delete_account"),
    path("teams/", teams.team_list, name="teams"),
    path("teams/<number:team_id>/", teams.team_detail, name="team"),
    path("teams/<number:team_id>/members/", teams.team_members, name="team_members"),
    path("teams/<number:team_id>/delete/", teams.delete_team, name="delete_team"),
    path("teams/<number:team_id>/invite/", teams.invite, name="invite"),
    path(
        "teams/<number:team_id>/invitations/<number:invitation_id>/revoke/",
        teams.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "teams/<number:team_id>/members/<number:membership_id>/remove/",
        teams.remove_member,
        name="remove_member",
    ),
    path(
        "teams/<number:team_id>/members/<number:membership_id>/make-owner/",
        teams.transfer_ownership,
        name="transfer_ownership",
    ),
    path("teams/<number:team_id>/compare/", history.compare, name="compare"),
    path("teams/<number:team_id>/export.csv", history.export_csv, name="export_csv"),
    path("teams/<number:team_id>/export.json", history.export_json, name="export_json"),
    path(
        "teams/<number:team_id>/assessments/<number:assessment_id>/",
        teams.team_assessment,
        name="team_assessment",
    ),
    path(
        "teams/<number:team_id>/assessments/<number:assessment_id>/share/",
        sharing.share,
        name="share",
    ),
    path(
        "teams/<number:team_id>/assessments/<number:assessment_id>/share/<number:link_id>/revoke/",
        sharing.revoke_share,
        name="revoke_share",
    ),
    path(
        "teams/<number:team_id>/assessments/<number:assessment_id>/start-from/",
        teams.start_from,
        name="start_from",
    ),
    path("teams/<number:team_id>/rounds/", rounds.round_list, name="rounds"),
    path("teams/<number:team_id>/rounds/<number:round_id>/", rounds.round_detail, name="round"),
    path(
        "teams/<number:team_id>/rounds/<number:round_id>/answer/",
        rounds.answer,
        name="round_answer",
    ),
    path(
        "teams/<number:team_id>/rounds/<number:round_id>/close/", rounds.close, name="close_round"
    ),
    path("teams/<number:team_id>/rounds/<number:round_id>/agree/", rounds.agree, name="agree"),
    path(
        "teams/<number:team_id>/rounds/<number:round_id>/record/",
        rounds.record,
        name="record_round",
    ),
    path(
        "teams/<number:team_id>/rounds/<number:round_id>/results.json",
        rounds.round_json,
        name="round_json",
    ),
    path("teams/<number:team_id>/actions/", actions.action_list, name="actions"),
    path("teams/<number:team_id>/actions/new/", actions.new_action, name="new_action"),
    path(
        "teams/<number:team_id>/actions/<number:action_id>/", actions.action_detail, name="action"
    ),
    path("teams/<number:team_id>/actions.csv", actions.actions_csv, name="actions_csv"),
    path("teams/<number:team_id>/target/", targets.target, name="target"),
]
