"""The diagnosis from official open data: the indicator catalogue, the values of a unit (commune, EPCI, zone d'emploi,
territory) with their vintages and coverage, the scores and ranks of a published method version, the shock alerts.

Values are those of the newest computation (`Computation`); a commune or a zone d'emploi that the computation does not
hold is answered with the values as published (`SourceValue`, coverage unknown). Everything here is public data."""

from django.conf import settings
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from pilote.geography.models import Commune, Epci
from pilote.targeting import index
from pilote.targeting.enums import Level, MethodStatus
from pilote.targeting.models import Alert, Computation, Indicator, MethodVersion, SourceValue, UnitValue, Zone
from pilote.targeting.ranking import EPCI, default_version, latest_scoring, published_versions, score_rows
from pilote.territories.models import Phase

from .schemas import CommuneCode, Error, InvalidInput, PhaseSlug, Siren, TerritoryCode
from .territories import get_territory

router = Router(tags=["ciblage"])
NOT_FOUND = {404: Error, 422: InvalidInput}


class IndicatorOut(Schema):
    code: str = Field(description="Code de l'indicateur", examples=["chomage"])
    label: str = Field(description="Libellé")
    unit: str = Field(description="Unité")
    source: str = Field(description="Source officielle")
    description: str = Field(description="Ce que mesure l'indicateur")
    direction: str = Field(description="Sens : `higher_is_worse`, `higher_is_better` ou `neutral`")
    published_on: str = Field(description="Géographie de publication de la source")
    aggregation: str = Field(description="Règle d'agrégation des communes vers un territoire ou un EPCI")
    is_derived: bool = Field(description="Calculé à partir d'autres indicateurs")


class ValueOut(Schema):
    indicator: str = Field(description="Code de l'indicateur")
    vintage: str = Field(description="Millésime (année, ou trimestre « 2023-T3 »)")
    value: float | None
    coverage: float | None = Field(description="Part de la population sur laquelle repose la valeur (0 à 1)")


class UnitValuesOut(Schema):
    level: str
    code: str
    computation_id: int | None = Field(description="Calcul lu (absent : valeurs telles que publiées)")
    edition: int | None = Field(description="Millésime du COG du calcul")
    values: list[ValueOut]


class ScoreOut(Schema):
    code: str
    name: str
    region: str = Field(description="Code de la région")
    score: float | None
    rank_national: int | None
    rank_regional: int | None
    rank_low: int | None = Field(description="Meilleur rang quand les poids varient")
    rank_high: int | None = Field(description="Moins bon rang quand les poids varient")


class ScoresOut(Schema):
    method: str
    version: int
    computed_at: str
    units: str = Field(description="Phase des territoires classés, ou `epci`")
    scores: list[ScoreOut]


class NearestOut(Schema):
    phase: str = Field(description="Phase du territoire")
    code: str = Field(description="Code du territoire (ti-RRNN)")
    name: str
    distance_km: float | None = Field(description="Distance entre les centres de l'EPCI et du territoire, en km")


class CandidateOut(Schema):
    siren: str
    name: str
    region: str = Field(description="Code de la région")
    score: float
    rank_national: int = Field(description="Rang national parmi les EPCI (1 = le plus fragile)")
    nearest: NearestOut | None = Field(description="Territoire du programme le plus proche")


class CandidatesOut(Schema):
    method: str
    version: int
    computed_at: str
    phase: str = Field(description="Phase du programme dont les EPCI sont en dehors")
    top_share: float = Field(description="Part des EPCI les mieux classés parmi lesquels sont pris les candidats")
    candidates: list[CandidateOut]


class AlertOut(Schema):
    level: str
    phase: str
    code: str
    region: str
    kind: str
    kind_label: str
    period: str
    evidence: dict
    status: str


def _latest_computation() -> Computation | None:
    return Computation.objects.order_by("-computed_at", "-id").first()


def _values(level: str, code: str, phase_slug: str = "", *, as_published: bool = False) -> dict:
    """The unit's values in the newest computation; for a level sources publish on, the values as published when
    the computation holds none."""
    computation = _latest_computation()
    rows = []
    if computation is not None:
        found = UnitValue.objects.filter(computation=computation, level=level, phase_slug=phase_slug, code=code)
        found = found.order_by("indicator", "vintage")
        rows = list(found.values_list("indicator__code", "vintage", "value", "coverage"))
    if not rows and as_published:
        published = SourceValue.objects.filter(level=level, code=code).order_by("indicator", "vintage")
        values = [
            ValueOut(indicator=i, vintage=v, value=x, coverage=None)
            for i, v, x in published.values_list("indicator__code", "vintage", "value")
        ]
        return {"level": level, "code": code, "computation_id": None, "edition": None, "values": values}
    return {
        "level": level,
        "code": code,
        "computation_id": computation.pk if computation else None,
        "edition": computation.edition_id if computation else None,
        "values": [ValueOut(indicator=i, vintage=v, value=x, coverage=c) for i, v, x, c in rows],
    }


@router.get(
    "/ciblage/indicateurs",
    response=list[IndicatorOut],
    summary="Catalogue des indicateurs",
    description="Chaque indicateur : libellé, unité, source, définition, sens (défavorable quand il monte ou quand "
    "il baisse), géographie de publication et règle d'agrégation.",
)
def targeting_indicators(request):
    return list(Indicator.objects.all())


@router.get(
    "/ciblage/communes/{code}/valeurs",
    response={200: UnitValuesOut, **NOT_FOUND},
    summary="Valeurs des indicateurs d'une commune",
    description="Les valeurs du dernier calcul pour la commune (code INSEE), ou à défaut telles que publiées.",
)
def commune_values(request, code: CommuneCode):
    if not Commune.objects.filter(code=code).exists():
        raise HttpError(404, f"Commune inconnue : {code}")
    return _values(Level.COMMUNE, code, as_published=True)


@router.get(
    "/ciblage/epci/{siren}/valeurs",
    response={200: UnitValuesOut, **NOT_FOUND},
    summary="Valeurs des indicateurs d'un EPCI",
    description="Les valeurs du dernier calcul pour l'EPCI, agrégées de ses communes, avec leur couverture.",
)
def epci_values(request, siren: Siren):
    if not Epci.objects.of(settings.DEFAULT_EDITION).filter(siren=siren).exists():
        raise HttpError(404, f"EPCI inconnu en {settings.DEFAULT_EDITION} : {siren}")
    return _values(Level.EPCI, siren)


@router.get(
    "/ciblage/zones-emploi/{code}/valeurs",
    response={200: UnitValuesOut, **NOT_FOUND},
    summary="Valeurs des indicateurs d'une zone d'emploi",
    description="Les valeurs du dernier calcul pour la zone d'emploi (code INSEE du zonage 2020), ou à défaut "
    "telles que publiées.",
)
def zone_values(request, code: str):
    published = SourceValue.objects.filter(level=Level.ZONE_EMPLOI, code=code)
    if not Zone.objects.filter(code=code).exists() and not published.exists():
        raise HttpError(404, f"Zone d'emploi inconnue : {code}")
    return _values(Level.ZONE_EMPLOI, code, as_published=True)


@router.get(
    "/ciblage/territoires/{phase}/{code}/valeurs",
    response={200: UnitValuesOut, **NOT_FOUND},
    summary="Valeurs des indicateurs d'un territoire d'industrie",
    description="Les valeurs du dernier calcul pour le territoire, agrégées de ses communes, avec leur couverture.",
)
def territory_values(request, phase: PhaseSlug, code: TerritoryCode):
    get_territory(phase, code)
    return _values(Level.TERRITORY, code, phase)


def _version(slug: str, number: int) -> MethodVersion:
    version = MethodVersion.objects.select_related("method").filter(method__slug=slug, number=number).first()
    if version is None or version.status != MethodStatus.PUBLISHED:
        raise HttpError(404, f"Version publiée inconnue : {slug} version {number}")
    return version


@router.get(
    "/ciblage/methodes/{slug}/versions/{number}/scores",
    response={200: ScoresOut, **NOT_FOUND},
    summary="Scores et rangs d'une version de méthode",
    description="Le dernier calcul d'une version publiée de la méthode : score, rang national et régional, "
    "intervalle du rang quand les poids varient, pour les territoires d'une phase (`unites=2023-2027`) ou les EPCI "
    "(`unites=epci`), éventuellement d'une région (`region=84`).",
)
def method_scores(request, slug: str, number: int, unites: str = EPCI, region: str = ""):
    version = _version(slug, number)
    scoring = latest_scoring(version)
    if scoring is None:
        raise HttpError(404, f"Aucun calcul disponible pour {slug} version {number}")
    phase_slug = "" if unites == EPCI else unites
    rows = sorted(score_rows(scoring, phase_slug, region), key=lambda r: (r.rank_national is None, r.rank_national))
    return {
        "method": slug,
        "version": number,
        "computed_at": scoring.computed_at.isoformat(),
        "units": unites,
        "scores": [
            ScoreOut(
                code=r.code,
                name=r.name,
                region=r.region_code,
                score=r.score,
                rank_national=r.rank_national,
                rank_regional=r.rank_regional,
                rank_low=r.rank_low,
                rank_high=r.rank_high,
            )
            for r in rows
        ],
    }


@router.get(
    "/ciblage/candidats",
    response={200: CandidatesOut, **NOT_FOUND},
    summary="EPCI candidats à rejoindre la carte",
    description="Les EPCI dont aucune commune n'est dans un territoire de la phase (`phase=2023-2027`, par défaut "
    "la phase en cours) et dont le score de fragilité, au dernier calcul de la méthode publiée, est parmi les plus "
    "élevés, avec le territoire du programme le plus proche.",
)
def targeting_candidates(request, phase: str = ""):
    phases = list(Phase.objects.values_list("slug", flat=True))
    phase = phase or (phases[-1] if phases else "")
    if phase not in phases:
        raise HttpError(404, f"Phase inconnue : {phase}")
    scoring = latest_scoring(default_version(published_versions()))
    if scoring is None:
        raise HttpError(404, "Aucun calcul de l'indice de fragilité disponible")
    return {
        "method": scoring.method_version.method.slug,
        "version": scoring.method_version.number,
        "computed_at": scoring.computed_at.isoformat(),
        "phase": phase,
        "top_share": index.thresholds_of(scoring.method_version)["candidate_top_share"],
        "candidates": [
            CandidateOut(
                siren=c.siren,
                name=c.name,
                region=c.region_code,
                score=c.score,
                rank_national=c.rank,
                nearest=NearestOut(
                    phase=c.nearest_phase_slug, code=c.nearest_code, name=c.nearest_name, distance_km=c.distance_km
                )
                if c.nearest_code
                else None,
            )
            for c in index.candidates(scoring, phase_slug=phase)
        ],
    }


@router.get(
    "/ciblage/alertes",
    response=list[AlertOut],
    summary="Alertes de choc industriel",
    description="Les alertes du dernier calcul de l'indice de fragilité : chômage qui augmente nettement plus vite "
    "qu'en France, emploi industriel ou salarié en forte baisse, avec le constat chiffré et la suite donnée. "
    "Filtre facultatif par région (`region=84`).",
)
def targeting_alerts(request, region: str = ""):
    scoring = latest_scoring(default_version(published_versions()))
    if scoring is None:
        return []
    alerts = Alert.objects.filter(scoring=scoring).order_by("region_code", "level", "code", "kind")
    if region:
        alerts = alerts.filter(region_code=region)
    return [
        AlertOut(
            level=a.level,
            phase=a.phase_slug,
            code=a.code,
            region=a.region_code,
            kind=a.kind,
            kind_label=a.get_kind_display(),
            period=a.period,
            evidence=a.evidence or {},
            status=a.get_status_display(),
        )
        for a in alerts
    ]
