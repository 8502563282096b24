import re

from django.urls import reverse

from .growth import count_queries, grow


def test_epci_page_shows_members_population_and_territories_of_each_phase(client, mini_world):
    response = client.get(reverse("territories:epci", args=["200000001"]))
    html = response.content.decode()
    assert "<h1>CC Alpha</h1>" in html and "Communauté de communes" in html
    assert [c.code for c in response.context["communes"]] == ["01001", "01002"]  # Alpha-sur-Ain, Beta-Gamma
    assert response.context["population"] == 110 + 520
    territories = [(e["territory"].phase.slug, e["territory"].code) for e in response.context["territories"]]
    assert territories == [("2023-2027", "ti-8401"), ("2018-2022", "ti-8401")]
    assert reverse("territories:detail", args=["2018-2022", "ti-8401"]) in html
    assert "en entier" in html


def test_epci_page_of_an_older_edition_lists_its_members_then(client, mini_world):
    response = client.get(reverse("territories:epci", args=["200000001"]), {"millesime": "2023"})
    assert [c.code for c in response.context["communes"]] == ["01001", "01002", "01003"]  # before the merger
    assert re.search(r'<option value="2023"\s+selected>', response.content.decode())


def test_epci_partly_in_a_territory_says_how_many_communes(client, mini_world):
    response = client.get(reverse("territories:epci", args=["200000003"]))  # CC Gamma: 39002 only
    territories = {e["territory"].phase.slug: e["row"] for e in response.context["territories"]}
    assert set(territories) == {"2018-2022", "2023-2027"}
    assert territories["2018-2022"].covered == territories["2018-2022"].total == 1


def test_epci_unknown_siren_or_edition_is_a_french_404(client, mini_world):
    for url in (
        reverse("territories:epci", args=["999999999"]),
        reverse("territories:epci", args=["200000001"]) + "?millesime=1999",
        reverse("territories:epci", args=["200000001"]) + "?millesime=abc",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Page introuvable" in response.content.decode()


def test_commune_page_shows_epci_and_territories_of_both_phases(client, mini_world):
    response = client.get(reverse("territories:commune", args=["39002"]))
    html = response.content.decode()
    assert "<h1>Zeta</h1>" in html and "610 habitants" in html
    assert [e.siren for e in response.context["epcis"]] == ["200000003"]
    names = [e["territory"].name for e in response.context["territories"]]
    assert names == ["Nouveau Jura", "Jura Zeta"]


def test_commune_outside_the_programme_says_so(client, mini_world):
    response = client.get(reverse("territories:commune", args=["39001"]))  # Epsilon: only in phase 2
    assert [e["territory"].phase.slug for e in response.context["territories"]] == ["2023-2027"]
    assert "ti-8401" in response.content.decode()


def test_delegated_commune_points_to_the_commune_nouvelle(client, mini_world):
    response = client.get(reverse("territories:commune", args=["01003"]))  # Gamma-village, déléguée in 2026
    html = response.content.decode()
    assert "Commune déléguée" in html
    assert reverse("territories:commune", args=["01002"]) in html
    assert {e["territory"].code for e in response.context["territories"]} == {"ti-8401"}


def test_unknown_commune_is_a_french_404(client, mini_world):
    response = client.get(reverse("territories:commune", args=["99999"]))
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_epci_and_commune_queries_do_not_grow_with_data(client, mini_world, django_assert_max_num_queries):
    urls = [reverse("territories:epci", args=["200000002"]), reverse("territories:commune", args=["01004"])]
    before = [count_queries(client, url) for url in urls]
    grow()
    assert [count_queries(client, url) for url in urls] == before
    with django_assert_max_num_queries(8):
        client.get(urls[0])
