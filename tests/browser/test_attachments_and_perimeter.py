"""In Chromium: a document attached by the team is downloaded by the instructor; a perimeter request is built by
typing a name in the combobox (keyboard only) and by clicking a commune of the map. axe-core on every page state;
screenshots in docs/screenshots/ for the README."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from pilote.campaigns.models import FileAttachment
from pilote.campaigns.services import campaign_open
from pilote.core.enums import Role
from pilote.territories.models import Phase, Territory

from ..core.documents import PDF
from .support import PHASE, SCREENSHOTS, Visit, person

pytestmark = pytest.mark.browser


@pytest.fixture
def draft(mini_world, transactional_db):
    person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    person("prefecture.ain", Role.DEPARTEMENT_REVIEWER, departement_code="01")
    anct = person("anct.national", Role.NATIONAL)
    today = timezone.localdate()
    campaign = campaign_open(
        name="Mise à jour 2026",
        phase=Phase.objects.get(slug=PHASE),
        territories=list(Territory.objects.filter(phase__slug=PHASE, code__in=["ti-8401", "ti-2701"])),
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=anct,
    )
    return campaign.files.get(territory__code="ti-8401")


def _no_violations(audited: dict):
    problems = [line for lines in audited.values() for line in lines]
    assert not problems, "\n".join(problems)


def test_the_team_attaches_a_deliberation_that_the_prefecture_downloads(browser, live_server, draft, tmp_path):
    audited: dict[str, list[str]] = {}
    document = tmp_path / "Délibération du 3 mars.pdf"
    document.write_bytes(PDF)
    team = Visit(browser, live_server.url, audited)
    team.sign_in("equipe.ain")
    team.goto(f"/espace/campagnes/dossiers/{draft.pk}/")
    page = team.page
    form = page.locator("#attachment-form")
    form.get_by_label("Nature de la pièce").select_option(label="Délibération")
    form.get_by_label("Titre").fill("Délibération du conseil communautaire")
    form.get_by_label("Fichier").set_input_files(str(document))
    form.get_by_role("button", name="Ajouter la pièce").click()
    page.wait_for_url("**/#attachments")
    assert "Pièce jointe ajoutée : « Délibération du conseil communautaire »." in team.text()
    listed = page.locator("#attachment-list").inner_text()
    assert "Délibération du conseil communautaire" in listed and "Délibération du 3 mars.pdf" in listed
    team.check("dossier avec sa pièce jointe")
    page.locator("#attachments").screenshot(path=str(SCREENSHOTS / "pieces-jointes-equipe.png"))
    team.close()

    prefecture = Visit(browser, live_server.url, audited)
    prefecture.sign_in("prefecture.ain")
    prefecture.goto(f"/espace/campagnes/dossiers/{draft.pk}/")
    prefecture.check("dossier lu par la préfecture")
    assert prefecture.page.locator("#attachment-form").count() == 0  # a draft is the team's to fill
    with prefecture.page.expect_download() as caught:
        prefecture.page.get_by_role("link", name="Délibération du conseil communautaire").click()
    download = caught.value
    assert download.suggested_filename == "Délibération du 3 mars.pdf"
    assert Path(download.path()).read_bytes() == PDF
    assert FileAttachment.objects.get(file=draft).uploaded_by.username == "equipe.ain"
    prefecture.close()
    _no_violations(audited)


def test_a_perimeter_request_is_built_with_the_keyboard_and_the_map(browser, live_server, draft):
    audited: dict[str, list[str]] = {}
    team = Visit(browser, live_server.url, audited)
    team.sign_in("equipe.ain")
    team.goto(f"/espace/campagnes/dossiers/{draft.pk}/perimetre/")
    page = team.page
    team.check("demande de périmètre vide")
    assert "EPCI CC Alpha (200000001) — Ain (01)" in page.locator("#composition").inner_text()

    # The keyboard: type part of a name, go down the suggestions, choose, then press « Retirer ».
    field = page.get_by_role("combobox", name="Retirer un EPCI ou une commune")
    field.press_sequentially("epsi", delay=50)
    option = page.get_by_role("option", name="Commune Epsilon (39001) Jura (39) — déjà dans le territoire")
    option.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    team.check("suggestions du combobox")
    page.screenshot(path=str(SCREENSHOTS / "perimetre-combobox.png"))
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == option.get_attribute("id")
    field.press("Enter")
    assert field.input_value() == "Epsilon (39001)"
    field.press("Tab")
    page.keyboard.press("Enter")  # the « Retirer » button next to the field
    page.wait_for_selector("#line-remove_communes li:has-text('Epsilon (39001)')")
    assert "Epsilon (39001) — Jura (39)" in page.locator("#line-remove_communes").inner_text()
    assert "4 → 3" in page.locator("#perimeter-figures").inner_text()
    team.check("demande avec une commune retirée")

    # The map: a click on Zeta, a neighbour held by the other territory, adds it; the check names the conflict.
    page.wait_for_selector("#perimeter-map[data-communes]")
    page.wait_for_function("document.getElementById('perimeter-map').dataset.communes > 0")
    page.locator("path.ti-commune-39002").click()
    page.wait_for_selector("#line-add_communes li:has-text('Zeta (39002)')")
    errors = page.locator("#perimeter-errors").inner_text()
    assert "La commune Zeta (39002) fait déjà partie du territoire Nouveau Jura (ti-2701) de la même phase." in errors
    legend = page.get_by_role("list", name="Légende de la carte").inner_text()
    assert "Communes ajoutées par la demande" in legend and "Communes retirées par la demande" in legend
    team.check("demande avec un conflit nommé")
    page.screenshot(path=str(SCREENSHOTS / "perimetre-carte.png"), full_page=True)
    team.close()
    _no_violations(audited)
