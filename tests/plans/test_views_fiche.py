import datetime
from decimal import Decimal

from pilote.core.models import AuditEvent
from pilote.plans.forms import FicheActionForm
from pilote.plans.models import FicheAction

from ..core.factories import UserFactory
from .conftest import url
from .factories import FicheFactory, FunderFactory


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def fiche_data(**overrides) -> dict:
    data = {
        "title": "Campus des métiers de l'industrie",
        "description": "Plateau technique partagé.",
        "priority": "competences",
        "status": "en_cours",
        "lead_organisation": "CC Alpha",
        "started_on": "2024-01-01",
        "ended_on": "2026-12-31",
        "total_cost": "250000",
        **_management("financeurs"),
        **_management("indicateurs"),
    }
    data.update(overrides)
    return data


def edit_data(fiche: FicheAction, **overrides) -> dict:
    """What the edit page posts back for `fiche` unchanged (funders included), with overrides."""
    funders = list(fiche.funders.all())
    data = fiche_data(
        title=fiche.title,
        description=fiche.description,
        priority=fiche.priority,
        status=fiche.status,
        lead_organisation=fiche.lead_organisation,
        started_on=fiche.started_on.isoformat(),
        ended_on=fiche.ended_on.isoformat(),
        total_cost=str(fiche.total_cost),
        revision=str(fiche.revision),
        **_management("financeurs", len(funders), len(funders)),
    )
    for n, funder in enumerate(funders):
        data |= {
            f"financeurs-{n}-id": str(funder.pk),
            f"financeurs-{n}-organisation": funder.organisation,
            f"financeurs-{n}-amount": str(funder.amount),
            f"financeurs-{n}-is_secured": "on" if funder.is_secured else "",
        }
    data.update(overrides)
    return data


def test_team_creates_a_fiche_with_a_funder_and_an_indicator(team_client, ain, team):
    data = fiche_data(
        **_management("financeurs", 1),
        **{"financeurs-0-organisation": "Région", "financeurs-0-amount": "50000", "financeurs-0-is_secured": "on"},
        **_management("indicateurs", 1),
        **{"indicateurs-0-name": "Jeunes formés", "indicateurs-0-unit": "personnes", "indicateurs-0-target": "40"},
    )
    response = team_client.post(url("fiche_create", ain), data)
    fiche = FicheAction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("fiche", ain, pk=fiche.pk)
    assert fiche.territory == ain and fiche.total_cost == Decimal("250000")
    assert fiche.funders.get().amount == Decimal("50000")
    assert fiche.indicators.get().target == Decimal("40")
    event = AuditEvent.objects.get(object_type="plans.ficheaction")
    assert event.actor == team and event.action == "fiche.create"
    assert event.territory_code == "ti-8401" and event.phase_slug == "2023-2027"
    assert event.changes["title"] == [None, "Campus des métiers de l'industrie"]
    assert event.changes["funders"] == [[], ["Région : 50\u202f000,00 € (acquis)"]]


def test_end_before_start_is_refused_in_french_and_nothing_is_written(team_client, ain):
    response = team_client.post(url("fiche_create", ain), fiche_data(started_on="2026-01-01", ended_on="2025-01-01"))
    assert response.status_code == 200
    assert "La date de fin doit être égale ou postérieure à la date de début." in response.content.decode()
    assert not FicheAction.objects.exists()


def test_negative_cost_and_missing_title_are_refused_in_french(team_client, ain):
    response = team_client.post(url("fiche_create", ain), fiche_data(total_cost="-5", title=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le coût total doit être positif ou nul." in html
    assert "Ce champ est obligatoire." in html
    assert not FicheAction.objects.exists()


def test_garbage_in_every_field_gives_errors_never_a_500(team_client, ain):
    garbage = {k: "\x00<script>" for k in fiche_data() if not k.endswith("FORMS")}
    response = team_client.post(url("fiche_create", ain), fiche_data(**garbage))
    assert response.status_code == 200  # the form again, with its errors
    assert not FicheAction.objects.exists()
    assert team_client.post(url("fiche_create", ain), {}).status_code == 200


def test_edit_records_the_changed_fields_and_shows_them_in_the_history(team_client, ain):
    fiche = FicheFactory(territory=ain)
    FunderFactory(fiche=fiche)
    response = team_client.post(url("fiche_edit", ain, pk=fiche.pk), edit_data(fiche, status="realisee"))
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.status == "realisee" and fiche.revision == 2
    event = AuditEvent.objects.get(action="fiche.update")
    assert event.changes == {"status": ["en_cours", "realisee"]}
    html = team_client.get(url("fiche", ain, pk=fiche.pk)).content.decode()
    assert "Historique des modifications" in html and "<strong>Statut</strong> : En cours → Réalisée" in html


def test_the_second_of_two_editors_is_refused_with_what_changed(ain, team):
    fiche = FicheFactory(territory=ain, title="Friche Arnaud", total_cost=Decimal("100000"))
    other = UserFactory(first_name="Alice", last_name="Leroy")
    # Both open the edit page on revision 1.
    first = FicheActionForm(edit_data(fiche, total_cost="150000"), instance=fiche, territory=ain, actor=other)
    fiche_again = FicheAction.objects.get(pk=fiche.pk)
    second = FicheActionForm(
        edit_data(fiche_again, title="Friche Arnaud (phase 2)"), instance=fiche_again, territory=ain, actor=team
    )
    assert first.is_valid() and first.save() is not None
    assert second.is_valid()
    assert second.save() is None
    fiche.refresh_from_db()
    assert fiche.title == "Friche Arnaud" and fiche.total_cost == Decimal("150000") and fiche.revision == 2
    rows = {row["label"]: (row["theirs"], row["saved"]) for row in second.conflict.rows}
    assert rows["Intitulé"] == ("Friche Arnaud (phase 2)", "Friche Arnaud")
    assert rows["Coût total (€)"] == ("100000.00", "150000.00")
    assert second.conflict.last.actor == other
    assert "modifiée par une autre personne" in second.non_field_errors()[0]
    assert AuditEvent.objects.filter(action="fiche.update").count() == 1


def test_the_stale_editor_sees_the_conflict_page_then_may_confirm(team_client, ain):
    fiche = FicheFactory(territory=ain, title="Friche Arnaud")
    stale = edit_data(fiche, title="Friche Arnaud rénovée")
    FicheAction.objects.filter(pk=fiche.pk).update(status="en_pause", revision=2)
    response = team_client.post(url("fiche_edit", ain, pk=fiche.pk), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "Modification concurrente" in html and "Votre valeur" in html and "En pause" in html
    assert FicheAction.objects.get(pk=fiche.pk).title == "Friche Arnaud"
    # The page now carries the saved revision: sending it again is a deliberate choice, and it goes through.
    assert 'name="revision" value="2"' in html
    confirmed = team_client.post(url("fiche_edit", ain, pk=fiche.pk), {**stale, "revision": "2"})
    assert confirmed.status_code == 302
    assert FicheAction.objects.get(pk=fiche.pk).title == "Friche Arnaud rénovée"


def test_a_deleted_funder_is_recorded(team_client, ain):
    fiche = FicheFactory(territory=ain, started_on=datetime.date(2024, 1, 1))
    FunderFactory(fiche=fiche, organisation="ADEME")
    response = team_client.post(url("fiche_edit", ain, pk=fiche.pk), edit_data(fiche, **{"financeurs-0-DELETE": "on"}))
    assert response.status_code == 302
    assert not fiche.funders.exists()
    assert AuditEvent.objects.get(action="fiche.update").changes["funders"][1] == []


def test_a_stale_form_naming_a_funder_deleted_meanwhile_explains_the_conflict(team_client, ain):
    fiche = FicheFactory(territory=ain, title="Friche Arnaud")
    FunderFactory(fiche=fiche, organisation="ADEME")
    stale = edit_data(fiche, title="Friche Arnaud rénovée")
    fiche.funders.all().delete()
    FicheAction.objects.filter(pk=fiche.pk).update(revision=2)
    response = team_client.post(url("fiche_edit", ain, pk=fiche.pk), stale)
    assert response.status_code == 409
    assert "Modification concurrente" in response.content.decode()
    assert FicheAction.objects.get(pk=fiche.pk).title == "Friche Arnaud"


def test_a_negative_funder_amount_is_refused_in_french(team_client, ain):
    data = fiche_data(
        **_management("financeurs", 1),
        **{"financeurs-0-organisation": "Région", "financeurs-0-amount": "-10"},
    )
    response = team_client.post(url("fiche_create", ain), data)
    assert response.status_code == 200
    assert "Le montant doit être positif ou nul." in response.content.decode()
    assert not FicheAction.objects.exists()


def test_french_amounts_are_understood(team_client, ain):
    response = team_client.post(url("fiche_create", ain), fiche_data(total_cost="1 250 000,50"))
    assert response.status_code == 302
    assert FicheAction.objects.get().total_cost == Decimal("1250000.50")


def test_a_fiche_saved_unchanged_bumps_nothing(team_client, ain):
    fiche = FicheFactory(territory=ain, started_on=datetime.date(2024, 1, 1))
    FunderFactory(fiche=fiche, organisation="ADEME")
    response = team_client.post(url("fiche_edit", ain, pk=fiche.pk), edit_data(fiche))
    assert response.status_code == 302
    assert FicheAction.objects.get(pk=fiche.pk).revision == 1
    assert not AuditEvent.objects.exists()


def test_fiche_page_shows_its_number_in_the_plan(team_client, ain):
    FicheFactory(territory=ain)
    second = FicheFactory(territory=ain, title="Friche Arnaud")
    html = team_client.get(url("fiche", ain, pk=second.pk)).content.decode()
    assert "<h1>Fiche n° 2 : Friche Arnaud</h1>" in html


def test_saving_a_fiche_says_it_was_saved(team_client, ain):
    response = team_client.post(url("fiche_create", ain), fiche_data(), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][1] == 302
    assert "La fiche « Campus des métiers de l&#x27;industrie » est enregistrée." in html
