"""The whole path of a campaign in a real browser (Playwright driving Debian's Chromium, headless), on the mini world.

The team of « Ain industriel » (ti-8401: CC Alpha + CA Beta) signs in through the login form, edits a fiche action and
its governance, asks to remove CA Beta from its perimeter and submits its file; ANCT starts the review; the préfecture
of the Ain and the région Auvergne-Rhône-Alpes give their opinions; ANCT sees what changed (fiche, governance,
perimeter) and validates; the public page of the territory shows version 2 of its perimeter.

Every page of the path also goes through axe-core (from npm): no violation of impact « serious » or « critical ».
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from ..plans.factories import FicheFactory, FunderFactory, IndicatorFactory, governance
from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser


@pytest.fixture
def world(mini_world, transactional_db):
    """ti-8401 with one fiche (a funder, an indicator) and its governance, in a campaign opened by ANCT."""
    territory = Territory.objects.get(phase__slug=PHASE, code="ti-8401")
    fiche = FicheFactory(territory=territory, title="École de production", total_cost=Decimal("120000.00"))
    FunderFactory(fiche=fiche)
    IndicatorFactory(fiche=fiche)
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
        territories=list(Territory.objects.filter(phase__slug=PHASE)),
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=people["anct"],
    )
    file = campaign.files.get(territory=territory)
    return {"territory": territory, "fiche": fiche, "campaign": campaign, "file": file}


def _type_place(page, text: str) -> None:
    """Types a place in the perimeter combobox and closes its suggestions with Escape, as a person does before
    pressing a button the open list covers (the list opens after a short delay: waited for, never raced)."""
    field = page.get_by_role("combobox", name="Retirer un EPCI ou une commune")
    field.fill(text)
    page.get_by_role("listbox").wait_for()
    field.press("Escape")
    page.get_by_role("listbox").wait_for(state="hidden")


def test_a_file_goes_from_the_team_to_validation_and_the_public_page_shows_the_new_perimeter(
    browser, live_server, world
):
    audited: dict[str, list[str]] = {}
    territory, file = world["territory"], world["file"]
    plan_path = f"/espace/plans/{PHASE}/ti-8401/"

    # --- the territory team --------------------------------------------------------------------------------------
    team = Visit(browser, live_server.url, audited)
    team.sign_in("equipe.ain")
    team.page.get_by_role("link", name="Plan d'actions", exact=True).click()
    assert team.page.url.endswith(plan_path)
    assert "Ain industriel" in team.text()
    team.check("plan d'actions")
    team.page.get_by_role("link", name="École de production").click()
    team.check("fiche action")
    team.page.get_by_role("link", name="Modifier la fiche").click()
    assert team.heading() == "Modifier la fiche « École de production »"
    team.check("formulaire de fiche")
    team.page.locator("#id_total_cost").fill("150000")
    team.page.locator("#id_lead_organisation").fill("CA Beta")
    team.page.get_by_role("button", name="Enregistrer").click()
    assert re.search(r"Coût total\s+150[\s\u202f]?000", team.text("#fiche")), team.text("#fiche")
    assert "CA Beta" in team.text()

    team.page.get_by_role("link", name="Gouvernance").first.click()
    assert team.heading().startswith("Gouvernance")
    team.check("gouvernance")
    team.page.get_by_role("link", name="Modifier le binôme, le comité et les partenaires").click()
    team.check("formulaire de gouvernance")
    team.page.locator("#id_elected_name").fill("Nadia Benali")
    team.page.locator("#id_comite-1-name").fill("Sophie Girard")
    team.page.locator("#id_comite-1-organisation").fill("Région Auvergne-Rhône-Alpes")
    team.page.get_by_role("button", name="Enregistrer").click()
    assert "Nadia Benali" in team.text()
    assert "Sophie Girard" in team.text()

    team.goto("/espace/campagnes/")
    team.page.get_by_role("link", name="Ain industriel (ti-8401)").click()
    assert team.heading() == "Dossier de Ain industriel (ti-8401)"
    assert team.text("#file-state") == "Brouillon"
    team.check("dossier (équipe)")
    team.page.get_by_role("link", name="Proposer ou modifier une demande").click()
    assert team.heading() == "Modification du périmètre de Ain industriel"
    _type_place(team.page, "20000000")
    team.page.get_by_role("button", name="Retirer", exact=True).click()
    assert (
        "« 20000000 » désigne plusieurs lieux : CA Beta (200000002), Ain (01), Jura (39); CC Alpha (200000001), "
        "Ain (01); CC Gamma (200000003), Jura (39)." in team.text()
    )
    team.check("demande de périmètre (erreur)")
    _type_place(team.page, "200000002")
    team.page.get_by_label("Motif de la demande").fill("CA Beta rejoint le territoire voisin.")
    team.page.get_by_role("button", name="Vérifier").click()
    assert "EPCI à retirer CA Beta (200000002) — Ain (01), Jura (39)" in " ".join(team.text().split())
    team.page.locator("#perimeter-map[data-loaded]").wait_for()  # drawn from the page's json_script block
    team.check("demande de périmètre (vérification)")
    team.page.get_by_role("button", name="Enregistrer la demande").click()
    assert "Demande de modification du périmètre enregistrée." in team.text()
    assert "Motif : CA Beta rejoint le territoire voisin." in team.text()
    team.page.locator("#perimeter-map[data-loaded]").wait_for()  # drawn from the fetched GeoJSON
    team.page.get_by_role("link", name="Déposer le dossier").click()
    assert team.heading() == "Déposer le dossier de Ain industriel"
    assert "Modification du périmètre demandée" in team.text()
    team.check("récapitulatif avant dépôt")
    team.page.get_by_label("J'ai relu ce récapitulatif").check(force=True)
    team.page.get_by_role("button", name="Confirmer le dépôt").click()
    assert team.text("#file-state") == "Déposé"
    team.check("dossier déposé (équipe)")
    team.close()

    # --- ANCT starts the review ----------------------------------------------------------------------------------
    anct = Visit(browser, live_server.url, audited)
    anct.sign_in("anct.national")
    anct.page.get_by_role("link", name="Campagnes de mise à jour").first.click()
    anct.page.get_by_role("link", name="Mise à jour 2026").click()
    assert anct.heading().startswith("Mise à jour 2026")
    anct.check("tableau de bord")
    anct.page.get_by_role("link", name="Ain industriel (ti-8401)").first.click()
    anct.page.get_by_role("button", name="Commencer l'instruction").click()
    assert anct.text("#file-state") == "En instruction"
    opinions = anct.text("#opinions")
    assert "en attente" in opinions
    anct.check("dossier en instruction (ANCT)")

    # --- the préfecture and the région give their opinions -------------------------------------------------------
    for username, kind, motive in (
        ("prefecture.ain", "Favorable", "Le retrait de CA Beta est cohérent avec le SCoT."),
        ("region.aura", "Réservé", "Vérifier le financement régional de la fiche modifiée."),
    ):
        reviewer = Visit(browser, live_server.url, audited)
        reviewer.sign_in(username)
        reviewer.goto("/espace/campagnes/")
        reviewer.page.get_by_role("link", name="Ain industriel (ti-8401)").click()
        reviewer.check(f"dossier et formulaire d'avis ({username})")
        form = reviewer.page.locator("#opinions form")
        assert form.count() == 1
        assert form.get_by_label("Motivation").get_attribute("required") is not None
        form.get_by_text(kind, exact=True).click()  # DSFR draws the radio on its label
        assert form.get_by_label(kind, exact=True).is_checked()
        form.get_by_label("Motivation").fill(motive)
        form.get_by_role("button", name="Rendre l'avis").click()
        assert "Avis enregistré." in reviewer.text()
        assert motive in reviewer.text("#opinions")
        reviewer.close()

    # --- ANCT sees the differences and validates -----------------------------------------------------------------
    anct.page.reload()
    opinions = anct.text("#opinions")
    assert "Le retrait de CA Beta est cohérent avec le SCoT." in opinions
    assert "Vérifier le financement régional de la fiche modifiée." in opinions
    modified = anct.text("#fiches-modified")
    assert "École de production" in modified
    assert "Coût total (€) : 120\u202f000,00 € → 150\u202f000,00 €" in modified, modified
    assert "Porteur : CC Alpha → CA Beta" in modified, modified
    changes = anct.text("#governance-changes")
    assert "Binôme (élu·e : nom) : Anne Durand → Nadia Benali" in changes, changes
    assert "Comité de pilotage, arrivée : Sophie Girard (Région Auvergne-Rhône-Alpes)" in changes
    perimeter = anct.text("main")
    assert "Motif : CA Beta rejoint le territoire voisin." in perimeter
    assert "39001" in perimeter  # Epsilon leaves with CA Beta
    anct.check("dossier avec avis (ANCT)")
    anct.page.get_by_role(
        "link", name="Valider le dossier…"
    ).click()  # the confirmation: tests/browser/test_validation_path.py
    anct.page.get_by_text("Je valide le dossier sans les avis non rendus").click()
    anct.page.get_by_role("button", name="Valider le dossier").click()
    assert anct.text("#file-state") == "Validé"
    assert "Version du périmètre\n2 (COG 2026)" in anct.text("#approved-figures")
    anct.check("dossier validé (ANCT)")
    anct.close()

    # --- the public page of the territory ------------------------------------------------------------------------
    public = Visit(browser, live_server.url, audited)
    public.goto(f"/territoires/{PHASE}/ti-8401/")
    assert public.heading().startswith("Ain industriel")
    assert "Composition déclarée (version 2" in public.text()
    versions = public.text("#versions")
    assert "CA Beta rejoint le territoire voisin." in versions
    public.check("page publique du territoire")
    public.close()

    assert type(file).objects.get(pk=file.pk).state == "valide"
    assert territory.versions.count() == 2

    failures = [line for lines in audited.values() for line in lines]
    assert not failures, "axe-core, serious or critical violations:\n" + "\n".join(failures)
