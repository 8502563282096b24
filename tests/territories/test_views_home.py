import json

from django.urls import reverse

from pilote.territories.models import Phase, Territory

from .growth import count_queries, grow


def test_home_shows_headline_figures_of_the_current_phase(client, mini_world):
    response = client.get(reverse("territories:home"))
    html = response.content.decode()
    assert "Phase 2 (2023–2027)" in html
    # ti-8401 (01001, 01002, 01004, 39001) + ti-2701 (39002) on COG 2026
    assert response.context["figures"].territories == 2
    assert response.context["figures"].communes == 5
    assert response.context["figures"].population == 110 + 520 + 420 + 510 + 610
    assert response.context["figures"].epcis == 3
    assert 'id="figure-population">2\xa0170<' in html
    assert reverse("territories:phase_geojson", args=["2023-2027"]) in html


def test_home_switches_to_the_first_phase(client, mini_world):
    response = client.get(reverse("territories:home"), {"phase": "2018-2022"})
    figures = response.context["figures"]
    # Alpha-Beta (01001, 01002 ← 01003 merged into it) + Jura Zeta (39002)
    assert (figures.territories, figures.communes, figures.epcis) == (2, 3, 2)
    assert reverse("territories:phase_geojson", args=["2018-2022"]) in response.content.decode()


def test_home_with_an_unknown_phase_is_a_french_404(client, mini_world):
    response = client.get(reverse("territories:home"), {"phase": "1990-1995"})
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_phase_geojson_has_one_feature_per_territory_with_its_contour(client, mini_world):
    response = client.get(reverse("territories:phase_geojson", args=["2023-2027"]))
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    by_code = {f["properties"]["code"]: f for f in data["features"]}
    assert set(by_code) == {"ti-8401", "ti-2701"}
    expected = {"code": "ti-2701", "name": "Nouveau Jura", "communes_count": 1, "population": 610}
    assert by_code["ti-2701"]["properties"] == expected
    assert by_code["ti-2701"]["geometry"]["type"] == "Polygon"  # Zeta's unit square x = 5..6
    xs = [x for x, _ in by_code["ti-2701"]["geometry"]["coordinates"][0]]
    assert (min(xs), max(xs)) == (5, 6)


def test_phase_geojson_of_an_unknown_phase_is_404(client, mini_world):
    assert client.get("/carte/1990-1995.geojson").status_code == 404


def test_home_and_geojson_queries_do_not_grow_with_data(client, mini_world, django_assert_max_num_queries):
    urls = [reverse("territories:home"), reverse("territories:phase_geojson", args=["2023-2027"])]
    before = [count_queries(client, url) for url in urls]
    grow()
    after = [count_queries(client, url) for url in urls]
    assert before == after
    with django_assert_max_num_queries(8):
        client.get(urls[0])


def test_search_finds_territories_of_both_phases_epci_and_communes(client, mini_world):
    response = client.get(reverse("territories:search"), {"q": "jura"})
    html = response.content.decode()
    assert reverse("territories:detail", args=["2018-2022", "ti-2701"]) in html  # Jura Zeta
    assert reverse("territories:detail", args=["2023-2027", "ti-2701"]) in html  # Nouveau Jura
    assert [t.name for t in response.context["results"]["territories"]] == ["Jura Zeta", "Nouveau Jura"]

    response = client.get(reverse("territories:search"), {"q": "beta"})
    assert [e.siren for e in response.context["results"]["epcis"]] == ["200000002"]
    assert [c.code for c in response.context["results"]["communes"]] == ["01002"]  # Beta-Gamma on 2026
    assert reverse("territories:epci", args=["200000002"]) in response.content.decode()
    assert reverse("territories:commune", args=["01002"]) in response.content.decode()


def test_search_by_insee_code_and_too_short_query(client, mini_world):
    response = client.get(reverse("territories:search"), {"q": "3900"})
    assert [c.name for c in response.context["results"]["communes"]] == ["Epsilon", "Zeta"]
    response = client.get(reverse("territories:search"), {"q": "a"})
    assert response.context["results"] is None
    assert "au moins deux caractères" in response.content.decode()


def test_search_queries_do_not_grow_with_data(client, mini_world):
    url = reverse("territories:search") + "?q=a"
    url_real = reverse("territories:search") + "?q=jura"
    before = count_queries(client, url_real)
    grow()
    assert count_queries(client, url_real) == before
    assert count_queries(client, url) < before


def test_home_counts_a_commune_in_two_territories_once(client, mini_world):
    grow()  # ti-8402 (01004, 01001) and ti-2702 (39001, 01004, 39002) overlap the two first territories
    figures = client.get(reverse("territories:home")).context["figures"]
    assert (figures.territories, figures.communes, figures.epcis) == (4, 5, 3)
    assert figures.population == 110 + 520 + 420 + 510 + 610


def test_search_forgives_accents_case_and_hyphens(client, mini_world):
    phase = Phase.objects.get(slug="2023-2027")
    Territory.objects.create(phase=phase, code="ti-8499", name="Vallée de l'Arve – Saint-Étienne", region_code="84")
    response = client.get(reverse("territories:search"), {"q": "VALLEE de l arve"})
    assert [t.code for t in response.context["results"]["territories"]] == ["ti-8499"]
    response = client.get(reverse("territories:search"), {"q": "saint etienne"})
    assert [t.code for t in response.context["results"]["territories"]] == ["ti-8499"]
    response = client.get(reverse("territories:search"), {"q": "alpha sur ain"})
    assert [c.code for c in response.context["results"]["communes"]] == ["01001"]


def test_search_lists_names_starting_with_the_text_first(client, mini_world):
    phase = Phase.objects.get(slug="2023-2027")
    Territory.objects.create(phase=phase, code="ti-8498", name="Grand Jura", region_code="84")
    names = [t.name for t in client.get(reverse("territories:search"), {"q": "jura"}).context["results"]["territories"]]
    assert names == ["Jura Zeta", "Grand Jura", "Nouveau Jura"]  # then the newest phase first, by name
