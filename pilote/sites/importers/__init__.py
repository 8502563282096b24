"""The importers of the pool of sites. Each file is read whole, then written in one transaction, once: a file
already imported (same source, same SHA-256) writes nothing; a refused file writes nothing either. Every written
file leaves a `SiteImport` with its French report and a row in the audit trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from pilote.core import audit
from pilote.core.bulk import collector_paused
from pilote.core.sources import sha256_of

from ..models import SiteImport
from . import cartofriches, fonds_friches
from .base import ImportFileError, Report


@dataclass(frozen=True)
class Kind:
    title: str
    manifest: str  # the entry of data/manifest.toml
    parse: Callable
    write: Callable


KINDS = {
    cartofriches.SOURCE: Kind(
        "Cartofriches (Cerema), inventaire national des friches",
        "cartofriches-2024-03",
        cartofriches.parse,
        cartofriches.write_rows,
    ),
    fonds_friches.SOURCE: Kind(
        "Fonds friches, dossiers des quatre éditions",
        "fonds-friches-dossiers",
        fonds_friches.parse,
        fonds_friches.write_fundings,
    ),
}  # in the order a full import runs: the funding files are linked to the sites


@dataclass
class Outcome:
    kind: str
    file_name: str
    report: Report | None  # None: already imported, nothing read
    written: bool


def import_file(kind: str, path: Path, *, dry_run: bool = False, user=None) -> Outcome:
    """Import one file of `kind`, all or nothing; raises ImportFileError (French) when the file is refused."""
    if SiteImport.objects.filter(source=kind, sha256=sha256_of(path)).exists():
        return Outcome(kind, path.name, None, written=False)
    with collector_paused():  # from the read to the write: the rows live all along, the collector would walk them
        parsed = KINDS[kind].parse(path)
        with transaction.atomic():
            KINDS[kind].write(parsed)
            if kind == cartofriches.SOURCE:
                parsed.report.notes.append(f"{fonds_friches.link_fundings()} dossier(s) du Fonds friches rattaché(s)")
            done = SiteImport.objects.create(
                source=kind, file_name=parsed.file_name[:300], sha256=parsed.sha256, imported_by=user,
                report=parsed.report.as_dict(),
            )  # fmt: skip
            audit.record(actor=user, action="sites.import", obj=done, changes={"rows": [None, parsed.report.read]})
            if dry_run:
                transaction.set_rollback(True)
        outcome = Outcome(kind, parsed.file_name, parsed.report, written=not dry_run)
        del parsed  # the rows freed before the collector resumes: it finds nothing left to walk
    return outcome


__all__ = ["KINDS", "ImportFileError", "Outcome", "import_file"]
