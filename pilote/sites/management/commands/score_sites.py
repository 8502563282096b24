from django.core.management.base import BaseCommand

from pilote.sites import scoring
from pilote.sites.models import Site


class Command(BaseCommand):
    help = (
        "Note chaque site du vivier avec la dernière version publiée de la méthode de qualification (la version 1 par "
        "défaut est créée si besoin). Ne réécrit que les scores de cette version, jamais ceux des précédentes."
    )

    def handle(self, *args, **options):
        scoring.ensure_default_method()
        method = scoring.latest_method()
        if not Site.objects.exists():
            self.stdout.write(f"{method} : aucun site dans le vivier, rien à noter (lancez d'abord import_sites).")
            return
        count = scoring.score_pool(method)
        self.stdout.write(f"{method} : {count} site(s) noté(s).")
