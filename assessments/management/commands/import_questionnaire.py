from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessments.services import questionnaire_io


class Command(BaseCommand):
    help = "Load a questionnaire version from a JSON file (see docs/questionnaire-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the JSON file to load")
        parser.add_argument(
            "--draft",
            action="store_true",
            help="keep a new version as a draft instead of publishing it",
        )

    def handle(self, path, draft, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            outcome = questionnaire_io.import_questionnaire(text, publish=not draft)
        except questionnaire_io.ImportProblem as problem:
            raise CommandError(f"{path}: {problem}; nothing was imported.") from None
        if outcome.created:
            self.stdout.write(self.style.SUCCESS(f"Imported {outcome.version}."))
        elif outcome.advice_updated:
            self.stdout.write(f"{outcome.version} exists; its level advice was brought up to date.")
        else:
            self.stdout.write(f"{outcome.version} is already loaded; nothing changed.")
