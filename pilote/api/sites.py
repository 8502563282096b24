"""The industrial sites by official codes: the pool filtered by région, département, EPCI (SIREN), commune (INSEE
code), territory of a phase and labelling state; a site by its identifier (the Cartofriches `site_id`, the CNIG
identifier, or the one given at proposal) with its facts, each with its source and date (`value` null: unknown, never
false); the labelled sites with their key facts. Everything here is public data, read through `sites.public` as the
pages are."""

from typing import Annotated

from django.conf import settings
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from pilote.geography.models import Commune, Departement, Epci
from pilote.sites import public
from pilote.sites.enums import LabelState
from pilote.sites.models import Site

from .schemas import Error, InvalidInput
from .territories import get_territory

router = Router(tags=["sites"])
NOT_FOUND = {404: Error, 422: InvalidInput}
PAGE_SIZE = 500
Page = Annotated[int, Field(ge=1, le=1000, description="Numéro de page (500 sites par page)")]


class SiteOut(Schema):
    identifier: str = Field(description="Identifiant du site (Cartofriches, CNIG ou plateforme)")
    name: str
    kind: str = Field(description="`brownfield` (friche), `zone_plot` (terrain de zone d'activités) ou `other`")
    label_state: str = Field(description="État de labellisation (`pool`, `propose`, … `labellise`)")
    commune: str = Field(description="Code INSEE de la commune")
    epci: str = Field(description="SIREN de l'EPCI")
    departement: str
    region: str
    territories: dict[str, str] = Field(description="Territoire d'industrie de chaque phase (phase → code)")
    area_m2: float | None = Field(description="Surface en m² (null : inconnue)")
    is_artificialised: bool | None = Field(description="Déjà artificialisé (null : inconnu)")
    latitude: float
    longitude: float
    score: float | None = Field(description="Score de la dernière méthode de qualification publiée")
    reliability: float | None = Field(description="Part des poids reposant sur des faits connus (0 à 1)")


class SitePage(Schema):
    count: int
    page: int
    pages: int
    method: int | None = Field(description="Version de la méthode de qualification des scores")
    results: list[SiteOut]


class FactOut(Schema):
    key: str
    label: str
    value: object | None = Field(description="Valeur (null : inconnue, jamais « non »)")
    source: str
    date: str = Field(description="Date du fait (AAAA-MM-JJ), vide si la source n'en donne pas")
    added_on_platform: bool


class SiteDetail(SiteOut):
    polygon: dict | None = Field(description="Contour GeoJSON quand il est connu")
    facts: list[FactOut]


class LabelledOut(Schema):
    identifier: str
    name: str
    commune: str
    commune_name: str
    region: str
    region_name: str
    area_ha: float | None
    availability: str = Field(description="Date de disponibilité (faite ou prévue), en français")
    networks: str
    territory: str = Field(description="Code du territoire d'industrie de la phase en cours, vide si hors territoire")
    territory_name: str
    contact: str = Field(description="Adresse de contact générique du territoire")
    latitude: float
    longitude: float


def _out(site: Site) -> dict:
    return {
        "identifier": site.identifier, "name": site.name, "kind": site.kind, "label_state": site.label_state,
        "commune": site.commune_code, "epci": site.epci_siren, "departement": site.departement_code,
        "region": site.region_code, "territories": site.territories, "area_m2": site.area_m2,
        "is_artificialised": site.is_artificialised, "latitude": site.latitude, "longitude": site.longitude,
        "score": site.score, "reliability": site.reliability,
    }  # fmt: skip


def _check_codes(region: str, departement: str, epci: str, commune: str) -> None:
    """A code that names nothing in the platform's edition is a 404 saying which, not an empty list."""
    edition = settings.DEFAULT_EDITION
    if region and region not in public.regions():
        raise HttpError(404, f"Région inconnue en {edition} : {region}")
    if departement and not Departement.objects.of(edition).filter(code=departement).exists():
        raise HttpError(404, f"Département inconnu en {edition} : {departement}")
    if epci and not Epci.objects.of(edition).filter(siren=epci).exists():
        raise HttpError(404, f"EPCI inconnu en {edition} : {epci}")
    if commune and not Commune.objects.of(edition).filter(code=commune).exists():
        raise HttpError(404, f"Commune inconnue en {edition} : {commune}")


@router.get(
    "/sites/",
    response={200: SitePage, **NOT_FOUND},
    summary="Vivier des sites industriels",
    description="Les sites du vivier, meilleur score d'abord, par pages de 500 (`page=2`), filtrés par codes "
    "officiels : `region`, `departement`, `epci` (SIREN), `commune` (INSEE), `phase` et `territoire` (ti-RRNN), "
    "`etat` de labellisation.",
)
def sites_list(
    request, region: str = "", departement: str = "", epci: str = "", commune: str = "", phase: str = "",
    territoire: str = "", etat: str = "", page: Page = 1,
):  # fmt: skip
    _check_codes(region, departement, epci, commune)
    if etat and etat not in LabelState.values:
        raise HttpError(404, f"État de labellisation inconnu : {etat} (attendu : {', '.join(LabelState.values)})")
    method = public.published_method()
    sites = public.with_score(Site.objects.all(), method).order_by(*public.SORTS_DEFAULT)
    filters = {"region_code": region, "departement_code": departement, "epci_siren": epci, "commune_code": commune}
    sites = sites.filter(**{field: value for field, value in filters.items() if value})
    if etat:
        sites = sites.filter(label_state=etat)
    if territoire:
        phase = phase or public.phase_slug()
        get_territory(phase, territoire)
        sites = sites.filter(**{f"territories__{phase}": territoire})
    count = sites.count()
    rows = sites[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    pages = max(1, -(-count // PAGE_SIZE))
    return {"count": count, "page": page, "pages": pages, "method": method.number if method else None,
            "results": [_out(site) for site in rows]}  # fmt: skip


@router.get(
    "/sites/labellises",
    response={200: list[LabelledOut], **NOT_FOUND},
    summary="Sites labellisés",
    description="Les sites labellisés avec la Banque des Territoires et leurs caractéristiques : surface, "
    "disponibilité, réseaux, territoire et son adresse de contact.",
)
def labelled_sites(request, region: str = ""):
    _check_codes(region, "", "", "")
    return [
        {
            "identifier": r.site.identifier,
            "name": r.site.name,
            "commune": r.site.commune_code,
            "commune_name": r.commune,
            "region": r.site.region_code,
            "region_name": r.region,
            "area_ha": r.area_ha,
            "availability": r.availability,
            "networks": r.networks,
            "territory": r.place.territory_code if r.place else "",
            "territory_name": r.place.territory_name if r.place else "",
            "contact": r.place.contact if r.place else "",
            "latitude": r.site.latitude,
            "longitude": r.site.longitude,
        }  # fmt: skip
        for r in public.labelled_sites(region)
    ]


@router.get(
    "/sites/{identifier}",
    response={200: SiteDetail, **NOT_FOUND},
    summary="Un site et ses faits",
    description="Le site et chacun de ses faits avec sa source et sa date ; une valeur nulle est inconnue.",
)
def site_detail(request, identifier: str):
    site = public.with_score(Site.objects.all(), public.published_method()).filter(identifier=identifier).first()
    if site is None:
        raise HttpError(404, f"Site inconnu : {identifier}")
    merged = site.effective_facts()
    facts = [
        {
            "key": f.key,
            "label": f.label,
            "value": _raw(merged[f.key]),
            "source": f.source,
            "date": _raw_date(merged[f.key]),
            "added_on_platform": f.is_added,
        }  # fmt: skip
        for f in public.facts_of(site)
    ]
    return {**_out(site), "polygon": public.polygon_of(site), "facts": facts}


def _raw(fact):
    return fact.get("value") if isinstance(fact, dict) else fact


def _raw_date(fact) -> str:
    return (fact.get("date") or "") if isinstance(fact, dict) else ""
