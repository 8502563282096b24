"""Who may see and do what with the programme's money. Used by views, templates and the API.

ANCT steers everything (years, national envelopes, scenarios, parameters, Rebond designations, any commitment);
operators follow (read only); a regional reviewer commits on the envelopes of their régions and delegates them to
départements; a départemental reviewer commits on the envelopes of their départements. Territory teams see the
money of their territory on its public page.
"""

from pilote.core.enums import Role
from pilote.core.perms import departement_codes, has_role, is_national, region_codes

from .enums import CommitmentStatus, EnvelopeLevel


def sees_whole_budget(user) -> bool:
    """ANCT and operators see every envelope and commitment; the others those of their places."""
    return is_national(user) or has_role(user, Role.OPERATOR)


def can_view_budget(user) -> bool:
    return user.is_authenticated and (
        is_national(user)
        or has_role(user, Role.OPERATOR)
        or has_role(user, Role.REGION_REVIEWER)
        or has_role(user, Role.DEPARTEMENT_REVIEWER)
    )


def can_steer(user) -> bool:
    """Open a year, delegate national envelopes, scenarios, parameters, Rebond designations: ANCT only."""
    return is_national(user)


def can_delegate(user, envelope) -> bool:
    """Take a sub-envelope from `envelope`: ANCT down to régions; a regional reviewer from their région's envelope to
    its départements."""
    if envelope.level == EnvelopeLevel.DEPARTEMENT:
        return False
    if is_national(user):
        return True
    return envelope.level == EnvelopeLevel.REGION and envelope.region_code in region_codes(user)


def can_change_amounts(user, envelope) -> bool:
    """Change an envelope's AE/CP: whoever delegated it (the programme's total: ANCT)."""
    if envelope.parent is None:
        return is_national(user)
    return can_delegate(user, envelope.parent)


def can_commit(user, envelope) -> bool:
    """Propose, commit and pay on `envelope`: ANCT anywhere below the programme; reviewers on their places."""
    if envelope.level == EnvelopeLevel.PROGRAMME:
        return False
    if is_national(user):
        return True
    if envelope.level == EnvelopeLevel.REGION:
        return envelope.region_code in region_codes(user)
    if envelope.level == EnvelopeLevel.DEPARTEMENT:
        return envelope.region_code in region_codes(user) or envelope.departement_code in departement_codes(user)
    return False


def can_edit_commitment(user, commitment) -> bool:
    return commitment.status != CommitmentStatus.CANCELLED and can_commit(user, commitment.envelope)


def can_pay(user, commitment) -> bool:
    return commitment.status == CommitmentStatus.COMMITTED and can_commit(user, commitment.envelope)
