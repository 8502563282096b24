"""Where a site is: its commune of the platform's edition, the EPCI, département and région of that commune, and the
territory of each phase whose current perimeter holds it (withdrawn territories left out) — read from the stored
resolutions, never by name. One way for the importers (`Placer`, many communes, no query per commune) and for a
person's proposal (`place_of`, the commune found by `territories.search.communes_named`)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from pilote.geography.models import Commune
from pilote.geography.projection import edition_index, map_commune
from pilote.territories.models import Resolution, ResolvedCommune


@dataclass(frozen=True)
class Place:
    commune: str
    epci: str
    departement: str
    region: str
    territories: dict = field(default_factory=dict)  # phase slug → territory code

    def as_fields(self) -> dict:
        """The `Site` fields this place fills."""
        return {
            "commune_code": self.commune,
            "epci_siren": self.epci,
            "departement_code": self.departement,
            "region_code": self.region,
            "territories": dict(self.territories),
        }


class Placer:
    """Reads the edition and the current resolutions once, then places any number of communes without a query.
    `only`: the communes to be placed, when they are few (a proposal), so that only their rows are read."""

    def __init__(self, edition: int | None = None, *, only: set[str] | None = None):
        self.index = edition_index(edition or settings.DEFAULT_EDITION)
        self.territories: dict[str, dict[str, str]] = defaultdict(dict)
        rows = ResolvedCommune.objects.filter(
            resolution__in=Resolution.objects.current(self.index.year),
            resolution__version__territory__withdrawn_on=None,
        )
        if only is not None:
            rows = rows.filter(code__in=only)
        rows = rows.order_by("resolution__version__territory__code").values_list(
            "code", "resolution__version__territory__phase__slug", "resolution__version__territory__code"
        )
        for code, phase, territory in rows:
            self.territories[code].setdefault(phase, territory)  # two territories of one phase: the first code

    def place(self, code: str) -> Place | None:
        """The place of commune `code` (an older code is carried to the commune that holds it now); None when the
        code leads to no commune, or to several, of the edition."""
        current = map_commune(code, self.index, self.index)
        if len(current) != 1:
            return None
        commune = current.pop()
        facts = self.index.communes[commune]
        epci = min(self.index.epcis_of.get(commune, ()), default="")
        return Place(commune, epci, facts.departement, facts.region, dict(self.territories.get(commune, {})))


def place_of(commune: Commune) -> Place:
    """The place of one current commune of the platform's edition (a proposal): the same rule as the importers'."""
    return Placer(commune.edition_id, only={commune.code}).place(commune.code)
