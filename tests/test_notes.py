"""Notes on answers: the evidence or the reason, kept with the answer, always escaped, shown
wherever the answer is, and on a shared result only when the sharer says so."""

import csv
import io
import json

from django.urls import reverse

from assessments.models import Answer
from assessments.services import assessments, teams

HOSTILE = "Runs nightly <script>alert(1)</script> & on release"
ESCAPED = "Runs nightly &lt;script&gt;alert(1)&lt;/script&gt; &amp; on release"


def answer_with_note(client, assessment, order, note):
    question = assessment.version.questions.get(order=order)
    option = question.options.get(score=3)
    return client.post(
        reverse("assessments:question", args=[assessment.token, order]),
        {"option": option.pk, "note": note, "direction": "next"},
    )


def test_a_note_is_saved_with_the_answer_and_shown_escaped(client, answered):
    assessment = answered([1] * 7)
    assert answer_with_note(client, assessment, 2, HOSTILE).status_code == 302
    answer = Answer.objects.get(assessment=assessment, question__order=2)
    assert answer.note == HOSTILE and answer.option.score == 3
    page = client.get(reverse("assessments:question", args=[assessment.token, 2]))
    assert ESCAPED in page.content.decode() and "<script>alert" not in page.content.decode()
    review = client.get(reverse("assessments:review", args=[assessment.token])).content.decode()
    assert f"Note:</span> {ESCAPED}" in review


def test_a_note_over_2000_characters_is_refused_and_nothing_changes(client, answered):
    assessment = answered([1] * 7)
    response = answer_with_note(client, assessment, 2, "x" * 2001)
    assert response.status_code == 400
    assert "Ensure this value has at most 2000 characters" in response.content.decode()
    answer = Answer.objects.get(assessment=assessment, question__order=2)
    assert answer.note == "" and answer.option.score == 1


def test_the_service_refuses_a_long_note_too(answered):
    assessment = answered([1] * 7)
    question = assessment.version.questions.get(order=1)
    try:
        assessments.save_answer(
            assessment, question.pk, question.options.first().pk, note="y" * 2001
        )
    except assessments.AssessmentError as error:
        assert "at most 2000 characters" in str(error)
    else:
        raise AssertionError("a 2001-character note was accepted")


def completed_with_note(client, team_assessment, people):
    assessment = team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    answer_with_note(client, assessment, 1, HOSTILE)
    client.post(reverse("assessments:submit", args=[assessment.token]))
    return assessment


def test_results_and_the_json_download_carry_the_notes(client, people, team_assessment):
    assessment = completed_with_note(client, team_assessment, people)
    page = client.get(reverse("assessments:results", args=[assessment.token])).content.decode()
    assert ESCAPED in page
    document = json.loads(
        client.get(reverse("assessments:results_json", args=[assessment.token])).content
    )
    notes = [item["note"] for item in document["answers"]]
    assert notes[0] == HOSTILE and notes[1:] == [""] * 6


def test_a_shared_result_shows_notes_only_when_the_sharer_includes_them(
    client, people, team_assessment
):
    assessment = completed_with_note(client, team_assessment, people)
    share = reverse("assessments:share", args=[people["team"].pk, assessment.pk])
    client.post(share)
    client.post(share, {"include_notes": "on"})
    without, with_notes = sorted(assessment.share_links.all(), key=lambda link: link.include_notes)
    client.logout()
    assert (
        ESCAPED
        not in client.get(reverse("assessments:shared", args=[without.token])).content.decode()
    )
    assert (
        ESCAPED
        in client.get(reverse("assessments:shared", args=[with_notes.token])).content.decode()
    )


def test_exports_carry_one_note_column_per_question(client, people, team_assessment):
    completed_with_note(client, team_assessment, people)
    response = client.get(reverse("assessments:export_csv", args=[people["team"].pk]))
    row = next(csv.DictReader(io.StringIO(response.getvalue().decode())))
    note_columns = [key for key in row if key.endswith("_note")]
    assert len(note_columns) == 7 and row[note_columns[0]] == HOSTILE
    document = json.loads(
        client.get(reverse("assessments:export_json", args=[people["team"].pk])).getvalue()
    )
    assert HOSTILE in [a["note"] for a in document["assessments"][0]["answers"].values()]


def test_a_note_that_looks_like_a_formula_is_defused_in_the_csv(client, people, team_assessment):
    assessment = team_assessment([1] * 7, complete=False)
    client.force_login(people["member"])
    answer_with_note(client, assessment, 1, "=HYPERLINK(1)")
    response = client.get(reverse("assessments:export_csv", args=[people["team"].pk]))
    assert "'=HYPERLINK(1)" in response.getvalue().decode()


def test_compare_shows_the_notes_of_changed_answers(client, people, team_assessment):
    before = team_assessment([1] * 7)
    after = completed_with_note(client, team_assessment, people)
    page = client.get(
        reverse("assessments:compare", args=[people["team"].pk]),
        {"before": before.pk, "after": after.pk},
    ).content.decode()
    assert ESCAPED in page


def test_starting_from_earlier_answers_does_not_copy_their_notes(
    people, team_assessment, default_version
):
    previous = team_assessment([2] * 7, complete=False)
    question = previous.version.questions.get(order=1)
    assessments.save_answer(previous, question.pk, question.options.get(score=2).pk, note="why")
    assert Answer.objects.get(assessment=previous, question=question).note == "why"
    follow_up = teams.start_from_previous(previous, default_version, people["member"])
    assert set(Answer.objects.filter(assessment=follow_up).values_list("note", flat=True)) == {""}


def test_line_breaks_count_once_as_the_browser_counts_them(client, answered):
    assessment = answered([1] * 7)
    note = ("line\r\n" * 400)[:-2]  # 1,999 characters once a line break counts as one
    assert answer_with_note(client, assessment, 3, note).status_code == 302
    saved = Answer.objects.get(assessment=assessment, question__order=3).note
    assert saved == note.replace("\r\n", "\n") and len(saved) <= 2000


def test_an_answer_saved_without_a_note_keeps_the_one_it_had(answered):
    assessment = answered([1] * 7)
    question = assessment.version.questions.get(order=1)
    options = list(question.options.order_by("score"))
    assessments.save_answer(assessment, question.pk, options[1].pk, note="Measured weekly")
    assessments.save_answer(assessment, question.pk, options[2].pk)
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert answer.note == "Measured weekly" and answer.option == options[2]
    assessments.save_answer(assessment, question.pk, options[2].pk, note="")
    assert Answer.objects.get(assessment=assessment, question=question).note == ""
