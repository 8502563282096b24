"""The inbox (`/espace/campagnes/`): what waits for each person first — opinions asked of their organisation, files to
instruct, files to complete —, then the rest; filters, pages, a constant number of queries; the counts of « Mon
espace », of the header and the links of the dashboard."""

import datetime
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from pilote.campaigns.models import OpinionRequest, TerritoryFile
from pilote.territories.models import Territory

from .conftest import asked_of, fresh

URL = reverse("campaigns:list")


@pytest.fixture
def in_review(file, people):
    file.run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    return fresh(file)


def _rows(client, user, query: str = "", status: int = 200):
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == status
    return response


def _codes(response) -> list[tuple[str, int]]:
    return [(f.territory.code, f.is_todo) for f in response.context["page"].object_list]


def test_the_prefecture_finds_the_opinion_asked_of_it_first_with_its_deadline(client, in_review, other_file, people):
    response = _rows(client, people["dep39"])
    assert _codes(response) == [("ti-8401", 1), ("ti-2701", 0)]
    page = unescape(response.content.decode())
    deadline = asked_of(in_review, people["dep39"]).deadline
    assert f"Votre avis, avant le {deadline:%d/%m/%Y}" in page
    assert "<strong>1</strong> avis attendu de votre organisme" in page
    assert "fr-badge--error" not in page  # not late


def test_a_late_opinion_is_marked_and_counted(client, in_review, people):
    request = asked_of(in_review, people["region84"])
    OpinionRequest.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=2))
    page = unescape(_rows(client, people["region84"]).content.decode())
    assert '<span class="fr-badge fr-badge--error fr-badge--sm">en retard</span>' in page
    assert "<strong>1</strong> avis attendu de votre organisme, dont 1 en retard" in page


def test_an_answered_opinion_is_no_longer_awaited(client, in_review, people):
    request = asked_of(in_review, people["council84"])
    client.force_login(people["council84"])
    client.post(reverse("campaigns:opinion_give", args=[request.pk]), {"kind": "favorable", "text": "ok"})
    response = _rows(client, people["council84"])
    assert _codes(response) == [("ti-8401", 0)]
    assert "Rien ne vous attend pour l'instant." in response.content.decode()


def test_anct_finds_the_files_to_instruct_first(client, file, other_file, people):
    other_file.run("submit", by=people["other_team"])
    response = _rows(client, people["anct"])
    assert _codes(response) == [("ti-2701", 1), ("ti-8401", 0)]
    page = unescape(response.content.decode())
    assert "À instruire : commencer l'instruction" in page
    assert "<strong>1</strong> dossier déposé ou en instruction, à instruire" in page


def test_the_team_finds_its_file_returned_to_complete(client, in_review, people):
    in_review.run("send_back", by=people["anct"], comment="Précisez le financement.")
    response = _rows(client, people["team"])
    assert _codes(response) == [("ti-8401", 1)]
    page = unescape(response.content.decode())
    assert "À compléter et déposer de nouveau" in page
    assert "<strong>1</strong> dossier renvoyé à compléter" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=en_instruction", ["ti-8401"]),
        ("?state=brouillon", ["ti-2701"]),
        ("?region=27", ["ti-2701"]),
        ("?departement=01", ["ti-8401"]),  # ti-8401 touches 01 and 39, ti-2701 only 39
        ("?departement=39", ["ti-2701", "ti-8401"]),
        ("?todo=1", ["ti-8401"]),
        ("?late=on", []),
    ],
)
def test_filters(client, in_review, other_file, people, query, expected):
    assert sorted(code for code, _ in _codes(_rows(client, people["anct"], query))) == expected


def test_the_late_filter_and_the_campaign_filter(client, campaign, in_review, people):
    request = asked_of(in_review, people["dep01"])
    OpinionRequest.objects.filter(pk=request.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    assert _codes(_rows(client, people["anct"], "?late=on")) == [("ti-8401", 1)]
    assert len(_codes(_rows(client, people["anct"], f"?campaign={campaign.pk}"))) == 2


def test_a_bad_filter_is_refused_in_french_and_left_out(client, in_review, other_file, people):
    response = _rows(client, people["anct"], "?state=perdu&region=99", status=400)
    assert "Sélectionnez un choix valide" in unescape(response.content.decode())
    assert len(_codes(response)) == 2


def test_a_reviewer_sees_only_the_files_of_its_scope(client, in_review, other_file, people):
    # région 84 touches ti-8401 only; the filters do not widen the scope
    assert [code for code, _ in _codes(_rows(client, people["region84"], "?region=27"))] == []
    assert [code for code, _ in _codes(_rows(client, people["council84"]))] == ["ti-8401"]


def _extra_files(campaign, count: int) -> None:
    extra = Territory.objects.bulk_create(
        Territory(phase=campaign.phase, code=f"ti-84{n:02d}", name=f"Extra {n}", region_code="84")
        for n in range(10, 10 + count)
    )
    TerritoryFile.objects.bulk_create(TerritoryFile(campaign=campaign, territory=t) for t in extra)


def test_pages_of_fifty(client, campaign, people):
    _extra_files(campaign, 58)
    first = _rows(client, people["anct"])
    assert len(first.context["page"].object_list) == 50
    second = _rows(client, people["anct"], "?state=brouillon&page=2")
    assert len(second.context["page"].object_list) == 10
    assert 'href="?state=brouillon&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("who", ["anct", "region84", "team", "operator"])
def test_inbox_queries_do_not_grow(client, campaign, in_review, people, who, django_assert_max_num_queries):
    client.force_login(people[who])
    client.get(URL)
    with django_assert_max_num_queries(17) as few:  # the unread messages of the rows: one query; sites' À traiter: one
        client.get(URL + "?state=en_instruction&departement=01")
    _extra_files(campaign, 30)
    for file in TerritoryFile.objects.filter(campaign=campaign).exclude(pk=in_review.pk):
        OpinionRequest.objects.create(file=file, organisation=people["operator"].organisation, deadline="2030-01-01")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL + "?state=en_instruction&departement=01")
    assert response.status_code == 200


# --- counts: « Mon espace », the header, the dashboard's links ---------------------------------------------------


def test_mon_espace_and_the_header_count_what_waits(client, in_review, people):
    client.force_login(people["dep01"])
    page = unescape(client.get(reverse("core:espace")).content.decode())
    assert "<strong>1</strong> avis attendu de votre organisme" in page
    assert 'id="header-todo"' in page and "À traiter (1)</a>" in page


def test_the_header_says_nothing_when_nothing_waits(client, file, people):
    client.force_login(people["dep01"])
    page = client.get(reverse("core:espace")).content.decode()
    assert 'id="header-todo"' not in page
    assert "Rien ne vous attend pour l'instant." in page


def test_every_count_of_the_dashboard_links_to_the_same_files(client, campaign, in_review, other_file, people):
    client.force_login(people["anct"])
    dashboard = client.get(reverse("campaigns:dashboard", args=[campaign.pk])).content.decode()
    link = f"{URL}?campaign={campaign.pk}&amp;region=84&amp;state=en_instruction"
    assert f'<a href="{link}">1</a>' in dashboard
    assert f'href="{URL}?campaign={campaign.pk}&amp;late=on"' in dashboard
    listed = _codes(_rows(client, people["anct"], unescape(link)[len(URL) :]))
    assert listed == [("ti-8401", 1)]
