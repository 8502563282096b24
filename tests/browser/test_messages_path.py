"""A message goes back and forth on a file between its team and a regional instructor, in Chromium: each side is
e-mailed (outbox), sees the other's message marked « Non lu » once, and finds the e-mail on « Mes notifications ».
axe-core on every page state, no serious or critical violation. With PILOTE_SCREENSHOTS=1 the screenshots are
written to docs/screenshots/ (for the README), otherwise to the test's temporary folder."""

import datetime
import os
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from pilote.campaigns.models import TerritoryFile
from pilote.campaigns.services import campaign_open
from pilote.core.enums import OrganisationKind, Role
from pilote.territories.models import Phase, Territory

from .support import PHASE, Visit, person

pytestmark = pytest.mark.browser
DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def file_in_review(mini_world, transactional_db):
    team = person("equipe.ain", Role.TERRITORY_TEAM, phase_slug=PHASE, territory_code="ti-8401")
    anct = person("anct.national", Role.NATIONAL)
    sgar = (OrganisationKind.PREFECTURE_REGION, "SGAR Auvergne-Rhône-Alpes")
    person("region.aura", Role.REGION_REVIEWER, organisation=sgar, region_code="84")  # asked for its opinion
    today = timezone.localdate()
    campaign = campaign_open(
        name="Mise à jour 2026",
        phase=Phase.objects.get(slug=PHASE),
        territories=list(Territory.objects.filter(phase__slug=PHASE, code="ti-8401")),
        submission_deadline=today + datetime.timedelta(days=10),
        opinion_deadline=today + datetime.timedelta(days=20),
        actor=anct,
    )
    file = campaign.files.get()
    file.run("submit", by=team)
    TerritoryFile.objects.get(pk=file.pk).run("start_review", by=anct)
    mail.outbox.clear()
    return file


@pytest.fixture
def shots(tmp_path):
    folder = DOCS if os.environ.get("PILOTE_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return lambda visit, name: visit.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def _send(visit, text: str):
    visit.page.get_by_label("Votre message").fill(text)
    visit.page.get_by_role("button", name="Envoyer le message").click()
    visit.page.wait_for_url("**#messages")


def _unread(visit) -> list[str]:
    return visit.page.locator("#thread li.ti-unread .fr-text--md").all_inner_texts()


def test_a_message_goes_back_and_forth_with_its_unread_mark_and_e_mails(browser, live_server, file_in_review, shots):
    audited: dict[str, list[str]] = {}
    file_url = f"/espace/campagnes/dossiers/{file_in_review.pk}/"
    subject = "[Pilote TI] Nouveau message : Ain industriel (ti-8401)"

    team = Visit(browser, live_server.url, audited)
    team.sign_in("equipe.ain")
    team.goto(file_url)
    team.page.get_by_label("Votre message").fill("   ")  # blank: refused in French by the server, nothing sent
    team.page.get_by_role("button", name="Envoyer le message").click()
    assert "Écrivez votre message avant de l'envoyer." in team.text("#message-form")
    team.check("message vide refusé")
    _send(team, "La délibération du conseil communautaire arrive vendredi.")
    assert "Message envoyé." in team.text()
    assert _unread(team) == []  # one's own message is never unread
    team.check("fil après envoi (équipe)")
    shots(team, "messages-1-equipe-envoie")
    assert sorted((m.subject, m.to[0]) for m in mail.outbox) == sorted(
        (subject, f"{name}@example.gouv.fr") for name in ("anct.national", "region.aura")
    )

    instructor = Visit(browser, live_server.url, audited)
    instructor.sign_in("region.aura")
    instructor.goto("/espace/campagnes/")
    assert "1 message non lu" in instructor.text("#files").lower()  # DSFR badges are drawn in capitals
    instructor.check("campagnes avec message non lu")
    instructor.page.get_by_role("link", name="Ain industriel (ti-8401)").click()
    assert _unread(instructor) == ["La délibération du conseil communautaire arrive vendredi."]
    assert instructor.text("#unread-count").lower() == "1 non lu"
    instructor.check("fil avec message non lu (instructeur)")
    shots(instructor, "messages-2-instructeur-non-lu")
    mail.outbox.clear()
    _send(instructor, "Merci : nous l'examinerons en comité régional.")
    assert _unread(instructor) == []  # read once, no longer marked
    assert [(m.subject, m.to) for m in mail.outbox if "equipe.ain@example.gouv.fr" in m.to] == [
        (subject, ["equipe.ain@example.gouv.fr"])
    ]

    team.goto(file_url)
    assert _unread(team) == ["Merci : nous l'examinerons en comité régional."]
    team.check("fil avec la réponse non lue (équipe)")
    shots(team, "messages-3-equipe-reponse")
    team.goto("/espace/notifications/")
    assert team.heading() == "Mes notifications"
    assert subject in team.text("#notifications")
    team.page.get_by_text("Lire le message").first.click()
    assert "Merci : nous l'examinerons en comité régional." in team.text("#notifications")
    team.check("mes notifications")
    shots(team, "messages-4-mes-notifications")

    team.close()
    instructor.close()
    problems = [line for lines in audited.values() for line in lines]
    assert not problems, "\n".join(problems)
