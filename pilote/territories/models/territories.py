"""Phases of the programme and their territories.

Sources: ANCT lists of Territoires d'industrie (data/manifest.toml). A territory's identity is (phase, code):
phase 2 renumbered the `ti-RRNN` codes, so `ti-0101` is Cap Excellence in phase 1 and Basse-Terre in phase 2.
"""

from datetime import date
from typing import NamedTuple

from django.db import models

from pilote.core import perms
from pilote.core.enums import Role

from .perimeters import PerimeterVersion
from .resolutions import Resolution


class Phase(models.Model):
    slug = models.SlugField(unique=True)  # "2018-2022", "2023-2027"
    name = models.CharField("nom", max_length=100)
    starts_on_year = models.PositiveSmallIntegerField("début")
    ends_on_year = models.PositiveSmallIntegerField("fin")

    class Meta:
        ordering = ["starts_on_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on_year__gte=models.F("starts_on_year")), name="phase_years_ordered"
            ),
        ]

    def __str__(self):
        return self.name


class Area(NamedTuple):
    """The régions and départements a territory's current perimeter touches (default edition); its région of
    attachment counts among the régions."""

    regions: set[str]
    departements: set[str]

    @classmethod
    def of(cls, region_code: str, resolution: tuple[list[str], list[str]] | None) -> "Area":
        regions, departements = resolution or ([region_code], [])
        return cls(set(regions) | {region_code}, set(departements))


def _touching(regions: set[str], departements: set[str]) -> set[int]:
    rows = Resolution.objects.current().values_list("version__territory_id", "regions", "departements")
    return {pk for pk, regs, deps in rows if regions & set(regs) or departements & set(deps)}


class TerritoryQuerySet(models.QuerySet):
    def in_scope_of(self, user):
        """The territories a person works on: every one for ANCT and operators; for a regional or départemental
        reviewer those whose current perimeter touches their région or département (a territory crossing two
        regions is in both scopes, on the platform's default edition); for a territory team its own. The one
        scoping method of every list."""
        if perms.is_national(user) or perms.has_role(user, Role.OPERATOR):
            return self
        regions, departements = perms.region_codes(user), perms.departement_codes(user)
        ids = _touching(regions, departements) if regions or departements else set()
        team = models.Q()
        for phase_slug, code in perms.team_territories(user):
            team |= models.Q(phase__slug=phase_slug, code=code)
        return self.filter(models.Q(pk__in=ids) | team) if team else self.filter(pk__in=ids)

    def touching(self, *, regions=(), departements=()):
        """Territories whose current perimeter touches one of `regions` or `departements` (codes, on the platform's
        default edition), as the scopes of reviewers read it. One query, run at once."""
        return self.filter(pk__in=_touching(set(regions), set(departements)))

    def active_in(self, *years: int):
        """Territories in the programme in at least one of `years` (see `Territory.is_active_in`, the one rule)."""
        active = models.Q(pk__in=[])
        for year in years:
            active |= models.Q(
                phase__starts_on_year__lte=year,
                phase__ends_on_year__gte=year,
            ) & (models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=date(year, 1, 1)))
        return self.filter(active)

    def areas(self) -> dict[int, Area]:
        """Each territory's `Area`, by id. Two queries, whatever the number of territories."""
        attached = dict(self.values_list("pk", "region_code"))
        rows = (
            Resolution.objects.current()
            .filter(version__territory_id__in=attached)
            .values_list("version__territory_id", "regions", "departements")
        )
        resolved = {pk: (regions, departements) for pk, regions, departements in rows}
        return {pk: Area.of(region_code, resolved.get(pk)) for pk, region_code in attached.items()}

    def search(self, text: str):
        return self.filter(models.Q(name__icontains=text) | models.Q(code__icontains=text)) if text else self


class Territory(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="territories")
    code = models.CharField(max_length=7)  # ti-RRNN
    name = models.CharField("nom", max_length=200)
    region_code = models.CharField("région de rattachement", max_length=3)
    withdrawn_on = models.DateField("sorti du programme le", null=True, blank=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["phase", "code"]
        verbose_name = "territoire d'industrie"
        constraints = [
            models.UniqueConstraint(fields=["phase", "code"], name="territory_unique_code_in_phase"),
            models.CheckConstraint(condition=models.Q(code__regex=r"^ti-[0-9]{4}$"), name="territory_code_format"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def is_active_in(self, year: int) -> bool:
        """The programme's one rule for "a territory of year Y" (allocation, commitments, every form offering
        territories for a year; ADR 0005): its phase covers Y and it was still in the programme on 1 January of Y.
        `withdrawn_on` is its first day out, so a territory withdrawn on 1 January Y is out of Y; withdrawn on any
        later day of Y (mid-year, 31 December) it counts for the whole of Y — its share and its commitments — and is
        out from Y + 1. `TerritoryQuerySet.active_in` is the same rule in SQL."""
        phase = self.phase
        in_phase = phase.starts_on_year <= year <= phase.ends_on_year
        return in_phase and (self.withdrawn_on is None or self.withdrawn_on > date(year, 1, 1))

    def audit_scope(self) -> dict:
        """The territory an audit row is filed under (`audit.record(..., **territory.audit_scope())`)."""
        return {"phase_slug": self.phase.slug, "territory_code": self.code}

    def area(self) -> Area:
        """The régions and départements its current perimeter touches, on the platform's default edition. One
        query (`TerritoryQuerySet.areas` for many)."""
        rows = Resolution.objects.current().filter(version__territory=self).values_list("regions", "departements")
        return Area.of(self.region_code, rows.first())

    def current_version(self) -> PerimeterVersion | None:
        """Its current perimeter (`PerimeterVersion.objects.current`)."""
        return PerimeterVersion.objects.current().filter(territory=self).first()

    def current_resolution(self, edition: int | None = None) -> Resolution | None:
        """Its current perimeter resolved on `edition` (default: the platform's); None until resolved."""
        return Resolution.objects.current(edition).filter(version__territory=self).first()
