from django.core.management.base import BaseCommand, CommandError

from assessments.models import QuestionnaireVersion
from assessments.services import questionnaire_io


class Command(BaseCommand):
    help = "Write a questionnaire version as JSON (the import format) to standard output."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version names a questionnaire version; Django's own --version gives way to it.
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("slug", help="the questionnaire's slug, for example genaiops")
        parser.add_argument(
            "--version",
            dest="number",
            type=int,
            help="the version number (default: the published version, else the newest)",
        )

    def handle(self, slug, number, **options):
        versions = QuestionnaireVersion.objects.filter(questionnaire__slug=slug)
        if number is not None:
            version = versions.filter(number=number).first()
        else:
            version = (
                versions.filter(status=QuestionnaireVersion.Status.PUBLISHED).first()
                or versions.order_by("-number").first()
            )
        if version is None:
            raise CommandError(
                f"No questionnaire {slug!r}"
                + (f" with version {number}" if number is not None else "")
                + "."
            )
        self.stdout.write(
            questionnaire_io.dumps(questionnaire_io.export_version(version)), ending=""
        )
