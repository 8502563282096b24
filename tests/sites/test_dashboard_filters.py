"""The labelling dashboard's counts link to the list of the sites they count: its own table filtered by région, year
of availability, ready or not; a bad filter is a French error (400) and an empty table."""

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.sites.enums import LabelState, MilestoneKind
from pilote.sites.models import Milestone

from .conftest import make_site

pytestmark = pytest.mark.django_db
URL = reverse("sites:label_dashboard")


@pytest.fixture
def board(people):
    today = timezone.localdate()
    ready = make_site("S-1", name="Friche prête", state=LabelState.LABELLED)
    Milestone.objects.create(site=ready, kind=MilestoneKind.AVAILABILITY, done_on=today - timedelta(days=1))
    later = make_site("S-2", name="Zone jurassienne", state=LabelState.LABELLED, region_code="27")
    Milestone.objects.create(site=later, kind=MilestoneKind.AVAILABILITY, planned_on=date(2030, 6, 1))
    make_site("S-3", name="Terrain sans date", state=LabelState.LABELLED)
    make_site("S-4", name="Friche du vivier")
    return today


def _table(client, people, query=""):
    client.force_login(people["anct"])
    response = client.get(URL + query)
    html = response.content.decode()
    names = re.findall(r'<a href="/sites/labellisation/[^"]+/">([^<]+)</a>', html)
    return response, html, names


def test_each_count_links_to_the_sites_it_counts(client, people, board):
    _, html, names = _table(client, people)
    assert names == ["Friche prête", "Zone jurassienne", "Terrain sans date"]
    assert '<a href="?pret=oui">voir les sites prêts</a>' in html
    assert re.search(r'<a href="\?annee=2030">\s*2030 : 1\s*</a>', html)
    assert re.search(r'<a href="\?annee=sans%20date">\s*sans date : 1\s*</a>', html)
    assert re.search(r'<a href="\?region=84">\s*Région 84 : 2 labellisé\(s\), 1 prêt\(s\)\s*</a>', html)


@pytest.mark.parametrize(
    ("query", "expected", "summary"),
    [
        ("?region=84", ["Friche prête", "Terrain sans date"], "région 84 (2)"),
        ("?annee=2030", ["Zone jurassienne"], "disponibilité : 2030 (1)"),
        ("?annee=sans+date", ["Terrain sans date"], "disponibilité : sans date (1)"),
        ("?pret=oui", ["Friche prête"], "prêts (1)"),
        ("?pret=non&region=84", ["Terrain sans date"], "région 84, pas encore (1)"),
    ],
)
def test_a_filtered_list_shows_only_the_sites_counted(client, people, board, query, expected, summary):
    response, html, names = _table(client, people, query)
    assert response.status_code == 200
    assert names == expected
    assert f"Sites labellisés : {summary}." in re.sub(r"\s+", " ", html)


def test_the_counts_stay_those_of_every_labelled_site_under_a_filter(client, people, board):
    _, html, _ = _table(client, people, "?region=27")
    assert "<strong>1</strong> site(s) prêt(s) à accueillir aujourd'hui sur 3 labellisé(s)" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?region=99", "Aucun site labellisé dans la région 99."),
        ("?annee=1900", "Aucun site labellisé disponible en 1900."),
        ("?pret=peut-etre", "« Prêt » vaut oui ou non, pas peut-etre."),
    ],
)
def test_a_bad_filter_is_refused_in_french_with_an_empty_table(client, people, board, query, message):
    response, html, names = _table(client, people, query)
    assert response.status_code == 400
    assert message in html.replace("&#x27;", "'").replace("&laquo;", "«")
    assert names == []


def test_a_filtered_dashboard_reads_a_constant_number_of_queries(client, people, board, django_assert_num_queries):
    client.force_login(people["anct"])
    client.get(URL + "?region=84")
    with django_assert_num_queries(QUERIES) as few:
        client.get(URL + "?region=84")
    for n in range(5, 10):
        make_site(f"S-{n}", state=LabelState.LABELLED)
    with django_assert_num_queries(len(few.captured_queries)):
        html = client.get(URL + "?region=84").content.decode()
    assert html.count('<a href="/sites/labellisation/S-') == 7


# session, user, roles, the labelled sites, their milestones, the DSFR settings (2), « À traiter » (campaigns, sites)
QUERIES = 9
