"""`manage.py restore FILE`: put a backup made by `manage.py backup` back in place of the current database."""

import sys
from pathlib import Path

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from pilote.core import backup


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup`; the current content of the database is replaced."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup file")
        parser.add_argument("--yes", action="store_true", help="replace a database that holds data without asking")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args, file, yes, database, **options):
        connection = connections[database]
        if not yes and backup.has_tables(connection) and not self.confirmed(connection.settings_dict["NAME"]):
            raise CommandError("restore cancelled: the database holds data (confirm, or pass --yes)")
        connection.close()  # the restore writes through its own connection
        try:
            outcome = backup.restore(connection.settings_dict, file)
        except backup.BackupError as exc:
            raise CommandError(f"{exc}; the database was not changed") from exc
        # Pages cached from the replaced data must not outlive it (the cache table may predate the backup).
        call_command("createcachetable", database=database, verbosity=0)
        cache.clear()
        self.stdout.write(outcome.describe("restored from"))

    def confirmed(self, name) -> bool:
        if not sys.stdin.isatty():  # a script without --yes is refused, never left waiting
            return False
        answer = input(f"Every row of the database {name} will be replaced by the backup. Type 'yes' to go on: ")
        return answer.strip().lower() == "yes"
