from django.core.management.base import BaseCommand, CommandError

from assessments.services import backups


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database to PATH while the app keeps serving: "
        "SQLite's online backup on SQLite, pg_dump's custom format on PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *, path, **options):
        try:
            backups.backup(path)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {path}.")
