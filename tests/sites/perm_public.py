"""Permission-matrix entries of the sites' public pages and API (merged into tests/permissions.py EXPECTATIONS).

The pool, a site's page, the labelled sites with their map and exports, and the sites API are public: everyone gets
the same answer, visitors included. The site of each target territory is built once per test."""

from tests.permissions import BUILT, PHASE, public


def _site(territory) -> dict:
    from pilote.sites.enums import LabelState, SiteKind, SiteOrigin
    from pilote.sites.models import Site

    key = f"site-{territory.code}"
    if key not in BUILT:
        BUILT[key] = Site.objects.create(
            identifier=f"perm-{territory.code}", name=f"Site de {territory.name}", kind=SiteKind.BROWNFIELD,
            origin=SiteOrigin.CARTOFRICHES, latitude=46.2, longitude=5.2, commune_code="01001",
            region_code=territory.code[3:5], territories={PHASE: territory.code}, label_state=LabelState.LABELLED,
        )  # fmt: skip
    return {"identifier": BUILT[key].identifier}


EXPECTATIONS = {
    "sites:pool": public(contains="Sites industriels"),
    "sites:site": public(_site, contains="Ce que l'on sait du site"),
    "sites:labelled": public(contains="Sites industriels labellisés"),
    "sites:labelled_geojson": public(),
    "sites:labelled_export": public({"fmt": "csv"}),
    "api-1:sites_list": public(),
    "api-1:labelled_sites": public(),
    "api-1:site_detail": public(_site),
}
