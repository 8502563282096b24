"""A Rebond industriel designation made by ANCT from a shock alert or from declared industrial events: the evidence
shown and copied into the designation, the alert marked « désigné », the history; refusals in French, nothing
written; the budget's rule reads the new designation."""

import datetime

import pytest
from django.urls import reverse

from pilote.budget.models import ShockDesignation
from pilote.core.models import AuditEvent
from pilote.targeting.enums import AlertStatus, Level
from pilote.targeting.models import Alert
from pilote.territories.models import Territory
from tests.targeting.shocks import alert, event

from .test_scenario_pages import text


def nouveau_jura():
    return Territory.objects.get(phase__slug="2023-2027", code="ti-2701")


def designation(**overrides) -> dict:
    data = {"territory": nouveau_jura().pk, "decided_on": "2025-04-01", "decision": "Comité du 1er avril"}
    return data | {"reason": "Choc constaté"} | overrides


def test_get_shows_the_alert_and_a_prefilled_form(client, national):
    found = alert()
    response = client.get(reverse("budget:designation_from_alert", args=[found.pk]))
    body = text(response)
    assert response.status_code == 200
    assert "hausse du chômage plus rapide qu'en France" in body and "2023-T3" in body
    assert "écart au national (points)" in body
    form = response.context["form"]
    assert form.initial["territory"] == nouveau_jura().pk
    assert form.initial["reason"].startswith("Alerte « hausse du chômage")


def test_post_designates_copies_the_evidence_and_closes_the_alert(client, national):
    found = alert()
    response = client.post(reverse("budget:designation_from_alert", args=[found.pk]), designation())
    assert response.status_code == 302 and response["Location"] == reverse("budget:shocks")
    shock = ShockDesignation.objects.get()
    assert (shock.territory, shock.alert, shock.decided_by) == (nouveau_jura(), found, national)
    assert shock.evidence["alert"]["figures"] == {"écart au national (points)": 1.8, "seuil": 1.0}
    assert shock.evidence["alert"]["method"] == "Indice de fragilité — version 1"
    found.refresh_from_db()
    assert (found.status, found.reviewed_by) == (AlertStatus.DESIGNATED, national)
    assert found.reviewed_at is not None
    audit = AuditEvent.objects.get(action="budget.shock_designate")
    assert audit.changes["alert"] == [None, "hausse du chômage plus rapide qu'en France (ti-2701, 2023-T3)"]
    # the evidence survives the alert (a new computation drops the old scoring and its alerts)
    found.delete()
    shock.refresh_from_db()
    assert shock.alert is None and shock.evidence["alert"]["period"] == "2023-T3"


def test_an_alert_already_followed_up_is_refused_and_nothing_written(client, national):
    found = alert()
    Alert.objects.filter(pk=found.pk).update(status=AlertStatus.DISMISSED)
    url = reverse("budget:designation_from_alert", args=[found.pk])
    assert "Cette alerte a déjà été suivie : écartée" in text(client.get(url))
    response = client.post(url, designation())
    assert response.status_code == 400
    assert not ShockDesignation.objects.exists()


def test_bad_input_is_refused_in_french(client, national):
    found = alert()
    response = client.post(reverse("budget:designation_from_alert", args=[found.pk]), designation(decision=""))
    assert response.status_code == 400
    assert "decision" in response.context["form"].errors
    assert not ShockDesignation.objects.exists()
    assert Alert.objects.get().status == AlertStatus.OPEN


def test_from_events_suggests_the_territory_holding_their_commune(client, national):
    closure = event(commune="39002", company="Fonderie du Jura", jobs_lost=120)
    pse = event(commune="39002", company="Verrerie", kind="pse", jobs_lost=None, jobs_threatened=45)
    url = reverse("budget:designation_from_events") + f"?e={closure.pk}&e={pse.pk}"
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["territory"] == nouveau_jura().pk
    assert "Fonderie du Jura (39002, 14/03/2025) — 120 emplois supprimés" in form.initial["reason"]
    data = designation() | {"e": [closure.pk, pse.pk]}
    assert client.post(reverse("budget:designation_from_events"), data).status_code == 302
    shock = ShockDesignation.objects.get()
    assert set(shock.events.all()) == {closure, pse}
    assert [e["company"] for e in shock.evidence["events"]] == ["Fonderie du Jura", "Verrerie"]
    assert shock.alert is None


@pytest.mark.parametrize("query, message", [("", "Choisissez au moins un événement"), ("?e=999999", "inconnu")])
def test_from_events_needs_known_events(client, national, query, message):
    response = client.get(reverse("budget:designation_from_events") + query)
    assert response.status_code == 400
    assert message in text(response)


def test_only_anct_designates(client, people):
    found = alert()
    client.force_login(people["region27"])
    assert client.post(reverse("budget:designation_from_alert", args=[found.pk]), designation()).status_code == 403
    assert not ShockDesignation.objects.exists()


def test_epci_alert_suggests_the_territory_holding_it(client, national):
    found = alert(code="200000003", level=Level.EPCI)  # CC Gamma, in ti-2701
    form = client.get(reverse("budget:designation_from_alert", args=[found.pk])).context["form"]
    assert form.initial["territory"] == nouveau_jura().pk


def test_the_budget_rule_reads_the_designation(client, national):
    found = alert()
    client.post(reverse("budget:designation_from_alert", args=[found.pk]), designation())
    assert ShockDesignation.objects.active_on(datetime.date(2025, 6, 1)).get().territory == nouveau_jura()


def test_the_list_of_designations_shows_their_evidence(client, national):
    found = alert()
    client.post(reverse("budget:designation_from_alert", args=[found.pk]), designation())
    closure = event(commune="39002", company="Fonderie du Jura")
    client.post(reverse("budget:designation_from_events"), designation() | {"e": [closure.pk]})
    body = text(client.get(reverse("budget:shocks")))
    assert "Alerte : hausse du chômage plus rapide qu'en France (ti-2701, 2023-T3, Indice de fragilité" in body
    assert "Événement déclaré : Fonderie du Jura (fermeture de site, 39002)" in body


def test_the_page_from_events_reads_as_many_queries_for_one_or_five_events(client, national):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    events = [event(commune="39002", company=f"Atelier {n}") for n in range(5)]
    url = reverse("budget:designation_from_events")
    client.get(url + f"?e={events[0].pk}")
    with CaptureQueriesContext(connection) as one:
        client.get(url + f"?e={events[0].pk}")
    with CaptureQueriesContext(connection) as five:
        assert "Atelier 4" in text(client.get(url + "?" + "&".join(f"e={e.pk}" for e in events)))
    assert len(five.captured_queries) == len(one.captured_queries)
