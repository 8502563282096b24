import pytest
import shapely
from django.db import transaction
from django.test import override_settings
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from pilote.core.enums import OrganisationKind, Role
from pilote.geography.contours import write_contours
from pilote.geography.importer import import_edition
from pilote.territories.importers import (
    import_perimeters,
    parse_phase1_communes,
    parse_phase2_liste_geo,
)
from pilote.territories.resolution import resolve_all

from . import world as w
from .core.factories import OrganisationFactory, UserFactory, user_with_role


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


def build_mini_world(root) -> None:
    """Both phases: phase 1 = ti-8401 (01001-01003) and ti-2701 (39002); phase 2 = ti-8401 (CC Alpha + CA Beta),
    ti-2701 (CC Gamma). Resolved on 2026. `root` holds the files (see `world_files`)."""
    with override_settings(NODE_MODULES_DIR=root / "node_modules"):
        for year in (2020, 2023, 2026):
            import_edition(year)
        write_contours(w.contours())
        import_perimeters(parse_phase1_communes(root / "p1.csv"))
        import_perimeters(parse_phase2_liste_geo(root / "p2.geojson"))
        resolve_all(edition=2026)


@pytest.fixture(scope="session")
def world_files(tmp_path_factory):
    """The files of the tiny France, written once: editions 2020, 2023, 2026 and the two perimeter files."""
    root = tmp_path_factory.mktemp("world")
    for year in (2020, 2023, 2026):
        w.write_edition(root / "node_modules", year)
    w.write_phase1_csv(root / "p1.csv", w.PHASE1_ROWS)
    w.write_phase2_geojson(root / "p2.geojson", w.PHASE2_TERRITORIES)
    return root


class SharedWorld:
    """The tiny France built once and kept in an open transaction, inside which each test that uses it runs in its
    own savepoint (pytest-django's per-test transaction), rolled back afterwards. It is rolled back when a test that
    does not use it, or a transactional one, comes: those see the database as before. The tests that use it are run
    one after another (`pytest_collection_modifyitems`), so it is built once per session (per xdist worker)."""

    atomic = None

    @classmethod
    def hold(cls, root) -> None:
        cls.atomic = transaction.atomic()
        cls.atomic.__enter__()
        build_mini_world(root)

    @classmethod
    def release(cls) -> None:
        if cls.atomic is not None:
            transaction.set_rollback(True)
            cls.atomic.__exit__(None, None, None)
            cls.atomic = None


def _transactional(item: pytest.Item) -> bool:
    """Read as pytest-django reads it: such a test commits, and the database is flushed afterwards."""
    if {"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    transaction, reset_sequences, *_ = validate_django_db(marker)
    return transaction or reset_sequences


def _uses_shared_world(item: pytest.Item) -> bool:
    """A plain test (in a rolled-back transaction) asking for `mini_world`; transactional ones build their own."""
    return "mini_world" in item.fixturenames and not _transactional(item)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A test that commits releases the world before any of its fixtures: the live server, a session fixture, must
    not be started inside the world's transaction (on SQLite in memory it ended that transaction)."""
    if SharedWorld.atomic is not None and _transactional(item):
        with item.config.stash[blocking_manager_key].unblock():
            SharedWorld.release()


@pytest.fixture(scope="session")
def _shared_world_session(django_db_setup, django_db_blocker):
    yield
    with django_db_blocker.unblock():
        SharedWorld.release()


@pytest.fixture
def _shared_world(request, _shared_world_session, django_db_blocker, world_files):
    """Hold or release the shared tiny France before the test's own transaction opens."""
    wanted = _uses_shared_world(request.node)
    if wanted != (SharedWorld.atomic is not None):
        with django_db_blocker.unblock():
            if wanted:
                SharedWorld.hold(world_files)
            else:
                SharedWorld.release()


@pytest.fixture
def _django_db_helper(_shared_world, _django_db_helper):
    """pytest-django's per-test transaction, opened after `_shared_world` (overrides the plugin's fixture)."""
    return _django_db_helper


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The plain tests that use the tiny France run one after another, so that it is built once: a stable sort, that
    pytest-django's own (plain database tests, then transactional ones, then the rest), run after it, keeps."""
    items.sort(key=lambda item: 1 if _uses_shared_world(item) else 0)


@pytest.fixture
def mini_world(db, settings, world_files):
    """Both phases: phase 1 = ti-8401 (01001-01003) and ti-2701 (39002); phase 2 = ti-8401 (CC Alpha + CA Beta),
    ti-2701 (CC Gamma). Resolved on 2026. Shared by the plain tests (see `SharedWorld`); built afresh for a
    transactional one (live server, threads), whose writes are committed then flushed."""
    settings.NODE_MODULES_DIR = world_files / "node_modules"
    if SharedWorld.atomic is None:
        build_mini_world(world_files)
    return w.World(root=world_files)


def saved_person(role: Role | None = None, **scope):
    """A user with a role (or none), saved with its hashed password so that force_login's session stays valid."""
    user = user_with_role(role, **scope) if role else UserFactory()
    user.save()
    return user


def member(organisation_kind: OrganisationKind, name: str, role: Role, **scope):
    """A person of an organisation serving the place of their role (a préfecture for a département, the SGAR or the
    conseil régional for a région): the organisation answers the opinions asked of it."""
    person = saved_person(role, **scope)
    person.organisation = OrganisationFactory(kind=organisation_kind, name=name, **scope)
    person.save()
    return person


@pytest.fixture
def people(mini_world):
    """One person per role on the tiny France. ti-8401 (phase 2) touches départements 01 and 39, régions 84 and 27;
    ti-2701 is in 39/27. The operator belongs to Bpifrance; each départemental reviewer to the préfecture of their
    département, each regional one to the SGAR of their région, `council84` to the conseil régional of 84."""
    phase = "2023-2027"
    operator = saved_person(Role.OPERATOR)
    operator.organisation = OrganisationFactory(kind=OrganisationKind.OPERATOR, operator="bpifrance", name="Bpifrance")
    operator.save()
    prefecture, sgar = OrganisationKind.PREFECTURE_DEPARTEMENT, OrganisationKind.PREFECTURE_REGION
    return {
        "anct": saved_person(Role.NATIONAL),
        "team": saved_person(Role.TERRITORY_TEAM, phase_slug=phase, territory_code="ti-8401"),
        "other_team": saved_person(Role.TERRITORY_TEAM, phase_slug=phase, territory_code="ti-2701"),
        "dep01": member(prefecture, "Préfecture de l'Ain", Role.DEPARTEMENT_REVIEWER, departement_code="01"),
        "dep39": member(prefecture, "Préfecture du Jura", Role.DEPARTEMENT_REVIEWER, departement_code="39"),
        "region84": member(sgar, "SGAR Auvergne-Rhône-Alpes", Role.REGION_REVIEWER, region_code="84"),
        "region27": member(sgar, "SGAR Bourgogne-Franche-Comté", Role.REGION_REVIEWER, region_code="27"),
        "council84": member(
            OrganisationKind.CONSEIL_REGIONAL, "Région Auvergne-Rhône-Alpes", Role.REGION_REVIEWER, region_code="84"
        ),
        "operator": operator,
        "nobody": saved_person(),
    }


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
