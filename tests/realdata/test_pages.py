"""The public pages on the real data: the national map stays light and each page runs few, fixed queries."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.realdata, pytest.mark.django_db]

# The same caps as on the mini world (tests/territories/test_views_*.py): the count must not grow with the data.
PAGES = {
    "/": 8,
    "/carte/2023-2027.geojson": 3,
    "/recherche/?q=saint etienne": 5,
    "/territoires/?tri=population": 10,
    # + the money it received (budget), the « Diagnostic » (targeting, 6), the ZAN trajectory (sites, 2)
    "/territoires/2023-2027/ti-8401/": 22,
    "/territoires/2018-2022/ti-5305/": 22,
    "/epci/200046977/": 8,
    "/communes/42218/": 8,
    "/evolution/": 14,
}


def test_national_geojson_of_phase_two_is_under_one_megabyte(client):
    response = client.get("/carte/2023-2027.geojson")
    assert len(response.content) < 1_000_000
    features = json.loads(response.content)["features"]
    assert len(features) == 183
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon", "GeometryCollection"} for f in features)


@pytest.mark.parametrize(("url", "cap"), PAGES.items())
def test_page_runs_a_fixed_number_of_queries_on_the_real_data(client, url, cap):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(queries) <= cap, [q["sql"][:120] for q in queries]
