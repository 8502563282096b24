"""Shapes of the API's answers and bodies (OpenAPI components)."""

import re
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value):
    """Only YYYY-MM-DD: pydantic would otherwise read `0` as 1970-01-01."""
    if isinstance(value, str) and not ISO_DATE.match(value):
        raise ValueError("date attendue au format AAAA-MM-JJ")
    return value


# An edition (millésime) of the COG; the bounds keep absurd numbers a 422 rather than a database overflow.
Year = Annotated[
    int,
    Field(
        ge=1900,
        le=2999,
        description="Année : millésime du COG ou année budgétaire",
        json_schema_extra={"example": 2026},
    ),
]
IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(description="Date au format AAAA-MM-JJ", json_schema_extra={"example": "2023-12-31"}),
]
PhaseSlug = Annotated[str, Field(description="Phase du programme", json_schema_extra={"example": "2023-2027"})]
TerritoryCode = Annotated[
    str, Field(description="Code du territoire (ti-RRNN)", json_schema_extra={"example": "ti-8401"})
]
CommuneCode = Annotated[str, Field(description="Code INSEE de la commune", json_schema_extra={"example": "01002"})]
Siren = Annotated[str, Field(description="SIREN de l'EPCI", json_schema_extra={"example": "200000001"})]


class Error(Schema):
    detail: str = Field(..., examples=["Phase inconnue : 2019-2020"])


class InvalidInput(Schema):
    detail: list[dict] = Field(..., description="What was wrong, parameter by parameter (pydantic errors)")


class Named(Schema):
    code: str
    name: str


# Geography


class EditionOut(Schema):
    year: int
    source: str
    imported_at: datetime


class EpciRef(Schema):
    siren: str
    name: str
    kind: str


class CommuneRef(Schema):
    code: str
    name: str
    kind: str


class CommuneOut(Schema):
    edition: int
    code: str
    name: str
    kind: str
    kind_label: str
    siren: str
    population: int | None
    departement: Named | None
    region: Named | None
    parent: CommuneRef | None = Field(
        None, description="Commune nouvelle or city holding a déléguée/associée/arrondissement"
    )
    children: list[CommuneRef] = Field(description="Communes déléguées, associées or arrondissements of this commune")
    epcis: list[EpciRef] = Field(description="EPCI of the commune (of its parent for a déléguée)")


class EpciMember(Schema):
    code: str
    name: str
    population: int | None


class EpciOut(Schema):
    edition: int
    siren: str
    name: str
    kind: str
    kind_label: str
    population: int | None
    members_count: int
    members: list[EpciMember]


class ProjectionIn(Schema):
    source: Year = Field(..., description="Edition (millésime) of the given codes", examples=[2020])
    target: Year = Field(..., description="Edition to project onto", examples=[2026])
    communes: list[str] = Field(default_factory=list, max_length=50_000, examples=[["01001", "01003"]])
    epcis: list[str] = Field(default_factory=list, max_length=5_000, examples=[["200000001"]])


class ProjectedCommune(Schema):
    code: str
    name: str
    population: int


class EpciCoverage(Schema):
    siren: str
    name: str
    covered: int
    total: int


class ProjectionOut(Schema):
    source: int
    target: int
    communes_count: int
    population: int
    communes: list[ProjectedCommune]
    unmapped_communes: list[str] = Field(description="Codes unknown in the source edition or with no successor")
    unknown_epcis: list[str]
    epci_full: list[EpciCoverage]
    epci_partial: list[EpciCoverage]


# Phases and territories


class PhaseOut(Schema):
    slug: str
    name: str
    starts: int
    ends: int
    territory_count: int


class PhaseDetail(PhaseOut):
    version_dates: list[date] = Field(description="Dates on which the map of the phase changed")


class TerritoryRow(Schema):
    code: str
    name: str
    region: str
    region_name: str
    communes_count: int
    population: int
    version: int
    withdrawn_on: date | None


class TerritoryList(Schema):
    phase: str
    edition: int
    on: date | None
    count: int
    territories: list[TerritoryRow]


class MemberOut(Schema):
    kind: str
    code: str
    label: str
    name: str | None = Field(description="Official name in the edition of the version, if found there")


class VersionOut(Schema):
    number: int
    valid_on: date
    reason: str
    source: str
    edition: int


class TerritoryDetail(Schema):
    phase: str
    edition: int
    code: str
    name: str
    region: str
    region_name: str
    withdrawn_on: date | None
    version: int
    members: list[MemberOut]
    communes_count: int
    population: int
    communes: list[ProjectedCommune]
    departements: list[Named]
    regions: list[Named]
    epci_full: list[EpciCoverage]
    epci_partial: list[EpciCoverage]
    unmapped: list[str]
    versions: list[VersionOut]


class OverlapOut(Schema):
    code: str
    name: str
    communes: int
    population: int


class EvolutionOut(Schema):
    code: str
    name: str
    communes: int
    population: int
    overlaps: list[OverlapOut]
    communes_outside: int
    population_outside: int


class ComparisonOut(Schema):
    old: str
    new: str
    edition: int
    old_on: date | None
    new_on: date | None
    summary: dict[str, int]
    territories: list[EvolutionOut] = Field(description="Each territory of the new phase and where it comes from")
    old_territories: list[EvolutionOut] = Field(description="Each territory of the old phase and where it went")
