from django.core.management.base import BaseCommand, CommandError

from pilote.core.sources import SourceError, fetch, load_manifest


class Command(BaseCommand):
    help = "Fetch and verify every reference file of data/manifest.toml (mirror first, then the official URL)."

    def handle(self, *args, **options):
        for source in load_manifest().values():
            if not source.is_reviewed:
                self.stdout.write(f"--  {source.name}  skipped: no reviewed SHA-256 in the manifest yet")
                continue
            try:
                path = fetch(source)
            except SourceError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"ok  {source.name}  {path}")
