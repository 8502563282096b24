"""ANCT validates knowingly, in Chromium: the file of « Ain industriel » is under review with an unfavourable opinion
of the préfecture of the Ain, a favourable one of the SGAR of 84, and four opinions still awaited (the préfecture of
the Jura, late; the SGAR of 27; the conseil régional of 84 and of 27). ANCT opens
« Valider le dossier », is warned, is refused without a motivation and the acknowledgement, then validates; the file
page shows the frozen record of what was approved, and its PDF says the same. axe-core on every page state; with
PILOTE_SCREENSHOTS=1 the screenshots of the steps go to docs/screenshots/ for the README."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from pilote.campaigns.enums import OpinionKind
from pilote.campaigns.models import Opinion, OpinionRequest, PerimeterChangeRequest
from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from ..pdftext import pdf_text
from ..plans.factories import FicheFactory, governance
from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser
# The screenshots of the README are refreshed on purpose (PILOTE_SCREENSHOTS=1), not by every run of the suite.
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def screenshots(tmp_path) -> Path:
    return DOCS_SCREENSHOTS if os.environ.get("PILOTE_SCREENSHOTS") else tmp_path


@pytest.fixture
def in_review(mini_world, transactional_db):
    territory = Territory.objects.get(phase__slug=PHASE, code="ti-8401")
    FicheFactory(territory=territory, title="École de production")
    governance(territory)
    people = {
        "team": person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401"),
        "anct": person("anct.national", Role.NATIONAL),
        "prefecture": person(
            "prefecture.ain",
            Role.DEPARTEMENT_REVIEWER,
            organisation=(OrganisationKind.PREFECTURE_DEPARTEMENT, "Préfecture de l'Ain"),
            departement_code="01",
        ),
        "region": person(
            "region.aura",
            Role.REGION_REVIEWER,
            organisation=(OrganisationKind.PREFECTURE_REGION, "SGAR Auvergne-Rhône-Alpes"),
            region_code="84",
        ),
    }
    today = timezone.localdate()
    campaign = campaign_open(
        name="Mise à jour 2026",
        phase=Phase.objects.get(slug=PHASE),
        territories=[territory],
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=people["anct"],
    )
    file = campaign.files.get()
    PerimeterChangeRequest.objects.create(file=file, remove_communes=["39001"], reason="Epsilon rejoint le Jura.")
    file.run("submit", by=people["team"])
    file.run("start_review", by=people["anct"])
    for author, kind, text in [
        (people["prefecture"], OpinionKind.UNFAVORABLE, "Fiche sans porteur identifié."),
        (people["region"], OpinionKind.FAVORABLE, "Cohérent avec le SRDEII."),
    ]:
        request = OpinionRequest.objects.get(file=file, organisation=author.organisation)
        Opinion.objects.create(request=request, kind=kind, text=text, author=author)
    OpinionRequest.objects.filter(
        file=file, organisation__kind=OrganisationKind.PREFECTURE_DEPARTEMENT, organisation__departement_code="39"
    ).update(deadline=today - datetime.timedelta(days=1))
    return file


def test_anct_is_warned_validates_with_a_motivation_and_the_record_shows(browser, live_server, in_review, screenshots):
    audited: dict[str, list[str]] = {}
    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.national")
    anct.goto(f"/espace/campagnes/dossiers/{in_review.pk}/")
    anct.page.get_by_role("link", name="Valider le dossier…").click()
    assert anct.heading() == "Valider le dossier : Ain industriel"
    awaited = anct.text("#opinions-awaited")
    assert "4 avis non rendus" in awaited
    assert "Préfecture de département – Jura (39)" in awaited and "en retard" in awaited
    assert "Préfecture de région (SGAR) – Bourgogne-Franche-Comté (27)" in awaited
    assert "Conseil régional – Auvergne-Rhône-Alpes (84)" in awaited
    assert "Conseil régional – Bourgogne-Franche-Comté (27)" in awaited
    assert "Défavorable — Préfecture de l'Ain" in anct.text("#opinions-against")
    anct.check("confirmation de la validation")
    anct.page.screenshot(path=str(screenshots / "validation-1-confirmation.png"), full_page=True)

    anct.page.get_by_role("button", name="Valider le dossier").click()
    errors = anct.text("#decision")
    assert "Motivez la validation malgré cet avis." in errors
    assert "Cochez la case pour valider le dossier sans ces avis." in errors
    anct.check("validation refusée sans motivation")

    anct.page.get_by_label("Motivation de la décision").fill("Le porteur de la fiche est désigné depuis le comité.")
    anct.page.get_by_text("Je valide le dossier sans les avis non rendus").click()  # DSFR draws the box on its label
    anct.page.get_by_role("button", name="Valider le dossier").click()
    assert anct.text("#file-state") == "Validé"
    record = anct.text("#approved-record")
    assert "Motivation : Le porteur de la fiche est désigné depuis le comité." in record
    assert "Validé sans certains avis." in record
    assert "3 (avant : 4)" in record and "Epsilon (39001)" in record
    assert anct.page.locator("#approved-record svg[role=img]").count() == 1
    anct.check("dossier validé avec sa version figée")
    anct.page.locator("#approved-record").screenshot(path=str(screenshots / "validation-2-record.png"))

    href = anct.page.get_by_role("link", name="Version validée (PDF)").get_attribute("href")
    pdf = anct.page.request.get(live_server.url + href)
    assert pdf.status == 200
    _, text = pdf_text(pdf.body())
    assert "Ain industriel" in text and "Le porteur de la fiche est désigné depuis le comité." in text
    assert "Communes 4 3" in text
    assert (screenshots / "validation-2-record.png").stat().st_size > 10_000
    anct.close()

    failures = [line for lines in audited.values() for line in lines]
    assert not failures, "axe-core, serious or critical violations:\n" + "\n".join(failures)
