"""`manage.py export_site_eco FOLDER`: the labelled sites as the CNIG SITE-ECO / TERRAIN-ECO CSV pair, validated
against the official schemas before it is written (pilote.sites.siteeco)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilote.sites.siteeco import SiteEcoRefused, labelled_tables, tables_csv, validate


class Command(BaseCommand):
    help = "Exporte les sites labellisés au format CNIG « Sites économiques » (site-eco.csv et terrain-eco.csv)."

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)

    def handle(self, folder: Path, **options):
        tables = labelled_tables(today=timezone.localdate())
        try:
            for table, rows in tables.items():
                validate(table, rows)
        except SiteEcoRefused as refused:
            raise CommandError(
                "Export non conforme au schéma, rien n'a été écrit :\n" + "\n".join(refused.errors)
            ) from None
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in tables_csv(tables).items():
            (folder / name).write_text(text, encoding="utf-8")
        count = len(tables["site-eco"]) - 1
        self.stdout.write(f"{count} sites labellisés exportés dans {folder} (site-eco.csv, terrain-eco.csv).")
