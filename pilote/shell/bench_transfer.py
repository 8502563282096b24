"""Benchmark section (h) of `manage.py bench`: the bytes a first visit of the home page transfers, as production
serves them (static files compressed by WhiteNoise's own compressor, pages and GeoJSON through pilote.core.pagecache),
and the national map's GeoJSON on its own.

Chromium (through Playwright, on a live server) says which resources the home page loads, CSS fonts and images
included; each is then measured as served: a static file as its Brotli copy when WhiteNoise would keep one (it keeps
it when at least 5 % smaller), a page through Django's test client with `Accept-Encoding: br, gzip`."""

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from whitenoise.compress import Compressor

from pilote.core.benchtools import BenchSection

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
HOME_TARGET_BYTES = 500_000
MAP_TARGET_BYTES = 250_000
MAP_PATH = "/carte/2023-2027.geojson"
ENCODINGS = "br, gzip"


def loaded_by_chromium(path: str) -> list[str] | None:
    """Paths (with their query) of every resource Chromium fetches to show `path`; None without Chromium."""
    try:
        from playwright.sync_api import sync_playwright  # a dev dependency: only the bench and tests need it
    except ImportError:
        return None
    if not Path(CHROMIUM).exists():
        return None
    server = LiveServerThread("127.0.0.1", _StaticFilesHandler)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base = f"http://127.0.0.1:{server.port}"
    urls = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.on("response", lambda response: urls.append(response.url))
            page.goto(base + path, wait_until="networkidle")
            browser.close()
    finally:
        server.terminate()
    parts = [urlsplit(url) for url in dict.fromkeys(urls) if url.startswith(base)]
    return [p.path + (f"?{p.query}" if p.query else "") for p in parts]


def static_bytes(path: str) -> tuple[int, int] | None:
    """(raw, as served) size of a static file: its Brotli copy when WhiteNoise would write and serve one."""
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    if not found:
        return None
    data = Path(found).read_bytes()
    compressor = Compressor(quiet=True)
    if not compressor.should_compress(found):
        return len(data), len(data)
    packed = compressor.compress_brotli(data)
    kept = compressor.is_compressed_effectively("Brotli", found, len(data), packed)
    return len(data), len(packed) if kept else len(data)


class TransferBench(BenchSection):
    """Section (j) of the bench (declared in the app's AppConfig.bench_sections)."""

    def run(self, runs: int) -> None:
        self.bench_transfer()

    def bench_transfer(self):
        self.section(f"(j) bytes transferred on a first visit of the home page, as served in production ({ENCODINGS})")
        paths = loaded_by_chromium("/")
        if paths is None:
            self.row("resources of the home page", f"absent (no Playwright or {CHROMIUM})")
            return
        settings.DEBUG = False  # the page cache and its compression are off under DEBUG
        cache.clear()
        client = self.client()
        raw_total = served_total = 0
        for path in paths:
            if path == MAP_PATH:
                continue
            raw, served = self.served_bytes(client, path)
            raw_total, served_total = raw_total + raw, served_total + served
            self.row(f"  {path[:68]}", f"{served:,} B", f"raw {raw:,} B")
        self.row(f"home page: {len(paths) - (MAP_PATH in paths)} resources, raw (uncompressed)", f"{raw_total:,} B")
        self.row(
            "home page first visit, compressed, without the map GeoJSON",
            f"{served_total:,} B",
            f"≤ {HOME_TARGET_BYTES:,} B",
            served_total <= HOME_TARGET_BYTES,
        )
        raw, served = self.served_bytes(client, MAP_PATH)
        self.row(
            f"map GeoJSON {MAP_PATH} (raw {raw:,} B)",
            f"{served:,} B",
            f"≤ {MAP_TARGET_BYTES:,} B",
            served <= MAP_TARGET_BYTES,
        )

    def served_bytes(self, client, path: str) -> tuple[int, int]:
        if path.startswith(settings.STATIC_URL):
            sizes = static_bytes(path)
            if sizes is None:
                raise RuntimeError(f"{path}: loaded by the page but found by no static finder")
            return sizes
        plain = client.get(path).content
        response = client.get(path, headers={"accept-encoding": ENCODINGS})
        return len(plain), len(response.content)
