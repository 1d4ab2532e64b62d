"""Import and export through the management commands and the service."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.models import AnswerOption, Level, Questionnaire, QuestionnaireVersion
from assessments.services import questionnaire_io
from tests.support.content import DEFAULT_FILE, questionnaire_document


def export(slug="genaiops", *args):
    out = StringIO()
    call_command("export_questionnaire", slug, *args, stdout=out)
    return out.getvalue()


def database_snapshot():
    return (
        list(Questionnaire.objects.values_list("slug", "title")),
        list(QuestionnaireVersion.objects.values_list("number", "status")),
        list(AnswerOption.objects.values_list("text", "score")),
        list(Level.objects.values_list("name", "min_score", "max_score", "guidance")),
    )


@pytest.mark.django_db
def test_export_then_import_reproduces_the_same_version(tmp_path):
    call_command("import_questionnaire", str(DEFAULT_FILE), stdout=StringIO())
    exported = export()
    assert json.loads(exported) == json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    Questionnaire.objects.all().delete()
    path = tmp_path / "copy.json"
    path.write_text(exported, encoding="utf-8")
    call_command("import_questionnaire", str(path), stdout=StringIO())
    assert export() == exported


@pytest.mark.django_db
def test_importing_the_shipped_file_twice_changes_nothing():
    out = StringIO()
    call_command("load_default_questionnaire", stdout=out)
    before = database_snapshot()
    call_command("load_default_questionnaire", stdout=out)
    assert database_snapshot() == before
    assert "nothing changed" in out.getvalue()


@pytest.mark.django_db
def test_reimport_brings_level_advice_up_to_date():
    call_command("load_default_questionnaire", stdout=StringIO())
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"]["levels"][0]["guidance"] = "Newer advice"
    outcome = questionnaire_io.import_questionnaire(json.dumps(document))
    assert outcome.advice_updated and not outcome.created
    assert Level.objects.get(number=1).guidance == "Newer advice"


@pytest.mark.django_db
def test_same_number_with_different_questions_is_refused_and_nothing_changes():
    call_command("load_default_questionnaire", stdout=StringIO())
    before = database_snapshot()
    document = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    document["version"]["questions"][0]["options"][0]["text"] = "Different"
    with pytest.raises(questionnaire_io.ImportProblem, match="new version number"):
        questionnaire_io.import_questionnaire(json.dumps(document))
    assert database_snapshot() == before


@pytest.mark.django_db
def test_a_new_version_number_is_published_and_retires_the_old_one():
    call_command("load_default_questionnaire", stdout=StringIO())
    document = questionnaire_document(number=2)
    questionnaire_io.import_questionnaire(json.dumps(document))
    assert dict(QuestionnaireVersion.objects.values_list("number", "status")) == {
        1: "retired",
        2: "published",
    }


@pytest.mark.django_db
def test_draft_flag_keeps_the_version_unpublished(tmp_path):
    path = tmp_path / "q.json"
    path.write_text(json.dumps(questionnaire_document()), encoding="utf-8")
    call_command("import_questionnaire", str(path), "--draft", stdout=StringIO())
    assert QuestionnaireVersion.objects.get().status == "draft"


def broken(change):
    document = questionnaire_document()
    change(document)
    return json.dumps(document, indent=2)


def _options(document):
    return document["version"]["questions"][2]["options"]


BROKEN_FILES = [
    ('{\n  "format": 1,\n  "slug": \n}', "line 4: not valid JSON"),
    (broken(lambda d: d.update(format=7)), "line 1: unknown format 7"),
    (broken(lambda d: d.pop("slug")), 'line 1: missing "slug"'),
    (broken(lambda d: d.update(slug="has spaces")), 'line 1: "slug" may hold only'),
    (broken(lambda d: _options(d)[1].update(score=-1)), '"score" must not be negative'),
    (broken(lambda d: _options(d)[1].update(score=0)), "two options share the score 0"),
    (broken(lambda d: _options(d)[1].update(score="two")), '"score" must be a whole number'),
    (
        broken(lambda d: d["version"]["questions"][0].update(dimension="nope")),
        'names an unknown dimension "nope"',
    ),
    (
        broken(lambda d: d["version"]["levels"][1]["references"][0].update(url="javascript:x")),
        "is not a web address",
    ),
    (
        broken(lambda d: d["version"]["levels"][1].update(min_score=11)),
        "Level 2 must start at 10",
    ),
    (broken(lambda d: d["version"]["levels"][3].update(name="")), '"name" must not be empty'),
    ("[]", "line 1: the file must hold one JSON object"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("text", "message"), BROKEN_FILES)
def test_a_broken_file_is_refused_whole_with_its_line(tmp_path, text, message):
    call_command("load_default_questionnaire", stdout=StringIO())
    before = database_snapshot()
    path = tmp_path / "broken.json"
    path.write_text(text.replace('"slug": "genaiops"', '"slug": "other"'), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_questionnaire", str(path), stdout=StringIO())
    assert message in str(error.value)
    assert "nothing was imported" in str(error.value)
    assert database_snapshot() == before


@pytest.mark.django_db
def test_problem_lines_point_into_the_file():
    text = broken(lambda d: _options(d)[3].update(score=-4))
    with pytest.raises(questionnaire_io.ImportProblem) as error:
        questionnaire_io.import_questionnaire(text)
    line = text.splitlines()[error.value.line - 1]
    following = text.splitlines()[error.value.line]
    assert line.strip() == "{" and '"order": 4' in following


@pytest.mark.django_db
def test_missing_file_and_unknown_questionnaire_are_clear_errors(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_questionnaire", str(tmp_path / "none.json"))
    with pytest.raises(CommandError, match="No questionnaire 'nope'"):
        export("nope")
    call_command("load_default_questionnaire", stdout=StringIO())
    with pytest.raises(CommandError, match="with version 4"):
        export("genaiops", "--version", "4")
    assert json.loads(export("genaiops", "--version", "1"))["version"]["number"] == 1


def import_file(tmp_path, text):
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_questionnaire", str(path), stdout=StringIO())
    assert "nothing was imported" in str(error.value)
    return str(error.value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000,
        '{"a": ' * 100_000,
        '{\n"format": 1,\n"description": ' + "[" * 5_000 + "]" * 5_000 + "}",
    ],
    ids=["arrays", "objects", "closed"],
)
def test_a_deeply_nested_file_is_refused_with_a_clear_error(tmp_path, text):
    message = import_file(tmp_path, text)
    assert "nested more than 20 deep" in message
    assert Questionnaire.objects.count() == 0


@pytest.mark.django_db
def test_a_file_too_large_for_a_questionnaire_is_refused_before_it_is_read(tmp_path):
    document = questionnaire_document()
    document["description"] = "x" * 1_000_000
    message = import_file(tmp_path, json.dumps(document))
    assert "more than 1000000 characters" in message
    assert Questionnaire.objects.count() == 0


@pytest.mark.django_db
def test_lines_stay_right_in_a_large_file_of_many_objects():
    # Many small objects, one a line: each object's line is looked up, not counted again.
    document = questionnaire_document()
    padding = [{"n": n} for n in range(20_000)]
    document["padding"] = padding
    document["version"]["levels"][3]["name"] = ""
    text = json.dumps(document, indent=0)
    assert len(text) > 200_000
    with pytest.raises(questionnaire_io.ImportProblem) as error:
        questionnaire_io.import_questionnaire(text)
    assert '"name" must not be empty' in str(error.value)
    level = text.splitlines()[error.value.line - 1 : error.value.line + 3]
    assert level[0] == "{" and '"number": 4,' in level


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("format", "1" * 5_000, "more than 18 digits"),
        ("order", "100000000000000000000", "more than 18 digits"),
        ("order", "40000", '"order" must be at most 32767'),
    ],
)
def test_a_number_too_large_to_keep_is_refused_with_a_clear_error(tmp_path, where, value, message):
    document = questionnaire_document()
    document["version"]["questions"][0]["order"] = 987654
    text = json.dumps(document).replace(
        '"format": 1' if where == "format" else '"order": 987654', f'"{where}": {value}'
    )
    assert message in import_file(tmp_path, text)
    assert Questionnaire.objects.count() == 0
