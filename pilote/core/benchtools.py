"""What the benchmark's sections share (`manage.py bench`, `make bench`): timing, printing each figure next to its
target, timing a page through Django's test client, and rolling built data back."""

import statistics
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Rollback(Exception):
    """Raised at the end of a section that builds data, to roll it back."""


@contextmanager
def timer():
    """`with timer() as t: ...` then `t()` gives the elapsed seconds."""
    start = time.perf_counter()
    elapsed = [None]
    yield lambda: elapsed[0]
    elapsed[0] = time.perf_counter() - start


class BenchMixin:
    """Printing and timing, for the management command and the sections other apps contribute to it."""

    def row(self, label: str, value: str, target: str = "", ok: bool | None = None):
        verdict = "" if ok is None else ("ok" if ok else "MISSED")
        line = f"{label:<72} {value:>14}  {target:<14} {verdict}"
        self.lines.append(line)
        self.stdout.write(line)

    def section(self, title: str):
        self.lines.append(f"\n{title}")
        self.stdout.write(f"\n{title}")

    def client(self) -> Client:
        return Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "localhost")

    def time_page(self, client: Client, label: str, url: str, runs: int, target_ms: int):
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

    @staticmethod
    def analyze(*models) -> None:
        """Planner statistics of the freshly built tables, as autovacuum keeps them on a live database; without them
        PostgreSQL plans for empty tables (ANALYZE sees this transaction's own rows)."""
        with connections["default"].cursor() as cursor:
            for model in models:
                cursor.execute(f"ANALYZE {model._meta.db_table}")


class BenchSection(BenchMixin):
    """A section of `manage.py bench`, declared by its app in `AppConfig.bench_sections` (pilote.core.registry).

    The command creates it with itself as `report` (its output, the collected lines, the database URL) and calls
    `run(runs)`."""

    def __init__(self, report):
        self.report = report
        self.stdout, self.lines = report.stdout, report.lines

    def run(self, runs: int) -> None:
        raise NotImplementedError
