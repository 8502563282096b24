"""The geography API on the tiny France: between 2023 and 2026, Gamma-village (01003) merges into Beta-ville (01002)."""

import pytest


@pytest.fixture
def get(client):
    def _get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, response.content
        return response.json()

    return _get


def test_editions_lists_the_imported_years_with_their_source(mini_world, get, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        editions = get("/api/geography/editions")
    assert [e["year"] for e in editions] == [2020, 2023, 2026]
    assert editions[0]["source"] == "@etalab/decoupage-administratif@test-2020"
    assert editions[0]["imported_at"]


def test_commune_nouvelle_shows_its_departement_region_epci_and_deleguee(
    mini_world, get, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        commune = get("/api/geography/2026/communes/01002")
    assert commune["name"] == "Beta-Gamma"
    assert commune["kind"] == "COM"
    assert commune["population"] == 520
    assert commune["departement"] == {"code": "01", "name": "Ain"}
    assert commune["region"] == {"code": "84", "name": "Auvergne-Rhône-Alpes"}
    assert commune["parent"] is None
    assert commune["children"] == [{"code": "01003", "name": "Gamma-village", "kind": "COMD"}]
    assert commune["epcis"] == [{"siren": "200000001", "name": "CC Alpha", "kind": "CC"}]


def test_commune_deleguee_points_at_its_parent_and_its_parents_epci(mini_world, get):
    commune = get("/api/geography/2026/communes/01003")
    assert commune["kind"] == "COMD"
    assert commune["population"] is None
    assert commune["parent"] == {"code": "01002", "name": "Beta-Gamma", "kind": "COM"}
    assert [e["siren"] for e in commune["epcis"]] == ["200000001"]


def test_same_commune_before_the_merger_is_a_plain_commune(mini_world, get):
    commune = get("/api/geography/2023/communes/01003")
    assert (commune["kind"], commune["population"], commune["parent"]) == ("COM", 300, None)


def test_epci_lists_its_members_with_population(mini_world, get, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        epci = get("/api/geography/2026/epci/200000001")
    assert (epci["name"], epci["kind"], epci["members_count"]) == ("CC Alpha", "CC", 2)
    assert epci["members"] == [
        {"code": "01001", "name": "Alpha-sur-Ain", "population": 110},
        {"code": "01002", "name": "Beta-Gamma", "population": 520},
    ]
    assert [m["code"] for m in get("/api/geography/2023/epci/200000001")["members"]] == ["01001", "01002", "01003"]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/geography/2019/communes/01001", "Millésime inconnu : 2019"),
        ("/api/geography/2026/communes/99999", "Commune inconnue dans le COG 2026 : 99999"),
        ("/api/geography/2019/epci/200000001", "Millésime inconnu : 2019"),
        ("/api/geography/2026/epci/999999999", "EPCI inconnu dans le COG 2026 : 999999999"),
    ],
)
def test_unknown_edition_or_code_is_a_404_with_its_reason(mini_world, get, url, detail):
    assert get(url, status=404) == {"detail": detail}


@pytest.mark.parametrize("edition", ["deux-mille", "16335732436903727104", "-1"])
def test_edition_that_is_not_a_plausible_year_is_a_422(mini_world, get, edition):
    assert get(f"/api/geography/{edition}/communes/01001", status=422)["detail"][0]["loc"] == ["path", "edition"]


def post(client, body, status=200):
    response = client.post("/api/geography/project", body, content_type="application/json")
    assert response.status_code == status, response.content
    return response.json()


def test_projecting_2023_communes_on_2026_follows_the_merger(mini_world, client):
    projection = post(client, {"source": 2023, "target": 2026, "communes": ["01002", "01003", "39001"]})
    assert [c["code"] for c in projection["communes"]] == ["01002", "39001"]
    assert projection["communes"][0] == {"code": "01002", "name": "Beta-Gamma", "population": 520}
    assert (projection["communes_count"], projection["population"]) == (2, 1030)
    assert projection["unmapped_communes"] == []
    assert projection["epci_full"] == []
    assert projection["epci_partial"] == [
        {"siren": "200000001", "name": "CC Alpha", "covered": 1, "total": 2},
        {"siren": "200000002", "name": "CA Beta", "covered": 1, "total": 2},
    ]


def test_projecting_epcis_reports_full_coverage_and_unknown_codes(mini_world, client, django_assert_max_num_queries):
    body = {"source": 2020, "target": 2026, "communes": ["99999"], "epcis": ["200000001", "123456789"]}
    post(client, body)  # warms the per-process index of both editions
    with django_assert_max_num_queries(0):
        projection = post(client, body)
    assert [c["code"] for c in projection["communes"]] == ["01001", "01002"]
    assert projection["unmapped_communes"] == ["99999"]
    assert projection["unknown_epcis"] == ["123456789"]
    assert projection["epci_full"] == [{"siren": "200000001", "name": "CC Alpha", "covered": 2, "total": 2}]


def test_projecting_backwards_splits_the_commune_nouvelle(mini_world, client):
    projection = post(client, {"source": 2026, "target": 2023, "communes": ["01002"]})
    assert [c["code"] for c in projection["communes"]] == ["01002", "01003"]


def test_projection_refuses_unknown_editions_and_bad_bodies(mini_world, client):
    assert post(client, {"source": 2020, "target": 1999}, status=404) == {"detail": "Millésime inconnu : 1999"}
    assert post(client, {"source": 2020}, status=422)["detail"][0]["loc"][-1] == "target"
    assert post(client, {"source": 2020, "target": 2026, "communes": "01001"}, status=422)
    response = client.post("/api/geography/project", "{not json", content_type="application/json")
    assert response.status_code == 400
