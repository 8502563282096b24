"""Benchmark section (g) of `manage.py bench`: server time of the budget dashboard, commitments list, territory page
and API with 10 years × 183 territories × 20 commitments (co-financing, payments; bulk-built in a rolled-back
transaction), then, on PostgreSQL only, the throughput of commitments under concurrent writers (committed for real,
then deleted)."""

import random
import statistics
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connections, transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.enums import Role
from pilote.core.models import AuditEvent, RoleAssignment, User
from pilote.territories.models import Territory

from .consistency import inconsistencies
from .enums import ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel, Sector, SkillsKind
from .models import CoFinancing, Commitment, Envelope, Payment, RuleBroken

# the budget's volume: years × phase-2 territories × commitments a year, and the concurrent writers
BUDGET_YEARS = 10
COMMITMENTS_PER_TERRITORY = 20
BUDGET_TARGET_MS = 150
WRITERS = 8
WRITE_SECONDS = 5
BASELINE_SECONDS = 2
WRITE_REGIONS = ("84", "27", "32", "44")
WRITE_ENVELOPE = Decimal(1_500_000)  # per région: fills near the end of the run, so that refusals are seen too


class BudgetBench(BenchSection):
    """Section (g) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.bench_budget(runs)

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

    def budget_pages(self, territory: Territory, year: int):
        pages = [
            ("budget dashboard, every year", "budget:dashboard", {}, ""),
            (f"budget dashboard, {year}", "budget:dashboard", {}, f"?year={year}"),
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
        overspent = inconsistencies()  # used = sums recounted; the database's CHECK keeps used <= amount
        filled = Envelope.objects.filter(pk__in=[e.pk for e in envelopes]).aggregate(used=Sum("ae_used"))["used"]
        self.row(
            f"no envelope overspent, used = sum of commitments ({filled:,} € of {WRITE_ENVELOPE * len(envelopes):,} €)",
            "yes" if not overspent else "; ".join(overspent[:3]),
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
