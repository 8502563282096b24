"""`make bench`: time what matters on the full real data and print each figure next to its target.

(a) importing edition 2026 into an empty database (parse, then write), against a bare `sqlite3.executemany` of the
    same rows into the same schema; always on scratch SQLite files under var/bench/, since the bare baseline is SQLite;
(b) resolving every perimeter version of both phases on 2026 with population and geometry;
(c) comparing the two phases; (d) the size of the national map of phase 2; (e) the server time of the main pages;
(f) the server time of the campaign dashboard and of a file page, with one file per phase-2 territory (183) of about
    25 fiches each, built inside a transaction that is rolled back at the end (the database is left as it was);
(g) the budget: server time of its dashboard, commitments list, territory page and API with 10 years × 183 territories
    × 20 commitments (co-financing, payments; bulk-built in a rolled-back transaction), then, on PostgreSQL only,
    the throughput of commitments under concurrent writers (committed for real, then deleted).
(b)–(g) run on the database of PILOTE_DATABASE_URL when it is set, else on var/bench/bench.sqlite3, built (once)
by migrate + bootstrap.
"""

import os
import random
import re
import shutil
import sqlite3
import statistics
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections, transaction
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pilote.budget.consistency import inconsistencies
from pilote.budget.enums import ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel, Sector, SkillsKind
from pilote.budget.models import CoFinancing, Commitment, Envelope, Payment, RuleBroken
from pilote.campaigns.enums import FileState, OpinionKind
from pilote.campaigns.models import Opinion, OpinionRequest, PerimeterChangeRequest, TerritoryFile
from pilote.campaigns.perimeter import current_communes
from pilote.campaigns.services import campaign_open
from pilote.core.enums import Role
from pilote.core.models import AuditEvent, RoleAssignment, User
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


# (g) the budget's volume: years × phase-2 territories × commitments a year, and the concurrent writers
BUDGET_YEARS = 10
COMMITMENTS_PER_TERRITORY = 20
BUDGET_TARGET_MS = 150
WRITERS = 8
WRITE_SECONDS = 5
BASELINE_SECONDS = 2
WRITE_REGIONS = ("84", "27", "32", "44")
WRITE_ENVELOPE = Decimal(1_500_000)  # per région: fills near the end of the run, so that refusals are seen too


class Rollback(Exception):
    """Raised at the end of (f) and (g) to roll their data back."""


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
        parser.add_argument("--only", default="abcdefg", help="the sections to run, e.g. --only f (default: all)")

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
            "g": lambda: self.bench_budget(runs),
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
        self.section(f"database for (b)–(g): {url}")
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

    def time_page(self, client: Client, label: str, url: str, runs: int, target_ms: int = CAMPAIGN_TARGET_MS):
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
            f"target ≤ {target_ms} ms",
            median <= target_ms and response.status_code == 200,
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

    # (g) --------------------------------------------------------------------------------------------------------

    def bench_budget(self, runs: int):
        self.section(
            f"(g) budget pages, {BUDGET_YEARS} years × phase-2 territories × {COMMITMENTS_PER_TERRITORY} commitments "
            f"(Django test client as ANCT, median of {runs} after 1 warm-up, DEBUG off; data rolled back)"
        )
        settings.DEBUG = False
        territories = list(
            Territory.objects.filter(phase__slug="2023-2027", withdrawn_on=None)
            .select_related("phase")
            .order_by("code")
        )
        try:
            with transaction.atomic():
                with timer() as build:
                    anct, years = self.build_budget(territories)
                    self.analyze(Envelope, Commitment, CoFinancing, Payment)
                commitments = Commitment.objects.filter(year__in=years).count()
                self.row(
                    f"built: {years[0]}–{years[-1]}, {len(territories)} territories: {commitments} commitments, "
                    f"{CoFinancing.objects.filter(commitment__year__in=years).count()} co-financing lines, "
                    f"{Payment.objects.filter(commitment__year__in=years).count()} payments; tables analysed",
                    f"{build():.1f} s",
                )
                problems = inconsistencies()
                self.row(
                    "every envelope's used amounts equal the recount (consistency.inconsistencies)",
                    "yes" if not problems else f"{len(problems)} differ",
                    ok=not problems,
                )
                client = self.client()
                client.force_login(anct)
                territory = next((t for t in territories if t.code == "ti-8401"), territories[0])
                for label, url in self.budget_pages(territory, years[-1]):
                    self.time_page(client, label, url, runs, BUDGET_TARGET_MS)
                raise Rollback
        except Rollback:
            pass
        self.bench_budget_writers()

    @staticmethod
    def analyze(*models) -> None:
        """Planner statistics of the freshly built tables, as autovacuum keeps them on a live database; without them
        PostgreSQL plans for empty tables (ANALYZE sees this transaction's own rows)."""
        with connections["default"].cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")

    def budget_pages(self, territory: Territory, year: int):
        pages = [
            ("budget dashboard, every year", "budget:dashboard", {}, ""),
            (f"budget dashboard, {year}", "budget:dashboard", {}, f"?annee={year}"),
            ("commitments list", "budget:commitments", {}, ""),
            (
                f"territory page {territory.code}",
                "territories:detail",
                {"phase": territory.phase.slug, "code": territory.code},
                "",
            ),
        ]
        for label, name, kwargs, query in pages:
            try:
                yield label, reverse(name, kwargs=kwargs) + query
            except NoReverseMatch:
                self.row(f"{label}: {name}", "absent (no URL)")
        yield "API commitments (first page)", "/api/budget/commitments"

    def build_budget(self, territories: list[Territory]) -> tuple[User, list[int]]:
        """ANCT, then the years before the first one already opened (the demo's, when seeded): each a programme,
        its four action types, their régions, and per territory 20 commitments with co-financing and payments."""
        anct = User.objects.create(username="bench-budget-anct", first_name="Banc", last_name="d'essai")
        RoleAssignment.objects.create(user=anct, role=Role.NATIONAL)
        opened = Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).values_list("year", flat=True)
        end = min(opened, default=timezone.localdate().year + 1)
        years = list(range(end - BUDGET_YEARS, end))
        for year in years:
            self.build_budget_year(year, territories, anct)
        return anct, years

    def build_budget_year(self, year: int, territories: list[Territory], anct: User) -> None:
        commitments, lines, payments = self.bench_commitments(year, territories, anct)
        envelopes = self.bench_envelopes(year, commitments, payments)
        lines_of = defaultdict(list)
        for c, k, f, a in lines:
            lines_of[id(c)].append((k, f, a))
        for commitment in commitments:
            commitment.envelope = envelopes[commitment.action_type, commitment.region_code]
            commitment.total_cofinancing(lines_of[id(commitment)])
        Commitment.objects.bulk_create(commitments)
        CoFinancing.objects.bulk_create(CoFinancing(commitment=c, kind=k, funder=f, amount=a) for c, k, f, a in lines)
        Payment.objects.bulk_create(
            Payment(commitment=c, envelope=c.envelope, amount=a, paid_on=on, created_by=anct) for c, a, on in payments
        )

    def bench_commitments(self, year: int, territories: list[Territory], anct: User):
        """The year's commitments (envelope to be set), their co-financing lines and payments, in memory."""
        commitments, lines, payments = [], [], []
        for i, territory in enumerate(territories):
            kinds = [ActionType.PROJECT_LEADS] + [ActionType.INVESTMENTS] * 12 + [ActionType.SKILLS] * 5
            kinds += [ActionType.REBOND if i % 10 == 0 else ActionType.INVESTMENTS] * 2
            for n, kind in enumerate(kinds):
                c = self.bench_commitment(year, territory, kind, n, anct)
                commitments.append(c)
                lines.append(
                    (
                        c,
                        CofinancerKind.EPCI if kind == ActionType.PROJECT_LEADS else CofinancerKind.REGION,
                        "Cofinanceur du banc",
                        c.amount if kind == ActionType.PROJECT_LEADS else c.amount * 3 / 10,
                    )
                )
                if n % 3 == 0:
                    lines.append((c, CofinancerKind.OTHER, "Bpifrance", c.amount / 5))
                if c.status == CommitmentStatus.COMMITTED:
                    first = c.amount * 4 / 10
                    payments.append((c, first, min(c.decided_on + timedelta(days=30), date(year, 12, 31))))
                    c.paid_amount = first
                    if n % 2 == 0:
                        payments.append((c, c.amount * 3 / 10, date(year, 12, 31)))
                        c.paid_amount += c.amount * 3 / 10
        return commitments, lines, payments

    def bench_commitment(self, year: int, territory: Territory, kind: str, n: int, anct: User) -> Commitment:
        amounts = {
            ActionType.PROJECT_LEADS: 30_000,
            ActionType.INVESTMENTS: 100_000 + 5_000 * n,
            ActionType.SKILLS: 80_000,
            ActionType.REBOND: 500_000,
        }
        status = CommitmentStatus.COMMITTED
        if n % 25 == 24 - territory.pk % 3:
            status = CommitmentStatus.PROPOSED
        elif n % 19 == 7:
            status = CommitmentStatus.CANCELLED
        return Commitment(
            year=year,
            action_type=kind,
            region_code=territory.region_code,
            territory=territory,
            label=f"Engagement {n + 1} du banc d'essai",
            beneficiary_name=f"Entreprise {n + 1} de {territory.code}",
            amount=Decimal(amounts[kind]),
            decided_on=date(year, 1 + n % 12, 1 + territory.pk % 28) if status != CommitmentStatus.PROPOSED else None,
            sector=Sector.OTHER if kind == ActionType.INVESTMENTS else "",
            skills_kind=SkillsKind.PRODUCTION_SCHOOL if kind == ActionType.SKILLS else "",
            status=status,
            created_by=anct,
        )

    def bench_envelopes(self, year: int, commitments: list[Commitment], payments: list) -> dict:
        """The year's tree, with amounts that hold what the commitments use (10 % spare at each level)."""
        used, paid = defaultdict(Decimal), defaultdict(Decimal)
        for c in commitments:
            if c.status == CommitmentStatus.COMMITTED:
                used[c.action_type, c.region_code] += c.amount
        for c, amount, _ in payments:
            paid[c.action_type, c.region_code] += amount
        keys = sorted({(c.action_type, c.region_code) for c in commitments})
        amounts = {key: (used[key] * 11 / 10).quantize(Decimal(1)) + 1_000 for key in keys}
        by_type = defaultdict(Decimal)
        for (action_type, _), amount in amounts.items():
            by_type[action_type] += amount
        national_amounts = {t: (total * 11 / 10).quantize(Decimal(1)) for t, total in by_type.items()}
        total = sum(national_amounts.values())
        programme = Envelope.objects.create(
            year=year,
            level=EnvelopeLevel.PROGRAMME,
            ae_amount=total * 11 / 10,
            cp_amount=total * 11 / 10,
            ae_used=total,
            cp_used=total,
        )
        nationals = {
            t: Envelope.objects.create(
                year=year,
                level=EnvelopeLevel.NATIONAL,
                action_type=t,
                parent=programme,
                ae_amount=amount,
                cp_amount=amount,
                ae_used=by_type[t],
                cp_used=by_type[t],
            )
            for t, amount in national_amounts.items()
        }
        regions = Envelope.objects.bulk_create(
            Envelope(
                year=year,
                level=EnvelopeLevel.REGION,
                action_type=t,
                region_code=code,
                parent=nationals[t],
                ae_amount=amounts[t, code],
                cp_amount=amounts[t, code],
                ae_used=used[t, code],
                cp_used=paid[t, code],
            )
            for t, code in keys
        )
        return {(e.action_type, e.region_code): e for e in regions}

    # (g) throughput: concurrent writers on PostgreSQL -----------------------------------------------------------

    def bench_budget_writers(self):
        self.section(
            f"(g) throughput of commitments: {WRITERS} concurrent writers for {WRITE_SECONDS} s on "
            f"{len(WRITE_REGIONS)} région envelopes of {WRITE_ENVELOPE:,} € (committed for real, then deleted)"
        )
        vendor = connections["default"].vendor
        if vendor != "postgresql":
            self.row(f"PostgreSQL only (its row locks under concurrency); this database is {vendor}", "skipped")
            return
        opened = set(Envelope.objects.filter(level=EnvelopeLevel.PROGRAMME).values_list("year", flat=True))
        year = next((y for y in range(2027, 2022, -1) if y not in opened), None)  # a year of phase 2 still free
        if year is None:
            self.row("every year of phase 2 already has a budget here", "skipped")
            return
        actor = User.objects.create(username="bench-budget-writer", first_name="Banc", last_name="d'écriture")
        RoleAssignment.objects.create(user=actor, role=Role.NATIONAL)
        try:
            envelopes, places = self.open_write_tree(year, actor)
            stats, elapsed = self.run_writers(year, actor, envelopes, places, 1, BASELINE_SECONDS)
            self.row(f"1 writer alone for {BASELINE_SECONDS} s (baseline)", f"{self.rate(stats, elapsed)} /s")
            stats, elapsed = self.run_writers(year, actor, envelopes, places, WRITERS, WRITE_SECONDS)
            self.report_writers(stats, elapsed, envelopes)
        finally:
            self.delete_write_tree(year, actor)

    def open_write_tree(self, year: int, actor: User) -> tuple[list[Envelope], dict]:
        programme = Envelope.objects.open_year(year=year, ae=Decimal(100_000_000), cp=Decimal(100_000_000), actor=actor)
        national = programme.delegate(
            actor=actor, ae=Decimal(50_000_000), cp=Decimal(50_000_000), action_type=ActionType.INVESTMENTS
        )
        envelopes = [
            national.delegate(actor=actor, ae=WRITE_ENVELOPE, cp=WRITE_ENVELOPE, region_code=code)
            for code in WRITE_REGIONS
        ]
        territories = Territory.objects.filter(
            phase__slug="2023-2027", withdrawn_on=None, region_code__in=WRITE_REGIONS
        )
        places = defaultdict(list)
        for territory in territories.select_related("phase").order_by("code"):
            places[territory.region_code].append(territory)
        return envelopes, places

    def run_writers(self, year: int, actor: User, envelopes: list[Envelope], places: dict, count: int, seconds: int):
        """`count` threads, each on its own connection, released together, committing until `seconds` are up."""
        barrier = threading.Barrier(count + 1)
        stats = [{"ok": 0, "refused": 0, "errors": [], "latencies": []} for _ in range(count)]

        def write(i: int):
            rng, mine = random.Random(f"{count}/{i}"), stats[i]
            try:
                Envelope.objects.exists()  # open this thread's connection before the start
                barrier.wait()
                deadline = time.perf_counter() + seconds
                while time.perf_counter() < deadline:
                    self.write_one(year, actor, rng.choice(envelopes), places, rng, mine)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=write, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        barrier.wait()
        with timer() as elapsed:
            for thread in threads:
                thread.join()
        return stats, elapsed()

    def write_one(self, year: int, actor: User, envelope: Envelope, places: dict, rng: random.Random, mine: dict):
        amount = Decimal(rng.randrange(5_000, 20_001, 500))
        start = time.perf_counter()
        try:
            Commitment.objects.create_for(
                envelope,
                actor=actor,
                territory=rng.choice(places[envelope.region_code]),
                amount=amount,
                label="Engagement concurrent du banc d'essai",
                beneficiary_name="Entreprise du banc",
                sector=Sector.OTHER,
                lines=[(CofinancerKind.REGION, "Région", amount / 2)],
                commit_on=date(year, 6, 1),
            )
            mine["ok"] += 1
            mine["latencies"].append(time.perf_counter() - start)
        except RuleBroken:
            mine["refused"] += 1
        except Exception as error:  # a deadlock or a lock error is a finding, reported below
            mine["errors"].append(repr(error))

    def report_writers(self, stats: list[dict], elapsed: float, envelopes: list[Envelope]):
        ok = sum(s["ok"] for s in stats)
        refused = sum(s["refused"] for s in stats)
        errors = [e for s in stats for e in s["errors"]]
        latencies = sorted(x * 1000 for s in stats for x in s["latencies"])
        self.row(
            f"{WRITERS} writers together: {ok} committed, {refused} refused (envelope full) in {elapsed:.1f} s",
            f"{self.rate(stats, elapsed)} /s",
        )
        if latencies:
            p95 = latencies[int(len(latencies) * 0.95) - 1]
            self.row(
                "latency of a commitment (create + commit), median / p95",
                f"{statistics.median(latencies):.0f} / {p95:.0f} ms",
            )
        self.row("errors other than a refusal (deadlock, lock timeout…)", str(len(errors)), "target 0", not errors)
        for error in errors[:3]:
            self.row(f"  {error[:70]}", "")
        overspent = []
        for envelope in Envelope.objects.filter(pk__in=[e.pk for e in envelopes]):
            committed = Commitment.objects.committed().filter(envelope=envelope).aggregate(total=Sum("amount"))["total"]
            if envelope.ae_used != (committed or 0) or envelope.ae_used > envelope.ae_amount:
                overspent.append(str(envelope))
        filled = Envelope.objects.filter(pk__in=[e.pk for e in envelopes]).aggregate(used=Sum("ae_used"))["used"]
        self.row(
            f"no envelope overspent, used = sum of commitments ({filled:,} € of {WRITE_ENVELOPE * len(envelopes):,} €)",
            "yes" if not overspent else ", ".join(overspent),
            ok=not overspent,
        )

    @staticmethod
    def rate(stats: list[dict], elapsed: float) -> str:
        return f"{sum(s['ok'] for s in stats) / elapsed:.0f}"

    def delete_write_tree(self, year: int, actor: User):
        with transaction.atomic():
            commitments = Commitment.objects.filter(created_by=actor)
            CoFinancing.objects.filter(commitment__in=commitments).delete()
            commitments.delete()
            for level in (EnvelopeLevel.REGION, EnvelopeLevel.NATIONAL, EnvelopeLevel.PROGRAMME):
                Envelope.objects.filter(year=year, level=level).delete()
            AuditEvent.objects.filter(actor=actor).delete()
            actor.roles.all().delete()
            actor.delete()
