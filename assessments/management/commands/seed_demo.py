import secrets

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from assessments.services import demo, selectors


class Command(BaseCommand):
    help = (
        "Create demonstration data: teams with members and completed assessments spread over "
        "time, with plausible, maturing answers. Deterministic with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default="40,25,12,6,3,3",
            help="Completed assessments per team, comma-separated: one team each "
            '(default: 40,25,12,6,3,3, enough teams for "how you compare").',
        )
        parser.add_argument("--members", type=int, default=4, help="Accounts per team.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--prefix", default="demo", help="Prefix of team and user names.")
        parser.add_argument(
            "--password", help="Password of every account made (default: a random one, shown)."
        )

    def handle(self, *, sizes, members, seed, prefix, password, **options):
        try:
            counts = [int(size) for size in sizes.split(",") if size.strip()]
        except ValueError:
            raise CommandError("--sizes must be whole numbers separated by commas.") from None
        if not counts or min(counts) < 0 or members < 1:
            raise CommandError("Give at least one team size, none negative, and --members ≥ 1.")
        if get_user_model().objects.filter(username__startswith=f"{prefix}-").exists():
            raise CommandError(f"Accounts named {prefix}-… already exist: choose another --prefix.")
        version = selectors.published_version()
        if version is None:
            call_command("load_default_questionnaire", stdout=self.stdout)
            version = selectors.published_version()
        if version is None:
            raise CommandError("No questionnaire is published, and the default one did not load.")
        password = password or secrets.token_urlsafe(12)
        seeded = demo.seed(
            version=version,
            sizes=counts,
            members=members,
            password=password,
            prefix=prefix,
            seed=seed,
        )
        for item in seeded:
            self.stdout.write(
                f"{item.team.name} (id {item.team.pk}): {item.assessments} assessments, "
                f"members {', '.join(item.usernames)}"
            )
        self.stdout.write(f"Every account's password: {password}")
