from django.core.management.base import BaseCommand, CommandError

from pilote.core.sources import SourceError, fetch_named
from pilote.geography.projection import UnknownEdition
from pilote.territories.importers import (
    PerimeterFileError,
    import_perimeters,
    parse_phase1_communes,
    parse_phase1_polygons,
    parse_phase2_liste_geo,
)

# source name → (parser, withdraw territories absent from the file)
FILES = {
    "ti-phase1-2020-communes": (parse_phase1_communes, False),
    "ti-phase1-2022-perimetres": (parse_phase1_polygons, True),
    "ti-phase2-2023-perimetres": (parse_phase2_liste_geo, False),
}


class Command(BaseCommand):
    help = "Import the territories of both phases from the ANCT files (idempotent; one version per change)."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help=f"among {', '.join(FILES)} (default: all, in order)")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, sources, dry_run, **options):
        unknown = set(sources) - set(FILES)
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}")
        for name in sources or FILES:
            parse, withdraw = FILES[name]
            try:
                perimeters = parse(fetch_named(name))
                report = import_perimeters(perimeters, dry_run=dry_run, withdraw_absent=withdraw)
            except (SourceError, PerimeterFileError) as exc:
                raise CommandError(str(exc)) from exc
            except UnknownEdition as exc:
                raise CommandError(f"{name}: edition {exc} is not imported (run import_geography)") from exc
            prefix = "would write" if dry_run else "wrote"
            self.stdout.write(
                f"{name}: {len(perimeters.territories)} territories; {prefix} {len(report.new_versions)} new "
                f"version(s), {len(report.created_territories)} new territory(ies); "
                f"{len(report.unchanged)} unchanged; withdrawn: {', '.join(report.withdrawn) or 'none'}"
            )
            self._report_changes(report, perimeters.edition)

    def _report_changes(self, report, edition):
        changed = {code: c for code, c in report.changes.items() if c.added or c.removed}
        if not changed:
            return
        added = sum(len(c.added) for c in changed.values())
        removed = sum(len(c.removed) for c in changed.values())
        self.stdout.write(f"  communes that change against the previous versions: +{added} -{removed}")
        for code, change in sorted(changed.items()):
            self.stdout.write(
                f"  {code}: +{len(change.added)} {' '.join(change.added[:8])}"
                f" -{len(change.removed)} {' '.join(change.removed[:8])}"
            )
