"""Phases and territories on the tiny France.

Phase 1 (communes of 2020): ti-8401 = 01001, 01002, 01003; ti-2701 = 39002.
Phase 2 (EPCI of 2023): ti-8401 = CC Alpha + CA Beta; ti-2701 = CC Gamma. Stored resolutions exist on 2026 only.
"""

import json

import pytest

from pilote.territories.models import Resolution, Territory


@pytest.fixture
def get(client):
    def _get(url, status=200):
        response = client.get(url)
        assert response.status_code == status, response.content
        return response.json()

    return _get


def test_phases_count_the_territories_of_their_current_map(mini_world, get, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        phases = get("/api/phases")
    assert [(p["slug"], p["starts"], p["ends"], p["territory_count"]) for p in phases] == [
        ("2018-2022", 2018, 2022, 2),
        ("2023-2027", 2023, 2027, 2),
    ]


def test_withdrawn_territory_leaves_the_count(mini_world, get):
    Territory.objects.filter(phase__slug="2018-2022", code="ti-2701").update(withdrawn_on="2021-06-30")
    assert [p["territory_count"] for p in get("/api/phases")] == [1, 2]


def test_phase_lists_the_dates_its_map_changed(mini_world, get):
    phase = get("/api/phases/2018-2022")
    assert phase["version_dates"] == ["2020-10-13"]


def test_territories_of_phase_two_on_2026_read_the_stored_figures(mini_world, get, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        listing = get("/api/phases/2023-2027/territories?edition=2026")
    assert (listing["phase"], listing["edition"], listing["count"]) == ("2023-2027", 2026, 2)
    rows = {row["code"]: row for row in listing["territories"]}
    assert rows["ti-8401"]["name"] == "Ain industriel"
    assert (rows["ti-8401"]["region"], rows["ti-8401"]["region_name"]) == ("84", "Auvergne-Rhône-Alpes")
    # CC Alpha (01001 + Beta-Gamma) + CA Beta (01004, 39001)
    assert (rows["ti-8401"]["communes_count"], rows["ti-8401"]["population"]) == (4, 110 + 520 + 420 + 510)
    assert (rows["ti-2701"]["communes_count"], rows["ti-2701"]["population"]) == (1, 610)


def test_default_edition_is_the_platforms(mini_world, get, settings):
    settings.DEFAULT_EDITION = 2026
    assert get("/api/phases/2018-2022/territories")["edition"] == 2026


def test_an_edition_never_resolved_is_resolved_once_then_read(mini_world, get, django_assert_max_num_queries):
    assert not Resolution.objects.filter(edition_id=2023).exists()
    rows = {r["code"]: r for r in get("/api/phases/2018-2022/territories?edition=2023")["territories"]}
    # Before the merger Gamma-village is still a commune of its own.
    assert (rows["ti-8401"]["communes_count"], rows["ti-8401"]["population"]) == (3, 600)
    assert Resolution.objects.filter(edition_id=2023).count() == 2
    assert Resolution.objects.get(edition_id=2023, version__territory__code="ti-8401").geometry == ""
    with django_assert_max_num_queries(6):
        get("/api/phases/2018-2022/territories?edition=2023")
    assert Resolution.objects.filter(edition_id=2023).count() == 2


def test_map_of_a_date_before_the_first_version_is_empty(mini_world, get):
    assert get("/api/phases/2018-2022/territories?on=2019-01-01")["count"] == 0
    assert get("/api/phases/2018-2022/territories?on=2021-01-01")["count"] == 2


def test_territory_detail_gives_members_communes_epci_and_history(mini_world, get, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        territory = get("/api/phases/2023-2027/territories/ti-8401?edition=2026")
    assert (territory["name"], territory["region"], territory["version"]) == ("Ain industriel", "84", 1)
    assert territory["members"] == [
        {"kind": "epci", "code": "200000001", "label": "CC Alpha", "name": "CC Alpha"},
        {"kind": "epci", "code": "200000002", "label": "CA Beta", "name": "CA Beta"},
    ]
    assert [c["code"] for c in territory["communes"]] == ["01001", "01002", "01004", "39001"]
    assert territory["communes"][1] == {"code": "01002", "name": "Beta-Gamma", "population": 520}
    assert (territory["communes_count"], territory["population"]) == (4, 1560)
    assert territory["departements"] == [{"code": "01", "name": "Ain"}, {"code": "39", "name": "Jura"}]
    assert [r["code"] for r in territory["regions"]] == ["27", "84"]
    assert [e["siren"] for e in territory["epci_full"]] == ["200000001", "200000002"]
    assert territory["epci_partial"] == []
    assert territory["versions"] == [
        {
            "number": 1,
            "valid_on": "2023-11-09",
            "reason": "Liste des 183 territoires de la phase 2 (ANCT, état du 4 juillet 2024)",
            "source": "ti-phase2-2023-perimetres",
            "edition": 2023,
        }
    ]


def test_phase_one_territory_of_communes_is_partial_on_its_epci(mini_world, get):
    territory = get("/api/phases/2018-2022/territories/ti-8401")
    assert [(m["kind"], m["code"], m["name"]) for m in territory["members"]] == [
        ("commune", "01001", "Alpha-sur-Ain"),
        ("commune", "01002", "Beta-ville"),
        ("commune", "01003", "Gamma-village"),
    ]
    assert territory["name"] == "Alpha-Beta"
    assert territory["epci_full"] == [{"siren": "200000001", "name": "CC Alpha", "covered": 2, "total": 2}]
    territory = get("/api/phases/2018-2022/territories/ti-2701")
    assert territory["epci_full"][0]["siren"] == "200000003"


def test_same_code_is_another_territory_in_the_other_phase(mini_world, get):
    old = get("/api/phases/2018-2022/territories/ti-2701")
    new = get("/api/phases/2023-2027/territories/ti-2701")
    assert (old["name"], new["name"]) == ("Jura Zeta", "Nouveau Jura")


def test_territory_on_a_date_before_its_first_version_is_a_404(mini_world, get):
    body = get("/api/phases/2023-2027/territories/ti-8401?on=2020-01-01", status=404)
    assert body == {"detail": "Le territoire ti-8401 n'a pas de périmètre au 01/01/2020"}


def test_geojson_concatenates_the_stored_light_contours(mini_world, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = client.get("/api/phases/2023-2027/territories.geojson")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["code"]: f for f in collection["features"]}
    assert features["ti-8401"]["properties"] == {
        "code": "ti-8401",
        "name": "Ain industriel",
        "population": 1560,
        "communes_count": 4,
    }
    assert features["ti-8401"]["geometry"]["type"] == "MultiPolygon"  # Alpha and Beta-Gamma, then Delta and Epsilon
    assert features["ti-2701"]["geometry"]["type"] == "Polygon"  # Zeta alone
    stored = Resolution.objects.get(
        edition_id=2026, version__territory__code="ti-2701", version__territory__phase__slug="2023-2027"
    )
    assert stored.geometry_light.encode() in response.content


def test_geojson_on_an_edition_without_contours_has_null_geometries(mini_world, client):
    collection = json.loads(client.get("/api/phases/2023-2027/territories.geojson?edition=2023").content)
    assert [f["geometry"] for f in collection["features"]] == [None, None]
    assert sorted(f["properties"]["communes_count"] for f in collection["features"]) == [1, 5]


@pytest.mark.parametrize(
    ("url", "detail"),
    [
        ("/api/phases/2019-2020", "Phase inconnue : 2019-2020"),
        ("/api/phases/2019-2020/territories", "Phase inconnue : 2019-2020"),
        ("/api/phases/2019-2020/territories.geojson", "Phase inconnue : 2019-2020"),
        ("/api/phases/2019-2020/territories/ti-8401", "Phase inconnue : 2019-2020"),
        ("/api/phases/2023-2027/territories/ti-9999", "Territoire inconnu en phase 2023-2027 : ti-9999"),
        ("/api/phases/2023-2027/territories?edition=2019", "Millésime inconnu : 2019"),
        ("/api/phases/2023-2027/territories/ti-8401?edition=2019", "Millésime inconnu : 2019"),
        ("/api/phases/2023-2027/territories.geojson?edition=2019", "Millésime inconnu : 2019"),
        ("/api/phases/2023-2027/territoires", "Ressource inconnue : /api/phases/2023-2027/territoires"),
    ],
)
def test_unknown_phase_edition_territory_or_path_is_a_json_404(mini_world, get, url, detail):
    assert get(url, status=404) == {"detail": detail}


@pytest.mark.parametrize(
    "url",
    [
        "/api/phases/2023-2027/territories?on=2023-02-30",
        "/api/phases/2023-2027/territories?edition=latest",
        "/api/phases/2023-2027/territories/ti-8401?on=hier",
        "/api/phases/2023-2027/territories?on=0",  # pydantic alone would read it as 1970-01-01
        "/api/phases/2023-2027/territories?edition=16335732436903727104",  # found by schemathesis: was a 500
    ],
)
def test_malformed_parameters_are_a_422_naming_the_parameter(mini_world, get, url):
    assert get(url, status=422)["detail"][0]["loc"][0] == "query"
