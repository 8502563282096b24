"""ANCT opens accounts in the admin: person, organisation, roles on a scope; the audit trail is read only."""

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import RoleAssignment, User

from .factories import OrganisationFactory


def test_staff_creates_an_account_with_its_organisation_and_role(admin_client, db):
    org = OrganisationFactory(kind=OrganisationKind.PREFECTURE_DEPARTEMENT, name="Préfecture de l'Ain")
    user = User.objects.create_user("agent.ain", email="agent.ain@example.gouv.fr")
    prefix = "roles"
    response = admin_client.post(
        f"/admin/core/user/{user.pk}/change/",
        {
            "username": "agent.ain",
            "email": "agent.ain@example.gouv.fr",
            "organisation": org.pk,
            "is_active": "on",
            "date_joined_0": "01/01/2025",
            "date_joined_1": "10:00:00",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-role": Role.DEPARTEMENT_REVIEWER,
            f"{prefix}-0-departement_code": "01",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.organisation == org
    assert list(RoleAssignment.objects.filter(user=user).values_list("role", "departement_code")) == [
        (Role.DEPARTEMENT_REVIEWER, "01")
    ]


def test_a_role_without_its_scope_is_refused(admin_client, db):
    user = User.objects.create_user("sans.perimetre")
    response = admin_client.post(
        f"/admin/core/user/{user.pk}/change/",
        {
            "username": "sans.perimetre",
            "is_active": "on",
            "date_joined_0": "01/01/2025",
            "date_joined_1": "10:00:00",
            "roles-TOTAL_FORMS": "1",
            "roles-INITIAL_FORMS": "0",
            "roles-0-role": Role.REGION_REVIEWER,
        },
    )
    assert response.status_code == 200  # re-displayed with the constraint's error, nothing saved
    assert not RoleAssignment.objects.exists()


def test_audit_trail_is_read_only(admin_client, db):
    assert admin_client.get("/admin/core/auditevent/").status_code == 200
    assert admin_client.get("/admin/core/auditevent/add/").status_code == 403


def test_one_account_per_email_address_whatever_its_case(admin_client, db):
    User.objects.create_user("premier", email="agent@example.gouv.fr")
    User.objects.create_user("sans.adresse.1")
    User.objects.create_user("sans.adresse.2")  # accounts without an address are not concerned
    second = User.objects.create_user("second")
    response = admin_client.post(
        f"/admin/core/user/{second.pk}/change/",
        {
            "username": "second",
            "email": "Agent@Example.gouv.fr",
            "is_active": "on",
            "date_joined_0": "01/01/2025",
            "date_joined_1": "10:00:00",
            "roles-TOTAL_FORMS": "0",
            "roles-INITIAL_FORMS": "0",
        },
    )
    assert "Un compte utilise déjà cette adresse e-mail." in response.content.decode()
    second.refresh_from_db()
    assert second.email == ""
