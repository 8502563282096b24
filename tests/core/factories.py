"""Factories for people and organisations, one per role of the permission tests."""

import factory

from pilote.core.enums import OrganisationKind, Role
from pilote.core.models import Organisation, RoleAssignment, User


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ANCT
    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gouv.fr")

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        """Hashed and saved: sign-in needs it, and force_login checks the session hash against the saved one."""
        user.set_password(extracted or "motdepasse-de-test")
        if create:
            user.save(update_fields=["password"])


def user_with_role(role: Role, **scope) -> User:
    user = UserFactory()
    RoleAssignment.objects.create(user=user, role=role, **scope)
    return user
