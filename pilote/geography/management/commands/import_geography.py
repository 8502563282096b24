from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from pilote.geography.importer import EditionFileError, available_years, import_edition

EXAMPLES = 5


class Command(BaseCommand):
    help = "Import editions of the official geography from node_modules/cog-YYYY (idempotent, atomic)."

    def add_arguments(self, parser):
        parser.add_argument("years", nargs="*", type=int, help="editions to import (default: every cog-YYYY)")
        parser.add_argument("--dry-run", action="store_true", help="print what would change, write nothing")

    def handle(self, *args, years, dry_run, **options):
        years = years or available_years()
        if not years:
            raise CommandError("no edition found in node_modules (run `npm ci`)")
        with Progress(transient=True, disable=options["verbosity"] == 0) as progress:
            task = progress.add_task("Import des millésimes", total=len(years))
            for year in years:
                progress.update(task, description=f"COG {year}")
                try:
                    result = import_edition(year, dry_run=dry_run)
                except EditionFileError as exc:
                    raise CommandError(str(exc)) from exc
                self._report(year, result, dry_run)
                progress.advance(task)

    def _report(self, year, result, dry_run):
        for warning in result.rows.warnings:
            self.stderr.write(f"COG {year}: warning: {warning}")
        if not result.diffs or result.is_unchanged:
            self.stdout.write(f"COG {year}: up to date ({result.rows.source}), nothing written")
            return
        verb = "would change" if dry_run else "imported"
        self.stdout.write(f"COG {year} {verb} ({result.rows.source}, {result.rows.row_count()} rows):")
        for diff in result.diffs:
            if diff.is_empty:
                continue
            self.stdout.write(f"  {diff.label}: +{len(diff.added)} -{len(diff.removed)} ~{len(diff.changed)}")
            first_import = not diff.removed and not diff.changed
            for sign, keys in (
                ("+", [] if first_import else diff.added),
                ("-", diff.removed),
                ("~", diff.changed),
            ):
                for key in keys[:EXAMPLES]:
                    self.stdout.write(f"    {sign} {key}")
