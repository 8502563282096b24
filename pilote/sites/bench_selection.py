"""Benchmark section (q) of `manage.py bench`: the exact selection of 50 sites among the whole scored pool under a cap
of 5 sites per région and a cap of 50 ha of new NAF consumption (target ≤ 2 s, reading the pool included), with the
greedy heuristic's gap; then the selection's page (≤ 150 ms). On a database without scores it draws a synthetic pool
of the real size (23,878 sites, as many as Cartofriches) in memory, and skips the page."""

import numpy as np
from django.db import transaction

from pilote.core.benchtools import BenchSection, Rollback, timer

from . import selection as solver
from .enums import MethodStatus
from .models import QualificationMethod, Selection

TARGET_SECONDS = 2.0
POOL_SIZE = 23_878
CONSTRAINTS = {"region_max": 5, "naf_cap_m2": 500_000.0}
REGIONS = ["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94"]


def synthetic_pool(size: int = POOL_SIZE, seed: int = 11) -> list[solver.Candidate]:
    rng = np.random.default_rng(seed)
    areas = rng.lognormal(10, 1.2, size)
    brownfield = rng.random(size) < 0.8
    return [
        solver.Candidate(
            site_id=i,
            identifier=f"bench-{i}",
            name=f"Site {i}",
            score=float(rng.random() * 100),
            reliability=float(rng.random()),
            region=REGIONS[int(rng.integers(0, len(REGIONS)))],
            area_m2=float(areas[i]),
            naf_m2=0.0 if brownfield[i] else float(areas[i]),
            cost=None,
            in_phase=True,
        )  # fmt: skip
        for i in range(size)
    ]


class SelectionBench(BenchSection):
    def run(self, runs: int) -> None:
        self.section("(q) exact selection of 50 sites under région caps (5) and a NAF cap (50 ha), greedy gap")
        method = QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED, scores__isnull=False).first()
        synthetic = None if method else synthetic_pool()  # drawn outside the timer: not part of the work timed
        times = []
        for _ in range(max(runs, 1)):
            with timer() as elapsed:
                pool = solver.candidates(method) if method else synthetic
                outcome = solver.solve(pool, size=50, objective="score", constraints=CONSTRAINTS)
            times.append(elapsed())
        kind = f"method version {method.number}" if method else "synthetic pool"
        best = min(times)
        self.row(f"{len(pool)} sites ({kind}), {outcome.status}", f"{best:.2f} s", f"target ≤ {TARGET_SECONDS} s",
                 best <= TARGET_SECONDS and outcome.status == "optimal")  # fmt: skip
        self.row("of which the program and the greedy heuristic", f"{outcome.seconds:.2f} s")
        gap = "—" if outcome.gap is None else f"{outcome.gap:.2%}"
        never_worse = outcome.greedy_value is None or outcome.exact_value >= outcome.greedy_value - 1e-9
        self.row(f"exact {outcome.exact_value:.2f} vs greedy {outcome.greedy_value or 0:.2f}: gap", gap,
                 "exact ≥ greedy", never_worse)  # fmt: skip
        if method:
            self._page(method, runs)

    def _page(self, method, runs: int) -> None:
        from pilote.core.models import User

        try:
            with transaction.atomic():  # the person signed in is rolled back too, as in section (r)
                user = User.objects.create_user(username="bench-selection", is_superuser=True)
                selection = Selection.objects.create(
                    name="Banc d'essai", method=method, size=50, constraints=CONSTRAINTS, created_by=user
                )
                solver.run(selection)
                client = self.client()
                client.force_login(user)
                self.time_page(client, "selection page", f"/sites/selections/{selection.pk}/", runs, 150)
                raise Rollback
        except Rollback:
            pass
