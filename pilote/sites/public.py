"""What the public sees of the sites: the pool with its filters, a site's facts as people read them (« inconnu » for
an unknown value, never « non »), the labelled sites with their key facts (area, availability, networks, contact of
the territory), and the rows shared by the exports, the GeoJSON and the API — built here once, so that the page, the
map, the files and the API always agree.

A site's score is the one of the newest published qualification method (`published_method`); past versions keep
their scores and are read on the method's pages."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, FilteredRelation, FloatField, Q, Value

from pilote.core.formats import day, measure
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune, Region
from pilote.territories.forms import current_phase
from pilote.territories.models import Binome, Phase, Territory

from . import facts
from .enums import LabelState, MethodStatus, MilestoneKind
from .models import Milestone, QualificationMethod, Site

UNKNOWN = "inconnu"
SORTS_DEFAULT = (F("score").desc(nulls_last=True), "identifier")  # best score first, unscored last


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str  # as people read it: « inconnu », « oui », « non », the number or the text
    is_known: bool
    source: str
    date: str  # « 30/11/2026 », or empty
    is_added: bool  # written by a person on the platform, kept on re-import


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def readable(value) -> str:
    if value is None or value == "":
        return UNKNOWN
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float):
        return f"{value:.10g}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(readable(v) for v in value) or UNKNOWN
    return str(value)


def _fact(key: str, fact, is_added: bool) -> Fact:
    fact = fact if isinstance(fact, dict) else {"value": fact}
    value = fact.get("value")
    date = fact.get("date") or ""
    return Fact(
        key=key,
        label=facts.label(key),
        value=facts.reading(key, value)
        or (measure(value) if _is_number(value) and facts.is_measure(key) else readable(value)),
        is_known=value is not None and value != "",
        source=fact.get("source") or "",
        date=day(date) if date else "",
        is_added=is_added,
    )


def facts_of(site: Site) -> list[Fact]:
    """Every fact of the site, those people added winning over the imported ones, in the order of `facts.LABELS`."""
    order = {key: rank for rank, key in enumerate(facts.LABELS)}
    merged = {key: _fact(key, value, False) for key, value in site.facts.items()}
    merged |= {key: _fact(key, value, True) for key, value in site.added_facts.items()}
    return sorted(merged.values(), key=lambda f: (order.get(f.key, len(order)), f.key))


def hectares(site: Site) -> float | None:
    return round(site.area_m2 / 10_000, 2) if site.area_m2 is not None else None


def fact_value(site: Site, key: str):
    fact = site.effective_facts().get(key)
    return fact.get("value") if isinstance(fact, dict) else fact


# --- scores --------------------------------------------------------------------------------------------------------


def published_method() -> QualificationMethod | None:
    return QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED).order_by("-number").first()


def with_score(sites, method: QualificationMethod | None):
    """Annotate `score` and `reliability` of the method (None when unscored): one LEFT JOIN on the unique (method,
    site) scores, cheaper to sort the whole pool by than a subquery per site."""
    if method is None:
        none = Value(None, output_field=FloatField())
        return sites.annotate(score=none, reliability=none)
    sites = sites.annotate(scored=FilteredRelation("scores", condition=Q(scores__method=method)))
    return sites.annotate(score=F("scored__score"), reliability=F("scored__reliability"))


# --- places --------------------------------------------------------------------------------------------------------


def regions() -> dict[str, str]:
    return dict(Region.objects.of(settings.DEFAULT_EDITION).values_list("code", "name"))


def commune_names(codes) -> dict[str, str]:
    # kind and code: the unique (edition, kind, code) index answers it; parent=None made SQLite scan the edition
    rows = Commune.objects.of(settings.DEFAULT_EDITION).filter(kind=CommuneKind.CURRENT, code__in=set(codes))
    return dict(rows.values_list("code", "name"))


def phase_slug() -> str:
    """The programme's current phase (the territories a site belongs to are read in it)."""
    phases = list(Phase.objects.all())
    return current_phase(phases).slug if phases else ""


@dataclass(frozen=True)
class Place:
    territory_code: str
    territory_name: str
    contact: str  # the territory's generic address (« Qui contacter »), never a person's


def territories_of(sites, phase: str) -> dict[str, Place]:
    """territory code → Place, for the territories of `phase` the sites are in: two queries."""
    codes = {site.territories.get(phase) for site in sites} - {None, ""}
    rows = Territory.objects.filter(phase__slug=phase, code__in=codes).values_list("pk", "code", "name")
    contacts = dict(
        Binome.objects.filter(territory_id__in=[pk for pk, _, _ in rows]).values_list("territory_id", "contact_email")
    )
    return {code: Place(code, name, contacts.get(pk) or "") for pk, code, name in rows}


# --- labelled sites ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledSite:
    site: Site
    commune: str
    region: str
    area_ha: float | None
    availability: str  # the date it is (or was) ready to host, or the availability fact, or « inconnu »
    networks: str
    place: Place | None


def _availability(site: Site, dates: dict) -> str:
    done, planned = dates.get(site.pk, (None, None))
    if done:
        return f"disponible depuis le {day(done)}"
    if planned:
        return f"disponible le {day(planned)} (prévu)"
    return readable(fact_value(site, "availability"))


def labelled_sites(region: str = "", *, phase: str | None = None) -> list[LabelledSite]:
    """The labelled sites with their key facts, ordered by région then name: five queries, whatever their number.
    `phase`: the current phase's slug when the caller already read it."""
    sites = Site.objects.filter(label_state=LabelState.LABELLED).order_by()
    if region:
        sites = sites.filter(region_code=region)
    # sorted here: asked to sort, SQLite walks the région index over the whole pool instead of the state's
    sites = sorted(sites, key=lambda site: (site.region_code, site.name, site.identifier))
    milestones = Milestone.objects.filter(site__in=sites, kind=MilestoneKind.AVAILABILITY)
    dates = {pk: (done, planned) for pk, done, planned in milestones.values_list("site_id", "done_on", "planned_on")}
    names, region_names = commune_names(s.commune_code for s in sites), regions()
    phase = phase_slug() if phase is None else phase
    places = territories_of(sites, phase)
    return [
        LabelledSite(
            site=site,
            commune=names.get(site.commune_code, site.commune_code),
            region=region_names.get(site.region_code, site.region_code),
            area_ha=hectares(site),
            availability=_availability(site, dates),
            networks=readable(fact_value(site, "networks")),
            place=places.get(site.territories.get(phase)),
        )
        for site in sites
    ]


EXPORT_HEADER = [
    "Identifiant", "Nom", "Nature", "Commune (INSEE)", "Commune", "EPCI (SIREN)", "Département", "Région (code)",
    "Région", "Territoire d'industrie", "Surface (ha)", "Disponibilité", "Réseaux", "Contact du territoire",
    "Latitude", "Longitude",
]  # fmt: skip


def export_rows(rows: list[LabelledSite]) -> list[list]:
    return [
        [
            r.site.identifier,
            r.site.name,
            r.site.get_kind_display(),
            r.site.commune_code,
            r.commune,
            r.site.epci_siren,
            r.site.departement_code,
            r.site.region_code,
            r.region,
            r.place.territory_name if r.place else "",
            r.area_ha,
            r.availability,
            r.networks,
            r.place.contact if r.place else "",
            r.site.latitude,
            r.site.longitude,
        ]  # fmt: skip
        for r in rows
    ]


def polygon_of(site: Site) -> dict | None:
    """The site's contour as GeoJSON, None when unknown (or, stored unreadable, shown as its point)."""
    if not site.polygon:
        return None
    try:
        return json.loads(site.polygon)
    except ValueError:
        return None


def feature(row: LabelledSite, url: str) -> dict:
    """A labelled site as a GeoJSON feature: its polygon when known, else its point."""
    site = row.site
    geometry = polygon_of(site) or {"type": "Point", "coordinates": [site.longitude, site.latitude]}
    properties = dict(zip(EXPORT_HEADER, export_rows([row])[0], strict=True))
    return {"type": "Feature", "geometry": geometry, "properties": {**properties, "url": url}}
