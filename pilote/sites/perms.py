"""Who may do what on the sites. Banque des Territoires is not a new role: its people hold the operator role and
belong to the organisation of the Banque des Territoires operator (`Operator.BANQUE_DES_TERRITOIRES`, which exists),
so that it stays one operator among others for the rest of the platform while the sites give it its own rights:
read every site, co-instruct (its opinion is asked on every site in review), co-decide the labelling and adopt a
selection with ANCT. The pool, a site's page, the labelled sites, their map, exports and API are public: the facts
come from open data (Cartofriches, Fonds friches, CNIG files) or were proposed to be public."""

from pilote.core.enums import Operator, Role
from pilote.core.perms import assignments, departement_codes, is_national, region_codes, team_territories


def is_bdt(user) -> bool:
    # The role first: it is read once per request, the organisation only for operators (the header's « À traiter »
    # asks on every page).
    if not any(a.role == Role.OPERATOR for a in assignments(user)):
        return False
    organisation = user.organisation
    return organisation is not None and organisation.operator == Operator.BANQUE_DES_TERRITOIRES


def in_scope(user, site) -> bool:
    """The site lies in the user's région, département or territory (ANCT: everywhere)."""
    if is_national(user):
        return True
    territories = {(phase, code) for phase, code in (site.territories or {}).items()}
    return (
        site.region_code in region_codes(user)
        or site.departement_code in departement_codes(user)
        or bool(territories & team_territories(user))
    )


def can_propose_site(user) -> bool:
    """Territory teams and State services (in their scope, checked on the commune chosen) and ANCT."""
    return is_national(user) or any(
        a.role in (Role.TERRITORY_TEAM, Role.REGION_REVIEWER, Role.DEPARTEMENT_REVIEWER) for a in assignments(user)
    )


def can_see_labelling(user, site) -> bool:
    return is_bdt(user) or in_scope(user, site)


def can_steer_labelling(user) -> bool:
    """Shortlist a site and open its review: ANCT."""
    return is_national(user)


def can_decide_labelling(user) -> bool:
    """Label, postpone or refuse a site in review: ANCT and Banque des Territoires decide together (a label also
    needs the favourable opinion of Banque des Territoires, see `Site.label`)."""
    return is_national(user) or is_bdt(user)


def can_give_label_opinion(user, request) -> bool:
    return (
        user.is_authenticated and user.organisation_id is not None and user.organisation_id == request.organisation_id
    )


def can_edit_milestones(user, site) -> bool:
    """The steps to « ready to host »: ANCT, Banque des Territoires and the team of the site's territory."""
    if is_national(user) or is_bdt(user):
        return True
    return bool({(phase, code) for phase, code in (site.territories or {}).items()} & team_territories(user))


def can_see_dashboard(user) -> bool:
    return is_national(user) or is_bdt(user)


def proposal_in_scope(user, place) -> bool:
    """A proposal's commune (a `places.Place`) lies in the proposer's scope."""
    if is_national(user):
        return True
    territories = set(place.territories.items())
    return (
        place.region in region_codes(user)
        or place.departement in departement_codes(user)
        or bool(territories & team_territories(user))
    )


# --- sselect: the selections of 50 sites ---
def can_build_selection(user) -> bool:
    """ANCT builds selections from the pool."""
    return is_national(user)


def can_view_selections(user) -> bool:
    """ANCT and Banque des Territoires read the selections, compare them and adopt one."""
    return is_national(user) or is_bdt(user)


def can_adopt_selection(user) -> bool:
    return can_view_selections(user)


# --- spublic ---
def can_view_sites(user) -> bool:
    """The pool, the site pages and the labelled sites: everyone, visitors included."""
    return True


# --- sscore: the qualification method ---
def can_view_method(user) -> bool:
    """The qualification method and the scores it gives are public: what a score means must be readable by all."""
    return True


def can_edit_method(user) -> bool:
    """ANCT publishes new versions of the qualification method."""
    return is_national(user)
