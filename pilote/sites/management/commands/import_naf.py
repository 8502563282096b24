"""`manage.py import_naf FILE [--dry-run]`: the Cerema « consommation d'espaces NAF » communal file (sites.naf)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.sites.naf import NafFileRefused, import_naf


class Command(BaseCommand):
    help = "Importe le fichier communal de consommation d'espaces NAF du Cerema (flux annuels en m²)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="vérifie le fichier sans rien écrire")

    def handle(self, path: Path, dry_run: bool, **options):
        try:
            report = import_naf(path.read_bytes(), path.name, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error}") from None
        except NafFileRefused as refused:
            raise CommandError("Fichier refusé, rien n'a été écrit :\n" + "\n".join(refused.errors)) from None
        self.stdout.write(("[essai, rien n'est écrit] " if dry_run else "") + report.as_text())
