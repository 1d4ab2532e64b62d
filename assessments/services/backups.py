"""Backups: a consistent snapshot of the database while the app serves, and restoring one into
an empty database. SQLite uses its online backup API; PostgreSQL, pg_dump and pg_restore in
their custom format."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.core.cache import cache
from django.db import DatabaseError, connection

from assessments import caching
from assessments.models import Installation

# Tables whose rows make a database worth keeping: restoring over them needs --force.
KEPT_TABLES = (
    "auth_user",
    "assessments_questionnaire",
    "assessments_team",
    "assessments_assessment",
)


class BackupError(Exception):
    """The backup or restore cannot go ahead; the message says why."""


def is_empty() -> bool:
    """Whether the database holds no account, questionnaire, team or assessment (a database
    with no tables at all is empty too)."""
    present = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in KEPT_TABLES:
            if table in present:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return False
    return True


def _pg_environment() -> tuple[list[str], dict]:
    settings = connection.settings_dict
    arguments = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        arguments += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    environment = {**os.environ}
    if settings.get("PASSWORD"):
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    finished = subprocess.run(command, env=environment, capture_output=True, text=True)
    if finished.returncode != 0:
        raise BackupError(f"{command[0]} failed: {finished.stderr.strip()}")


def backup(path: Path) -> None:
    """Write a consistent snapshot of the database to `path`, without stopping writers."""
    path = Path(path)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            # Page by page, restarting if a writer changes a page: the copy is consistent.
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        arguments, environment = _pg_environment()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(path), *arguments],
            environment,
        )
    else:
        raise BackupError(f"No backup for {connection.vendor} databases.")


def restore(path: Path, *, force: bool = False) -> None:
    """Replace the database with the snapshot at `path`; refused over data without `force`.
    The restored database gets a new installation key, and the cache is cleared: nothing
    cached for the database before is read again, even where ids repeat."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    if not force and not is_empty():
        raise BackupError(
            "The database holds accounts, questionnaires, teams or assessments: restoring "
            "would replace them. Use --force to restore anyway."
        )
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(path)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        arguments, environment = _pg_environment()
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                *arguments,
                str(path),
            ],
            environment,
        )
    else:
        raise BackupError(f"No restore for {connection.vendor} databases.")
    caching.forget_installation()
    caching.forget_local()
    try:
        cache.clear()
    except Exception as error:
        raise BackupError(
            f"The database is restored, but the cache could not be cleared ({error}): clear it, "
            "or restart the app and its cache, before serving."
        ) from None
    try:
        Installation.renew()
    except DatabaseError:
        raise BackupError(
            "The database is restored from a release before installation keys: run "
            "`manage.py migrate`, which makes a new key, before serving."
        ) from None
