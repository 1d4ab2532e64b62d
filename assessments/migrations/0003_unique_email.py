"""Email addresses become unique, compared without case, so that "reset my password" for an
address reaches one account.

Addresses already stored more than once keep their oldest account. The newer accounts lose the
address (so the index can be built) and join the group "Duplicate email address cleared", which
the admin lists under Users, filtered by group; each is also printed here.
"""

from django.db import migrations
from django.db.models.functions import Lower

CLEARED_GROUP = "Duplicate email address cleared"


def clear_newer_duplicates(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    seen = set()
    cleared = []
    users = (
        User.objects.exclude(email="")
        .annotate(address=Lower("email"))
        .order_by("date_joined", "pk")
    )
    for user in users:
        if user.address in seen:
            cleared.append(user)
        else:
            seen.add(user.address)
    if not cleared:
        return
    group, _created = Group.objects.get_or_create(name=CLEARED_GROUP)
    for user in cleared:
        print(
            f"\n  {user.username}: email {user.email} cleared, an older account has it "
            f"(listed in the group '{CLEARED_GROUP}')",
            end="",
        )
        user.email = ""
        user.save(update_fields=["email"])
        user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_teams"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(clear_newer_duplicates, migrations.RunPython.noop),
        migrations.RunSQL(
            "CREATE UNIQUE INDEX user_email_ci_unique ON auth_user (LOWER(email)) "
            "WHERE email <> ''",
            "DROP INDEX user_email_ci_unique",
        ),
    ]
