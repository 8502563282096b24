from django.core.management.base import BaseCommand, CommandError

from pilote.geography.models import Edition
from pilote.targeting import alerts, index
from pilote.targeting import compute as c
from pilote.targeting.models import Scoring, UnitValue


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs sur le millésime courant (filiations, agrégation, couverture), l'indice de fragilité "
        "de la méthode publiée et les alertes. Idempotent : mêmes données, rien de nouveau n'est écrit."
    )

    def add_arguments(self, parser):
        parser.add_argument("--edition", type=int, default=None, help="millésime du COG (défaut : le plus récent)")

    def handle(self, *args, edition, **options):
        edition = Edition.objects.filter(year=edition).first() if edition else c.latest_edition()
        if edition is None:
            raise CommandError("Aucun millésime de la géographie importé : lancez d'abord import_geography.")
        computation = c.unchanged(edition)
        if computation is not None:
            self.stdout.write(f"Indicateurs : rien de nouveau depuis le calcul n° {computation.pk} (mêmes données).")
        else:
            computation = c.compute(edition)
            self.describe(computation)
        version = index.ensure_default_method()
        is_new = not Scoring.objects.filter(computation=computation, method_version=version).exists()
        scoring = index.score(computation, version)
        found = alerts.detect(scoring)
        if is_new:
            self.stdout.write(
                f"Indice « {version} » : {scoring.scores.count()} unités classées, {len(found)} alerte(s) détectée(s)."
            )
        else:
            self.stdout.write(f"Indice « {version} » : déjà calculé sur ces données, rien de nouveau.")

    def describe(self, computation):
        report = computation.report
        self.stdout.write(
            f"Indicateurs calculés sur le COG {computation.edition_id} (calcul n° {computation.pk}) : "
            f"{len(computation.vintages)} indicateur(s), "
            f"{UnitValue.objects.filter(computation=computation).count()} valeurs stockées."
        )
        for code, vintages in sorted(computation.vintages.items()):
            self.stdout.write(f"  {code} : {vintages[0]} → {vintages[-1]}" if vintages else f"  {code}")
        defusions = sum(len(v) for v in report.get("defusions", {}).values())
        unmapped = sum(len(v) for v in report.get("unmapped", {}).values())
        self.stdout.write(
            f"Filiations : {report.get('fusions_count', 0)} ancienne(s) commune(s) reportée(s) sur leur commune "
            f"nouvelle, {defusions} défusion(s) non réparties, {unmapped} code(s) sans correspondance, "
            f"{len(report.get('straddling', []))} commune(s) à cheval sur deux zones d'emploi (signalées)."
        )
