"""Governance contacts (issue 12, point 10): e-mail and phone of the binôme, the chef de projet and the committee are
personal data — saved, audited and shown in scope, never on public pages or in the API —, and the territory's generic
address is the public « Qui contacter »."""

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from pilote.core.enums import Role
from pilote.core.models import AuditEvent
from pilote.plans.history import VOCABULARY
from pilote.territories.models import Binome, CommitteeMember, ProjectLead
from pilote.territories.models.governance import normalise_phone

from ..core.factories import user_with_role
from .conftest import url
from .factories import governance

PERSONAL = [
    "anne.durand@cc-alpha.fr",
    "06 12 34 56 78",
    "paul@morel.fr",
    "04 75 00 11 22",
    "lea.petit@cc-alpha.fr",
    "07 01 02 03 04",
    "marc.roux@ain.gouv.fr",
    "03 85 10 20 30",
]
GENERIC = "contact@ti-ain.fr"


def _with_contacts(t) -> None:
    governance(t)
    Binome.objects.filter(territory=t).update(
        elected_email=PERSONAL[0],
        elected_phone=PERSONAL[1],
        industrialist_email=PERSONAL[2],
        industrialist_phone=PERSONAL[3],
        contact_email=GENERIC,
    )
    ProjectLead.objects.filter(territory=t).update(email=PERSONAL[4], phone=PERSONAL[5])
    CommitteeMember.objects.filter(territory=t).update(email=PERSONAL[6], phone=PERSONAL[7])


def _binome_post(**extra) -> dict:
    binome = Binome.objects.get()
    return {
        "revision": str(binome.revision),
        "elected_name": "Anne Durand",
        "elected_function": "Présidente",
        "elected_organisation": "CC Alpha",
        "industrialist_name": "Paul Morel",
        "industrialist_company": "Morel Usinage",
        "industrialist_siren": "123456789",
        "comite-TOTAL_FORMS": "1",
        "comite-INITIAL_FORMS": "1",
        "comite-0-id": str(CommitteeMember.objects.get().pk),
        "comite-0-territory": str(binome.territory_id),
        "comite-0-name": "Marc Roux",
        "comite-0-organisation": "Préfecture de l'Ain",
        "comite-0-role": "Sous-préfet",
        "partenaires-TOTAL_FORMS": "0",
        "partenaires-INITIAL_FORMS": "0",
        **extra,
    }


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)6 12 34 56 78", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("0033 4 75 00 11 22", "04 75 00 11 22"),
        ("", ""),
    ],
)
def test_french_phone_numbers_are_stored_normalised(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "+44 20 7946 0958", "06 12 34 56 7", "00 12 34 56 78", "Ardèche"])
def test_other_phone_numbers_are_refused(typed):
    with pytest.raises(ValidationError):
        normalise_phone(typed)


def test_the_database_refuses_an_unnormalised_phone(ain):
    governance(ain)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProjectLead.objects.filter(territory=ain).update(phone="0612345678")


def test_team_saves_binome_and_committee_contacts_normalised_and_audited(team_client, ain):
    governance(ain)
    data = _binome_post(
        elected_email="anne.durand@cc-alpha.fr",
        elected_phone="+33 6 12 34 56 78",
        industrialist_phone="0475001122",
        contact_email=GENERIC,
        **{"comite-0-email": "marc.roux@ain.gouv.fr", "comite-0-phone": "03.85.10.20.30"},
    )
    response = team_client.post(url("governance_edit", ain), data)
    assert response.status_code == 302
    binome = Binome.objects.get()
    assert (binome.elected_email, binome.elected_phone, binome.industrialist_phone, binome.contact_email) == (
        "anne.durand@cc-alpha.fr",
        "06 12 34 56 78",
        "04 75 00 11 22",
        GENERIC,
    )
    assert CommitteeMember.objects.get().phone == "03 85 10 20 30"
    assert AuditEvent.objects.get(action="binome.update").changes["elected_phone"] == ["", "06 12 34 56 78"]
    assert AuditEvent.objects.get(action="committee.update").changes == {
        "committee_members": [
            ["Marc Roux (Préfecture de l'Ain, Sous-préfet)"],
            ["Marc Roux (Préfecture de l'Ain, Sous-préfet) — marc.roux@ain.gouv.fr, 03 85 10 20 30"],
        ]
    }
    page = html.unescape(team_client.get(url("governance", ain)).content.decode())
    assert "Élu·e : téléphone" in page  # the history names the field in French, never `elected_phone`
    assert "elected_phone" not in page


def test_a_bad_phone_or_email_is_refused_in_french_and_nothing_is_saved(team_client, ain):
    governance(ain)
    revision = Binome.objects.get().revision
    response = team_client.post(url("governance_edit", ain), _binome_post(elected_phone="12 34", elected_email="anne@"))
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Numéro de téléphone invalide" in page
    assert "Saisissez une adresse de courriel valide." in page
    assert Binome.objects.get().revision == revision


def test_the_chef_de_projet_contact_is_saved_through_its_revision(team_client, ain):
    governance(ain)
    lead = ProjectLead.objects.get()
    data = {
        "lead": str(lead.pk),
        "revision": str(lead.revision),
        "name": "Léa Petit",
        "employer": "CC Alpha",
        "email": "lea.petit@cc-alpha.fr",
        "phone": "+33701020304",
        "started_on": "2023-09-01",
        "full_time_share": "0,8",
        "state_funding": "20000",
        "epci_funding": "20000",
    }
    assert team_client.post(url("project_lead", ain), data).status_code == 302
    lead.refresh_from_db()
    assert (lead.email, lead.phone, lead.revision) == ("lea.petit@cc-alpha.fr", "07 01 02 03 04", 2)
    assert AuditEvent.objects.get(action="project_lead.update").changes == {
        "email": ["", "lea.petit@cc-alpha.fr"],
        "phone": ["", "07 01 02 03 04"],
    }
    stale = {**data, "phone": "0600000000"}  # opened before the save above
    assert team_client.post(url("project_lead", ain), stale).status_code == 409
    lead.refresh_from_db()
    assert lead.phone == "07 01 02 03 04"


def test_contact_fields_have_french_history_labels():
    for name in [
        "elected_email",
        "elected_phone",
        "industrialist_email",
        "industrialist_phone",
        "contact_email",
        "email",
        "phone",
    ]:
        assert name in VOCABULARY.labels, name


@pytest.mark.parametrize("role", [Role.REGION_REVIEWER, Role.TERRITORY_TEAM])
def test_contacts_are_shown_to_signed_in_people_in_scope(client, ain, role):
    _with_contacts(ain)
    scope = (
        {"region_code": "84"}
        if role == Role.REGION_REVIEWER
        else {"phase_slug": "2023-2027", "territory_code": "ti-8401"}
    )
    client.force_login(user_with_role(role, **scope))
    page = html.unescape(client.get(url("governance", ain)).content.decode())
    for value in PERSONAL + [GENERIC]:
        assert value in page, value


def test_an_outsider_never_sees_the_contacts(client, ain):
    _with_contacts(ain)
    client.force_login(user_with_role(Role.TERRITORY_TEAM, phase_slug="2023-2027", territory_code="ti-2701"))
    response = client.get(url("governance", ain))
    assert response.status_code == 404
    assert not any(value in html.unescape(response.content.decode()) for value in PERSONAL)


def test_the_public_page_shows_the_generic_address_and_no_personal_data(client, ain):
    _with_contacts(ain)
    page = html.unescape(client.get(reverse("territories:detail", args=[ain.phase.slug, ain.code])).content.decode())
    assert re.search(r"Qui contacter.*" + re.escape(GENERIC), page, re.S)
    for value in PERSONAL:
        assert value not in page, value


def test_the_public_page_says_when_no_address_was_given(client, ain):
    governance(ain)
    page = html.unescape(client.get(reverse("territories:detail", args=[ain.phase.slug, ain.code])).content.decode())
    assert "Le territoire n'a pas indiqué d'adresse de contact." in page


def test_the_api_never_gives_the_contacts(client, ain):
    _with_contacts(ain)
    paths = client.get("/api/openapi.json").json()["paths"]
    asked = 0
    for path, operations in paths.items():
        if "get" not in operations or set(re.findall(r"{(\w+)}", path)) - {"phase", "code"}:
            continue
        response = client.get(path.format(phase=ain.phase.slug, code=ain.code))
        asked += response.status_code == 200
        body = response.content.decode()
        for value in PERSONAL + [GENERIC]:
            assert value not in body, (path, value)
    assert asked >= 3  # the territory's routes did answer
