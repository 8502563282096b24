"""« À traiter » of the sites (registry `inbox_counts`) and its page: the opinions awaited from the person's
organisation (the préfecture of the site's département, the conseil régional, Banque des Territoires), late ones
counted; for ANCT the proposed sites to shortlist; for ANCT and Banque des Territoires the reviews whose opinions are
all in. One query for the counts, a constant number for the page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.core.perms import assignments
from pilote.sites.enums import LabelState
from pilote.sites.inbox import todo_counts, todo_items
from pilote.sites.labelling import give_opinion
from pilote.sites.models import LabelOpinionRequest

from .conftest import make_site

pytestmark = pytest.mark.django_db


def in_review(people, identifier, **fields):
    site = make_site(identifier, **fields)
    site.run_label("shortlist", by=people["anct"])
    site.run_label("open_review", by=people["anct"], deadline=timezone.localdate() + timedelta(days=30))
    return site


def _give(site, person, kind="favorable"):
    request = LabelOpinionRequest.objects.get(site=site, organisation_id=person.organisation_id)
    give_opinion(request, by=person, kind=kind, text="")


def test_each_organisation_counts_the_opinions_awaited_from_it(people, bdt):
    first, second = in_review(people, "S-1"), in_review(people, "S-2")
    LabelOpinionRequest.objects.filter(site=second).update(deadline=timezone.localdate() - timedelta(days=1))
    _give(first, people["council84"])
    assert todo_counts(people["dep01"]) == {"opinions": 2, "late": 1}
    assert todo_counts(people["council84"]) == {"opinions": 1, "late": 1}
    assert todo_counts(bdt) == {"opinions": 2, "late": 1, "to_decide": 0}
    assert todo_counts(people["dep39"]) == {"opinions": 0, "late": 0}  # the sites are in the Ain
    assert todo_counts(people["region84"]) == {"opinions": 0, "late": 0}  # the conseil régional is asked, not the SGAR
    assert todo_counts(people["team"]) == {}


def test_the_organisation_reads_how_many_opinions_it_owes(people):
    in_review(people, "S-1")
    site = in_review(people, "S-2")
    LabelOpinionRequest.objects.filter(site=site).update(deadline=timezone.localdate() - timedelta(days=1))
    [item] = todo_items(people["dep01"])
    assert (item.count, item.label) == (2, "avis attendus sur des sites, dont 1 en retard")
    assert item.url == reverse("sites:todo") + "#avis"


def test_anct_counts_the_proposed_sites_and_the_reviews_ready_for_a_decision(people, bdt):
    make_site("P-1", state=LabelState.PROPOSED)
    make_site("P-2", state=LabelState.PROPOSED)
    make_site("P-3", state=LabelState.SHORTLISTED)
    complete, partial = in_review(people, "S-1"), in_review(people, "S-2")
    for person in (people["dep01"], people["council84"], bdt):
        _give(complete, person)
    _give(partial, bdt)
    assert todo_counts(people["anct"]) == {"to_shortlist": 2, "to_decide": 1}
    labels = [(item.count, item.label) for item in todo_items(people["anct"])]
    assert labels == [
        (2, "sites proposés, à présélectionner ou refuser"),
        (1, "site dont tous les avis sont rendus, à décider"),
    ]
    assert todo_counts(bdt) == {"opinions": 0, "late": 0, "to_decide": 1}


@pytest.mark.parametrize("sites", [1, 4])
def test_the_counts_are_one_query_whatever_the_number_of_sites(people, bdt, sites, django_assert_num_queries):
    for n in range(sites):
        in_review(people, f"S-{n}")
        make_site(f"P-{n}", state=LabelState.PROPOSED)
    for person in (people["anct"], people["dep01"]):
        assignments(person)  # read once per request (cached on the user) by every permission function
    with django_assert_num_queries(1):
        assert todo_counts(people["anct"]) == {"to_shortlist": sites, "to_decide": 0}
    with django_assert_num_queries(1):
        assert todo_counts(people["dep01"])["opinions"] == sites


def test_nothing_to_count_costs_no_query(people, django_assert_num_queries):
    team = people["team"]
    team.organisation = None
    assignments(team)
    with django_assert_num_queries(0):
        assert todo_items(team) == []


def test_the_inbox_page_lists_the_awaited_opinions_late_marked(client, people):
    in_review(people, "S-1", name="Friche des Tanneurs")
    late = in_review(people, "S-2", name="Friche de la Gare")
    LabelOpinionRequest.objects.filter(site=late).update(deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(people["dep01"])
    html = client.get(reverse("sites:todo")).content.decode()
    table = html.split('id="opinions"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert ["Friche de la Gare" in rows[0], "Friche des Tanneurs" in rows[1]] == [True, True]  # soonest first
    assert ["en retard" in row for row in rows] == [True, False]
    assert reverse("sites:label_site", args=["S-1"]) in rows[1]
    assert "Delta (01004)" in rows[1]


def test_the_inbox_page_of_anct_lists_the_sites_to_shortlist_and_to_decide(client, people, bdt):
    make_site("P-1", name="Terrain proposé", state=LabelState.PROPOSED)
    complete = in_review(people, "S-1", name="Friche instruite")
    for person in (people["dep01"], people["council84"], bdt):
        _give(complete, person)
    in_review(people, "S-2", name="Friche en attente")
    client.force_login(people["anct"])
    html = client.get(reverse("sites:todo")).content.decode()
    proposed = html.split('id="proposes"')[1].split('id="a-decider"')[0]
    decide = html.split('id="a-decider"')[1]
    assert "Terrain proposé" in proposed and "Friche" not in proposed
    assert "Friche instruite" in decide and "Friche en attente" not in decide


def test_the_header_and_my_space_show_the_sites_to_do(client, people):
    in_review(people, "S-1")
    client.force_login(people["council84"])
    html = client.get(reverse("core:espace")).content.decode()
    assert 'id="header-todo"' in html and "À traiter (1)" in html
    assert "<strong>1</strong> avis attendu sur des sites</a>" in html


def test_a_person_with_nothing_to_do_reads_so(client, people):
    client.force_login(people["team"])
    response = client.get(reverse("sites:todo"))
    assert response.status_code == 200
    assert "Rien ne vous attend sur les sites." in response.content.decode()


@pytest.mark.parametrize("sites", [1, 4])
def test_the_inbox_page_costs_a_constant_number_of_queries(client, people, bdt, sites, django_assert_num_queries):
    for n in range(sites):
        in_review(people, f"S-{n}")
        make_site(f"P-{n}", state=LabelState.PROPOSED)
    client.force_login(people["anct"])
    client.get(reverse("sites:todo"))
    with django_assert_num_queries(QUERIES_ANCT):
        assert client.get(reverse("sites:todo")).status_code == 200


QUERIES_ANCT = 10  # session, user, roles, shortlist, decide, communes, DSFR config ×2, sites and campaigns counts


def test_an_opinion_given_from_outside_the_scope_leads_back_to_the_inbox(client, people):
    site = in_review(people, "S-1")
    outsider = people["dep39"]
    outsider.organisation = people["dep01"].organisation  # a member of the préfecture asked, whose role is elsewhere
    outsider.save()
    request = LabelOpinionRequest.objects.get(site=site, organisation=outsider.organisation)
    client.force_login(outsider)
    response = client.post(reverse("sites:label_opinion", args=[request.pk]), {"kind": "favorable", "text": ""})
    assert response.status_code == 302 and response["Location"] == reverse("sites:todo")
    assert LabelOpinionRequest.objects.get(pk=request.pk).kind == "favorable"
    assert todo_counts(outsider) == {"opinions": 0, "late": 0}
