"""The 50 industrial sites: a national pool of candidate land, a versioned qualification method, the land-use (ZAN)
account, exact selections, and the labelling with Banque des Territoires followed to "ready to host".

Places are official codes like everywhere in Pilote (commune INSEE code, EPCI SIREN, département, région; the
territory of each phase as phase slug → code, found through the stored resolutions), never foreign keys to the
geography. A fact of a site is `{"value": …, "source": …, "date": "YYYY-MM-DD"}`; `value` None means unknown, which is
never the same as "no" (False). Importers write `facts`; people write `added_facts`, which a re-import keeps and which
win over the imported ones (`Site.effective_facts()`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_fsm import FSMField

from pilote.core.models import Organisation
from pilote.core.versioning import Revised

from .enums import LabelOpinionKind, LabelState, MethodStatus, MilestoneKind, Objective, SiteKind, SiteOrigin
from .labelling import LabellingWorkflow


class Site(LabellingWorkflow, Revised):
    identifier = models.CharField("identifiant", max_length=60, unique=True)  # e.g. the Cartofriches site_id
    name = models.CharField("nom", max_length=300)
    kind = models.CharField("nature", max_length=20, choices=SiteKind.choices)
    origin = models.CharField("origine", max_length=20, choices=SiteOrigin.choices)
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    polygon = models.TextField("contour (GeoJSON)", blank=True)
    area_m2 = models.FloatField("surface (m²)", null=True, blank=True)
    commune_code = models.CharField("commune", max_length=5, blank=True)
    epci_siren = models.CharField("EPCI", max_length=9, blank=True)
    departement_code = models.CharField("département", max_length=3, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)
    territories = models.JSONField("territoires par phase", default=dict, blank=True)  # phase slug → territory code
    is_artificialised = models.BooleanField("déjà artificialisé", null=True)  # None: unknown (ZAN account)
    facts = models.JSONField("faits importés", default=dict, blank=True)
    added_facts = models.JSONField("faits ajoutés", default=dict, blank=True)
    label_state = FSMField("labellisation", max_length=20, choices=LabelState.choices, default=LabelState.POOL)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["identifier"]
        verbose_name = "site"
        indexes = [
            models.Index(fields=["commune_code"]),
            models.Index(fields=["region_code"]),
            models.Index(fields=["label_state"]),
            models.Index(fields=["name", "identifier"], name="site_by_name"),  # the pool sorted by name, paged
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=SiteKind.values), name="site_known_kind"),
            models.CheckConstraint(condition=Q(origin__in=SiteOrigin.values), name="site_known_origin"),
            models.CheckConstraint(condition=Q(label_state__in=LabelState.values), name="site_known_label_state"),
            models.CheckConstraint(condition=Q(area_m2__isnull=True) | Q(area_m2__gte=0), name="site_area_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.identifier})"

    def effective_facts(self) -> dict:
        return {**self.facts, **self.added_facts}


class BrownfieldFunding(models.Model):
    """A Fonds friches project, linked to the site it could be matched with (or reported unmatched)."""

    site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True, related_name="fundings")
    reference = models.CharField("dossier", max_length=60, unique=True)
    name = models.CharField("projet", max_length=300)
    commune_code = models.CharField("commune", max_length=5, blank=True)
    amount = models.DecimalField("subvention (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    facts = models.JSONField("données du dossier", default=dict, blank=True)

    class Meta:
        verbose_name = "dossier du Fonds friches"


class SiteImport(models.Model):
    """One imported file: what was read, created, updated, left out, in French."""

    source = models.CharField("source", max_length=60)
    file_name = models.CharField("fichier", max_length=300)
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report = models.JSONField("compte rendu", default=dict)

    class Meta:
        ordering = ["-imported_at"]
        constraints = [models.UniqueConstraint(fields=["source", "sha256"], name="site_import_once")]


class NafConsumption(models.Model):
    """Cerema « consommation d'espaces NAF »: a commune's yearly flows in m², total and by destination."""

    commune_code = models.CharField("commune", max_length=5)
    year = models.PositiveSmallIntegerField("année")  # the flow from 1 Jan of `year` to 1 Jan of year + 1
    total_m2 = models.FloatField("consommation totale (m²)")
    activity_m2 = models.FloatField("activité (m²)", default=0)
    housing_m2 = models.FloatField("habitat (m²)", default=0)
    mixed_m2 = models.FloatField("mixte (m²)", default=0)
    road_m2 = models.FloatField("routes (m²)", default=0)
    rail_m2 = models.FloatField("fer (m²)", default=0)
    unknown_m2 = models.FloatField("inconnu (m²)", default=0)
    source = models.ForeignKey(SiteImport, on_delete=models.CASCADE, related_name="naf_rows")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune_code", "year"], name="naf_commune_year_unique")]


class ImmutableMethod(Exception):
    pass


class QualificationMethod(models.Model):
    """A version of the qualification method for industrial use: criteria with values, points and weights. Once
    published it never changes; past scores keep their version."""

    number = models.PositiveSmallIntegerField("version", unique=True)
    status = models.CharField("statut", max_length=10, choices=MethodStatus.choices, default=MethodStatus.DRAFT)
    # [{"key": fact key, "label": …, "weight": w, "values": [{"match": …, "points": p, "label": …}], "unknown": 0}]
    criteria = models.JSONField("critères", default=list)
    notes = models.TextField("ce qui change", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = "version de la méthode de qualification"

    def __str__(self):
        return f"Méthode de qualification, version {self.number}"

    CONTENT = ("number", "status", "criteria", "notes")

    def save(self, *args, **kwargs):
        """A published version never changes (its scores would no longer say what they were computed with)."""
        if self.pk is not None:
            stored = QualificationMethod.objects.filter(pk=self.pk, status=MethodStatus.PUBLISHED)
            stored = stored.values(*self.CONTENT).first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in self.CONTENT):
                raise ImmutableMethod(f"{self} est publiée : une modification est une nouvelle version.")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == MethodStatus.PUBLISHED


class SiteScore(models.Model):
    method = models.ForeignKey(QualificationMethod, on_delete=models.PROTECT, related_name="scores")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="scores")
    score = models.FloatField("score")
    reliability = models.FloatField("fiabilité")  # share of the weights resting on known facts, 0–1
    # {"lines": {key: [weighted points, value, n]}, "sources": [[source, date], …]}: the facts the score was computed
    # from, n their (source, date); scoring.explain gives each line with the method's label (sites/_score.html)
    points = models.JSONField("points par critère", default=dict)
    computed_at = models.DateTimeField("calculé le", auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["method", "site"], name="site_score_unique")]
        indexes = [models.Index(fields=["method", "-score"])]


class Selection(models.Model):
    """A selection of N sites built by ANCT under constraints, solved exactly and by a greedy heuristic."""

    name = models.CharField("nom", max_length=200)
    method = models.ForeignKey(QualificationMethod, on_delete=models.PROTECT, related_name="selections")
    objective = models.CharField("objectif", max_length=20, choices=Objective.choices, default=Objective.SCORE)
    size = models.PositiveSmallIntegerField("nombre de sites", default=50)
    constraints = models.JSONField("contraintes", default=dict)  # caps per région, NAF cap, budget, forced in/out…
    status = models.CharField("résultat", max_length=20, blank=True)  # optimal, infeasible
    exact_value = models.FloatField("valeur optimale", null=True)
    greedy_value = models.FloatField("valeur de l'heuristique gloutonne", null=True)
    solve_seconds = models.FloatField("durée de résolution (s)", null=True)
    explanation = models.JSONField("explication", default=dict)  # infeasibility in French, near-misses…
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    adopted_by_anct = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_by_bdt = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField("adoptée le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "sélection de sites"


class SelectionItem(models.Model):
    selection = models.ForeignKey(Selection, on_delete=models.CASCADE, related_name="items")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    chosen = models.BooleanField("retenu")  # False: a near-miss, kept to say what kept it out
    in_greedy = models.BooleanField("retenu par l'heuristique", default=False)
    reason = models.JSONField("pourquoi", default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["selection", "site"], name="selection_item_unique")]


class LabelOpinionRequest(models.Model):
    """An opinion asked of an organisation (préfecture, région, Banque des Territoires) on a site in review."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opinion_requests")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    deadline = models.DateField("à rendre avant le")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField("demandé le", auto_now_add=True)
    kind = models.CharField("avis", max_length=20, choices=LabelOpinionKind.choices, blank=True)  # empty: awaited
    text = models.TextField("motivation", blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_at = models.DateTimeField("rendu le", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "organisation"], name="one_label_opinion_per_organisation"),
        ]

    def __str__(self):
        return f"Avis de {self.organisation.name} sur {self.site}"

    def is_late(self, today) -> bool:
        return not self.kind and self.deadline < today


class Milestone(Revised):
    """A step of a labelled site towards "ready to host", planned then done."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("étape", max_length=30, choices=MilestoneKind.choices)
    planned_on = models.DateField("prévue le", null=True, blank=True)
    done_on = models.DateField("faite le", null=True, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["site", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["site", "kind"], name="one_milestone_of_a_kind_per_site"),
            models.CheckConstraint(condition=Q(kind__in=MilestoneKind.values), name="milestone_known_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.site}"
