"""`manage.py backup`: a consistent copy of the whole database, taken while the site runs."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from pilote.core import backup


class Command(BaseCommand):
    help = "Back up the database (SQLite: online backup API; PostgreSQL: pg_dump -Fc) into one file."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the file to write (default: var/backups/pilote-<time>.…)")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="the database alias (default: default)")

    def handle(self, *args, output, database, **options):
        db = connections[database].settings_dict
        target = output or Path(settings.VAR_DIR) / "backups" / backup.default_name(db, time.localtime())
        try:
            outcome = backup.backup(db, target)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(outcome.describe("backed up to"))
