"""« Financements du programme » on a territory's public page: what it received (committed commitments only), by
year and action type, flagged when demonstration data; nothing of another territory's money."""

import pytest
from django.urls import reverse

from pilote.budget.models import Commitment
from pilote.budget.money import euros as french
from pilote.core import registry

from .factories import euros
from .test_dashboard import spend


@pytest.fixture
def spent(mini_world):
    return spend()


def _page(client, code):
    response = client.get(reverse("territories:detail", args=["2023-2027", code]))
    assert response.status_code == 200
    return response


def _money(response):
    """The budget's section among those the apps contribute to the page (the plans app adds « Qui contacter »)."""
    (section,) = [s for s in response.context["sections"] if s["template"] == "budget/_territory_money.html"]
    return section["money"]


def test_the_territory_page_shows_what_it_received_by_year_and_action_type(client, spent):
    response = _page(client, "ti-8401")
    html = response.content.decode()
    assert "Financements du programme" in html
    money = _money(response)
    assert [(row.key, row.committed, row.paid) for row in money.rows] == [
        ((2024, "investissements"), euros(300_000), euros(120_000))
    ]
    assert money.rows[0].partners == euros(300_000)
    assert french(euros(300_000)) in html and french(euros(120_000)) in html
    assert not money.has_demo and 'id="territory-money-demo"' not in html


def test_proposed_and_cancelled_commitments_are_not_shown(client, spent):
    money = _money(_page(client, "ti-8401"))
    assert money.total.committed == euros(300_000)  # not the 100 000 proposed nor the 10 000 cancelled
    assert french(euros(100_000)) not in _page(client, "ti-8401").content.decode()


def test_another_territory_money_is_absent(client, spent):
    html = _page(client, "ti-2701").content.decode()
    assert french(euros(200_000)) in html and french(euros(50_000)) in html
    assert french(euros(300_000)) not in html and french(euros(120_000)) not in html


def test_demo_money_is_flagged(client, spent):
    Commitment.objects.filter(pk=spent.a.pk).update(is_demo=True)
    response = _page(client, "ti-8401")
    assert _money(response).has_demo
    assert 'id="territory-money-demo"' in response.content.decode()


def test_a_territory_without_money_says_so(client, mini_world):
    html = _page(client, "ti-8401").content.decode()
    assert "Financements du programme" in html and 'id="territory-money-none"' in html


def test_sections_come_from_the_registry(client, mini_world, monkeypatch):
    monkeypatch.setattr(registry, "page_sections", list)
    assert "Financements du programme" not in _page(client, "ti-8401").content.decode()
