from django.core.management.base import BaseCommand, CommandError

from assessments.services import backups


class Command(BaseCommand):
    help = (
        "Replace the database with the backup at PATH (made by `manage.py backup`). A database "
        "that holds accounts, questionnaires, teams or assessments is refused without --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--force", action="store_true", help="Restore even over a database with data."
        )

    def handle(self, *, path, force, **options):
        try:
            backups.restore(path, force=force)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {path}.")
