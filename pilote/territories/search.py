"""Search by name, forgiving accents, case and hyphens: "saint etienne" finds "Saint-Étienne".

No folded column exists (a model change); so the database narrows with LIKE, each letter that may carry an accent
and each separator becoming `_` (any one character), and Python keeps the names that really match once folded.
"""

import re
import unicodedata

from django.db.models import CharField, Lookup, Q

from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Epci

LOOSE_LETTERS = re.compile(r"[aceiouy\s'’-]")
CANDIDATES = 500


@CharField.register_lookup
class LooseContains(Lookup):
    """`name__loose="saint etienne"`: LIKE '%s_int__ti_nn_%' (ILIKE on PostgreSQL), a superset of the matches."""

    lookup_name = "loose"

    def get_db_prep_lookup(self, value, connection):
        escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", ["%" + LOOSE_LETTERS.sub("_", escaped) + "%"]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs} ESCAPE '\\'", lhs_params + rhs_params


def fold(text: str) -> str:
    """Lower case, no accents, one space between words: 'Saint-Étienne' → 'saint etienne'."""
    plain = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe"))
    plain = plain.encode("ascii", "ignore").decode()
    return " ".join(re.split(r"[\s'’-]+", plain.lower())).strip()


def loose_filter(rows, text: str, *, attribute: str = "name", codes: tuple[str, ...] = (), limit: int = 20) -> list:
    """Keep the rows whose folded name holds the folded text, or whose code attribute starts with it; names that
    start with the text come first."""
    wanted = fold(text)
    kept = []
    for row in rows:
        name = fold(getattr(row, attribute))
        if wanted in name or any(getattr(row, c).startswith(text) for c in codes):
            kept.append((not name.startswith(wanted), row))
    return [row for _, row in sorted(kept, key=lambda pair: pair[0])][:limit]


def places(text: str, edition: int, *, limit: int) -> tuple[list[Epci], list[Commune]]:
    """EPCI (by name or SIREN) and current communes (by name or INSEE code) of an edition matching `text`: the public
    search and the perimeter request's combobox read the same."""
    epcis = Epci.objects.of(edition).filter(Q(name__loose=text) | Q(siren__startswith=text))
    communes = Commune.objects.of(edition).filter(kind=CommuneKind.CURRENT)
    communes = communes.filter(Q(name__loose=text) | Q(code__startswith=text)).order_by("name", "code")
    return (
        loose_filter(epcis[:CANDIDATES], text, codes=("siren",), limit=limit),
        loose_filter(communes[:CANDIDATES], text, codes=("code",), limit=limit),
    )


# « Beta-ville (01002) », as forms show a saved commune; or a bare INSEE code (Corsica: 2A, 2B).
COMMUNE_CODE = re.compile(r"^(\d[\dAB]\d{3})$|\((\d[\dAB]\d{3})\)\s*$")


def commune_code_in(text: str) -> str | None:
    """The INSEE code a person typed: the text itself, or the code ending « Nom (code) »; None for a name."""
    found = COMMUNE_CODE.search(" ".join(text.split()).upper())
    return (found.group(1) or found.group(2)) if found else None


def communes_named(text: str, edition: int, *, limit: int = 6) -> list[Commune]:
    """The current communes of `edition` a person names: by INSEE code (bare or « Nom (code) »), else by their exact
    name, case aside (homonyms ordered by code). Forms phrase the refusal: none, or several."""
    current = Commune.objects.of(edition).filter(kind=CommuneKind.CURRENT)
    code = commune_code_in(text)
    if code is not None:
        return list(current.filter(code=code))
    return list(current.filter(name__iexact=" ".join(text.split())).order_by("code")[:limit])
