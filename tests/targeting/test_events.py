"""Declared industrial events: declaring (commune by name or code, SIRET with its key, scope), listing with filters
(scope, constant queries), editing (stale edits refused), history."""

import datetime

import pytest
from django.urls import reverse

from pilote.core.identifiers import siret_is_valid
from pilote.core.models import AuditEvent
from pilote.targeting.models import IndustrialEvent
from tests.targeting.shocks import event

SIRET = "44306184100047"  # a SIREN with a valid key, and a valid key on the whole
VALID = {
    "company": "Fonderie de Zeta",
    "siret": "443 061 841 00047",
    "commune": "Zeta",
    "sector": "24.51Z Fonderie de fonte",
    "kind": "closure",
    "occurred_on": "2025-03-14",
    "jobs_lost": "120",
    "jobs_threatened": "",
    "description": "",
}


def post(client, user, data, url=None):
    client.force_login(user)
    return client.post(url or reverse("targeting:event_create"), data)


def test_siret_check():
    assert siret_is_valid(SIRET)
    assert not siret_is_valid("44306184100048")  # one digit off
    assert not siret_is_valid("4430618410004")  # 13 digits
    assert siret_is_valid("35600000000048")  # La Poste's head office: Luhn
    assert siret_is_valid("35600000000001")  # another of its establishments: the sum of the digits is a multiple of 5
    assert not siret_is_valid("35600000000002")


@pytest.mark.django_db
def test_prefecture_declares_an_event_by_commune_name_resolved_to_its_place(client, people):
    response = post(client, people["dep39"], VALID)
    saved = IndustrialEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("targeting:event", args=[saved.pk])
    assert (saved.commune_code, saved.departement_code, saved.region_code) == ("39002", "39", "27")
    assert saved.siret == SIRET
    assert saved.declared_by == people["dep39"]
    audit = AuditEvent.objects.get(object_type="targeting.industrialevent")
    assert audit.action == "targeting.event_declare"
    assert audit.changes["commune_code"] == [None, "39002"]


@pytest.mark.django_db
def test_commune_given_by_its_code(client, people):
    post(client, people["region27"], VALID | {"commune": "39001"})
    assert IndustrialEvent.objects.get().commune_code == "39001"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"commune": "Atlantis"}, "commune", "Aucune commune ne s&#x27;appelle « Atlantis »"),
        ({"commune": "99999"}, "commune", "Aucune commune ne porte le code INSEE « 99999 »"),
        ({"commune": "Alpha-sur-Ain"}, "commune", "est hors de votre périmètre"),
        ({"siret": "44306184100048"}, "siret", "Ce SIRET n&#x27;est pas valide"),
        ({"jobs_lost": ""}, "jobs_lost", "Indiquez les emplois supprimés ou les emplois menacés"),
        ({"jobs_lost": "-3"}, "jobs_lost", ""),
        ({"kind": "meteor"}, "kind", ""),
        ({"occurred_on": "14/13/2025"}, "occurred_on", ""),
        ({"company": ""}, "company", ""),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_written(client, people, change, field, message):
    response = post(client, people["dep39"], VALID | change)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not IndustrialEvent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="targeting.industrialevent").exists()


@pytest.mark.django_db
def test_operator_and_team_may_not_declare(client, people):
    for who in ("operator", "team"):
        assert post(client, people[who], VALID).status_code == 403
    assert not IndustrialEvent.objects.exists()


@pytest.mark.django_db
def test_list_shows_the_scope_only_and_filters(client, people, django_assert_num_queries):
    event(commune="01002", company="Usine de l'Ain", kind="pse", occurred_on=datetime.date(2024, 5, 1))
    for n in range(3):
        event(commune="39002", company=f"Atelier jurassien {n}")
    client.force_login(people["region27"])
    # session, user, roles, the filters' régions and départements, count, page, commune names, the DSFR settings (2)
    with django_assert_num_queries(12):  # and « À traiter » of the header (campaigns, sites)
        body = client.get(reverse("targeting:events")).content.decode()
    assert "Atelier jurassien 2" in body and "Usine de l&#x27;Ain" not in body
    for n in range(10):
        event(commune="39001", company=f"Scierie {n}")
    with django_assert_num_queries(12):  # and « À traiter » of the header  # as many with 13 events in two communes
        assert "Scierie 9" in client.get(reverse("targeting:events")).content.decode()
    client.force_login(people["anct"])
    body = client.get(reverse("targeting:events"), {"kind": "pse"}).content.decode()
    assert "Usine de l&#x27;Ain" in body and "Atelier jurassien" not in body
    body = client.get(reverse("targeting:events"), {"year": "2024"}).content.decode()
    assert "1 événement" in body
    assert client.get(reverse("targeting:events"), {"region": "zz"}).status_code == 400


@pytest.mark.django_db
def test_edit_then_stale_edit_refused(client, people):
    saved = event(commune="39002", by=people["dep39"])
    url = reverse("targeting:event_edit", args=[saved.pk])
    client.force_login(people["dep39"])
    form = client.get(url).context["form"]
    assert form.initial["commune"] == "Zeta (39002)"
    data = VALID | {"commune": form.initial["commune"], "revision": saved.revision, "jobs_lost": "150"}
    assert post(client, people["dep39"], data, url).status_code == 302
    saved.refresh_from_db()
    assert (saved.jobs_lost, saved.revision) == (150, 2)
    response = post(client, people["region27"], data | {"jobs_lost": "90"}, url)  # made from revision 1
    assert response.status_code == 409
    assert "Modification concurrente" in response.content.decode()
    saved.refresh_from_db()
    assert saved.jobs_lost == 150
    actions = list(AuditEvent.objects.filter(object_id=str(saved.pk)).values_list("action", flat=True))
    assert actions == ["targeting.event_change"]


@pytest.mark.django_db
def test_event_page_shows_its_history_in_french(client, people):
    client.force_login(people["dep39"])
    post(client, people["dep39"], VALID)
    body = client.get(reverse("targeting:event", args=[IndustrialEvent.objects.get().pk])).content.decode()
    assert "Événement industriel déclaré" in body
    assert "fermeture de site" in body


@pytest.mark.django_db
def test_region_reviewer_gets_404_for_an_event_of_another_region(client, people):
    saved = event(commune="01002")
    client.force_login(people["region27"])
    assert client.get(reverse("targeting:event", args=[saved.pk])).status_code == 404


@pytest.mark.django_db
def test_the_menu_shows_the_events_to_whom_may_declare_them(client, people):
    link = ">Événements industriels</a>"
    for who, shown in (("dep39", True), ("region84", True), ("anct", True), ("operator", False), ("team", False)):
        client.force_login(people[who])
        assert (link in client.get("/").content.decode()) is shown, who
