"""The content admin through the HTTP client: editing, freezing, drafts, preview, publishing."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from assessments.models import Level, Question, QuestionnaireVersion
from assessments.services import versions
from assessments.services.permissions import CONTENT_EDITOR_GROUP


@pytest.fixture
def editor(db, django_user_model):
    user = django_user_model.objects.create_user("editor", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name=CONTENT_EDITOR_GROUP))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def change_url(obj):
    return reverse(f"admin:assessments_{obj._meta.model_name}_change", args=[obj.pk])


def question_form(question, options, **changes):
    """The POST data of a question's change form with the given options, as the admin sends it."""
    data = {
        "version": question.version_id,
        "dimension": question.dimension_id,
        "order": question.order,
        "key": question.key,
        "text": question.text,
        "help_text": question.help_text,
        "options-TOTAL_FORMS": str(len(options)),
        "options-INITIAL_FORMS": str(len(options)),
        "options-MIN_NUM_FORMS": "2",
        "options-MAX_NUM_FORMS": "1000",
        **changes,
    }
    for index, option in enumerate(options):
        data |= {
            f"options-{index}-id": option.pk,
            f"options-{index}-question": question.pk,
            f"options-{index}-order": option.order,
            f"options-{index}-text": option.text,
            f"options-{index}-score": option.score,
        }
    return data


def press(client, version, button):
    """Submit a version's change form as shown, with one of its extra buttons."""
    page = client.get(change_url(version))
    data = {button: "1"}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(k): v for k, v in management.initial.items()}
        for form in formset.forms:
            for name in form.fields:
                value = form.instance.pk if name == "id" else form.initial.get(name)
                if value is not None:
                    data[form.add_prefix(name)] = getattr(value, "pk", value)
    return client.post(change_url(version), data, follow=True)


def test_content_editor_group_has_content_permissions_only(db):
    group = Group.objects.get(name=CONTENT_EDITOR_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "change_question" in codenames and "add_reference" in codenames
    assert not any("user" in name or "group" in name for name in codenames)
    assert "change_assessment" not in codenames
    assert codenames == set(
        Permission.objects.filter(
            content_type__app_label="assessments",
            content_type__model__in=[
                "questionnaire",
                "questionnaireversion",
                "dimension",
                "question",
                "answeroption",
                "level",
                "reference",
            ],
        ).values_list("codename", flat=True)
    )


def test_editor_cannot_reach_users(editor_client, default_version):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:assessments_question_changelist")).status_code == 200


def test_admin_lists_search_and_filter(editor_client, default_version):
    for name in ("questionnaireversion", "question", "level", "questionnaire"):
        assert editor_client.get(reverse(f"admin:assessments_{name}_changelist")).status_code == 200
    response = editor_client.get(
        reverse("admin:assessments_question_changelist"), {"q": "retrieval"}
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def test_a_frozen_question_is_shown_read_only(editor_client, default_version):
    question = default_version.questions.get(order=1)
    page = editor_client.get(change_url(question)).content.decode()
    assert 'name="text"' not in page
    assert question.text in page
    response = editor_client.post(change_url(question), {"text": "Changed", "order": 1})
    question.refresh_from_db()
    assert question.text != "Changed"
    assert response.status_code == 403


def test_a_frozen_level_keeps_its_band_but_guidance_is_editable(editor_client, default_version):
    level = default_version.levels.get(number=2)
    references = level.references.count()
    page = editor_client.get(change_url(level)).content.decode()
    assert 'name="guidance"' in page and 'name="min_score"' not in page
    data = {
        "name": level.name,
        "description": level.description,
        "guidance": "New guidance for level two",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }
    response = editor_client.post(change_url(level), data)
    assert response.status_code == 302, response.content
    level.refresh_from_db()
    assert level.guidance == "New guidance for level two"
    assert (level.min_score, level.max_score) == (10, 14)
    assert level.references.count() == references


def test_new_draft_button_and_publish_with_problems(editor_client, default_version):
    response = press(editor_client, default_version, "_new_draft")
    draft = QuestionnaireVersion.objects.get(number=2)
    assert response.redirect_chain[-1][0] == change_url(draft)
    Level.objects.filter(version=draft, number=3).update(min_score=16)
    page = editor_client.get(change_url(draft)).content.decode()
    assert "Before this draft can be published" in page
    assert "Level 3 must start at 15" in page
    level = draft.levels.get(number=3)
    level_page = editor_client.get(change_url(level)).content.decode()
    assert "Blocks publishing: Level 3 must start at 15" in level_page
    response = press(editor_client, draft, "_publish")
    assert b"was not published" in response.content
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_edit_preview_and_publish_a_draft(editor_client, default_version):
    draft = versions.create_draft(default_version)
    question = draft.questions.get(order=1)
    data = question_form(
        question,
        list(question.options.all()),
        text="Which models have you compared for your use case?",
    )
    response = editor_client.post(change_url(question), data)
    assert response.status_code == 302, response.context["errors"]
    preview = editor_client.get(
        reverse("admin:assessments_questionnaireversion_preview", args=[draft.pk])
    )
    assert b"Which models have you compared" in preview.content
    response = press(editor_client, draft, "_publish")
    assert b"is published" in response.content
    draft.refresh_from_db()
    default_version.refresh_from_db()
    assert (draft.status, default_version.status) == ("published", "retired")
    home = editor_client.get("/")
    assert home.status_code == 200


def test_duplicate_option_scores_are_shown_next_to_the_options(editor_client, default_version):
    draft = versions.create_draft(default_version)
    question = draft.questions.get(order=1)
    first, second = list(question.options.all())[:2]
    second.score = first.score
    data = question_form(question, [first, second])
    response = editor_client.post(change_url(question), data)
    assert response.status_code == 200
    assert (
        "already exists" in str(response.context["inline_admin_formsets"][0].formset.errors)
        or "duplicate" in response.content.decode().lower()
    )
    assert set(question.options.values_list("score", flat=True)) == {0, 1, 2, 3, 4}


def test_actions_make_draft_and_publish(editor_client, default_version):
    changelist = reverse("admin:assessments_questionnaireversion_changelist")
    editor_client.post(
        changelist, {"action": "make_draft", "_selected_action": [default_version.pk]}
    )
    draft = QuestionnaireVersion.objects.get(number=2)
    editor_client.post(changelist, {"action": "publish_versions", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "published"


def test_frozen_versions_cannot_be_deleted_in_the_admin(admin_client, default_version):
    response = admin_client.get(
        reverse("admin:assessments_questionnaireversion_delete", args=[default_version.pk])
    )
    assert response.status_code == 403
    question = default_version.questions.first()
    response = admin_client.get(reverse("admin:assessments_question_delete", args=[question.pk]))
    assert response.status_code == 403
    assert Question.objects.filter(pk=question.pk).exists()


def test_preview_needs_staff(client, default_version):
    preview = reverse("admin:assessments_questionnaireversion_preview", args=[default_version.pk])
    assert client.get(preview).status_code == 302


def test_question_help_text_is_escaped_for_respondents(editor_client, default_version):
    draft = versions.create_draft(default_version)
    Question.objects.filter(version=draft, order=1).update(
        help_text='<meta http-equiv="refresh" content="0;url=https://example.org">'
    )
    preview = editor_client.get(
        reverse("admin:assessments_questionnaireversion_preview", args=[draft.pk])
    )
    assert b"<meta http-equiv" not in preview.content
    assert b"&lt;meta http-equiv" in preview.content


def test_the_slug_of_a_published_questionnaire_is_read_only(editor_client, default_version):
    page = editor_client.get(change_url(default_version.questionnaire)).content.decode()
    assert 'name="slug"' not in page


def test_rounds_actions_and_targets_are_shown_read_only(admin_client, people, default_version):
    from assessments.models import Membership
    from assessments.services import actions, rounds, targets

    owner = Membership.objects.get(team=people["team"], user=people["owner"])
    round = rounds.open_round(team=people["team"], membership=owner, title="Spring review")
    action = actions.create_action(team=people["team"], membership=owner, text="Add evals")
    actions.update_action(
        action=action, membership=owner, text="Add evals", owner=None, due_on=None, status="done"
    )
    target = targets.set_target(
        team=people["team"],
        membership=owner,
        version=default_version,
        level=default_version.levels.get(number=3),
        due_on=None,
        answers={},
    )
    for model, obj, shown in [
        ("round", round, "Spring review"),
        ("action", action, "Done"),
        ("target", target, "Platform team"),
    ]:
        changelist = admin_client.get(f"/admin/assessments/{model}/")
        assert changelist.status_code == 200
        page = admin_client.get(f"/admin/assessments/{model}/{obj.pk}/change/").content.decode()
        assert shown in page
        assert 'name="_save"' not in page
