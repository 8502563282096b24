"""The public pages of the sites and their API come from the shared cache, and a newly labelled site shows at the
very next request (`sites` is in PUBLIC_DATA_APPS). These tests commit for real (transaction=True)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pilote.sites.enums import LabelState
from pilote.sites.models import Site
from tests.sites.public_world import build_pool

pytestmark = pytest.mark.django_db(transaction=True)


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response, len(queries)


def test_labelled_sites_are_cached_and_a_newly_labelled_site_shows_at_once(client, mini_world):
    build_pool()
    first, computed = get(client, "/api/sites/labellises")
    again, cached = get(client, "/api/sites/labellises")
    assert computed > 3 and cached == 0
    assert [s["identifier"] for s in again.json()] == ["01002_2"]
    site = Site.objects.get(identifier="01001_1")
    site.label_state = LabelState.LABELLED
    site.save(update_fields=["label_state"])
    assert [s["identifier"] for s in get(client, "/api/sites/labellises")[0].json()] == ["01001_1", "01002_2"]
    assert "Ancienne usine Alpha" in get(client, "/sites/labellises/")[0].content.decode()
