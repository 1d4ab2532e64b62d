from django.core.management.base import BaseCommand

from assessments.models import Session


class Command(BaseCommand):
    help = (
        "Sign everybody out: delete every session. Run it after restoring a backup taken "
        "before a security incident, since a restore brings back the sessions it held."
    )

    def handle(self, **options):
        ended, _per_model = Session.objects.all().delete()
        self.stdout.write(f"Ended {ended} session(s): everybody signs in again.")
