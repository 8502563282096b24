"""Who may see and do what with the industrial sites.

--- spublic ---
The pool of candidate sites, a site's page with its facts and score, the labelled sites, their map, exports and API
are public: the facts come from open data (Cartofriches, Fonds friches, CNIG files) or were proposed to be public."""

from pilote.core.enums import Operator, OrganisationKind
from pilote.core.perms import is_national


# --- sselect: the selections of 50 sites ---------------------------------------------------------------------------
def is_banque_des_territoires(user) -> bool:
    """A member of a Banque des Territoires organisation (an operator organisation naming it)."""
    organisation = getattr(user, "organisation", None) if user.is_authenticated else None
    return bool(
        organisation
        and organisation.kind == OrganisationKind.OPERATOR
        and organisation.operator == Operator.BANQUE_DES_TERRITOIRES
    )


def can_build_selection(user) -> bool:
    """ANCT builds selections from the pool."""
    return is_national(user)


def can_view_selections(user) -> bool:
    """ANCT and Banque des Territoires read the selections, compare them and adopt one."""
    return is_national(user) or is_banque_des_territoires(user)


def can_adopt_selection(user) -> bool:
    return can_view_selections(user)


# --- spublic -------------------------------------------------------------------------------------------------------


def can_view_sites(user) -> bool:
    """The pool, the site pages and the labelled sites: everyone, visitors included."""
    return True
