"""Benchmark section (n) of `manage.py bench`: the Cartofriches import (read, checked, placed in its commune, EPCI
and territories, written) against a bare `executemany` of the same rows into the same table, in the same run and
inside a transaction rolled back. Target: the import takes at most twice the bare insert.

Met on PostgreSQL; on SQLite the import is 2.0-2.3 × in CPU (1.6-1.9 s against 0.8 s), more in wall time on a busy
machine: the read alone (CSV 0.17 s, facts 0.45 s) costs about as much as the insert. Measured and left out
(2026-11-30): parsing in a thread while the main thread writes (no gain: sqlite3 gives the GIL back around each row's
step, and takes it back only when the parsing thread lets go of it), building the facts' JSON from cached fragments
(0.07 s), one multi-row INSERT per 100-1,000 rows (twice slower than executemany)."""

import time

from django.db import connection, transaction

from pilote.core.benchtools import BenchSection, Rollback, timer
from pilote.core.sources import fetch_named

from .enums import SiteOrigin
from .importers import KINDS, cartofriches, import_file
from .models import Site, SiteImport

RATIO_TARGET = 2.0


class ImportBench(BenchSection):
    def run(self, runs: int) -> None:
        self.section("(n) sites: Cartofriches import against a bare executemany of the same rows (rolled back)")
        path = fetch_named(KINDS[cartofriches.SOURCE].manifest)
        rows = cartofriches.parse(path).rows
        try:
            with transaction.atomic():
                bare, (imported, cpu, report) = self._bare(rows), self._import(path)
                raise Rollback
        except Rollback:
            pass
        bare, bare_cpu = bare
        self.row(f"bare executemany of {len(rows):,} rows (CPU {bare_cpu:.2f} s)", f"{bare:.2f} s")
        self.row(
            f"import_sites cartofriches: {report.created:,} created, {report.updated:,} updated", f"{imported:.2f} s"
        )
        # On a machine shared with other work the wall clock stretches; the CPU time of this process does not.
        self.row("import CPU time of this process", f"{cpu:.2f} s", f"{cpu / bare_cpu:.2f} × the bare CPU")
        ratio = imported / bare
        self.row("import / bare executemany", f"{ratio:.2f} ×", f"target ≤ {RATIO_TARGET:g} ×", ratio <= RATIO_TARGET)

    def _forget(self) -> None:
        """Raw deletes: the foreign keys are checked at commit, which never comes (rolled back)."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {Site._meta.db_table} WHERE origin = %s", [SiteOrigin.CARTOFRICHES.value])
        SiteImport.objects.filter(source=cartofriches.SOURCE).delete()

    def _bare(self, rows: list[tuple]) -> tuple[float, float]:
        self._forget()
        table, columns = Site._meta.db_table, cartofriches.COLUMNS
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        started = time.process_time()
        # In a savepoint, as the import's own transaction is here (nested in the rolled-back run, where SQLite copies
        # the pages this run already changed to its sub-journal: 0.1 s); run alone, neither is nested.
        with timer() as elapsed, transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return elapsed(), time.process_time() - started

    def _import(self, path):
        self._forget()
        started = time.process_time()
        with timer() as elapsed:
            outcome = import_file(cartofriches.SOURCE, path)
        return elapsed(), time.process_time() - started, outcome.report
