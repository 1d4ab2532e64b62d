from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "content" / "genaiops.json"


class Command(BaseCommand):
    help = "Load the shipped GenAIOps questionnaire; running it again changes nothing."

    def handle(self, **options):
        call_command("import_questionnaire", str(DEFAULT_FILE), stdout=self.stdout)
