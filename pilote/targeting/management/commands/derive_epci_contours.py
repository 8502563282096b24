from django.conf import settings
from django.core.management.base import BaseCommand

from pilote.targeting.maps import epci_shapes


class Command(BaseCommand):
    help = (
        "Derive the EPCI contours of the ranking's map from the commune contours and keep them in the cache, so that "
        "the first visitor of the EPCI map does not wait for it (a no-op when they are cached already)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, default=None)

    def handle(self, *args, edition, **options):
        edition = edition or settings.DEFAULT_EDITION
        shapes = epci_shapes(edition)
        drawn = sum(1 for geometry in shapes.values() if geometry)
        self.stdout.write(f"contours des EPCI du COG {edition} : {drawn} sur {len(shapes)} en cache")
