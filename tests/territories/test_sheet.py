"""The « Fiche territoire » PDF: one public page per territory with its map drawn on the server, key figures, the
governance's public part, the plan's summary and the money received, contributed through `sheet_sections`."""

import re

from django.urls import reverse

from pilote.territories.models import Territory

from ..pdftext import pdf_text
from ..plans.factories import FicheFactory, governance

URL = reverse("territories:sheet", args=["2023-2027", "ti-8401"])


def test_the_sheet_is_a_one_page_pdf_with_name_figures_governance_and_plan(client, people):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    FicheFactory(territory=territory, title="École de production", status="en_cours", total_cost="120000.00")
    governance(territory)
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    pages, text = pdf_text(response.content)
    assert pages == 1
    resolution = territory.current_resolution()
    assert "Ain industriel" in text and "ti-8401" in text
    assert re.search(rf"Communes {resolution.communes_count}\b", text)
    assert f"Population {resolution.population:,} habitants".replace(",", " ") in text
    assert "Anne Durand" in text and "Léa Petit" in text
    assert "1 fiche action (1 en cours), coût total 120 000 €" in text
    assert "Aucun crédit du programme" in text
    assert "@" not in text  # no contact details on a public sheet


def test_the_sheet_never_prints_contact_details(client, people):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    governance(territory)
    territory.binome.elected_email = "elue@example.org"
    territory.binome.save()
    _, text = pdf_text(client.get(URL).content)
    assert "elue@example.org" not in text


def test_the_territory_page_links_to_its_sheet(client, mini_world):
    page = client.get(reverse("territories:detail", args=["2023-2027", "ti-8401"])).content.decode()
    assert f'href="{URL}"' in page


def test_an_unknown_territory_has_no_sheet(client, mini_world):
    assert client.get(reverse("territories:sheet", args=["2023-2027", "ti-9999"])).status_code == 404


def test_the_sheet_takes_a_constant_number_of_queries(client, people, django_assert_max_num_queries):
    territory = Territory.objects.get(phase__slug="2023-2027", code="ti-8401")
    for _ in range(5):
        FicheFactory(territory=territory)
    with django_assert_max_num_queries(16):
        assert client.get(URL).status_code == 200
