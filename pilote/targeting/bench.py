"""Section (k) of `make bench`: importing the zones d'emploi and unemployment workbooks (target ≤ 3 s together)."""

import time

from django.db import transaction

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.sources import fetch_named

from .importers import SOURCES, write
from .models import Dataset

WORKBOOKS = ("insee-ze2020-composition", "insee-chomage-ze")
TARGET_SECONDS = 3


class ImportBench(BenchSection):
    """Section (k): both workbooks read (header found, every quarter) and written, in a transaction rolled back;
    the datasets already imported are set aside first, so that the import really writes."""

    def run(self, runs: int) -> None:
        self.section("(k) import of the ZE2020 composition and the local unemployment workbooks")
        paths = {name: fetch_named(name) for name in WORKBOOKS}
        total = cpu = 0.0
        try:
            with transaction.atomic():
                Dataset.objects.filter(source__in=WORKBOOKS).delete()
                for name in WORKBOOKS:
                    started = time.process_time()
                    with timer() as elapsed:
                        outcome = write(SOURCES[name].parse(paths[name]))
                    total, cpu = total + elapsed(), cpu + time.process_time() - started
                    report = outcome.parsed.report
                    self.row(f"{name}: {report.read} rows read, {report.mapped} kept", f"{elapsed():.2f} s")
                raise Rollback
        except Rollback:
            pass
        # On a machine shared with other work the wall clock stretches; the CPU time of this process does not.
        self.row("both workbooks: CPU time of this process", f"{cpu:.2f} s", f"target ≤ {TARGET_SECONDS} s", cpu <= 3)
        self.row("both workbooks, read and written", f"{total:.2f} s", f"target ≤ {TARGET_SECONDS} s", total <= 3)
