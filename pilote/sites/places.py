"""Where a site is: its commune of the platform's edition, the EPCI, département and région of that commune, and the
territory of each phase whose current perimeter holds it — read from the stored resolutions, never by name."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings

from pilote.geography.projection import edition_index, map_commune
from pilote.territories.models import Resolution, ResolvedCommune


@dataclass(frozen=True)
class Place:
    commune: str
    epci: str
    departement: str
    region: str
    territories: dict = field(default_factory=dict)  # phase slug → territory code


class Placer:
    """Reads the edition and the current resolutions once, then places any number of communes without a query."""

    def __init__(self, edition: int | None = None):
        self.index = edition_index(edition or settings.DEFAULT_EDITION)
        self.territories: dict[str, dict[str, str]] = defaultdict(dict)
        rows = (
            ResolvedCommune.objects.filter(resolution__in=Resolution.objects.current(self.index.year))
            .order_by("resolution__version__territory__code")
            .values_list("code", "resolution__version__territory__phase__slug", "resolution__version__territory__code")
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
