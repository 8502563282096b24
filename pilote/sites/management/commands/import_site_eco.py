"""`manage.py import_site_eco SITE-ECO.csv [TERRAIN-ECO.csv] [--dry-run]`, or a GeoPackage holding both tables: the
CNIG « Sites économiques » files regions and EPCI publish (pilote.sites.siteeco)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.sites.siteeco import SiteEcoRefused, import_site_eco


class Command(BaseCommand):
    help = "Importe un fichier SITE-ECO (et TERRAIN-ECO) du standard CNIG « Sites économiques », CSV ou GeoPackage."

    def add_arguments(self, parser):
        parser.add_argument("sites", type=Path, help="SITE-ECO en CSV, ou GeoPackage (.gpkg) des deux tables")
        parser.add_argument("terrains", type=Path, nargs="?", help="TERRAIN-ECO en CSV")
        parser.add_argument("--dry-run", action="store_true", help="vérifie les fichiers sans rien écrire")

    def handle(self, sites: Path, terrains: Path | None, dry_run: bool, **options):
        try:
            report = import_site_eco(
                sites.read_bytes(),
                terrains.read_bytes() if terrains else None,
                sites.name,
                geopackage=sites.suffix.lower() == ".gpkg",
                dry_run=dry_run,
            )
        except OSError as error:
            raise CommandError(f"Fichier illisible : {error}") from None
        except SiteEcoRefused as refused:
            raise CommandError("Fichier refusé, rien n'a été écrit :\n" + "\n".join(refused.errors)) from None
        self.stdout.write(("[essai, rien n'est écrit] " if dry_run else "") + report.as_text())
        for line in report.left_out:
            self.stdout.write(f"  {line}")
