"""`make bench`: time what matters on the full real data and print each figure next to its target.

(a) importing edition 2026 into an empty database (parse, then write), against a bare `sqlite3.executemany` of the
    same rows into the same schema; always on scratch SQLite files under var/bench/, since the bare baseline is SQLite;
(b) resolving every perimeter version of both phases on 2026 with population and geometry;
(c) comparing the two phases; (d) the size of the national map of phase 2; (e) the server time of the main pages;
(f) the server time of the campaign dashboard and of a file page, with one file per phase-2 territory (183) of about
    25 fiches each, built inside a transaction that is rolled back at the end (the database is left as it was);
(g) the budget: server time of its dashboard, commitments list, territory page and API with 10 years × 183 territories
    × 20 commitments (co-financing, payments; bulk-built in a rolled-back transaction), then, on PostgreSQL only,
    the throughput of commitments under concurrent writers (committed for real, then deleted);
(h) the import of a plan of 2,000 fiches through the import form (validation, then writing) and the plan page that
    lists them, in a rolled-back transaction;
(i) the production server (gunicorn, 2 workers, production settings) under 20 concurrent clients for 30 s: requests
    per second, p50/p95 latency and errors of the public pages and of the read API (pilote/shell/bench_load.py);
(j) the bytes a first visit of the home page transfers, compressed as production serves it, and the map GeoJSON.
(b)–(j) run on the database of PILOTE_DATABASE_URL when it is set, else on var/bench/bench.sqlite3, built (once)
by migrate + bootstrap.
"""

import os
import re
import shutil
import sqlite3
import time
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections

from pilote.core import registry
from pilote.core.benchtools import BenchMixin, timer
from pilote.geography.importer import TABLES, read_edition, write_edition
from pilote.geography.models import Edition
from pilote.geography.projection import edition_index

EDITION = 2026


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


class Command(BenchMixin, BaseCommand):
    help = "Benchmark the import, the resolution, the comparison, the national map and the pages on the real data."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="timed runs per page, after one warm-up")
        parser.add_argument("--only", default="", help="the sections to run, e.g. --only f (default: all)")

    def handle(self, *args, runs, only, **options):
        self.bench_dir = Path(settings.VAR_DIR) / "bench"
        self.bench_dir.mkdir(parents=True, exist_ok=True)
        self.lines = []
        only = only or "a" + "".join(registry.bench_sections())
        if "a" in only:
            self.bench_import()
        self.prepare_real_database()
        # (b)–(j): the sections the apps and the shell declare in their AppConfig (pilote.core.registry).
        for key, section in registry.bench_sections().items():
            if key in only:
                section(self).run(runs)
        self.stdout.write("\n" + "\n".join(self.lines))

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
        self.database_url = url  # the production server of (i) runs on it too
        self.section(f"database for (b)–(j): {url}")
        with timer() as build:
            call_command("migrate", verbosity=0)
            call_command("bootstrap", verbosity=0)
        self.row("migrate + bootstrap (a no-op when already built)", f"{build():.1f} s")
