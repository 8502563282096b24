"""Sections (b), (c) and (d) of `make bench`: resolving every perimeter, comparing the phases, the national map."""

from pilote.core.benchtools import BenchSection, timer
from pilote.geography.projection import edition_index

from .comparison import compare_phases
from .figures import phase_geojson
from .models import PerimeterVersion, Phase
from .resolution import resolve_all

EDITION = 2026
MAP_URLS = ("/api/phases/2023-2027/territories.geojson", "/carte/2023-2027.geojson")
MAP_TARGET_BYTES = 1_000_000


class ResolutionBench(BenchSection):
    """Section (b)."""

    def run(self, runs: int) -> None:
        self.section(f"(b) resolution of every perimeter version on {EDITION}, with population and geometry")
        edition_index.cache_clear()
        with timer() as elapsed:
            count = resolve_all(edition=EDITION)
        self.row(
            f"resolve_all(edition={EDITION}): {count} versions", f"{elapsed():.2f} s", "target ≤ 5 s", elapsed() <= 5
        )


class ComparisonBench(BenchSection):
    """Section (c)."""

    def run(self, runs: int) -> None:
        self.section("(c) comparison of the phases")
        old, new = Phase.objects.get(slug="2018-2022"), Phase.objects.get(slug="2023-2027")
        with timer() as elapsed:
            comparison = compare_phases(old=old, new=new, edition=EDITION)
        label = f"compare_phases(2018-2022 → 2023-2027, {EDITION}): {comparison.summary['communes_new']} communes"
        self.row(label, f"{elapsed():.3f} s", "target ≤ 1 s", elapsed() <= 1)


class MapBench(BenchSection):
    """Section (d)."""

    def run(self, runs: int) -> None:
        self.section("(d) national map of phase 2 (GeoJSON)")
        phase = Phase.objects.get(slug="2023-2027")
        versions = PerimeterVersion.objects.state_of(phase)
        size = len(phase_geojson(versions, EDITION))
        target = f"≤ {MAP_TARGET_BYTES:,} B"
        self.row(
            f"figures.phase_geojson ({len(versions)} territories)",
            f"{size:,} B",
            target,
            size <= MAP_TARGET_BYTES,
        )
        client = self.client()
        for url in MAP_URLS:
            response = client.get(url)
            if response.status_code != 200:
                self.row(f"GET {url}", f"absent ({response.status_code})")
                continue
            size = len(response.content)
            self.row(f"GET {url}", f"{size:,} B", target, size <= MAP_TARGET_BYTES)
