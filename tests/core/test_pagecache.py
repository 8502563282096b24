"""What the page cache counts as a change of public data, how its generation survives a lost key, and the
production storage of static files (hashed names, Brotli copies, a year of browser cache)."""

import brotli
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from config.settings import base
from pilote.core import pagecache


@pytest.mark.parametrize(
    "sql",
    [
        'INSERT INTO "territories_perimeterversion" ("number") VALUES (%s)',
        'UPDATE "budget_envelope" SET "ae_used" = ("budget_envelope"."ae_used" + %s)',
        "  delete from geography_commune where edition_id = %s",
        "INSERT INTO territories_resolvedcommune (resolution_id, code) VALUES (%s, %s)",
    ],
)
def test_writes_to_public_tables_renew_the_pages(sql):
    assert pagecache._writes_public_data(sql)


@pytest.mark.parametrize(
    "sql",
    [
        'SELECT "territories_territory"."id" FROM "territories_territory"',
        'INSERT INTO "core_auditevent" ("action") VALUES (%s)',  # who did it, not what the pages show
        'UPDATE "django_session" SET "session_data" = %s',
        'INSERT INTO "pilote_cache" (cache_key, value, expires) VALUES (%s, %s, %s)',  # the cache itself: no loop
        'UPDATE "campaigns_territoryfile" SET "state" = %s',
    ],
)
def test_reads_and_private_tables_do_not(sql):
    assert not pagecache._writes_public_data(sql)


def test_a_lost_generation_comes_back_as_a_new_value():
    first = pagecache.generation()
    assert pagecache.generation() == first
    cache.delete(pagecache.GENERATION_KEY)  # evicted, or the cache was cleared
    assert pagecache.generation() != first
    before = pagecache.generation()
    pagecache.bump()
    assert pagecache.generation() != before


def test_every_connection_watches_its_writes(db):
    connection.ensure_connection()
    assert connection.execute_wrappers.count(pagecache.watch_writes) == 1


def test_production_storage_serves_hashed_brotli_files_cached_for_a_year(settings, tmp_path):
    source, root = tmp_path / "src", tmp_path / "root"
    source.mkdir()
    (source / "site.css").write_text("body { background: url(dot.svg); }\n" + "p { margin: 0 }\n" * 200)
    (source / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    settings.STORAGES = base.STORAGES
    settings.STATICFILES_DIRS = [source]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = root
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)

    from django.templatetags.static import static

    url = static("site.css")
    assert url != "/static/site.css" and (root / url.removeprefix("/static/")).with_suffix(".css.br").exists()
    response = Client().get(url, headers={"accept-encoding": "br, gzip"})
    assert response["Content-Encoding"] == "br" and "immutable" in response["Cache-Control"]
    css = brotli.decompress(b"".join(response.streaming_content)).decode()
    assert f'url("{static("dot.svg").removeprefix("/static/")}")' in css  # the reference, hashed too


def test_migrate_creates_the_cache_table_whatever_cache_it_runs_with(db):
    """The tests cache in memory, yet the database they migrated can be served by runserver (real-data tests)."""
    assert base.CACHE_TABLE in connection.introspection.table_names()
