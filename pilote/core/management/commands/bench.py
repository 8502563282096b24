"""`make bench`: time what matters on the full real data and print each figure next to its target.

(a) importing edition 2026 into an empty database (parse, then write), against a bare `sqlite3.executemany` of the
    same rows into the same schema; always on scratch SQLite files under var/bench/, since the bare baseline is SQLite;
(b) resolving every perimeter version of both phases on 2026 with population and geometry;
(c) comparing the two phases; (d) the size of the national map of phase 2; (e) the server time of the main pages;
(f) the server time of the campaign dashboard and of a file page, with one file per phase-2 territory (183) of about
    25 fiches each, built inside a transaction that is rolled back at the end (the database is left as it was).
(b)–(f) run on the database of PILOTE_DATABASE_URL when it is set, else on var/bench/bench.sqlite3, built (once)
by migrate + bootstrap.
"""

import os
import re
import shutil
import sqlite3
import statistics
import time
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from itertools import cycle
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pilote.campaigns.enums import FileState, OpinionKind
from pilote.campaigns.models import Opinion, OpinionRequest, PerimeterChangeRequest, TerritoryFile
from pilote.campaigns.perimeter import current_communes
from pilote.campaigns.services import campaign_open
from pilote.core.enums import Role
from pilote.core.models import RoleAssignment, User
from pilote.geography.importer import TABLES, read_edition, write_edition
from pilote.geography.models import Edition
from pilote.geography.projection import edition_index
from pilote.plans.enums import FicheStatus, Priority
from pilote.plans.models import FicheAction, Funder, Indicator
from pilote.territories.comparison import compare_phases
from pilote.territories.figures import phase_geojson
from pilote.territories.models import Binome, CommitteeMember, Partner, PerimeterVersion, Phase, Territory
from pilote.territories.resolution import resolve_all

EDITION = 2026
PAGES = (
    "/",
    "/territoires/",
    "/territoires/2023-2027/ti-8401/",
    "/epci/200040442/",
    "/communes/01053/",
    "/evolution/",
    "/recherche/?q=lyon",
    "/api/phases",
    "/api/phases/2023-2027/territories",
    "/api/phases/compare?old=2018-2022&new=2023-2027&edition=2026",
)
MAP_URLS = ("/api/phases/2023-2027/territories.geojson", "/carte/2023-2027.geojson")
PAGE_TARGET_MS = 100
CAMPAIGN_TARGET_MS = 150
FICHES_PER_TERRITORY = 25
# (f) files move along the workflow in this rotation (the timed file page is one in review)
ROTATION = [FileState.DRAFT, FileState.SUBMITTED, FileState.IN_REVIEW, FileState.TO_COMPLETE, FileState.VALIDATED]
STEPS = {
    FileState.DRAFT: [],
    FileState.SUBMITTED: ["submit"],
    FileState.IN_REVIEW: ["submit", "start_review"],
    FileState.TO_COMPLETE: ["submit", "start_review", "send_back"],
    FileState.VALIDATED: ["submit", "start_review", "validate"],
}


class Rollback(Exception):
    """Raised at the end of (f) to roll its data back."""


MAP_TARGET_BYTES = 1_000_000


@contextmanager
def timer():
    """`with timer() as t: ...` then `t()` gives the elapsed seconds."""
    start = time.perf_counter()
    elapsed = [None]
    yield lambda: elapsed[0]
    elapsed[0] = time.perf_counter() - start


def use_database(url: str) -> None:
    """Point the default connection at `url` (a new wrapper: the backend may change)."""
    config = dj_database_url.parse(url)
    options = {}
    if config["ENGINE"].endswith("sqlite3"):
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        options = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
        }
    connections["default"].close()
    keys = ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT")
    connections.settings["default"] = {
        **connections.settings["default"],
        **{k: config[k] for k in keys},
        "OPTIONS": options,
    }
    del connections["default"]
    edition_index.cache_clear()


def copy_sqlite(source: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


class Command(BaseCommand):
    help = "Benchmark the import, the resolution, the comparison, the national map and the pages on the real data."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per page, after one warm-up")
        parser.add_argument("--only", default="abcdef", help="the sections to run, e.g. --only f (default: all)")

    def handle(self, *args, runs, only, **options):
        self.bench_dir = Path(settings.VAR_DIR) / "bench"
        self.bench_dir.mkdir(parents=True, exist_ok=True)
        self.lines = []
        if "a" in only:
            self.bench_import()
        self.prepare_real_database()
        steps = {
            "b": self.bench_resolution,
            "c": self.bench_comparison,
            "d": self.bench_map,
            "e": lambda: self.bench_pages(runs),
            "f": lambda: self.bench_campaign(runs),
        }
        for key, step in steps.items():
            if key in only:
                step()
        self.stdout.write("\n" + "\n".join(self.lines))

    def row(self, label: str, value: str, target: str = "", ok: bool | None = None):
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        line = f"{label:<72} {value:>14}  {target:<14} {verdict}"
        self.lines.append(line)
        self.stdout.write(line)

    def section(self, title: str):
        self.lines.append(f"\n{title}")
        self.stdout.write(f"\n{title}")

    # (a) ----------------------------------------------------------------------------------------------------------

    def bench_import(self):
        self.section(f"(a) import of edition {EDITION} into an empty database (scratch SQLite files)")
        empty = self.bench_dir / "empty.sqlite3"
        scratch = self.bench_dir / "import.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{empty}{suffix}").unlink(missing_ok=True)
        use_database(f"sqlite:///{empty}")
        call_command("migrate", verbosity=0)
        connections["default"].close()
        copy_sqlite(empty, scratch)
        use_database(f"sqlite:///{scratch}")
        with timer() as parse:
            rows = read_edition(EDITION)
        with timer() as write:
            write_edition(rows)
        connections["default"].close()
        bare = self.bare_executemany(empty, rows)
        ratio = (parse() + write()) / bare
        self.row(f"read_edition({EDITION}): parse {rows.row_count()} rows", f"{parse():.3f} s")
        self.row("write_edition: Django connection, one executemany per table", f"{write():.3f} s")
        self.row("bare sqlite3.executemany of the same rows, same schema (floor)", f"{bare:.3f} s")
        self.row("write alone / floor", f"{write() / bare:.2f}×")
        self.row("whole import (parse + write) / floor", f"{ratio:.2f}×", "target ≤ 2×", ratio <= 2)

    def bare_executemany(self, empty: Path, rows) -> float:
        """The same rows into a fresh copy of the same schema (tables and indexes from sqlite_master)."""
        path = self.bench_dir / "bare.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(empty)
        schema = [
            sql
            for (sql,) in source.execute(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]
        source.close()
        db = sqlite3.connect(path, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        # Django registers REGEXP on its connections; CHECK constraints of other tables use it.
        db.create_function("REGEXP", 2, lambda pattern, text: bool(re.search(pattern, text or "")), deterministic=True)
        for sql in schema:
            db.execute(sql)
        start = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute(
            f"INSERT INTO {Edition._meta.db_table} (year, source, checksum, imported_at) VALUES (?, ?, ?, ?)",
            (rows.year, rows.source, rows.checksum, "2026-01-01 00:00:00"),
        )
        for attr, model, columns in TABLES:
            sql = f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            db.executemany(sql, getattr(rows, attr))
        db.execute("COMMIT")
        elapsed = time.perf_counter() - start
        db.close()
        return elapsed

    # the real database ------------------------------------------------------------------------------------------

    def prepare_real_database(self):
        url = os.environ.get("PILOTE_DATABASE_URL") or f"sqlite:///{self.bench_dir / 'bench.sqlite3'}"
        use_database(url)
        self.section(f"database for (b)–(f): {url}")
        with timer() as build:
            call_command("migrate", verbosity=0)
            call_command("bootstrap", verbosity=0)
        self.row("migrate + bootstrap (a no-op when already built)", f"{build():.1f} s")

    # (b) (c) ----------------------------------------------------------------------------------------------------

    def bench_resolution(self):
        self.section(f"(b) resolution of every perimeter version on {EDITION}, with population and geometry")
        edition_index.cache_clear()
        with timer() as elapsed:
            count = resolve_all(edition=EDITION)
        self.row(
            f"resolve_all(edition={EDITION}): {count} versions", f"{elapsed():.2f} s", "target ≤ 5 s", elapsed() <= 5
        )

    def bench_comparison(self):
        self.section("(c) comparison of the phases")
        old, new = Phase.objects.get(slug="2018-2022"), Phase.objects.get(slug="2023-2027")
        with timer() as elapsed:
            comparison = compare_phases(old=old, new=new, edition=EDITION)
        label = f"compare_phases(2018-2022 → 2023-2027, {EDITION}): {comparison.summary['communes_new']} communes"
        self.row(label, f"{elapsed():.3f} s", "target ≤ 1 s", elapsed() <= 1)

    # (d) --------------------------------------------------------------------------------------------------------

    def bench_map(self):
        self.section("(d) national map of phase 2 (GeoJSON)")
        phase = Phase.objects.get(slug="2023-2027")
        versions = PerimeterVersion.objects.state_of(phase)
        size = len(phase_geojson(versions, EDITION))
        features = versions
        target = f"≤ {MAP_TARGET_BYTES:,} B"
        self.row(
            f"figures.phase_geojson ({len(features)} territories)",
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

    # (e) --------------------------------------------------------------------------------------------------------

    def client(self) -> Client:
        return Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")

    def bench_pages(self, runs: int):
        self.section(f"(e) server time of the pages (Django test client, median of {runs} after 1 warm-up, DEBUG off)")
        settings.DEBUG = False
        client = self.client()
        connection = connections["default"]
        for url in PAGES:
            cache.clear()  # the first request computes what later ones may read from the cache
            with timer() as cold:
                response = client.get(url)
            if response.status_code == 404:
                self.row(f"GET {url}", "absent (404)")
                continue
            self.row(f"GET {url} first request, empty cache", f"{cold() * 1000:.1f} ms")
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as queries, timer() as elapsed:
                    response = client.get(url)
                times.append(elapsed() * 1000)
            median = statistics.median(times)
            label = f"GET {url} [{response.status_code}, {len(queries)} queries]"
            self.row(
                label,
                f"{median:.1f} ms",
                f"target ≤ {PAGE_TARGET_MS} ms",
                median <= PAGE_TARGET_MS and response.status_code == 200,
            )

    # (f) --------------------------------------------------------------------------------------------------------

    def bench_campaign(self, runs: int):
        self.section(
            f"(f) campaign pages, one file per phase-2 territory of ~{FICHES_PER_TERRITORY} fiches "
            f"(Django test client as ANCT, median of {runs} after 1 warm-up, DEBUG off; data rolled back)"
        )
        settings.DEBUG = False
        try:
            with transaction.atomic():
                with timer() as build:
                    anct, campaign, file = self.build_campaign()
                files = campaign.files.count()
                fiches = FicheAction.objects.filter(territory__in=campaign.files.values("territory")).count()
                self.row(
                    f"built: {files} files, {fiches} fiches ({fiches / files:.1f} per file), states in rotation",
                    f"{build():.1f} s",
                )
                client = self.client()
                client.force_login(anct)
                for label, url in (
                    ("dashboard", reverse("campaigns:dashboard", args=[campaign.pk])),
                    (f"file page, {file.territory.code} in review", reverse("campaigns:file", args=[file.pk])),
                ):
                    self.time_page(client, label, url, runs)
                raise Rollback
        except Rollback:
            pass
        edition_index.cache_clear()

    def time_page(self, client: Client, label: str, url: str, runs: int):
        cache.clear()
        with timer() as cold:
            response = client.get(url)
        self.row(f"{label}: GET {url} first request, empty cache", f"{cold() * 1000:.1f} ms")
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connections["default"]) as queries, timer() as elapsed:
                response = client.get(url)
            times.append(elapsed() * 1000)
        median = statistics.median(times)
        self.row(
            f"{label} [{response.status_code}, {len(queries)} queries]",
            f"{median:.1f} ms",
            f"target ≤ {CAMPAIGN_TARGET_MS} ms",
            median <= CAMPAIGN_TARGET_MS and response.status_code == 200,
        )

    def build_campaign(self) -> tuple[User, object, TerritoryFile]:
        """ANCT, fiches with funders and indicators, governance, a campaign over every phase-2 territory, files in
        every state with plan and governance changes, perimeter requests and opinions. Returns the timed file."""
        anct = User.objects.create(username="bench-anct", first_name="Banc", last_name="d'essai")
        RoleAssignment.objects.create(user=anct, role=Role.NATIONAL)
        phase = Phase.objects.get(slug="2023-2027")
        territories = list(Territory.objects.filter(phase=phase, withdrawn_on=None).order_by("code"))
        priorities, statuses = cycle(Priority.values), cycle(FicheStatus.values)
        fiches = FicheAction.objects.bulk_create(
            FicheAction(
                territory=t,
                title=f"Fiche {n + 1} de {t.code} : plateau technique partagé",
                description="Fiche du banc d'essai.",
                priority=next(priorities),
                status=next(statuses),
                lead_organisation="Intercommunalité",
                total_cost=Decimal(100_000 + 1_000 * n),
            )
            for t in territories
            for n in range(FICHES_PER_TERRITORY)
        )
        Funder.objects.bulk_create(
            Funder(fiche=f, organisation=name, amount=Decimal(20_000), is_secured=n == 0)
            for f in fiches
            for n, name in enumerate(("Banque des Territoires", "Région"))
        )
        Indicator.objects.bulk_create(
            Indicator(fiche=f, name=name, unit="personnes", target=Decimal(30), value=Decimal(10))
            for f in fiches
            for name in ("Emplois créés", "Jeunes formés")
        )
        with_binome = set(Binome.objects.values_list("territory_id", flat=True))
        Binome.objects.bulk_create(
            Binome(
                territory=t,
                elected_name="Élue du banc",
                elected_function="Présidente",
                elected_organisation="Intercommunalité",
                industrialist_name="Industriel du banc",
                industrialist_company="Usinage SA",
            )
            for t in territories
            if t.pk not in with_binome
        )
        CommitteeMember.objects.bulk_create(
            CommitteeMember(territory=t, name=f"Membre {n}", organisation="Préfecture")
            for t in territories
            for n in (1, 2)
        )
        Partner.objects.bulk_create(Partner(territory=t, name="Bpifrance") for t in territories)
        today = timezone.localdate()
        campaign = campaign_open(
            name="Banc d'essai",
            phase=phase,
            territories=territories,
            submission_deadline=today + timedelta(days=30),
            opinion_deadline=today + timedelta(days=60),
            actor=anct,
        )
        # What the teams change before submitting: 3 fiches, one arrival on the steering committee.
        changed = [f for i, f in enumerate(fiches) if i % FICHES_PER_TERRITORY < 3]
        for f in changed:
            f.total_cost += 50_000
            f.lead_organisation = "Agence de développement économique"
        FicheAction.objects.bulk_update(changed, ["total_cost", "lead_organisation"])
        CommitteeMember.objects.bulk_create(
            CommitteeMember(territory=t, name="Nouvelle venue", organisation="Région") for t in territories
        )
        states, timed = cycle(ROTATION), None
        files = campaign.files.select_related("territory__phase", "campaign").order_by("territory__code")
        for file in files:
            target = next(states)
            if target in (FileState.IN_REVIEW, FileState.SUBMITTED):
                # remove one commune: a valid request, checked at submission and on the file page
                communes = sorted(current_communes(file.territory, settings.DEFAULT_EDITION))
                if len(communes) > 1:
                    PerimeterChangeRequest.objects.create(
                        file=file, remove_communes=communes[-1:], reason="Banc d'essai", updated_by=anct
                    )
                    if timed is None and target == FileState.IN_REVIEW:
                        timed = file
            for step in STEPS[target]:
                getattr(file, step)(by=anct, comment="Banc d'essai")
                file.save()
        kinds = cycle(OpinionKind.values)
        Opinion.objects.bulk_create(
            Opinion(request=r, kind=next(kinds), text="Avis du banc d'essai.", author=anct)
            for i, r in enumerate(OpinionRequest.objects.filter(file__campaign=campaign).order_by("id"))
            if i % 2 == 0
        )
        return anct, campaign, timed
