"""Issue 12, inboxes and opinions per organisation, in Chromium: the préfecture of the Ain, the SGAR and the conseil
régional Auvergne-Rhône-Alpes each find the file in their « À traiter » (header and inbox), open it and give their
own opinion — by clicking a radio, or by keyboard — and then find nothing more to do. axe-core on every page state:
no serious or critical violation. Screenshots of the inbox and the file go to docs/screenshots/ for the README
(`PILOTE_SCREENSHOTS=1`)."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone

from pilote.campaigns.models import Opinion, TerritoryFile
from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser

# The README's screenshots are written when PILOTE_SCREENSHOTS=1 (a plain run leaves the work tree alone).
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PEOPLE = {
    "prefecture.ain": (Role.DEPARTEMENT_REVIEWER, OrganisationKind.PREFECTURE_DEPARTEMENT, "Préfecture de l'Ain", "01"),
    "sgar.aura": (Role.REGION_REVIEWER, OrganisationKind.PREFECTURE_REGION, "SGAR Auvergne-Rhône-Alpes", "84"),
    "region.aura": (Role.REGION_REVIEWER, OrganisationKind.CONSEIL_REGIONAL, "Région Auvergne-Rhône-Alpes", "84"),
}


@pytest.fixture
def file_in_review(mini_world, transactional_db):
    team = person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    anct = person("anct.national", Role.NATIONAL)
    for username, (role, kind, name, code) in PEOPLE.items():
        scope = {"departement_code": code} if role == Role.DEPARTEMENT_REVIEWER else {"region_code": code}
        person(username, role, organisation=(kind, name), **scope)
    today = timezone.localdate()
    campaign = campaign_open(
        name="Mise à jour 2026",
        phase=Phase.objects.get(slug=PHASE),
        territories=list(Territory.objects.filter(phase__slug=PHASE).order_by("code")),
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=anct,
    )
    file = campaign.files.get(territory__code="ti-8401")
    file.run("submit", by=team)
    TerritoryFile.objects.get(pk=file.pk).run("start_review", by=anct)
    return TerritoryFile.objects.get(pk=file.pk)


def _shot(visit: Visit, name: str) -> None:
    if not os.environ.get("PILOTE_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.locator("main").screenshot(path=str(SCREENSHOTS / f"{name}.png"), scale="css")


def _give(visit: Visit, kind: str, motive: str, *, by_keyboard: bool) -> None:
    form = visit.page.locator("#opinions form")
    assert form.count() == 1  # only the request of the person's own organisation offers a form
    if by_keyboard:
        # From the « Avis » heading, Tab lands on the first radio; the arrow keys move the choice.
        visit.page.get_by_role("heading", name="Avis", exact=True).click()
        visit.page.keyboard.press("Tab")
        assert visit.page.evaluate("document.activeElement.value") == "favorable"
        visit.page.keyboard.press("ArrowRight")
        assert visit.page.evaluate("document.activeElement.value") == "reserve"
        assert kind == "Réservé"
    else:
        form.get_by_text(kind, exact=True).click()  # DSFR draws the radio on its label
    assert form.get_by_label(kind, exact=True).is_checked()
    form.get_by_label("Motivation").fill(motive)
    visit.check(f"formulaire d'avis rempli ({kind})")
    form.get_by_role("button", name="Rendre l'avis").click()
    assert "Avis enregistré." in visit.text()


def test_the_prefecture_the_sgar_and_the_region_each_find_and_give_their_own_opinion(
    browser, live_server, file_in_review
):
    audited: dict[str, list[str]] = {}
    steps = [
        ("prefecture.ain", "Favorable", "Le retrait de CA Beta est cohérent avec le SCoT.", False),
        ("sgar.aura", "Réservé", "L'État demande de préciser le financement du chef de projet.", True),
        ("region.aura", "Favorable", "La Région cofinancera la fiche École de production.", False),
    ]
    for n, (username, kind, motive, by_keyboard) in enumerate(steps):
        visit = Visit(browser, live_server.url, audited)
        visit.sign_in(username)
        header = visit.page.locator("#header-todo")
        assert header.inner_text() == "À traiter (1)"
        assert "1 avis attendu de votre organisme" in visit.text("#todo")
        visit.check(f"mon espace ({username})")
        header.click()
        visit.page.wait_for_url(f"{live_server.url}/espace/campagnes/?todo=1")
        row = visit.page.locator(f"#file-{file_in_review.pk}")
        assert "Votre avis, avant le" in row.inner_text()
        visit.check(f"à traiter ({username})")
        if n == 0:
            _shot(visit, "inbox-prefecture")
        row.get_by_role("link", name="Ain industriel (ti-8401)").click()
        visit.check(f"dossier ({username})")
        _give(visit, kind, motive, by_keyboard=by_keyboard)
        if n == 1:
            _shot(visit, "opinion-given-sgar")
        visit.goto("/espace/campagnes/")
        assert "Rien ne vous attend pour l'instant." in visit.text("#todo-summary")
        assert visit.page.locator("#header-todo").count() == 0
        visit.check(f"plus rien à traiter ({username})")
        visit.close()

    given = {
        (o.request.organisation.name, o.kind, o.author.username)
        for o in Opinion.objects.select_related("request__organisation", "author")
    }
    assert given == {
        ("Préfecture de l'Ain", "favorable", "prefecture.ain"),
        ("SGAR Auvergne-Rhône-Alpes", "reserve", "sgar.aura"),
        ("Région Auvergne-Rhône-Alpes", "favorable", "region.aura"),
    }
    problems = [line for lines in audited.values() for line in lines]
    assert not problems, "\n".join(problems)
