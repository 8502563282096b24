"""Permission helpers on roles and scopes. Domain apps build their own `perms.py` on these."""

from .enums import Role


def assignments(user) -> list:
    """The user's role assignments, read once per request (cached on the user object)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_role_cache"):
        user._role_cache = list(user.roles.all())
    return user._role_cache


def has_role(user, role: Role) -> bool:
    return any(a.role == role for a in assignments(user))


def is_national(user) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.NATIONAL))


def region_codes(user, role: Role = Role.REGION_REVIEWER) -> set[str]:
    return {a.region_code for a in assignments(user) if a.role == role and a.region_code}


def departement_codes(user, role: Role = Role.DEPARTEMENT_REVIEWER) -> set[str]:
    return {a.departement_code for a in assignments(user) if a.role == role and a.departement_code}


def team_territories(user) -> set[tuple[str, str]]:
    """(phase slug, territory code) of the territories whose team the user belongs to."""
    return {(a.phase_slug, a.territory_code) for a in assignments(user) if a.role == Role.TERRITORY_TEAM}
