"""Fonds friches (« recyclage foncier »), the light view Cerema publishes of the applications to the four editions:
one row per file (`num_dossier`), its région, edition (`num_demarche`), whether it won (`laureat_fv`), the kind of
operation, its deficit in €, site and brownfield areas (ha) and expenses by item (€ HT). The view has no commune:
a file is linked to the Cartofriches site that names it (« Dossier N° 1234567 » in the site's name, as the
inventory writes the sites of the call for projects), else kept unlinked and reported.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from pilote.core.sources import sha256_of

from ..models import BrownfieldFunding, Site
from .base import Report, csv_rows, number, refuse_if

SOURCE = "fonds-friches"
REQUIRED = ["num_dossier", "libreg", "num_demarche", "laureat_fv", "deficit", "nat_friche", "site_area", "friche_area"]
# The order the application shows the editions in (SOURCES.md: deduced from its list of editions, to be confirmed).
EDITIONS = {"46904": "1re édition", "54008": "2e édition", "36961": "3e édition", "68862": "4e édition"}
DOSSIER = re.compile(r"Dossier N°\s*(\d+)")
NUMERIC = ["deficit", "site_area", "friche_area"]
TEXTS = ["libreg", "loc_abc", "logique_intervention", "intervention", "mo_requal", "bilan", "nat_friche"]


@dataclass
class ParsedFundings:
    file_name: str
    sha256: str
    fundings: list[BrownfieldFunding] = field(default_factory=list)
    report: Report = field(default_factory=Report)


def parse(path: Path) -> ParsedFundings:
    rows = csv_rows(path, REQUIRED)
    parsed = ParsedFundings(path.name, sha256_of(path), report=Report(read=len(rows)))
    problems, seen = [], {}
    for line, row in rows:
        reference = row["num_dossier"].strip()
        if not reference.isdigit() or len(reference) > 60:
            problems.append(f"ligne {line} : numéro de dossier invalide {reference[:70]!r}")
        elif reference in seen:
            problems.append(f"ligne {line} : dossier {reference} déjà lu ligne {seen[reference]}")
        elif row["laureat_fv"].strip() not in ("Oui", "Non"):
            problems.append(f"ligne {line} : lauréat « Oui » ou « Non » attendu, lu {row['laureat_fv'][:20]!r}")
        else:
            seen[reference] = line
            facts = _facts(row, line, problems)
            parsed.fundings.append(BrownfieldFunding(reference=reference, name=_name(row), facts=facts))
    refuse_if(problems, path.name)
    return parsed


def _facts(row: dict, line: int, problems: list[str]) -> dict:
    facts = {column: (row.get(column) or "").strip() or None for column in TEXTS}
    facts["is_laureate"] = row["laureat_fv"].strip() == "Oui"
    facts["edition"] = EDITIONS.get(row["num_demarche"].strip(), row["num_demarche"].strip())
    for column in NUMERIC + [c for c in row if c.endswith("_ht")]:
        facts[column] = number(row.get(column), where=f"ligne {line}, {column}", problems=problems)
    return facts


def _name(row: dict) -> str:
    nature = (row["nat_friche"] or "").strip() or "friche"
    return f"Dossier {row['num_dossier'].strip()} — {nature}"[:300]


def write_fundings(parsed: ParsedFundings) -> None:
    """New files created, known ones updated (their link kept), then every unlinked file linked when it can be."""
    known = {
        f.reference: f for f in BrownfieldFunding.objects.filter(reference__in=[f.reference for f in parsed.fundings])
    }
    for funding in parsed.fundings:
        if funding.reference in known:
            funding.pk, funding.site_id = known[funding.reference].pk, known[funding.reference].site_id
            funding.commune_code = known[funding.reference].commune_code
    BrownfieldFunding.objects.bulk_update([f for f in parsed.fundings if f.pk], ["name", "facts"], batch_size=500)
    BrownfieldFunding.objects.bulk_create([f for f in parsed.fundings if not f.pk], batch_size=500)
    parsed.report.updated, parsed.report.created = len(known), len(parsed.fundings) - len(known)
    linked = link_fundings()
    unlinked = BrownfieldFunding.objects.filter(site=None).count()
    parsed.report.notes.append(f"{linked} dossier(s) rattaché(s) à une friche de Cartofriches")
    if unlinked:
        parsed.report.leave_out("dossier sans friche correspondante dans Cartofriches (gardé, non rattaché)", unlinked)


def link_fundings() -> int:
    """Link each unlinked file to the site that names it; the file takes the site's commune. Returns how many."""
    # Without their facts: decoding the JSON of 2,000 waiting files took a tenth of the Cartofriches import.
    waiting = {f.reference: f for f in BrownfieldFunding.objects.filter(site=None).only("pk", "reference")}
    if not waiting:
        return 0
    found = []
    for pk, name, commune in Site.objects.filter(Q(name__contains="Dossier N°")).values_list(
        "pk", "name", "commune_code"
    ):
        match = DOSSIER.search(name)
        funding = waiting.pop(match[1], None) if match else None
        if funding is not None:
            funding.site_id, funding.commune_code = pk, commune
            found.append(funding)
    BrownfieldFunding.objects.bulk_update(found, ["site", "commune_code"], batch_size=500)
    return len(found)
