"""The land-use account (zéro artificialisation nette, ZAN) of sites and of the territories they lie in.

One rule for a site's impact: a brownfield, or land already artificialised, consumes no natural, agricultural or
forest land (NAF); any other plot consumes its area. When nothing says whether a plot is artificialised, its area is
counted as consumed (prudent reading) and the site is flagged `is_uncertain` so that pages say so.

The reference of the Climate and Resilience law (loi n° 2021-1104, art. 191) is the NAF consumption of the ten years
2011–2020 (flows from 1 January 2011 to 1 January 2021, the Cerema file's `naf11art21`); the target for 2021–2031 is
half of it. Cerema's yearly flows (`NafConsumption.year` Y = from 1 January Y to 1 January Y + 1) are summed here.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max, Q, Sum

from pilote.core.formats import day
from pilote.geography.enums import CommuneKind
from pilote.geography.models import Commune
from pilote.territories.models import Resolution, ResolvedCommune, Territory

from .enums import LabelState, SiteKind
from .models import NafConsumption, Site

M2_PER_HA = 10_000
REFERENCE_YEARS = range(2011, 2021)  # 2011–2021 of the law: ten yearly flows, 2011 … 2020
# The states of a site that is a choice, whose land counts in its territory's account: proposed up to labelled.
CHOICES = (LabelState.PROPOSED, LabelState.SHORTLISTED, LabelState.IN_REVIEW, LabelState.LABELLED, LabelState.POSTPONED)
TARGET_FROM_YEAR = 2021  # the first decade of the trajectory: 2021–2031, at most half of the reference


@dataclass(frozen=True)
class Impact:
    naf_m2: float  # the natural, agricultural or forest land the site would consume
    is_uncertain: bool  # area unknown, or nothing says whether the plot is artificialised

    @property
    def naf_ha(self) -> float:
        return self.naf_m2 / M2_PER_HA


def new_naf_m2(kind: str, is_artificialised: bool | None, area_m2: float | None) -> float | None:
    """The one NAF rule: a brownfield or already artificialised land consumes nothing, any other plot its area (m²);
    None when that area is unknown. The selection reads it as is (an unknown area cannot fit under a NAF cap)."""
    if kind == SiteKind.BROWNFIELD or is_artificialised:
        return 0.0
    return None if area_m2 is None else float(area_m2)


def naf_impact(site: Site) -> Impact:
    """What building on `site` would consume of NAF land, in m², for the account: an unknown area counts 0 and, like
    land not known to be artificialised or not, is flagged uncertain."""
    naf_m2 = new_naf_m2(site.kind, site.is_artificialised, site.area_m2)
    if naf_m2 == 0.0 and (site.kind == SiteKind.BROWNFIELD or site.is_artificialised):
        return Impact(0.0, False)
    return Impact(naf_m2 or 0.0, naf_m2 is None or site.is_artificialised is None)


@dataclass
class Account:
    """The NAF consumption of a set of sites: total, and by région and by territory of a phase."""

    sites: int = 0
    naf_m2: float = 0.0
    uncertain: int = 0
    by_region: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    by_territory: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    @property
    def naf_ha(self) -> float:
        return self.naf_m2 / M2_PER_HA


def account(sites: Iterable[Site], *, phase_slug: str = "") -> Account:
    """The land account of any selection of sites: nationally, per région and per territory of `phase_slug`."""
    result = Account()
    for site in sites:
        impact = naf_impact(site)
        result.sites += 1
        result.naf_m2 += impact.naf_m2
        result.uncertain += impact.is_uncertain
        result.by_region[site.region_code] += impact.naf_m2
        territory = (site.territories or {}).get(phase_slug)
        if territory:
            result.by_territory[territory] += impact.naf_m2
    return result


@dataclass(frozen=True)
class Trajectory:
    """A set of communes' NAF consumption against the law's trajectory, in hectares."""

    reference_ha: float  # 2011–2021
    reference_activity_ha: float
    target_ha: float  # at most half of the reference for 2021–2031
    since_ha: float  # consumed from 2021 to the last year of the file
    since_activity_ha: float
    last_year: int | None  # the last yearly flow known (None: nothing since 2021)
    sites_ha: float  # what the given sites would add
    has_data: bool
    sites_count: int = 0
    sites_uncertain: int = 0  # sites whose NAF impact rests on an unknown (counted prudently)

    @property
    def remaining_ha(self) -> float:
        return self.target_ha - self.since_ha - self.sites_ha

    @property
    def activity_share(self) -> float | None:
        return self.reference_activity_ha / self.reference_ha if self.reference_ha else None

    @property
    def activity_percent(self) -> int | None:
        return None if self.activity_share is None else round(self.activity_share * 100)

    @property
    def is_over(self) -> bool:
        return self.remaining_ha < 0


def trajectory(communes, sites: Iterable[Site] = ()) -> Trajectory:
    """The trajectory of the communes (codes, or a query of codes: a territory, a région, the nation): one query."""
    reference, since = Q(year__in=REFERENCE_YEARS), Q(year__gte=TARGET_FROM_YEAR)
    sums = NafConsumption.objects.filter(commune_code__in=communes).aggregate(
        reference=Sum("total_m2", filter=reference),
        reference_activity=Sum("activity_m2", filter=reference),
        since=Sum("total_m2", filter=since),
        since_activity=Sum("activity_m2", filter=since),
        last=Max("year", filter=since),
    )
    reference_m2 = sums["reference"] or 0.0
    chosen = account(sites)
    return Trajectory(
        reference_ha=reference_m2 / M2_PER_HA,
        reference_activity_ha=(sums["reference_activity"] or 0.0) / M2_PER_HA,
        target_ha=reference_m2 / 2 / M2_PER_HA,
        since_ha=(sums["since"] or 0.0) / M2_PER_HA,
        since_activity_ha=(sums["since_activity"] or 0.0) / M2_PER_HA,
        last_year=sums["last"],
        sites_ha=chosen.naf_ha,
        has_data=sums["reference"] is not None,
        sites_count=chosen.sites,
        sites_uncertain=chosen.uncertain,
    )


def area_communes(region_code: str = ""):
    """A query of the codes of the communes of a région (or of France when empty) on the platform's edition."""
    communes = Commune.objects.filter(edition_id=settings.DEFAULT_EDITION, kind=CommuneKind.CURRENT)
    return (communes.filter(region_code=region_code) if region_code else communes).values("code")


def territory_communes(territory):
    """A query of the codes of a territory's current communes on the platform's edition (stored resolution)."""
    return ResolvedCommune.objects.filter(
        resolution__in=Resolution.objects.current(), resolution__version__territory=territory
    ).values("code")


def territory_trajectory(territory) -> Trajectory:
    """A territory's trajectory with what its labelled, shortlisted or proposed sites would add."""
    return trajectory(territory_communes(territory), territory_sites(territory))


def territory_sites(territory):
    """The sites of the territory that are choices (proposed, shortlisted, in review, labelled or postponed): the
    states are named, so that the index on the state picks the few choices out of the pool before the territory is
    read in each one's JSON (excluding the pool instead read the whole pool, 0.05 s a territory page)."""
    return (
        Site.objects.filter(label_state__in=CHOICES)
        .filter(**{f"territories__{territory.phase.slug}": territory.code})
        .only("kind", "area_m2", "is_artificialised", "region_code", "territories")
    )


def territory_section(territory) -> dict:
    """« Sobriété foncière (ZAN) » on a territory's public page (SitesConfig.page_sections): two queries."""
    return {"template": "sites/_zan.html", "zan": territory_trajectory(territory)}


# --- a site's page: its impact, why, from which source, and its territory's account (sglue) ---------------------------


@dataclass(frozen=True)
class SiteAccount:
    """The ZAN block of a site's page: `naf_impact` with the reason and the source it rests on, and the account of
    the site's territory of the current phase when the Cerema file covers it (`trajectory` None otherwise)."""

    impact: Impact
    is_area_unknown: bool  # a plot not known to be artificialised, of unknown area: its consumption is unknown
    reason: str
    source: str
    date: str  # « 30/11/2026 », or empty
    territory: Territory | None = None
    trajectory: Trajectory | None = None


def _reason(site: Site) -> tuple[str, str]:
    """Why the site consumes what `naf_impact` says, and the fact that says so (its key in the site's facts)."""
    if site.kind == SiteKind.BROWNFIELD:
        return "le site est une friche : son sol est déjà artificialisé", "brownfield"
    if site.is_artificialised:
        return "le terrain est déjà artificialisé", "brownfield"
    if site.area_m2 is None and site.is_artificialised is None:
        return "on ne sait pas si le terrain est artificialisé et sa surface est inconnue", "area"
    if site.area_m2 is None:
        return "le terrain n'est pas artificialisé mais sa surface est inconnue", "area"
    if site.is_artificialised is None:
        return "on ne sait pas si le terrain est déjà artificialisé : sa surface est comptée comme consommée", "area"
    return "le terrain n'est pas artificialisé : sa surface serait consommée", "area"


def site_account(site: Site, phase_slug: str) -> SiteAccount:
    """The ZAN block of `site`'s page; three queries when the site lies in a territory of `phase_slug`, none else."""
    reason, key = _reason(site)
    fact = site.effective_facts().get(key)
    fact = fact if isinstance(fact, dict) else {}
    impact = naf_impact(site)
    code = (site.territories or {}).get(phase_slug)
    territories = Territory.objects.select_related("phase").filter(phase__slug=phase_slug, code=code)
    territory = territories.first() if code else None
    path = territory_trajectory(territory) if territory else None
    return SiteAccount(
        impact=impact,
        is_area_unknown=site.area_m2 is None and impact.naf_m2 == 0 and impact.is_uncertain,
        reason=reason,
        source=fact.get("source") or site.get_origin_display(),
        date=day(fact["date"]) if fact.get("date") else "",
        territory=territory,
        trajectory=path if path and path.has_data else None,
    )
