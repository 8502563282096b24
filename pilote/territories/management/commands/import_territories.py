from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilote.core.sources import SourceError, fetch_named
from pilote.geography.projection import UnknownEdition
from pilote.territories.importers import (
    PHASES,
    PerimeterFileError,
    import_perimeters,
    parse_file,
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
    help = (
        "Import the territories of both phases from the ANCT files of the manifest, or from one newer file "
        "(--file, --phase); idempotent, one version per change, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help=f"among {', '.join(FILES)} (default: all, in order)")
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--file", type=Path, help="a file outside the manifest, in the format of its phase")
        parser.add_argument("--phase", choices=sorted(PHASES), help="the phase of --file")
        parser.add_argument("--valid-on", type=date.fromisoformat, help="date the file's perimeters apply from")
        parser.add_argument("--edition", type=int, help="COG edition the file's codes are written in")
        parser.add_argument("--withdraw-absent", action="store_true", help="territories absent from --file leave")

    def handle(self, *args, sources, dry_run, file, phase, **options):
        if file is not None:
            if sources or phase is None:
                raise CommandError("--file needs --phase and no source name")
            self._import(lambda: parse_file(file, phase, **self._file_options(file, options)), dry_run, options)
            return
        unknown = set(sources) - set(FILES)
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}")
        for name in sources or FILES:
            parse, withdraw = FILES[name]
            self._import(
                lambda parse=parse, name=name: parse(fetch_named(name)), dry_run, {"withdraw_absent": withdraw}
            )

    def _file_options(self, file: Path, options: dict) -> dict:
        if not file.is_file():
            raise CommandError(f"{file} : fichier introuvable")
        return {"valid_on": options["valid_on"] or date.today(), "edition": options["edition"]}

    def _import(self, parse, dry_run: bool, options: dict):
        try:
            perimeters = parse()
            report = import_perimeters(perimeters, dry_run=dry_run, withdraw_absent=options["withdraw_absent"])
        except (SourceError, PerimeterFileError) as exc:
            raise CommandError(str(exc)) from exc
        except UnknownEdition as exc:
            raise CommandError(f"edition {exc} is not imported (run import_geography)") from exc
        prefix = "would write" if dry_run else "wrote"
        self.stdout.write(
            f"{perimeters.source}: {len(perimeters.territories)} territories; {prefix} {len(report.new_versions)} new "
            f"version(s), {len(report.created_territories)} new territory(ies); "
            f"{len(report.unchanged)} unchanged; withdrawn: {', '.join(report.withdrawn) or 'none'}"
        )
        self._report_changes(report)
        for code, warnings in sorted(report.warnings.items()):
            self.stdout.write("\n".join(f"  {code} : {warning}" for warning in warnings))

    def _report_changes(self, report):
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
