import pytest
import shapely

from pilote.geography.contours import write_contours
from pilote.geography.importer import import_edition
from pilote.territories.importers import (
    import_perimeters,
    parse_phase1_communes,
    parse_phase2_liste_geo,
)
from pilote.territories.resolution import resolve_all

from . import world as w


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached figures must never leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def editions_dir(tmp_path, settings):
    root = tmp_path / "node_modules"
    for year in (2020, 2023, 2026):
        w.write_edition(root, year)
    settings.NODE_MODULES_DIR = root
    return root


@pytest.fixture
def geography(db, editions_dir):
    """Editions 2020, 2023, 2026 of the tiny France, with contours."""
    for year in (2020, 2023, 2026):
        import_edition(year)
    write_contours(w.contours())
    return editions_dir


@pytest.fixture
def mini_world(geography, tmp_path):
    """Both phases: phase 1 = ti-8401 (01001-01003) and ti-2701 (39002); phase 2 = ti-8401 (CC Alpha + CA Beta),
    ti-2701 (CC Gamma). Resolved on 2026."""
    import_perimeters(parse_phase1_communes(w.write_phase1_csv(tmp_path / "p1.csv", w.PHASE1_ROWS)))
    import_perimeters(parse_phase2_liste_geo(w.write_phase2_geojson(tmp_path / "p2.geojson", w.PHASE2_TERRITORIES)))
    resolve_all(edition=2026)
    return w.World(root=tmp_path)


@pytest.fixture
def unit_square():
    return shapely.box(0, 45, 1, 46)


@pytest.fixture
def threads_database(transactional_db, tmp_path):
    """A database that concurrent threads can write to: the test database itself on PostgreSQL; on SQLite a file
    copy of the in-memory one, made for this test (see tests/race.py)."""
    from django.db import connection

    from .race import sqlite_file_copy

    if connection.vendor != "sqlite":
        yield
        return
    with sqlite_file_copy(tmp_path / "threads.sqlite3"):
        yield
