"""The file's history page reads every kind of audit event in French, through the one vocabulary (`core.history`):
no internal action code, no raw state, SIREN or INSEE code alone, no « 231800.00 », no ISO date."""

import datetime
import re
from decimal import Decimal
from html import unescape
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import OpinionRequest, PerimeterChangeRequest
from pilote.core.audit import record
from pilote.core.models import Organisation
from pilote.plans.forms import lines

from ..plans.factories import FicheFactory, FunderFactory, governance
from .conftest import fresh, territory

INTERNAL = re.compile(r"\b(campaign_file|campaign|opinion|perimeter_request|perimeter_version|fiche|project_lead)\.\w+")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _history(client, user, file) -> str:
    client.force_login(user)
    page = unescape(client.get(reverse("campaigns:file_history", args=[file.pk])).content.decode())
    return page.split("Toutes les modifications du territoire")[1]  # the audit table, not the file's steps


def _assert_no_internal_code(page: str) -> None:
    assert not INTERNAL.search(page), INTERNAL.search(page)
    assert not ISO_DATE.search(page), ISO_DATE.search(page)
    for code in ["brouillon", "depose", "en_instruction", "a_completer", "add_epcis", "remove_communes", "['"]:
        assert code not in page


def _through_review(file, people, **perimeter):
    if perimeter:
        PerimeterChangeRequest.objects.create(file=file, **perimeter)
    fresh(file).run("submit", by=people["team"])
    fresh(file).run("send_back", by=people["anct"], comment="Compléter le plan")
    fresh(file).run("submit", by=people["team"])
    fresh(file).run("start_review", by=people["anct"])
    return fresh(file)


def test_transitions_read_as_french_states_not_codes(client, file, people):
    file = _through_review(file, people)
    file.reopen(by=people["anct"], until=datetime.date(2030, 11, 30))
    page = _history(client, people["anct"], file)
    for words in [
        "Dossier déposé",
        "Dossier renvoyé au territoire (à compléter)",
        "Instruction commencée",
        "Dépôt rouvert",
        "<strong>État du dossier</strong> : Brouillon → Déposé",
        "Déposé → À compléter",
        "<strong>Dépôt rouvert jusqu'au</strong> : – → 30/11/2030",
    ]:
        assert words in page
    _assert_no_internal_code(page)


def test_validation_reads_in_french_with_the_new_perimeter_version(client, file, people):
    file = _through_review(file, people, remove_communes=["39001"])
    fresh(file).run("validate", by=people["anct"], acknowledged_missing=True)
    page = _history(client, people["anct"], file)
    assert "Dossier validé" in page and "En instruction → Validé" in page
    assert "Nouvelle version du périmètre" in page and "<strong>Version n°</strong>" in page
    _assert_no_internal_code(page)


def test_opinions_asked_given_and_extended_read_in_french(client, file, people):
    file = _through_review(file, people)
    organisation = Organisation.objects.get(name="Bpifrance")
    OpinionRequest.ask_organisation(
        file, organisation=organisation, deadline=datetime.date(2030, 1, 15), by=people["anct"]
    )
    request = OpinionRequest.objects.get(
        file=file, organisation__kind="prefecture_region", organisation__region_code="84"
    )
    request.extend_deadline(deadline=datetime.date(2030, 2, 28), by=people["anct"])
    client.force_login(people["dep01"])
    given = OpinionRequest.objects.get(
        file=file, organisation__kind="prefecture_departement", organisation__departement_code="01"
    )
    data = {"kind": OpinionKind.UNFAVORABLE, "text": "Financements absents."}
    assert client.post(reverse("campaigns:opinion_give", args=[given.pk]), data).status_code == 302
    page = _history(client, people["anct"], file)
    for words in [
        "Avis demandé",
        "<strong>Avis demandé à</strong> : – → Bpifrance",
        "15/01/2030",
        "Délai de l'avis prolongé",
        "→ 28/02/2030",
        "Avis rendu",
        "<strong>Avis</strong> : – → Défavorable",
        "Financements absents.",
    ]:
        assert words in page
    assert "defavorable" not in page
    _assert_no_internal_code(page)


def test_perimeter_requests_name_the_epci_and_communes(client, file, people):
    client.force_login(people["team"])
    data = {"add_communes": "", "remove_communes": "39001", "remove_epcis": "200000002", "save": "1"}
    assert client.post(reverse("campaigns:file_perimeter", args=[file.pk]), data).status_code == 302
    page = _history(client, people["anct"], file)
    assert "Demande de modification du périmètre enregistrée" in page
    assert "Epsilon (39001)" in page and "CA Beta (200000002)" in page
    assert "<strong>Communes à retirer</strong> : – → Epsilon (39001)" in page
    _assert_no_internal_code(page)


def test_fiches_and_governance_show_money_and_dates_in_french(client, file, people):
    t = territory("ti-8401")
    fiche = FicheFactory(territory=t, total_cost=Decimal("231800.00"))
    FunderFactory(fiche=fiche, amount=Decimal("120000.00"))
    changes = {
        "total_cost": ["231800.00", "250000.00"],
        "started_on": ["2024-01-01", "2024-03-01"],
        "funders": [[], lines(fiche, "funders")],  # the lines as the fiche form writes them
    }
    record(actor=people["team"], action="fiche.update", obj=fiche, changes=changes, **t.audit_scope())
    governance(t)
    lead = {"state_funding": [None, "20000.00"], "started_on": [None, "2023-09-01"], "full_time_share": [None, "0.80"]}
    record(
        actor=people["team"], action="project_lead.create", obj=t.project_leads.get(), changes=lead, **t.audit_scope()
    )
    page = _history(client, people["anct"], file)
    assert "Modification de la fiche" in page and "231\u202f800,00 € → 250\u202f000,00 €" in page
    assert "01/01/2024 → 01/03/2024" in page
    assert "Banque des Territoires : 120\u202f000,00 € (acquis)" in page
    assert "Chef de projet renseigné" in page and "– → 20\u202f000,00 €" in page and "– → 80\u202f%" in page
    assert "231800.00" not in page and "120000.00" not in page
    _assert_no_internal_code(page)


def test_the_history_page_reads_its_names_in_bulk(client, file, people):
    def changes(n):
        for i in range(n):
            record(
                actor=people["team"],
                action="perimeter_request.save",
                obj=file,
                changes={"add_epcis": [None, ["200000002"]], "remove_communes": [None, f"['3900{i % 2 + 1}']"]},
                **file.territory.audit_scope(),
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    changes(2)
    client.force_login(people["anct"])
    url = reverse("campaigns:file_history", args=[file.pk])
    few = queries()
    changes(20)
    assert queries() == few
    page = unescape(client.get(url).content.decode())
    assert page.count("CA Beta (200000002)") == 22 and "Epsilon (39001)" in page


ACTION = re.compile(r"""action\s*=\s*(?:f?)["']([a-z_]+\.[a-z_{}]+)["']""")


def test_every_recorded_action_has_a_french_label():
    """A guard: an app that records a new action must say how it reads (`history_vocabularies`)."""
    from pilote.core.history import everything  # noqa: PLC0415 — absent before the shared vocabulary (shown failing)

    known = {action for vocabulary in everything().members for action in vocabulary.actions}
    root = Path(__file__).resolve().parents[2] / "pilote"
    found = {m for path in root.rglob("*.py") for m in ACTION.findall(path.read_text())}
    literal = {a for a in found if "{" not in a}
    assert literal and literal <= known, literal - known
    assert {
        f"campaign_file.{state}" for state in ["depose", "en_instruction", "a_completer", "valide", "reopen"]
    } <= known


def test_opinion_kinds_read_by_their_french_label():
    from pilote.core.history import everything  # noqa: PLC0415 — absent before the shared vocabulary (shown failing)

    assert everything().of("opinion.give").text("kind", OpinionKind.RESERVED) == "Réservé"
