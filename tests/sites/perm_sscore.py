"""Permission matrix entries of the qualification method and the score pages (sscore)."""

from tests.permissions import NATIONAL, only, public

IDENTIFIER = "perm-sscore-1"


def scored_site():
    from pilote.sites import scoring
    from pilote.sites.models import Site

    site, _ = Site.objects.get_or_create(
        identifier=IDENTIFIER,
        defaults={
            "name": "Friche de la matrice",
            "kind": "brownfield",
            "origin": "cartofriches",
            "latitude": 46,
            "longitude": 5,
            "area_m2": 30_000,
        },
    )
    scoring.score_pool(scoring.ensure_default_method(), Site.objects.filter(pk=site.pk))


EXPECTATIONS = {
    "sites:method": public(setup=scored_site, contains="Méthode de qualification des sites industriels"),
    "sites:method_edit": only(NATIONAL, setup=scored_site, contains="Nouvelle version de la méthode de qualification"),
    "sites:site_score": public({"identifier": IDENTIFIER}, setup=scored_site, contains="Friche de la matrice"),
}
