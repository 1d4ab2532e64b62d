from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assessments.services import accounts


class Command(BaseCommand):
    help = (
        "Delete assessments started without an account and left unfinished for N days "
        "(default: the STALE_ASSESSMENT_DAYS setting). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Days without a change.")

    def handle(self, *, days, **options):
        days = settings.STALE_ASSESSMENT_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be 1 or more.")
        deleted = accounts.purge_stale(days=days)
        self.stdout.write(
            f"Deleted {deleted} anonymous assessment(s) left unfinished for {days} days."
        )
