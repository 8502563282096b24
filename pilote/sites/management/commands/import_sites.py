from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import Progress

from pilote.core.sources import SourceError, fetch_named, is_at_hand, load_manifest
from pilote.sites.importers import KINDS, ImportFileError, Outcome, import_file


class Command(BaseCommand):
    help = (
        "Import the pool of candidate sites: Cartofriches, then the Fonds friches files linked to its brownfields "
        "(files of data/manifest.toml), or one file given by hand (--file, --kind); idempotent (a file already "
        "imported writes nothing), all or nothing per file, with a French report."
    )

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help=f"among {', '.join(KINDS)} (default: all, in order)")
        parser.add_argument("--dry-run", action="store_true", help="read and report, write nothing")
        parser.add_argument("--file", type=Path, help="a file outside the manifest, in the format of --kind")
        parser.add_argument("--kind", choices=sorted(KINDS), help="the format of --file")
        parser.add_argument("--available", action="store_true", help="skip quietly the files not at hand")

    def handle(self, *args, kinds, dry_run, file, kind, available, **options):
        self.verbosity = options["verbosity"]
        if file is not None:
            if kind is None:
                raise CommandError("--file demande --kind (le format du fichier)")
            if not file.is_file():
                raise CommandError(f"{file} : fichier introuvable")
            self._run([(kind, lambda: file)], dry_run)
            return
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise CommandError(f"source(s) inconnue(s) : {', '.join(sorted(unknown))} ; connues : {', '.join(KINDS)}")
        names = [name for name in KINDS if name in kinds] if kinds else list(KINDS)
        if available:
            manifest = load_manifest()
            names = [name for name in names if is_at_hand(manifest[KINDS[name].manifest])]
        self._run([(name, lambda name=name: fetch_named(KINDS[name].manifest)) for name in names], dry_run)

    def _run(self, jobs: list, dry_run: bool):
        with Progress(transient=True, disable=self.verbosity == 0) as progress:
            task = progress.add_task("Import des sites", total=len(jobs))
            for name, path in jobs:
                progress.update(task, description=KINDS[name].title)
                try:
                    outcome = import_file(name, path(), dry_run=dry_run)
                except (SourceError, ImportFileError) as exc:
                    raise CommandError(f"{name} : {exc}") from exc
                self._report(outcome, dry_run)
                progress.advance(task)

    def _report(self, outcome: Outcome, dry_run: bool):
        if outcome.report is None:
            self.stdout.write(
                f"{outcome.kind} : {outcome.file_name} déjà importé (même empreinte SHA-256), rien n'a été écrit"
            )
            return
        verb = "serait importé (essai, rien n'a été écrit)" if dry_run else "importé"
        self.stdout.write(f"{outcome.kind} : {outcome.file_name} {verb}")
        for line in outcome.report.lines():
            self.stdout.write(f"  {line}")
