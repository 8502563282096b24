"""The API over real HTTP on the real data: the figures of the two phases and the national map."""

import json
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.realdata


def fetch(base: str, path: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def get_json(base: str, path: str):
    status, content_type, body = fetch(base, path)
    assert (status, content_type) == (200, "application/json; charset=utf-8"), body[:300]
    return json.loads(body)


def test_phases_have_149_and_183_territories(live_site):
    phases = get_json(live_site, "/api/phases")
    assert [(p["slug"], p["territory_count"]) for p in phases] == [("2018-2022", 149), ("2023-2027", 183)]


def test_ti_0101_is_cap_excellence_then_basse_terre(live_site):
    old = get_json(live_site, "/api/phases/2018-2022/territories/ti-0101?edition=2026")
    new = get_json(live_site, "/api/phases/2023-2027/territories/ti-0101?edition=2026")
    assert "Cap Excellence" in old["name"]
    assert new["name"] == "Basse-Terre"
    assert {c["name"] for c in old["communes"]} & {"Les Abymes", "Pointe-à-Pitre"}
    assert "Basse-Terre" in {c["name"] for c in new["communes"]}
    assert not {c["code"] for c in old["communes"]} & {c["code"] for c in new["communes"]}
    assert new["regions"] == [{"code": "01", "name": "Guadeloupe"}]
    assert new["epci_full"] and new["versions"][0]["edition"] == 2023


def test_territory_list_adds_up_to_plausible_national_figures(live_site):
    listing = get_json(live_site, "/api/phases/2023-2027/territories?edition=2026")
    assert listing["count"] == len(listing["territories"]) == 183
    assert all(row["communes_count"] > 0 and row["population"] > 0 for row in listing["territories"])
    # Territories may overlap; the sum of their communes is at least the ~18,000 distinct communes of phase 2.
    assert 15_000 < sum(row["communes_count"] for row in listing["territories"]) < 25_000


def test_compare_summary_has_the_required_keys_and_plausible_values(live_site):
    comparison = get_json(live_site, "/api/phases/compare?old=2018-2022&new=2023-2027&edition=2026")
    summary = comparison["summary"]
    required = {
        "communes_staying",
        "communes_leaving",
        "communes_entering",
        "population_staying",
        "population_leaving",
        "population_entering",
        "territories_new",
    }
    assert required <= summary.keys()
    assert (summary["territories_old"], summary["territories_new_phase"]) == (149, 183)
    assert 15_000 < summary["communes_old"] < 17_000  # 16,186 communes of 2022 on the 2026 geography
    assert summary["communes_staying"] + summary["communes_leaving"] == summary["communes_old"]
    assert summary["communes_staying"] + summary["communes_entering"] == summary["communes_new"]
    assert summary["communes_staying"] > summary["communes_leaving"]
    assert 20_000_000 < summary["population_staying"] < 40_000_000
    assert 10 < summary["territories_new"] < 40  # 34 announced as new, some overlapping phase 1 at the edges
    assert len(comparison["territories"]) == 183 and len(comparison["old_territories"]) == 149
    basse_terre = next(t for t in comparison["territories"] if t["code"] == "ti-0101")
    assert basse_terre["communes_outside"] == basse_terre["communes"]  # a new territory in phase 2


def test_national_geojson_has_183_features_under_1_mb(live_site):
    status, content_type, body = fetch(live_site, "/api/phases/2023-2027/territories.geojson")
    assert (status, content_type) == (200, "application/geo+json")
    assert len(body) <= 1_000_000
    collection = json.loads(body)
    assert len(collection["features"]) == 183
    # make_valid after rounding may leave slivers as lines next to the polygons (GeometryCollection).
    polygonal = ("Polygon", "MultiPolygon", "GeometryCollection")
    assert all(f["geometry"]["type"] in polygonal for f in collection["features"])
    assert {"code", "name", "population", "communes_count"} == collection["features"][0]["properties"].keys()


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/api/phases/2019-2020/territories", "Phase inconnue : 2019-2020"),
        ("/api/phases/2023-2027/territories/ti-9999", "Territoire inconnu en phase 2023-2027 : ti-9999"),
        ("/api/geography/2019/communes/75056", "Millésime inconnu : 2019"),
    ],
)
def test_unknown_phase_territory_or_edition_is_a_json_404(live_site, path, detail):
    status, content_type, body = fetch(live_site, path)
    assert (status, content_type) == (404, "application/json; charset=utf-8")
    assert json.loads(body) == {"detail": detail}


def test_paris_has_its_arrondissements_and_the_metropole(live_site):
    paris = get_json(live_site, "/api/geography/2026/communes/75056")
    assert len(paris["children"]) == 20
    assert "200054781" in {e["siren"] for e in paris["epcis"]}  # Métropole du Grand Paris
