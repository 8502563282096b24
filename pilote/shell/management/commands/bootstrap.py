from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Fetch and import every reference dataset, then derive the perimeters (and seed the demo with PILOTE_DEMO=1). "
        "Idempotent: a second run is a no-op."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("fetch_data", verbosity=verbosity)
        call_command("import_geography", verbosity=verbosity)
        call_command("import_contours", verbosity=verbosity)
        call_command("import_territories", verbosity=verbosity)
        call_command("resolve_perimeters", verbosity=verbosity)
        # The indicators' files the mirror (or cache) holds; the others (URSSAF, dossier complet) are skipped quietly.
        call_command("import_indicators", available=True, verbosity=verbosity)
        # -- targeting (issue 10): the computation, the index and the alerts, after the importers --
        call_command("compute_targeting", verbosity=verbosity)
        # The EPCI contours of the ranking's map, derived once and cached, so that no visitor waits for them.
        call_command("derive_epci_contours", verbosity=verbosity)
        # -- sites (issue 11): the pool of candidate sites, placed in the territories resolved above --
        call_command("import_sites", available=True, verbosity=verbosity)
        # -- sites (issue 11): the scores of the pool under the published method, after import_sites --
        call_command("score_sites", verbosity=verbosity)
        if settings.DEMO_MODE:
            call_command("seed_demo", verbosity=verbosity)
