"""Benchmark section (h) of `manage.py bench`: requests per second and latency of the public pages and of the read
API served by the production server — gunicorn with config.settings.prod (DEBUG off, a throwaway secret key) on
127.0.0.1 — under concurrent clients (an asyncio client, aiohttp, in the bench's own process) for a fixed time.

The requests say they came through a TLS proxy (X-Forwarded-Proto: https, PILOTE_SECURE_PROXY_SSL_HEADER), as in
production, so that the https redirect does not answer them.
"""

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings

from pilote.core.benchtools import BenchSection

from .bench_pages import PAGES

LOAD_CLIENTS = 20
LOAD_SECONDS = 30
LOAD_WORKERS = 2
LOAD_TARGET_RPS = 200
# The public pages of (e), without its API routes: the load test reads the API through READ_API.
PUBLIC_PAGES = tuple(path for path in PAGES if not path.startswith("/api/"))
READ_API = (
    "/api/phases",
    "/api/phases/2023-2027",
    "/api/phases/2023-2027/territories",
    "/api/phases/2023-2027/territories/ti-8401",
    "/api/geography/2026/communes/01053",
    "/api/geography/2026/epci/200040442",
    "/api/budget/envelopes",
)
HEADERS = {"X-Forwarded-Proto": "https"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def hammer(base_url: str, paths: tuple[str, ...], clients: int, seconds: float) -> dict:
    """`clients` loops, each requesting `paths` in turn (each starting elsewhere) until `seconds` have passed."""
    import aiohttp  # a dev dependency (pyproject's dev extra): only the bench needs it

    latencies, errors, stop = [], {}, time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)

    async def client(offset: int, session):
        turn = offset
        while time.perf_counter() < stop:
            path = paths[turn % len(paths)]
            turn += 1
            start = time.perf_counter()
            try:
                async with session.get(base_url + path, headers=HEADERS, allow_redirects=False) as response:
                    await response.read()
                    status = response.status
            except (TimeoutError, aiohttp.ClientError) as error:
                status = type(error).__name__
            if status == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors[f"{path} → {status}"] = errors.get(f"{path} → {status}", 0) + 1

    started = time.perf_counter()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(client(i, session) for i in range(clients)))
    elapsed = time.perf_counter() - started
    return {"ok": len(latencies), "errors": errors, "elapsed": elapsed, "latencies": latencies}


class ProductionServer:
    """gunicorn on a free port of 127.0.0.1, production settings, on the database at `database_url`."""

    def __init__(self, database_url: str, workers: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "PILOTE_SECRET_KEY": secrets.token_urlsafe(50),
            "PILOTE_DEBUG": "false",
            "PILOTE_DATABASE_URL": database_url,
            "PILOTE_ALLOWED_HOSTS": "127.0.0.1",
            "PILOTE_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
            "PILOTE_BIND": f"127.0.0.1:{self.port}",
            "PILOTE_WORKERS": str(workers),
            "PILOTE_ACCESS_LOG": "0",
        }
        self.log = Path(settings.VAR_DIR) / "bench" / "gunicorn.log"

    def __enter__(self):
        # The production storage serves hashed, precompressed files: collect them first, as `make serve-prod` does.
        collect = [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"]
        subprocess.run(collect, cwd=settings.BASE_DIR, env=self.env, check=True)
        command = [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self, seconds: float = 60):

        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped at start (see {self.log})")
            try:
                with urllib.request.urlopen(f"{self.url}/sante/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /sante/ within {seconds} s (see {self.log})")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class LoadBench(BenchSection):
    """Section (i) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.bench_load()

    def bench_load(self, *, clients: int = LOAD_CLIENTS, seconds: float = LOAD_SECONDS):
        self.section(
            f"(i) load on the production server: gunicorn, {LOAD_WORKERS} workers, config.settings.prod (DEBUG off), "
            f"127.0.0.1; {clients} concurrent clients for {seconds:g} s each (aiohttp, in this process)"
        )
        with ProductionServer(self.report.database_url, LOAD_WORKERS) as server:
            for label, paths in (("public pages", PUBLIC_PAGES), ("read API", READ_API)):
                asyncio.run(hammer(server.url, paths, clients, 2))  # warm-up: caches, connections
                result = asyncio.run(hammer(server.url, paths, clients, seconds))
                self.load_rows(label, len(paths), result)

    def load_rows(self, label: str, count: int, result: dict):
        rps = result["ok"] / result["elapsed"]
        failed = sum(result["errors"].values())
        latencies = result["latencies"]
        self.row(
            f"{label} ({count} URLs in turn): requests per second",
            f"{rps:.1f} req/s",
            f"target ≥ {LOAD_TARGET_RPS}",
            rps >= LOAD_TARGET_RPS,
        )
        self.row(
            f"{label}: latency p50 / p95",
            f"{percentile(latencies, 0.5) * 1000:.0f} / {percentile(latencies, 0.95) * 1000:.0f} ms",
        )
        self.row(f"{label}: errors (non-200 or refused)", f"{failed}", "target 0", failed == 0)
        for what, times in sorted(result["errors"].items()):
            self.row(f"    {what}", f"{times}×")
