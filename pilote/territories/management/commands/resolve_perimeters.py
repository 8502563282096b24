from django.conf import settings
from django.core.management.base import BaseCommand

from pilote.territories.models import PerimeterVersion, Resolution
from pilote.territories.resolution import GEOMETRY_FORMAT, resolve_versions


class Command(BaseCommand):
    help = (
        "Compute communes, population and geometry of perimeter versions on an edition "
        "(missing ones, and those whose contour is of an older form)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, default=None)
        parser.add_argument("--all", action="store_true", help="recompute even the resolutions already stored")

    def handle(self, *args, edition, all, **options):
        edition = edition or settings.DEFAULT_EDITION
        versions = PerimeterVersion.objects.all()
        if not all:  # a resolution whose contour is of an older form is computed again
            done = Resolution.objects.filter(edition_id=edition, geometry_format=GEOMETRY_FORMAT).values("version_id")
            versions = versions.exclude(pk__in=done)
        count = resolve_versions(versions, edition=edition) if versions.exists() else 0
        self.stdout.write(f"resolved {count} perimeter version(s) on COG {edition}")
