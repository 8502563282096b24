"""Bench section (m): the ranking page and its choropleth GeoJSON, server time (target ≤ 150 ms) and size (≤ 1 MB), for
the territories of phase 2 and for every EPCI of the platform's edition.

Reads the newest scoring of the default method when there is one; otherwise scores every unit with made-up figures
inside a transaction it rolls back (the pages' cost does not depend on the figures). Pages are requested signed in,
so the public page cache does not answer them; the EPCI contours are derived by the first request (reported) and read
from the cache afterwards, as in production."""

import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.models import User
from pilote.geography.models import Edition, Epci
from pilote.territories.models import PerimeterVersion, Phase

from .enums import Aggregation, Direction, Level, MethodStatus
from .maps import derive_epci_shapes
from .models import Computation, Indicator, Method, MethodVersion, MethodWeight, Score, Scoring, UnitValue
from .ranking import default_version, latest_scoring, published_versions

PAGE_TARGET_MS = 150
GEOJSON_TARGET_BYTES = 1_000_000
PHASE = "2023-2027"


def _made_up_scoring() -> Scoring:
    """Scores and one indicator for every territory of phase 2 and every EPCI, random but plausible."""
    rng = random.Random(0)
    indicator, _ = Indicator.objects.get_or_create(
        code="chomage",
        defaults=dict(
            label="Taux de chômage", unit="%", source="banc d'essai", direction=Direction.HIGHER_IS_WORSE,
            published_on=Level.ZONE_EMPLOI, aggregation=Aggregation.WEIGHTED_MEAN,
        ),
    )  # fmt: skip
    method, _ = Method.objects.get_or_create(slug="indice-fragilite", defaults={"name": "Indice de fragilité"})
    number = (method.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = MethodVersion.objects.create(
        method=method, number=number, status=MethodStatus.PUBLISHED, published_at=timezone.now()
    )
    MethodWeight.objects.create(version=version, indicator=indicator, weight=1.0)
    computation = Computation.objects.create(edition=Edition.objects.get(year=settings.DEFAULT_EDITION))
    scoring = Scoring.objects.create(method_version=version, computation=computation)
    phase = Phase.objects.get(slug=PHASE)
    units = [
        (Level.TERRITORY, PHASE, v.territory.code, v.territory.code[3:5])
        for v in PerimeterVersion.objects.state_of(phase)
    ]
    epcis = Epci.objects.of(settings.DEFAULT_EDITION).values_list("siren", flat=True)
    units += [
        (Level.EPCI, "", siren, f"{rng.choice((11, 24, 27, 28, 32, 44, 52, 53, 75, 76, 84, 93))}") for siren in epcis
    ]
    for level in (Level.TERRITORY, Level.EPCI):
        mine = [u for u in units if u[0] == level]
        scores = sorted(((rng.uniform(0, 100), u) for u in mine), reverse=True)
        Score.objects.bulk_create(
            Score(
                scoring=scoring, level=lvl, phase_slug=phase_slug, code=code, region_code=region, score=score,
                rank_national=rank, rank_regional=rank, rank_low=max(1, rank - 3), rank_high=rank + 3,
                contributions={"chomage": score},
            )
            for rank, (score, (lvl, phase_slug, code, region)) in enumerate(scores, 1)
        )  # fmt: skip
    UnitValue.objects.bulk_create(
        UnitValue(computation=computation, indicator=indicator, vintage="2023-T3", level=level, phase_slug=phase_slug,
                  code=code, value=rng.uniform(4, 14), coverage=1.0)
        for level, phase_slug, code, _ in units
    )  # fmt: skip
    return scoring


class PagesBench(BenchSection):
    """Section (m)."""

    def run(self, runs: int) -> None:
        self.section("(m) targeting: ranking page and choropleth GeoJSON (server time, size)")
        try:
            with transaction.atomic():
                scoring = latest_scoring(default_version(published_versions()))
                if scoring is None:
                    scoring = _made_up_scoring()
                    self.row("no scoring in the database: made-up scores for every unit, rolled back", "")
                self.measure(scoring, runs)
                raise Rollback
        except Rollback:
            pass

    def measure(self, scoring: Scoring, runs: int) -> None:
        with timer() as derive:
            shapes = derive_epci_shapes(scoring.computation.edition_id)
        self.row(f"EPCI contours derived once ({len(shapes)} EPCI), then cached", f"{derive() * 1000:.0f} ms")
        client = self.client()
        client.force_login(User.objects.create_user(username="bench-targeting", is_superuser=True))
        pages = [
            ("ranking, territories of phase 2", "/ciblage/?indicateur=chomage"),
            ("ranking, EPCI, sorted by name, page 2", "/ciblage/?niveau=epci&indicateur=chomage&tri=nom&page=2"),
            ("choropleth GeoJSON, territories of phase 2", "/ciblage/carte.geojson?indicateur=chomage"),
            ("choropleth GeoJSON, EPCI", "/ciblage/carte.geojson?niveau=epci"),
        ]
        for label, url in pages:
            self.time_page(client, label, url, runs, PAGE_TARGET_MS)
            if "geojson" in url:
                size = len(client.get(url).content)
                self.row(f"{label}: size", f"{size:,} B", f"≤ {GEOJSON_TARGET_BYTES:,} B", size <= GEOJSON_TARGET_BYTES)
