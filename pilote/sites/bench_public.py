"""Bench section (r): the public pages of the sites — the pool (first page, filtered, sorted by name), a site's page,
the labelled sites with their map and exports, the pool in the API — server time, target ≤ 150 ms.

Reads the sites in the database (the real pool once `import_sites` ran); when there are fewer than the Cartofriches
pool, tops them up to 24,000 made-up sites with a published method's scores and 50 labelled sites, inside a
transaction it rolls back. Pages are requested signed in, so the public page cache does not answer them."""

import random

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from pilote.core.benchtools import BenchSection, Rollback
from pilote.core.models import User
from pilote.geography.models import Commune

from .enums import LabelState, MethodStatus, SiteKind, SiteOrigin
from .models import QualificationMethod, Site, SiteScore

PAGE_TARGET_MS = 150
POOL_SIZE = 24_000
LABELLED = 50


def _fact(value) -> dict:
    return {"value": value, "source": "banc d'essai", "date": "2024-03-01"}


def _made_up_pool(missing: int) -> None:
    rng = random.Random(0)
    communes = list(
        Commune.objects.of(settings.DEFAULT_EDITION)
        .filter(parent=None)
        .values_list("code", "departement_code", "region_code")[:5000]
    )
    sites = Site.objects.bulk_create(
        Site(
            identifier=f"bench-{n}", name=f"Friche du banc d'essai {n}", kind=rng.choice(SiteKind.values),
            origin=SiteOrigin.CARTOFRICHES, latitude=rng.uniform(43, 50), longitude=rng.uniform(-1, 7),
            area_m2=rng.uniform(5_000, 500_000), commune_code=commune[0], departement_code=commune[1] or "",
            region_code=commune[2] or "", is_artificialised=rng.choice((True, False, None)),
            label_state=LabelState.LABELLED if n < LABELLED else LabelState.POOL,
            facts={"networks": _fact(rng.choice(("eau, électricité", None))),
                   "pollution": _fact(rng.choice((True, False, None)))},
        )
        for n, commune in ((n, rng.choice(communes or [("01001", "01", "84")])) for n in range(missing))
    )  # fmt: skip
    number = (QualificationMethod.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    method = QualificationMethod.objects.create(
        number=number, status=MethodStatus.PUBLISHED, published_at=timezone.now()
    )
    SiteScore.objects.bulk_create(
        SiteScore(method=method, site=site, score=rng.uniform(0, 100), reliability=rng.uniform(0.3, 1))
        for site in sites
    )
    BenchSection.analyze(Site, SiteScore)


class PublicPagesBench(BenchSection):
    """Section (r)."""

    def run(self, runs: int) -> None:
        self.section("(r) sites: public pages — pool, site, labelled sites, exports, API (server time)")
        try:
            with transaction.atomic():
                missing = POOL_SIZE - Site.objects.count()
                if missing > 0:
                    _made_up_pool(missing)
                    self.row(f"{missing:,} made-up sites, scored, {LABELLED} labelled, rolled back", "")
                self.measure(runs)
                raise Rollback
        except Rollback:
            pass

    def measure(self, runs: int) -> None:
        client = self.client()
        client.force_login(User.objects.create_user(username="bench-sites", is_superuser=True))
        site = Site.objects.order_by("identifier").first()
        pages = [
            ("pool, first page (best score first)", "/sites/"),
            ("pool, one région, score ≥ 50", "/sites/?region=84&score_min=50"),
            ("pool, sorted by name, page 100", "/sites/?tri=nom&page=100"),
            ("a site's page", f"/sites/site/{site.identifier}/"),
            ("labelled sites: map and table", "/sites/labellises/"),
            ("labelled sites: GeoJSON", "/sites/labellises.geojson"),
            ("labelled sites: XLSX", "/sites/labellises.xlsx"),
            ("API: pool, first page of 500", "/api/sites/"),
            ("API: a site", f"/api/sites/{site.identifier}"),
        ]
        for label, url in pages:
            self.time_page(client, label, url, runs, PAGE_TARGET_MS)
