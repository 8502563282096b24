"""Perimeter versions resolved on an edition of the geography: the figures and contours pages read at once."""

from django.conf import settings
from django.db import models

from pilote.geography.models import Edition

from .perimeters import PerimeterVersion


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
