"""Phases of the programme, territories and their versioned perimeters.

Sources: ANCT lists of Territoires d'industrie (data/manifest.toml). A territory's identity is (phase, code):
phase 2 renumbered the `ti-RRNN` codes, so `ti-0101` is Cap Excellence in phase 1 and Basse-Terre in phase 2.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Subquery

from pilote.core.enums import Role
from pilote.geography.models import Edition

from .enums import MemberKind


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


class TerritoryQuerySet(models.QuerySet):
    def in_phase(self, phase):
        return self.filter(phase=phase)

    def in_scope_of(self, user):
        """The territories a person works on: every one for ANCT and operators; for a regional or départemental
        reviewer those whose current perimeter touches their région or département (a territory crossing two
        regions is in both scopes, on the platform's default edition); for a territory team its own. The one
        scoping method of every list."""
        from pilote.core import perms

        if perms.is_national(user) or perms.has_role(user, Role.OPERATOR):
            return self
        regions, departements = perms.region_codes(user), perms.departement_codes(user)
        ids = set()
        if regions or departements:
            rows = Resolution.objects.current().values_list("version__territory_id", "regions", "departements")
            ids = {pk for pk, regs, deps in rows if regions & set(regs) or departements & set(deps)}
        team = models.Q()
        for phase_slug, code in perms.team_territories(user):
            team |= models.Q(phase__slug=phase_slug, code=code)
        return self.filter(models.Q(pk__in=ids) | team) if team else self.filter(pk__in=ids)

    def active_in(self, *years: int):
        """Territories in the programme in at least one of `years` (see `Territory.is_active_in`, the one rule)."""
        active = models.Q(pk__in=[])
        for year in years:
            active |= models.Q(
                phase__starts_on_year__lte=year,
                phase__ends_on_year__gte=year,
            ) & (models.Q(withdrawn_on__isnull=True) | models.Q(withdrawn_on__gt=date(year, 1, 1)))
        return self.filter(active)

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

    def current_version(self) -> "PerimeterVersion | None":
        """Its current perimeter (`PerimeterVersion.objects.current`)."""
        return PerimeterVersion.objects.current().filter(territory=self).first()

    def current_resolution(self, edition: int | None = None) -> "Resolution | None":
        """Its current perimeter resolved on `edition` (default: the platform's); None until resolved."""
        return Resolution.objects.current(edition).filter(version__territory=self).first()


class PerimeterVersionQuerySet(models.QuerySet):
    def current(self):
        """Each territory's current perimeter: its version with the highest number, withdrawn territories included
        (today's map adds "still in the programme": `figures.current_versions`). The one definition that the scopes,
        budget rules, allocation and campaigns read; one subquery."""
        latest = PerimeterVersion.objects.filter(territory=OuterRef("territory")).order_by("-number").values("number")
        return self.filter(number=Subquery(latest[:1]))

    def state_of(self, phase: Phase, on: date | None = None) -> list["PerimeterVersion"]:
        """The map of `phase` on date `on` (default: today's): each territory in the programme then, with the
        latest version of its perimeter valid then. One query."""
        versions = self.filter(territory__phase=phase).select_related("territory").order_by("territory__code", "number")
        if on is not None:
            versions = versions.filter(valid_on__lte=on)
        latest = {}
        for version in versions:
            withdrawn = version.territory.withdrawn_on
            if withdrawn is None or (on is not None and withdrawn > on):
                latest[version.territory_id] = version
        return list(latest.values())

    def valid_dates(self, phase: Phase) -> list[date]:
        return sorted(set(self.filter(territory__phase=phase).values_list("valid_on", flat=True)))


class PerimeterVersion(models.Model):
    """The members of a territory (EPCI SIRENs and/or commune codes), pinned to an edition of the geography."""

    territory = models.ForeignKey(Territory, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField("version")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+", verbose_name="millésime")
    valid_on = models.DateField("en vigueur le")
    reason = models.CharField("motif", max_length=300)
    source = models.CharField("source", max_length=120)
    notes = models.TextField("observations", blank=True)
    warnings = models.JSONField("alertes sur les données", default=list, blank=True)  # French, one per line shown
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PerimeterVersionQuerySet.as_manager()

    class Meta:
        ordering = ["territory", "number"]
        constraints = [models.UniqueConstraint(fields=["territory", "number"], name="version_unique_number")]

    def __str__(self):
        return f"{self.territory.code} v{self.number}"


class PerimeterMember(models.Model):
    version = models.ForeignKey(PerimeterVersion, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(max_length=7, choices=MemberKind.choices)
    code = models.CharField(max_length=9)  # SIREN for an EPCI, INSEE code for a commune
    label = models.CharField("libellé source", max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "kind", "code"], name="member_unique"),
            models.CheckConstraint(condition=models.Q(kind__in=MemberKind.values), name="member_known_kind"),
        ]


class ResolutionQuerySet(models.QuerySet):
    def current(self, edition: int | None = None):
        """The stored resolutions of the territories' current perimeters on `edition` (default: the platform's)."""
        edition = edition or settings.DEFAULT_EDITION
        return self.filter(version__in=PerimeterVersion.objects.current(), edition_id=edition)


class Resolution(models.Model):
    """A perimeter version resolved on an edition: derived figures, stored so that pages read them at once.

    Rebuilt by `resolve_perimeters` (and whenever an edition is re-imported); never edited.
    """

    version = models.ForeignKey(PerimeterVersion, on_delete=models.CASCADE, related_name="resolutions")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    communes_count = models.PositiveIntegerField()
    population = models.PositiveBigIntegerField()
    departements = models.JSONField(default=list)
    regions = models.JSONField(default=list)
    unmapped = models.JSONField("codes sans correspondance", default=list)
    geometry = models.TextField("contour (GeoJSON)", blank=True)
    geometry_light = models.TextField("contour très simplifié pour la carte nationale (GeoJSON)", blank=True)
    geometry_format = models.PositiveSmallIntegerField("forme du contour publié", default=0)  # GEOMETRY_FORMAT
    computed_at = models.DateTimeField(auto_now=True)

    objects = ResolutionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "edition"], name="resolution_unique")]


class ResolvedCommune(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="communes")
    code = models.CharField(max_length=5)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resolution", "code"], name="resolved_commune_unique")]
        indexes = [models.Index(fields=["code"])]


class ResolvedEpci(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="epcis")
    siren = models.CharField(max_length=9)
    covered = models.PositiveIntegerField("communes couvertes")
    total = models.PositiveIntegerField("communes de l'EPCI")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resolution", "siren"], name="resolved_epci_unique")]
        indexes = [models.Index(fields=["siren"])]

    @property
    def is_full(self) -> bool:
        return self.covered == self.total


# Governance models live in their own module; imported here so that Django registers them with the app.
from .governance import Binome, CommitteeMember, Partner, ProjectLead  # noqa: E402, F401
