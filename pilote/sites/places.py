"""Where a site lies: its commune of the platform's edition, the EPCI, département and région of that commune, and the
territory of each phase whose current perimeter holds it — read from the stored resolutions, never by name."""

from dataclasses import dataclass, field

from django.conf import settings

from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, EpciMembership
from pilote.territories.models import Resolution


@dataclass
class Place:
    commune_code: str
    commune_name: str
    epci_siren: str = ""
    departement_code: str = ""
    region_code: str = ""
    territories: dict = field(default_factory=dict)  # phase slug → territory code

    def as_fields(self) -> dict:
        return {
            "commune_code": self.commune_code,
            "epci_siren": self.epci_siren,
            "departement_code": self.departement_code,
            "region_code": self.region_code,
            "territories": self.territories,
        }


def communes_named(text: str) -> list[Commune]:
    """Current communes of the platform's edition whose name or INSEE code is `text` (case-insensitive)."""
    text = text.strip()
    rows = Commune.objects.filter(edition_id=settings.DEFAULT_EDITION, kind=CommuneKind.CURRENT)
    if text.isdigit() or (len(text) == 5 and text[:2].upper() in ("2A", "2B")):
        return list(rows.filter(code=text.upper()))
    return list(rows.filter(name__iexact=text).order_by("code"))


def place_of(commune: Commune) -> Place:
    membership = (
        EpciMembership.objects.filter(edition_id=commune.edition_id, commune=commune)
        .select_related("epci")
        .order_by("epci__siren")
        .first()
    )
    resolutions = Resolution.objects.current().filter(communes__code=commune.code)
    territories = {
        slug: code
        for slug, code, withdrawn in resolutions.values_list(
            "version__territory__phase__slug", "version__territory__code", "version__territory__withdrawn_on"
        )
        if withdrawn is None
    }
    return Place(
        commune_code=commune.code,
        commune_name=commune.name,
        epci_siren=membership.epci.siren if membership else "",
        departement_code=commune.departement_code,
        region_code=commune.region_code,
        territories=territories,
    )
