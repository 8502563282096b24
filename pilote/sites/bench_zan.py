"""Section (o) of `make bench`: the Cerema NAF file of every commune (15 yearly flows each, written in the official
format), the ZAN trajectory of every territory of the current phase, the land account of the whole pool, and the
validation of a CNIG SITE-ECO / TERRAIN-ECO pair of 1,000 plots. Everything built is rolled back."""

import csv
import io

from django.conf import settings
from django.db import transaction

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune
from pilote.territories.models import Territory

from . import siteeco
from .models import Site
from .naf import import_naf, yearly_columns
from .zan import account, territory_trajectory

YEARS = range(2009, 2024)
NAF_TARGET_S = 20
TRAJECTORIES_TARGET_S = 2
ACCOUNT_TARGET_S = 1
SITE_ECO_PLOTS = 1_000
SITE_ECO_TARGET_S = 10  # frictionless checks cell by cell, about 7 ms a row here


class ZanBench(BenchSection):
    def run(self, runs: int) -> None:
        self.section("(o) ZAN: Cerema NAF import, trajectories, land account of the pool, SITE-ECO validation")
        try:
            with transaction.atomic():
                self.bench_naf()
                self.bench_trajectories()
                raise Rollback
        except Rollback:
            pass
        self.bench_account()
        self.bench_site_eco()

    def bench_naf(self) -> None:
        # The communes of the Cerema file: current ones only (a commune déléguée may share its code with its commune).
        current = Commune.objects.filter(edition_id=settings.DEFAULT_EDITION, kind=CommuneKind.CURRENT)
        codes = list(current.values_list("code", flat=True))
        if not codes:
            self.row(f"import_naf: no commune in edition {settings.DEFAULT_EDITION}", "skipped")
            return
        data = naf_file(codes)
        with timer() as elapsed:
            report = import_naf(data, "bench.csv")
        self.row(
            f"import_naf: {report.communes} communes × {len(YEARS)} years ({len(data) / 1e6:.0f} MB)",
            f"{elapsed():.2f} s",
            f"target ≤ {NAF_TARGET_S} s",
            elapsed() <= NAF_TARGET_S,
        )

    def bench_trajectories(self) -> None:
        territories = list(Territory.objects.filter(phase__slug="2023-2027").select_related("phase"))
        with timer() as elapsed:
            for territory in territories:
                territory_trajectory(territory)
        self.row(
            f"zan.territory_trajectory of the {len(territories)} territories of phase 2",
            f"{elapsed():.2f} s",
            f"target ≤ {TRAJECTORIES_TARGET_S} s",
            elapsed() <= TRAJECTORIES_TARGET_S,
        )

    def bench_account(self) -> None:
        fields = ("kind", "area_m2", "is_artificialised", "region_code", "territories")
        with timer() as elapsed:
            result = account(Site.objects.only(*fields).iterator(chunk_size=5000), phase_slug="2023-2027")
        self.row(
            f"zan.account of the whole pool ({result.sites} sites, {result.naf_ha:,.0f} ha NAF)",
            f"{elapsed():.3f} s",
            f"target ≤ {ACCOUNT_TARGET_S} s",
            elapsed() <= ACCOUNT_TARGET_S,
        )

    def bench_site_eco(self) -> None:
        with timer() as elapsed:
            siteeco.validate("terrain-eco", terrain_rows(SITE_ECO_PLOTS))
        self.row(
            f"siteeco.validate: TERRAIN-ECO of {SITE_ECO_PLOTS} plots (frictionless, official schema)",
            f"{elapsed():.2f} s",
            f"target ≤ {SITE_ECO_TARGET_S} s",
            elapsed() <= SITE_ECO_TARGET_S,
        )


def naf_file(codes: list[str]) -> bytes:
    header = ["idcom", "idcomtxt", *yearly_columns(YEARS)]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(header)
    for index, code in enumerate(codes):
        flows = [index % 7 * 1000, index % 7 * 400, index % 7 * 600, 0, 0, 0, 0]
        writer.writerow([code, f"Commune {code}", *(flows * len(YEARS))])
    return out.getvalue().encode()


def terrain_rows(count: int) -> list[list]:
    header = siteeco._field_names("terrain-eco")
    polygon = '{"type": "Polygon", "coordinates": [[[5, 46], [5.01, 46], [5.01, 46.01], [5, 46]]]}'
    values = {"site_id": "01001_SITE-ECO_00001", "terr_surf_brute": "4.5", "terr_identif_date": "2024-01-01",
              "terr_actu_date": "2025-01-01", "terr_maitrise_fonc": "commune", "terr_stade_amngt": "viabilisé",
              "terr_stade_comm": "disponible", "terr_etat_occup": "libre", "terr_usage": "industriel",
              "terr_geomsurf": polygon, "terr_cle_en_main": "oui"}  # fmt: skip
    rows = [header]
    for n in range(count):
        row = values | {"terr_id": f"01001_TERRAIN-ECO_{n:05}"}
        rows.append([row.get(name, "") for name in header])
    return rows
