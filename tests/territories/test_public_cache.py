"""Public pages and the read API come from the shared cache while their data is unchanged, and show a new
perimeter version, resolution or commitment at the very next request; signed-in people never get a shared page.

These tests commit for real (transaction=True): the data generation moves when a write is committed."""

import gzip
import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.budget.money import euros as french
from pilote.core import pagecache
from pilote.core.enums import Role
from pilote.territories.enums import MemberKind
from pilote.territories.models import PerimeterMember, Territory
from pilote.territories.services import perimeter_version_create
from tests.budget.factories import euros
from tests.budget.test_dashboard import commit, spend
from tests.core.factories import user_with_role

pytestmark = pytest.mark.django_db(transaction=True)

HOME = reverse("territories:home")
DETAIL = reverse("territories:detail", args=["2023-2027", "ti-8401"])
API_TERRITORY = "/api/phases/2023-2027/territories/ti-8401"
MAP = reverse("territories:phase_geojson", args=["2023-2027"])


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def test_a_public_page_is_computed_once_then_read_from_the_cache(client, mini_world):
    first, computed = get(client, DETAIL)
    again, cached = get(client, DETAIL)
    assert computed > 5 and cached == 0  # the cache is in memory under the tests (the database cache in production)
    assert again.content == first.content and "Ain industriel" in again.content.decode()


def home_communes(client) -> int:
    html = get(client, HOME)[0].content.decode()
    return int(re.search(r'id="figure-communes">([\d\s\u202f\xa0]+)<', html).group(1).replace(" ", ""))


@pytest.mark.parametrize("cache_backend", ["memory", "database"])
def test_a_new_perimeter_version_shows_at_once_on_the_home_page_and_the_api(client, mini_world, cache_backend, request):
    if cache_backend == "database":
        request.getfixturevalue("database_cache")
    communes_before = home_communes(client)
    before = get(client, API_TERRITORY)[0].json()
    assert before["version"] == 1
    perimeter_version_create(
        territory=Territory.objects.get(phase__slug="2023-2027", code="ti-8401"),
        members=[("epci", "200000001")],  # CC Alpha alone: CA Beta leaves
        edition=2026,
        reason="test",
        valid_on=date(2025, 1, 1),
        actor=None,
    )
    after = get(client, API_TERRITORY)[0].json()
    assert after["version"] == 2 and after["communes_count"] < before["communes_count"]
    assert home_communes(client) == communes_before - (before["communes_count"] - after["communes_count"])


def test_a_new_commitment_shows_at_once_on_the_territory_page(client, mini_world):
    spending = spend()
    assert french(euros(300_000)) in get(client, DETAIL)[0].content.decode()
    commit(spending.a.envelope, spending.actor, 77_000, "ti-8401", on=date(2024, 4, 1))
    html = get(client, DETAIL)[0].content.decode()
    assert french(euros(377_000)) in html


def test_a_bulk_update_without_signals_renews_the_cache_too(client, mini_world):
    """Writes are seen at the database cursor: QuerySet.update() sends no signal and still counts."""
    assert "Ain industriel" in get(client, DETAIL)[0].content.decode()
    Territory.objects.filter(code="ti-8401").update(name="Ain renommé")
    assert "Ain renommé" in get(client, DETAIL)[0].content.decode()


def test_a_page_rendered_inside_an_uncommitted_write_is_not_shared(client, mini_world):
    get(client, DETAIL)
    with transaction.atomic():
        Territory.objects.filter(code="ti-8401").update(name="Nom provisoire")
        assert "Nom provisoire" in get(client, DETAIL)[0].content.decode()  # its own write, not the cache
        shared = cache.get(pagecache._key(RequestFactory().get(DETAIL)))
        assert "Ain industriel" in shared.content.decode()  # what others get was not overwritten
        transaction.set_rollback(True)
    html = get(client, DETAIL)[0].content.decode()
    assert "Nom provisoire" not in html and "Ain industriel" in html  # nothing of the rolled-back write was stored


def test_a_signed_in_person_never_gets_nor_fills_the_shared_cache(client, mini_world):
    assert "Se connecter" in get(client, DETAIL)[0].content.decode()  # the anonymous page, now cached
    client.force_login(user_with_role(Role.NATIONAL))
    signed_in, queries = get(client, DETAIL)
    assert "Se déconnecter" in signed_in.content.decode() and queries > 5
    assert get(client, DETAIL)[1] > 5  # rendered again for them, never from the cache

    client.logout()
    cache.clear()
    client.force_login(user_with_role(Role.NATIONAL))
    get(client, DETAIL)  # a signed-in page first: it must not be stored for others
    client.logout()
    anonymous, queries = get(client, DETAIL)
    assert "Se déconnecter" not in anonymous.content.decode() and queries > 5


def test_a_page_with_a_csrf_token_is_not_stored(client, mini_world, monkeypatch):
    from django.middleware.csrf import get_token

    from pilote.territories import views

    render = views.render
    monkeypatch.setattr(views, "render", lambda request, *a, **k: (get_token(request), render(request, *a, **k))[1])
    get(client, DETAIL)
    assert get(client, DETAIL)[1] > 5


def test_the_map_is_gzipped_once_and_revalidated_with_its_etag(client, mini_world):
    plain = get(client, MAP)[0]
    assert "Content-Encoding" not in plain
    packed, queries = get(client, MAP, accept_encoding="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    packed_again, queries = get(client, MAP, accept_encoding="gzip")
    assert queries == 0 and packed_again.content == packed.content
    not_modified = client.get(MAP, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""


def test_the_api_answers_from_the_cache_and_errors_are_not_stored(client, mini_world):
    get(client, API_TERRITORY)
    assert get(client, API_TERRITORY)[1] == 0
    missing = client.get("/api/phases/2023-2027/territories/ti-9999")
    assert missing.status_code == 404
    Territory.objects.filter(code="ti-8401").update(code="ti-9999")
    assert client.get("/api/phases/2023-2027/territories/ti-9999").json()["code"] == "ti-9999"


@pytest.fixture
def database_cache(settings):
    """The production cache: a table in the same database as the data (SQLite: one writer at a time)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pilote_cache"}
    }
    call_command("createcachetable", verbosity=0)


def test_a_row_inserted_in_autocommit_renews_the_database_cache(client, mini_world, database_cache):
    """An INSERT outside a transaction reads its new id back (RETURNING) before its statement ends: the cache's own
    write must wait for it, or SQLite refuses it and the page stays stale."""
    assert 'id="member-communes"' not in get(client, DETAIL)[0].content.decode()
    assert get(client, DETAIL)[1] <= 3  # served from the database cache
    version = Territory.objects.get(phase__slug="2023-2027", code="ti-8401").versions.get()
    PerimeterMember.objects.create(version=version, kind=MemberKind.COMMUNE, code="39002")
    assert 'id="member-communes"' in get(client, DETAIL)[0].content.decode()
