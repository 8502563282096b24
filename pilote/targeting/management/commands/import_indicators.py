from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from pilote.core import audit
from pilote.core.sources import SourceError, fetch_named, is_at_hand, load_manifest, local_source, sha256_of
from pilote.targeting.importers import FILE_KINDS, SOURCES, ImportFileError, Outcome, population, write
from pilote.targeting.models import Dataset


class Command(BaseCommand):
    help = (
        "Import the indicators' source files (populations from node_modules, then the files of data/manifest.toml), "
        "or one file given by hand (--file, --kind); idempotent (a file already imported writes nothing), all or "
        "nothing per file, with a French report."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", help=f"among {', '.join(SOURCES)} (default: all, in order)")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument("--file", type=Path, help="a file outside the manifest, in the format of --kind")
        parser.add_argument("--kind", choices=sorted(FILE_KINDS), help="the format of --file")
        parser.add_argument("--vintage", default="", help="vintage of --file when it does not say it (friches)")
        parser.add_argument("--edition", type=int, help="COG edition of the codes of --file when it does not say it")
        parser.add_argument(
            "--available", action="store_true", help="skip quietly the sources not at hand (mirror, cache, npm)"
        )

    def handle(self, *args, sources, dry_run, file, kind, available, **options):
        self.verbosity = options["verbosity"]
        if file is not None:
            self._import_file(file, kind, dry_run, options)
            return
        unknown = set(sources) - set(SOURCES)
        if unknown:
            raise CommandError(f"unknown source(s): {', '.join(sorted(unknown))}; known: {', '.join(SOURCES)}")
        names = [name for name in SOURCES if name in sources] if sources else list(SOURCES)
        if available:
            names = self._at_hand(names)
        with Progress(transient=True, disable=self.verbosity == 0) as progress:
            task = progress.add_task("Import des indicateurs", total=len(names))
            for name in names:
                progress.update(task, description=SOURCES[name].title)
                if self._known(name):
                    self.stdout.write(f"{name}: déjà importé (même empreinte SHA-256), rien n'a été lu ni écrit")
                else:
                    self._import(name, lambda name=name: SOURCES[name].parse(self._path(name)), dry_run)
                progress.advance(task)

    def _at_hand(self, names: list[str]) -> list[str]:
        manifest, kept = load_manifest(), []
        for name in names:
            source = SOURCES[name]
            present = population.is_available(source.vintage) if source.is_population else is_at_hand(manifest[name])
            if present:
                kept.append(name)
            elif self.verbosity > 1:
                self.stdout.write(f"{name}: not at hand (mirror, cache or node_modules), skipped")
        return kept

    def _known(self, name: str) -> bool:
        """Already imported: the manifest's checksum (or the edition file's) is a dataset's; nothing to read."""
        source = SOURCES[name]
        if source.is_population:
            digest = (
                sha256_of(population.communes_file(source.vintage)) if population.is_available(source.vintage) else ""
            )
        else:
            digest = load_manifest()[name].sha256
        return bool(digest) and Dataset.objects.filter(source=name, sha256=digest).exists()

    def _path(self, name: str) -> Path | None:
        if SOURCES[name].is_population:
            return None
        return fetch_named(name)

    def _import_file(self, file: Path, kind: str | None, dry_run: bool, options: dict):
        if kind is None:
            raise CommandError("--file needs --kind")
        if not file.is_file():
            raise CommandError(f"{file} : fichier introuvable")
        source = SOURCES[FILE_KINDS[kind]]
        name = local_source(file).name
        outcome = self._import(
            name,
            lambda: source.parse(file, source=name, vintage=options["vintage"], geography_year=options["edition"]),
            dry_run,
        )
        if outcome.written:  # someone chose to import this file: the trail says so
            values = len(outcome.parsed.values)
            audit.record(actor=None, action="dataset.import", obj=outcome.dataset, changes={"values": [None, values]})

    def _import(self, name: str, parse, dry_run: bool) -> Outcome:
        try:
            outcome = write(parse(), dry_run=dry_run)
        except (SourceError, ImportFileError) as exc:
            raise CommandError(f"{name}: {exc}") from exc
        self._report(name, outcome, dry_run)
        return outcome

    def _report(self, name: str, outcome: Outcome, dry_run: bool):
        parsed = outcome.parsed
        if outcome.already_imported:
            self.stdout.write(f"{name}: {parsed.file_name} déjà importé (même empreinte SHA-256), rien n'a été écrit")
            return
        verb = "serait importé (essai, rien n'a été écrit)" if dry_run else "importé"
        self.stdout.write(f"{name}: {parsed.file_name} {verb} — {len(parsed.values)} valeur(s)")
        for line in parsed.report.lines():
            self.stdout.write(f"  {line}")
