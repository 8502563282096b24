"""The indicator importers, one entry per source: the files of data/manifest.toml and the population editions of
node_modules. `SOURCES` is the one list the command, bootstrap and the bench read, in the order they import."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import csvfiles, insee, population
from .base import ImportFileError, Outcome, Parsed, Report, write

__all__ = ["SOURCES", "ImportFileError", "Outcome", "Parsed", "Report", "Source", "write"]


@dataclass(frozen=True)
class Source:
    """A kind of file: how to read it, and the defaults of the manifest's copy (vintage, COG of its codes)."""

    name: str
    title: str
    read: Callable[..., Parsed]
    vintage: str = ""  # for files whose vintage is not written inside them
    geography_year: int | None = None  # for files whose COG is not written inside them
    takes: tuple[str, ...] = ()  # the keyword options its reader takes, among vintage and geography_year
    is_population: bool = False

    def parse(self, path: Path | None, *, source: str = "", vintage: str = "", geography_year: int | None = None):
        """Read the file (`source`: the name it is recorded under, the manifest's by default)."""
        if self.is_population:
            return self.read(self.vintage)
        if not source:  # the manifest's copy: its vintage and COG are known; a file given by hand says its own
            vintage, geography_year = vintage or self.vintage, geography_year or self.geography_year
        given = {"vintage": vintage, "geography_year": geography_year}
        return self.read(path, source or self.name, **{name: given[name] for name in self.takes})


def _population(vintage: str) -> Source:
    alias, year = population.EDITIONS[vintage]
    return Source(
        f"population-{vintage}",
        f"Populations légales {vintage} ({alias}, COG {year})",
        population.parse_population,
        vintage=vintage,
        is_population=True,
    )


SOURCES = {
    source.name: source
    for source in [
        *(_population(vintage) for vintage in population.EDITIONS),
        Source("insee-ze2020-composition", "Zones d'emploi 2020, composition communale", insee.parse_zones),
        Source("insee-chomage-ze", "Taux de chômage localisés par zone d'emploi", insee.parse_unemployment),
        Source("insee-filosofi-2019", "Filosofi 2019, taux de pauvreté par commune", insee.parse_filosofi),
        Source(
            "cartofriches-2024-03",
            "Cartofriches, friches par commune",
            csvfiles.parse_brownfields,
            vintage="2024-03",
            geography_year=2024,
            takes=("vintage", "geography_year"),
        ),
        Source(
            "urssaf-etablissements-effectifs",
            "Urssaf, établissements employeurs et effectifs salariés par commune × APE",
            csvfiles.parse_urssaf,
            geography_year=2025,
            takes=("geography_year",),
        ),
        Source(
            "insee-dossier-complet",
            "Insee, dossier complet par commune",
            csvfiles.parse_dossier_complet,
            geography_year=2025,
            takes=("geography_year",),
        ),
    ]
}
# Kinds a file given by hand (--file) can be read as.
FILE_KINDS = {
    "zones": "insee-ze2020-composition",
    "chomage": "insee-chomage-ze",
    "filosofi": "insee-filosofi-2019",
    "friches": "cartofriches-2024-03",
    "urssaf": "urssaf-etablissements-effectifs",
    "dossier-complet": "insee-dossier-complet",
}
