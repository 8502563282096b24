"""The file page (what changed, perimeter, opinions, actions), its history, and bad requests answered 4xx."""

import datetime

import pytest
from django.urls import reverse

from pilote.campaigns.enums import FileState
from pilote.campaigns.models import OpinionRequest, PerimeterChangeRequest
from pilote.core.models import Organisation

from ..plans.factories import FicheFactory, governance
from .conftest import fresh


def _page(client, user, file, name="file"):
    client.force_login(user)
    return client.get(reverse(f"campaigns:{name}", args=[file.pk]))


def test_reviewers_see_what_changed_against_the_last_validated_version(client, people, mini_world):
    from pilote.campaigns.services import campaign_open
    from pilote.territories.models import Phase

    from .conftest import territory

    t = territory("ti-8401")
    kept = FicheFactory(territory=t, title="Fiche gardée", total_cost="100000.00")
    dropped = FicheFactory(territory=t, title="Fiche abandonnée")
    today = datetime.date.today()
    campaign = campaign_open(
        name="C",
        phase=Phase.objects.get(slug="2023-2027"),
        territories=[t],
        submission_deadline=today + datetime.timedelta(days=5),
        opinion_deadline=today + datetime.timedelta(days=6),
        actor=people["anct"],
    )
    file = campaign.files.get()
    kept.total_cost = "150000.00"
    kept.save()
    dropped.delete()
    FicheFactory(territory=t, title="Fiche nouvelle")
    governance(t)
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"])
    fresh(file).run("submit", by=people["team"])
    page = _page(client, people["dep01"], file).content.decode()
    assert "Fiche nouvelle" in page.split('id="fiches-added"')[1].split("</ul>")[0]
    assert "Fiche abandonnée" in page.split('id="fiches-removed"')[1].split("</ul>")[0]
    modified = page.split('id="fiches-modified"')[1].split("</div>")[0]
    assert "Fiche gardée" in modified and "Coût total (€) : 100\u202f000,00 € → 150\u202f000,00 €" in modified
    assert "Binôme (élu·e : nom) : — → Anne Durand" in page
    assert "Comité de pilotage, arrivée : Marc Roux" in page
    assert "4 → 3" in page and "perimeter-map" in page


def test_a_draft_shows_the_team_its_actions_and_no_review(client, file, people):
    response = _page(client, people["team"], file)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Déposer le dossier" in page and "Commencer l'instruction" not in page
    assert response.context["diff"] is None


@pytest.mark.parametrize(
    "who, status", [("anct", 200), ("team", 200), ("dep01", 200), ("region27", 200), ("operator", 200)]
)
def test_who_sees_the_file(client, file, people, who, status):
    assert _page(client, people[who], file).status_code == status


@pytest.mark.parametrize("who", ["other_team", "nobody"])
def test_people_outside_the_scope_get_a_404(client, file, people, who):
    for name in ["file", "file_history", "file_perimeter"]:
        assert _page(client, people[who], file, name).status_code == 404


def test_a_transition_through_the_page_and_its_refusal(client, file, people):
    client.force_login(people["dep01"])
    url = reverse("campaigns:file_transition", args=[file.pk, "submit"])
    response = client.post(url)
    assert response.status_code == 403
    assert "pas le droit de faire cette action" in response.content.decode()
    client.force_login(people["team"])
    assert client.post(url, {"comment": "Voici notre dossier"}).status_code == 400  # only through the recap
    confirmed = {"comment": "Voici notre dossier", "confirm": "on"}
    assert client.post(reverse("campaigns:file_submit", args=[file.pk]), confirmed).status_code == 302
    assert fresh(file).state == FileState.SUBMITTED
    response = client.post(url)
    assert response.status_code == 400 and "le dossier est « Déposé »" in response.content.decode()


def test_bad_requests_are_4xx(client, file, people):
    client.force_login(people["anct"])
    assert client.post(reverse("campaigns:file_transition", args=[file.pk, "explode"])).status_code == 400
    assert client.get(reverse("campaigns:file_transition", args=[file.pk, "submit"])).status_code == 405
    assert client.get(reverse("campaigns:file", args=[999999])).status_code == 404
    assert client.get(reverse("campaigns:dashboard", args=[999999])).status_code == 404
    assert client.get(reverse("campaigns:file_perimeter_geojson", args=[file.pk])).status_code == 404
    assert client.post(reverse("campaigns:file_reopen", args=[file.pk]), {"until": "hier"}).status_code == 400
    assert client.post(reverse("campaigns:opinion_give", args=[999999]), {}).status_code == 404


def test_the_history_page_lists_every_change(client, file, people):
    PerimeterChangeRequest.objects.create(file=file)
    client.force_login(people["team"])
    data = {"add_communes": "", "reason": "Epsilon rejoint le Jura", "revision": "1", "save": "1"}
    client.post(reverse("campaigns:file_perimeter", args=[file.pk]), data)  # a save that changes nothing writes nothing
    fresh(file).run("submit", by=people["team"], comment="Premier dépôt")
    page = _page(client, people["anct"], file, "file_history").content.decode()
    assert "Premier dépôt" in page and "Dossier déposé" in page and "Demande de modification du périmètre" in page
    assert "campaign_file.depose" not in page and "perimeter_request.save" not in page


def test_file_page_queries_do_not_grow(client, file, people, django_assert_max_num_queries):
    fresh(file).run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    url = reverse("campaigns:file", args=[file.pk])
    client.force_login(people["anct"])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    operators = Organisation.objects.bulk_create(
        Organisation(kind="operator", operator="cci", name=f"CCI {n}") for n in range(15)
    )
    OpinionRequest.objects.bulk_create(
        OpinionRequest(file=file, organisation=org, deadline=datetime.date(2030, 1, 1)) for org in operators
    )
    for n in range(5):
        FicheFactory(territory=file.territory, title=f"Fiche {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["requests"]) == 21


def test_anct_opens_a_campaign_and_errors_are_in_french(client, people):
    client.force_login(people["anct"])
    url = reverse("campaigns:create")
    response = client.post(
        url,
        {
            "name": "2026",
            "phase": "",
            "submission_deadline": "2020-01-01",
            "opinion_deadline": "pas une date",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Ce champ est obligatoire." in page
        and "ne peut pas être passée" in page
        and "Saisissez une date valide" in page
    )
    from pilote.territories.models import Phase

    phase = Phase.objects.get(slug="2023-2027")
    response = client.post(
        url,
        {
            "name": "2026",
            "phase": phase.pk,
            "territory_codes": "ti-8401, ti-9999",
            "submission_deadline": "2030-01-01",
            "opinion_deadline": "2030-02-01",
        },
    )
    assert "Territoires inconnus dans cette phase : ti-9999." in response.content.decode()
    response = client.post(
        url,
        {
            "name": "2026",
            "phase": phase.pk,
            "all_territories": "on",
            "submission_deadline": "2030-01-01",
            "opinion_deadline": "2030-02-01",
        },
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["team", "dep01", "region84", "operator"])
def test_only_anct_opens_a_campaign(client, people, who):
    client.force_login(people[who])
    assert client.get(reverse("campaigns:create")).status_code == 403


def test_the_campaign_list_is_scoped(client, campaign, people):
    client.force_login(people["other_team"])
    response = client.get(reverse("campaigns:list"))
    assert [f.territory.code for f in response.context["page"].object_list] == ["ti-2701"]
    client.force_login(people["nobody"])
    assert client.get(reverse("campaigns:list")).context["campaigns"] == []


def test_the_file_page_links_to_the_plan_and_the_governance(client, file, people):
    page = _page(client, people["team"], file).content.decode()
    links = page.split('id="file-links"')[1].split("</ul>")[0]
    assert f'href="{reverse("plans:plan", args=["2023-2027", "ti-8401"])}"' in links
    assert f'href="{reverse("plans:governance", args=["2023-2027", "ti-8401"])}"' in links
