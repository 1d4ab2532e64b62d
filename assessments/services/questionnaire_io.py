"""Import and export of questionnaire versions as JSON (format: docs/questionnaire-format.md).

An import is checked whole before anything is written and runs in one transaction, so a
malformed or invalid file leaves the database exactly as it was. Every problem names the
line of the file it was found on.
"""

import bisect
import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.models import (
    AnswerOption,
    Dimension,
    Level,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Reference,
)
from assessments.services import versions

FORMAT = 1
# Far beyond any questionnaire (the shipped one is 24 KB), and what the pure-Python decoder
# reads in about a second.
LARGEST_FILE = 1_000_000
# Objects and lists inside each other: the format needs 6 (a level's references).
DEEPEST = 20
# What the database keeps orders, scores and numbers in (PositiveSmallIntegerField).
LARGEST_NUMBER = 32767
# Enough for any number a file might hold; Python refuses to read more than 4300 at all.
LONGEST_NUMBER = 18


class ImportProblem(Exception):
    """The file is refused; the message names the line where the problem is."""

    def __init__(self, message: str, line: int | None = None):
        self.line = line
        super().__init__(
            _("line %(line)s: %(message)s") % {"line": line, "message": message}
            if line
            else message
        )


class _Node(dict):
    """A JSON object that remembers the line it started on."""

    line = 1


def _line(node) -> int | None:
    """The line a parsed JSON object started on (None for anything else)."""
    return getattr(node, "line", None)


def _decoder(text: str) -> json.JSONDecoder:
    # The C scanner ignores parse_object; the pure-Python one lets us record where each
    # object starts, so that semantic problems can point at a line as syntax errors do.
    decoder = json.JSONDecoder()
    # Where the lines break, to find an object's line by bisection: counting the breaks before
    # each object anew took time growing with the square of the file.
    breaks = [found.start() for found in re.finditer("\n", text)]
    depth = 0

    def line_at(index: int) -> int:
        return bisect.bisect_left(breaks, index) + 1

    def nested(parse):
        # The pure-Python decoder calls itself for every object or list inside another: refuse
        # a deep one at once, before Python's own limit stops it with a RecursionError.
        def parse_nested(s_and_end, *args):
            nonlocal depth
            if depth >= DEEPEST:
                raise ImportProblem(
                    _("objects and lists nested more than %(depth)s deep") % {"depth": DEEPEST},
                    line_at(s_and_end[1]),
                )
            depth += 1
            try:
                return parse(s_and_end, *args)
            finally:
                depth -= 1

        return parse_nested

    def parse_object(s_and_end, *args):
        pairs, new_end = json.decoder.JSONObject(s_and_end, *args)  # type: ignore[attr-defined]
        node = _Node(pairs)
        node.line = line_at(s_and_end[1])
        return node, new_end

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > LONGEST_NUMBER:
            raise ImportProblem(
                _("a number has more than %(digits)s digits") % {"digits": LONGEST_NUMBER}
            )
        return int(digits)

    # Neither hook is declared in the type stubs: they are the pure-Python decoder's own.
    decoder.parse_object = nested(parse_object)  # type: ignore[attr-defined]
    decoder.parse_array = nested(json.decoder.JSONArray)  # type: ignore[attr-defined]
    decoder.parse_int = parse_int
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    return decoder


def parse(text: str) -> dict:
    """Parse and check a questionnaire file; returns the checked document."""
    if len(text) > LARGEST_FILE:
        raise ImportProblem(
            _("the file holds more than %(largest)s characters; a questionnaire needs far fewer")
            % {"largest": LARGEST_FILE}
        )
    try:
        document = _decoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise ImportProblem(
            _("not valid JSON: %(error)s") % {"error": error.msg}, error.lineno
        ) from None
    _check_document(document)
    return document


def _require(node, key, kind):
    if not isinstance(node, dict):
        raise ImportProblem(_("expected an object"), getattr(node, "line", None))
    if key not in node:
        raise ImportProblem(_("missing %(key)s") % {"key": f'"{key}"'}, _line(node))
    value = node[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ImportProblem(_('"%(key)s" must be a whole number') % {"key": key}, _line(node))
    if kind is int and value < 0:
        raise ImportProblem(_('"%(key)s" must not be negative') % {"key": key}, _line(node))
    if kind is int and value > LARGEST_NUMBER:
        raise ImportProblem(
            _('"%(key)s" must be at most %(largest)s') % {"key": key, "largest": LARGEST_NUMBER},
            _line(node),
        )
    if kind is str and not isinstance(value, str):
        raise ImportProblem(_('"%(key)s" must be text') % {"key": key}, _line(node))
    if kind is str and not value.strip():
        raise ImportProblem(_('"%(key)s" must not be empty') % {"key": key}, _line(node))
    if kind is list and not isinstance(value, list):
        raise ImportProblem(_('"%(key)s" must be a list') % {"key": key}, _line(node))
    if kind is dict and not isinstance(value, dict):
        raise ImportProblem(_('"%(key)s" must be an object') % {"key": key}, _line(node))
    return value


def _require_slug(node, key):
    value = _require(node, key, str)
    try:
        validate_slug(value)
    except ValidationError:
        raise ImportProblem(
            _('"%(key)s" may hold only letters, digits, hyphens and underscores') % {"key": key},
            _line(node),
        ) from None
    return value


def _unique(items, key, what, line):
    seen = set()
    for item in items:
        if item[key] in seen:
            raise ImportProblem(
                _("two %(what)s share the %(key)s %(value)s")
                % {"what": what, "key": key, "value": item[key]},
                _line(item),
            )
        seen.add(item[key])


def _check_document(document):
    if not isinstance(document, dict):
        raise ImportProblem(_("the file must hold one JSON object"), 1)
    if _require(document, "format", int) != FORMAT:
        raise ImportProblem(
            _("unknown format %(format)s; this version reads format %(expected)s")
            % {"format": document["format"], "expected": FORMAT},
            _line(document),
        )
    _require_slug(document, "slug")
    _require(document, "title", str)
    for key in ("description", "attribution"):
        if not isinstance(document.get(key, ""), str):
            raise ImportProblem(_('"%(key)s" must be text') % {"key": key}, _line(document))
    version = _require(document, "version", dict)
    if _require(version, "number", int) < 1:
        raise ImportProblem(_('"number" must be 1 or more'), _line(version))

    dimensions = _require(version, "dimensions", list)
    for dimension in dimensions:
        _require_slug(dimension, "key")
        _require(dimension, "order", int)
        _require(dimension, "name", str)
        if not isinstance(dimension.get("description", ""), str):
            raise ImportProblem(_('"description" must be text'), _line(dimension))
    _unique(dimensions, "key", _("dimensions"), _line(version))
    _unique(dimensions, "order", _("dimensions"), _line(version))
    dimension_keys = {dimension["key"] for dimension in dimensions}

    questions = _require(version, "questions", list)
    for question in questions:
        _require_slug(question, "key")
        _require(question, "order", int)
        _require(question, "text", str)
        if not isinstance(question.get("help_text", ""), str):
            raise ImportProblem(_('"help_text" must be text'), _line(question))
        if not isinstance(question.get("not_applicable", False), bool):
            raise ImportProblem(_('"not_applicable" must be true or false'), _line(question))
        if _require(question, "dimension", str) not in dimension_keys:
            raise ImportProblem(
                _('question "%(key)s" names an unknown dimension "%(dimension)s"')
                % {"key": question["key"], "dimension": question["dimension"]},
                _line(question),
            )
        options = _require(question, "options", list)
        for option in options:
            _require(option, "order", int)
            _require(option, "score", int)
            _require(option, "text", str)
        _unique(options, "order", _("options"), _line(question))
        _unique(options, "score", _("options"), _line(question))
    _unique(questions, "key", _("questions"), _line(version))
    _unique(questions, "order", _("questions"), _line(version))

    levels = _require(version, "levels", list)
    url_validator = URLValidator(schemes=["http", "https"])
    for level in levels:
        _require(level, "number", int)
        _require(level, "name", str)
        _require(level, "min_score", int)
        _require(level, "max_score", int)
        for key in ("description", "guidance"):
            if not isinstance(level.get(key, ""), str):
                raise ImportProblem(_('"%(key)s" must be text') % {"key": key}, _line(level))
        if level["min_score"] > level["max_score"]:
            raise ImportProblem(_('"min_score" is above "max_score"'), _line(level))
        references = level.get("references", [])
        if not isinstance(references, list):
            raise ImportProblem(_('"references" must be a list'), _line(level))
        for reference in references:
            _require(reference, "order", int)
            _require(reference, "title", str)
            if not isinstance(reference.get("note", ""), str):
                raise ImportProblem(_('"note" must be text'), _line(reference))
            try:
                url_validator(_require(reference, "url", str))
            except ValidationError:
                raise ImportProblem(
                    _('"%(url)s" is not a web address') % {"url": reference["url"]},
                    _line(reference),
                ) from None
        _unique(references, "order", _("references"), _line(level))
    _unique(levels, "number", _("levels"), _line(version))
    _unique(levels, "min_score", _("levels"), _line(version))


@dataclass(frozen=True)
class ImportOutcome:
    version: QuestionnaireVersion
    created: bool
    advice_updated: bool


def _structure(version_document) -> dict:
    """The parts of a version that are frozen once published, in a comparable form."""
    return {
        "dimensions": sorted(
            (d["key"], d["order"], d["name"], d.get("description", ""))
            for d in version_document["dimensions"]
        ),
        "questions": sorted(
            (
                q["key"],
                q["order"],
                q["dimension"],
                q["text"],
                q.get("help_text", ""),
                q.get("not_applicable", False),
                tuple(sorted((o["order"], o["score"], o["text"]) for o in q["options"])),
            )
            for q in version_document["questions"]
        ),
        "bands": sorted(
            (level["number"], level["min_score"], level["max_score"])
            for level in version_document["levels"]
        ),
    }


@transaction.atomic
def import_questionnaire(text: str, *, publish: bool = True) -> ImportOutcome:
    """Load a questionnaire version from `text`.

    A version that already exists with the same structure is left as it is, apart from its
    living advice (level names, descriptions, guidance and references), which is brought up
    to date: importing the same file twice changes nothing. A version number that exists with
    a different structure is refused. A new version is published unless `publish` is false.
    """
    document = parse(text)
    version_document = document["version"]
    questionnaire, _created = Questionnaire.objects.get_or_create(
        slug=document["slug"],
        defaults={
            "title": document["title"],
            "description": document.get("description", ""),
            "attribution": document.get("attribution", ""),
        },
    )
    existing = questionnaire.versions.filter(number=version_document["number"]).first()
    if existing is not None:
        if _structure(export_version(existing)["version"]) != _structure(version_document):
            raise ImportProblem(
                _(
                    "version %(number)s of %(slug)s already exists with different questions, "
                    "options or bands; give the file a new version number"
                )
                % {"number": existing.number, "slug": questionnaire.slug},
                _line(version_document),
            )
        return ImportOutcome(existing, False, _update_advice(existing, version_document))

    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=version_document["number"]
    )
    dimensions = {}
    for item in version_document["dimensions"]:
        dimensions[item["key"]] = Dimension.objects.create(
            version=version,
            key=item["key"],
            order=item["order"],
            name=item["name"],
            description=item.get("description", ""),
        )
    for item in version_document["questions"]:
        question = Question.objects.create(
            version=version,
            dimension=dimensions[item["dimension"]],
            key=item["key"],
            order=item["order"],
            text=item["text"],
            help_text=item.get("help_text", ""),
            allows_not_applicable=item.get("not_applicable", False),
        )
        AnswerOption.objects.bulk_create(
            AnswerOption(question=question, order=o["order"], text=o["text"], score=o["score"])
            for o in item["options"]
        )
    for item in version_document["levels"]:
        level = Level.objects.create(
            version=version,
            number=item["number"],
            name=item["name"],
            min_score=item["min_score"],
            max_score=item["max_score"],
            description=item.get("description", ""),
            guidance=item.get("guidance", ""),
        )
        _create_references(level, item)
    if publish:
        try:
            version = versions.publish(version)
        except versions.PublishError as error:
            raise ImportProblem(
                " ".join(problem.message for problem in error.problems), _line(version_document)
            ) from None
    return ImportOutcome(version, True, False)


def _create_references(level, level_document):
    Reference.objects.bulk_create(
        Reference(
            level=level,
            order=r["order"],
            title=r["title"],
            url=r["url"],
            note=r.get("note", ""),
        )
        for r in level_document.get("references", [])
    )


def _update_advice(version, version_document) -> bool:
    current = export_version(version)["version"]["levels"]
    wanted = [
        {
            "number": item["number"],
            "name": item["name"],
            "description": item.get("description", ""),
            "guidance": item.get("guidance", ""),
            "references": [
                {
                    "order": r["order"],
                    "title": r["title"],
                    "url": r["url"],
                    "note": r.get("note", ""),
                }
                for r in item.get("references", [])
            ],
        }
        for item in version_document["levels"]
    ]
    comparable = [
        {key: level[key] for key in ("number", "name", "description", "guidance", "references")}
        for level in current
    ]
    if sorted(comparable, key=lambda level: level["number"]) == sorted(
        wanted, key=lambda level: level["number"]
    ):
        return False
    for item, level in zip(
        sorted(version_document["levels"], key=lambda level: level["number"]),
        version.levels.order_by("number"),
        strict=True,
    ):
        level.name = item["name"]
        level.description = item.get("description", "")
        level.guidance = item.get("guidance", "")
        level.save()
        level.references.all().delete()
        _create_references(level, item)
    return True


def export_version(version: QuestionnaireVersion) -> dict:
    """The document for `version` in the import format."""
    questionnaire = version.questionnaire
    return {
        "format": FORMAT,
        "slug": questionnaire.slug,
        "title": questionnaire.title,
        "description": questionnaire.description,
        "attribution": questionnaire.attribution,
        "version": {
            "number": version.number,
            "dimensions": [
                {
                    "key": dimension.key,
                    "order": dimension.order,
                    "name": dimension.name,
                    "description": dimension.description,
                }
                for dimension in version.dimensions.order_by("order")
            ],
            "questions": [
                {
                    "key": question.key,
                    "order": question.order,
                    "dimension": question.dimension.key,
                    "text": question.text,
                    "help_text": question.help_text,
                    # Written only where offered: files that never use it stay as they were.
                    **({"not_applicable": True} if question.allows_not_applicable else {}),
                    "options": [
                        {"order": option.order, "score": option.score, "text": option.text}
                        for option in question.options.all()
                    ],
                }
                for question in version.questions.select_related("dimension")
                .prefetch_related("options")
                .order_by("order")
            ],
            "levels": [
                {
                    "number": level.number,
                    "name": level.name,
                    "min_score": level.min_score,
                    "max_score": level.max_score,
                    "description": level.description,
                    "guidance": level.guidance,
                    "references": [
                        {
                            "order": reference.order,
                            "title": reference.title,
                            "url": reference.url,
                            "note": reference.note,
                        }
                        for reference in level.references.all()
                    ],
                }
                for level in version.levels.prefetch_related("references").order_by("number")
            ],
        },
    }


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
