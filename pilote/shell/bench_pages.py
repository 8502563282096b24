"""Section (e) of `make bench`: the server time of the main pages, across the apps (so it lives in the shell)."""

import statistics

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext

from pilote.core.benchtools import BenchSection, timer

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
PAGE_TARGET_MS = 100


class PagesBench(BenchSection):
    """Section (e)."""

    def run(self, runs: int) -> None:
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
