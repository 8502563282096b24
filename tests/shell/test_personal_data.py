"""« Données personnelles »: a public page, linked from every page's footer, saying what is kept, why, who sees it,
how long and how to exercise one's rights."""

import html

from django.urls import reverse


def test_the_page_says_what_why_who_how_long_and_how_to_act(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get(reverse("core:personal_data"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    for heading in ["Ce qui est enregistré", "Pourquoi", "Qui les voit", "Combien de temps", "Exercer vos droits"]:
        assert f">{heading}</h2>" in page, heading
    assert "courriel et téléphone du binôme" in " ".join(page.split())
    assert "jamais sur les pages publiques ni dans l'API" in " ".join(page.split())
    assert "https://www.cnil.fr" in page


def test_every_page_links_to_it_from_the_footer(client, db):
    page = client.get(reverse("territories:list")).content.decode()
    footer = page[page.index('class="fr-footer__bottom-list"') :]
    assert f'href="{reverse("core:personal_data")}">Données personnelles</a>' in footer
