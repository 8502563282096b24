"""A small scored pool for the selection's tests and the permission matrix: sites in régions 84 and 27, brownfields
and a greenfield, scored by a published method version (SiteScore rows written here, as the scoring would)."""

from pilote.core.enums import OrganisationKind, Role
from pilote.sites.enums import MethodStatus, SiteKind, SiteOrigin
from pilote.sites.models import QualificationMethod, Site, SiteScore
from tests.core.factories import OrganisationFactory, user_with_role

# identifier → (score, région, kind, area m²)
POOL = {
    "sel-a": (90, "84", SiteKind.BROWNFIELD, 80_000),
    "sel-b": (80, "84", SiteKind.BROWNFIELD, 50_000),
    "sel-c": (70, "84", SiteKind.ZONE_PLOT, 120_000),  # a greenfield: 12 ha of NAF
    "sel-d": (40, "27", SiteKind.BROWNFIELD, 30_000),
    "sel-e": (20, "27", SiteKind.BROWNFIELD, 20_000),
}


def scored_pool() -> QualificationMethod:
    method, _ = QualificationMethod.objects.get_or_create(number=99, defaults={"status": MethodStatus.PUBLISHED})
    for identifier, (score, region, kind, area) in POOL.items():
        site, _ = Site.objects.get_or_create(
            identifier=identifier,
            defaults={
                "name": f"Site {identifier[-1].upper()}", "kind": kind, "origin": SiteOrigin.CARTOFRICHES,
                "latitude": 46.0, "longitude": 5.0, "area_m2": area, "region_code": region,
                "is_artificialised": kind == SiteKind.BROWNFIELD,
            },
        )  # fmt: skip
        SiteScore.objects.get_or_create(method=method, site=site, defaults={"score": score, "reliability": 0.8})
    return method


def bdt_person():
    """A member of Banque des Territoires (an operator organisation naming it)."""
    person = user_with_role(Role.OPERATOR)
    person.save()
    person.organisation = OrganisationFactory(
        kind=OrganisationKind.OPERATOR, operator="bdt", name="Banque des Territoires"
    )
    person.save()
    return person
