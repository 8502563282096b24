"""Steering the 100 M€ a year: envelopes of commitment and payment appropriations (AE/CP) delegated down a tree
(programme → action type → région → département), commitments with their co-financing, payments, the parameters of
the rules and the territories designated for Rebond industriel.

Money is `Decimal` in euros. What an envelope has given away (sub-envelopes, commitments, payments) is kept on the
envelope itself (`ae_used`, `cp_used`) and moved by single UPDATEs under a CHECK constraint (`used <= amount`): no
interleaving of concurrent writers can overspend an envelope, the database refuses it. The locked read made before
each UPDATE (`Envelope.objects.lock`) serialises writers on PostgreSQL and lets the refusal be explained in French.
Lock order, to keep concurrent writers free of deadlocks: envelopes from the top of the tree down, then commitments.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django_fsm import FSMField, transition

from pilote.core import perms
from pilote.core.audit import field_changes, record
from pilote.core.enums import Role
from pilote.plans.models import FicheAction
from pilote.territories.models import Resolution, Territory

from .enums import CHILD_LEVEL, ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel, Sector, SkillsKind
from .money import euros, percent

MONEY = {"max_digits": 14, "decimal_places": 2}
ZERO = Decimal("0.00")


class RuleBroken(ValidationError):
    """A budget rule refuses the change; the message (French) says why. Nothing was written."""

    def __str__(self):
        return " ".join(self.messages)


class EditConflict(RuleBroken):
    """Somebody saved the same object since the form was opened."""


# --- envelopes ------------------------------------------------------------------------------------------------------


class EnvelopeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """ANCT and operators see every envelope; a regional reviewer those of their régions (and their
        départements); a départemental reviewer those of their départements. The one scoping method of envelopes."""
        if perms.is_national(user) or perms.has_role(user, Role.OPERATOR):
            return self
        return self.filter(
            Q(region_code__in=perms.region_codes(user)) | Q(departement_code__in=perms.departement_codes(user))
        )

    def of_year(self, year: int):
        return self.filter(year=year)

    def lock(self, pk: int) -> "Envelope":
        """The envelope, row-locked until the end of the transaction (PostgreSQL; SQLite serialises writers)."""
        return self.select_for_update().get(pk=pk)

    def use(self, pk: int, *, ae: Decimal = ZERO, cp: Decimal = ZERO) -> None:
        """Add to what the envelope has given away, in one UPDATE checked by the database."""
        try:
            with transaction.atomic():
                self.filter(pk=pk).update(ae_used=F("ae_used") + ae, cp_used=F("cp_used") + cp)
        except IntegrityError as error:
            raise RuleBroken("Refusé : l'enveloppe serait dépassée (contrôle de la base de données).") from error

    def open_year(self, *, year: int, ae: Decimal, cp: Decimal, actor, is_demo: bool = False) -> "Envelope":
        """The programme's envelope of a year (the root of its tree)."""
        with transaction.atomic():
            if self.filter(year=year, level=EnvelopeLevel.PROGRAMME).exists():
                raise RuleBroken(f"Le budget {year} est déjà ouvert.")
            envelope = self.create(
                year=year, level=EnvelopeLevel.PROGRAMME, ae_amount=ae, cp_amount=cp, is_demo=is_demo
            )
            record(actor=actor, action="budget.year_open", obj=envelope, changes=envelope.audit_values())
        return envelope

    def counterpart(self, envelope: "Envelope", year: int) -> "Envelope | None":
        """The envelope of the same action type and place in another year (where a payment draws its CP)."""
        return self.filter(
            year=year,
            level=envelope.level,
            action_type=envelope.action_type,
            region_code=envelope.region_code,
            departement_code=envelope.departement_code,
        ).first()


class Envelope(models.Model):
    """A year's budget at one level: the programme's total, one action type nationally, or its delegation to a région
    or a département. The sum of the children never exceeds the parent (in AE and in CP)."""

    year = models.PositiveSmallIntegerField("année")
    level = models.CharField("niveau", max_length=20, choices=EnvelopeLevel.choices)
    action_type = models.CharField("type d'action", max_length=20, choices=ActionType.choices, blank=True)
    region_code = models.CharField("région", max_length=3, blank=True)
    departement_code = models.CharField("département", max_length=3, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="enveloppe mère"
    )
    label = models.CharField("libellé", max_length=200, blank=True)
    ae_amount = models.DecimalField("autorisations d'engagement (€)", **MONEY)
    cp_amount = models.DecimalField("crédits de paiement (€)", **MONEY)
    ae_used = models.DecimalField("AE déléguées ou engagées (€)", default=ZERO, editable=False, **MONEY)
    cp_used = models.DecimalField("CP délégués ou payés (€)", default=ZERO, editable=False, **MONEY)
    is_demo = models.BooleanField("démonstration", default=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnvelopeQuerySet.as_manager()

    class Meta:
        verbose_name = "enveloppe"
        ordering = ["year", "level", "action_type", "region_code", "departement_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "level", "action_type", "region_code", "departement_code"], name="envelope_unique"
            ),
            models.CheckConstraint(condition=Q(ae_amount__gte=0) & Q(cp_amount__gte=0), name="envelope_positive"),
            models.CheckConstraint(condition=Q(ae_used__gte=0) & Q(cp_used__gte=0), name="envelope_used_positive"),
            # The rule of the whole app: an envelope never gives away more than it holds.
            models.CheckConstraint(condition=Q(ae_used__lte=F("ae_amount")), name="envelope_ae_not_overspent"),
            models.CheckConstraint(condition=Q(cp_used__lte=F("cp_amount")), name="envelope_cp_not_overspent"),
            models.CheckConstraint(condition=Q(level__in=EnvelopeLevel.values), name="envelope_known_level"),
            models.CheckConstraint(
                condition=(Q(level=EnvelopeLevel.PROGRAMME) & Q(action_type="") & Q(parent__isnull=True))
                | (~Q(level=EnvelopeLevel.PROGRAMME) & Q(action_type__in=ActionType.values) & Q(parent__isnull=False)),
                name="envelope_action_type_below_programme",
            ),
            models.CheckConstraint(
                condition=(Q(level__in=[EnvelopeLevel.PROGRAMME, EnvelopeLevel.NATIONAL]) & Q(region_code=""))
                | (Q(level__in=[EnvelopeLevel.REGION, EnvelopeLevel.DEPARTEMENT]) & ~Q(region_code="")),
                name="envelope_region_where_delegated",
            ),
            models.CheckConstraint(
                condition=Q(level=EnvelopeLevel.DEPARTEMENT, departement_code__gt="")
                | (~Q(level=EnvelopeLevel.DEPARTEMENT) & Q(departement_code="")),
                name="envelope_departement_only_at_its_level",
            ),
        ]

    def __str__(self):
        parts = [str(self.year), self.get_action_type_display() or "Programme"]
        if self.departement_code:
            parts.append(f"département {self.departement_code}")
        elif self.region_code:
            parts.append(f"région {self.region_code}")
        return " · ".join(parts)

    @property
    def ae_remaining(self) -> Decimal:
        return self.ae_amount - self.ae_used

    @property
    def cp_remaining(self) -> Decimal:
        return self.cp_amount - self.cp_used

    @property
    def child_level(self) -> str | None:
        return CHILD_LEVEL.get(self.level)

    def audit_values(self) -> dict:
        return field_changes(
            None, self, ["year", "level", "action_type", "region_code", "departement_code", "ae_amount", "cp_amount"]
        )

    def named(self) -> str:
        """The envelope in words, with the name of its région or département (one query): for messages."""
        from pilote.geography.models import Departement, Region

        parts = [str(self.year), self.get_action_type_display() or "Programme"]
        edition = settings.DEFAULT_EDITION
        if self.departement_code:
            name = Departement.objects.filter(edition_id=edition, code=self.departement_code).values_list("name")
            parts.append(f"{(name.first() or [self.departement_code])[0]} ({self.departement_code})")
        elif self.region_code:
            name = Region.objects.filter(edition_id=edition, code=self.region_code).values_list("name")
            parts.append((name.first() or [f"région {self.region_code}"])[0])
        return " · ".join(parts)

    def require(self, *, ae: Decimal = ZERO, cp: Decimal = ZERO, what: str = "Ce montant") -> None:
        """Refuse, in French, what this (locked) envelope cannot give."""
        if ae > self.ae_remaining:
            raise RuleBroken(
                f"{what} dépasse l'enveloppe {self.named()} : il reste {euros(self.ae_remaining)} en autorisations "
                f"d'engagement, {euros(ae)} demandés."
            )
        if cp > self.cp_remaining:
            raise RuleBroken(
                f"{what} dépasse l'enveloppe {self.named()} : il reste {euros(self.cp_remaining)} en crédits de "
                f"paiement, {euros(cp)} demandés."
            )

    def delegate(
        self,
        *,
        actor,
        ae: Decimal,
        cp: Decimal,
        action_type: str = "",
        region_code: str = "",
        departement_code: str = "",
        label: str = "",
        is_demo: bool = False,
    ) -> "Envelope":
        """A sub-envelope taken from this one: an action type from the programme, a région from an action type, a
        département from a région."""
        level = self.child_level
        if level is None:
            raise RuleBroken("Une enveloppe départementale ne se délègue pas plus bas.")
        with transaction.atomic():
            parent = Envelope.objects.lock(self.pk)
            child = Envelope(
                year=parent.year,
                level=level,
                parent=parent,
                action_type=action_type if level == EnvelopeLevel.NATIONAL else parent.action_type,
                region_code=region_code if level == EnvelopeLevel.REGION else parent.region_code,
                departement_code=departement_code if level == EnvelopeLevel.DEPARTEMENT else "",
                label=label,
                ae_amount=ae,
                cp_amount=cp,
                is_demo=is_demo,
            )
            child.check_place()
            if Envelope.objects.filter(
                year=child.year,
                level=level,
                action_type=child.action_type,
                region_code=child.region_code,
                departement_code=child.departement_code,
            ).exists():
                raise RuleBroken(f"L'enveloppe {child} existe déjà : modifiez son montant.")
            parent.require(ae=ae, cp=cp, what="Cette délégation")
            Envelope.objects.use(parent.pk, ae=ae, cp=cp)
            child.save()
            record(actor=actor, action="budget.envelope_delegate", obj=child, changes=child.audit_values())
        return child

    def check_place(self) -> None:
        """An action type, a région or a département the platform knows (on its default edition)."""
        from pilote.geography.models import Departement, Region

        if self.level == EnvelopeLevel.NATIONAL and self.action_type not in ActionType.values:
            raise RuleBroken("Choisissez un type d'action.")
        edition = settings.DEFAULT_EDITION
        if (
            self.level == EnvelopeLevel.REGION
            and not Region.objects.filter(edition_id=edition, code=self.region_code).exists()
        ):
            raise RuleBroken(f"Région inconnue : « {self.region_code} ».")
        if (
            self.level == EnvelopeLevel.DEPARTEMENT
            and not Departement.objects.filter(
                edition_id=edition, code=self.departement_code, region__code=self.region_code
            ).exists()
        ):
            raise RuleBroken(f"Le département « {self.departement_code} » n'est pas dans la région {self.region_code}.")

    def set_amounts(self, *, actor, ae: Decimal, cp: Decimal, version: int) -> None:
        """Change the envelope's AE and CP: never below what it has given away, never beyond what its parent has
        left. `version` is the one the form was built from (optimistic concurrency)."""
        with transaction.atomic():
            parent = Envelope.objects.lock(self.parent_id) if self.parent_id else None
            current = Envelope.objects.lock(self.pk)
            if current.version != version:
                raise EditConflict(
                    f"L'enveloppe {current} a été modifiée entre-temps (AE {euros(current.ae_amount)}, "
                    f"CP {euros(current.cp_amount)}) : rechargez la page avant de la modifier."
                )
            if ae < current.ae_used or cp < current.cp_used:
                raise RuleBroken(
                    f"L'enveloppe {current} a déjà délégué ou engagé {euros(current.ae_used)} en AE et délégué ou payé "
                    f"{euros(current.cp_used)} en CP : elle ne peut descendre en dessous."
                )
            delta_ae, delta_cp = ae - current.ae_amount, cp - current.cp_amount
            if parent is not None:
                parent.require(ae=max(delta_ae, ZERO), cp=max(delta_cp, ZERO), what="Cette augmentation")
                Envelope.objects.use(parent.pk, ae=delta_ae, cp=delta_cp)
            before = Envelope(ae_amount=current.ae_amount, cp_amount=current.cp_amount)
            Envelope.objects.filter(pk=self.pk).update(ae_amount=ae, cp_amount=cp, version=F("version") + 1)
            self.ae_amount, self.cp_amount, self.version = ae, cp, current.version + 1
            record(
                actor=actor,
                action="budget.envelope_amounts",
                obj=self,
                changes=field_changes(before, self, ["ae_amount", "cp_amount"]),
            )

    def national_ancestor(self) -> "Envelope | None":
        envelope = self
        while envelope is not None and envelope.level not in (EnvelopeLevel.NATIONAL, EnvelopeLevel.PROGRAMME):
            envelope = envelope.parent
        return envelope if envelope is not None and envelope.level == EnvelopeLevel.NATIONAL else None


# --- rules' parameters and Rebond industriel --------------------------------------------------------------------------


class Parameters(models.Model):
    """The parameters of the budget rules: one row, edited by ANCT. The defaults are the platform's own choices,
    to be confirmed by ANCT — not official figures."""

    project_lead_state_share_max = models.DecimalField(
        "part maximale de l'État dans un poste de chef de projet (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("50.00"),
        help_text="Valeur par défaut de la plateforme : 50 %, à confirmer par l'ANCT.",
    )
    project_lead_yearly_cap = models.DecimalField(
        "plafond annuel de l'aide de l'État au chef de projet, par territoire (€)",
        default=Decimal("40000.00"),
        help_text="Valeur par défaut de la plateforme : 40 000 € par territoire et par an, à confirmer par l'ANCT.",
        **MONEY,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "paramètres des règles budgétaires"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="parameters_single_row"),
            models.CheckConstraint(
                condition=Q(project_lead_state_share_max__gte=0) & Q(project_lead_state_share_max__lte=100),
                name="parameters_share_is_a_percentage",
            ),
            models.CheckConstraint(condition=Q(project_lead_yearly_cap__gte=0), name="parameters_cap_positive"),
        ]

    def __str__(self):
        return "Paramètres des règles budgétaires"

    @classmethod
    def current(cls) -> "Parameters":
        return cls.objects.get_or_create(pk=1)[0]


class ShockDesignationQuerySet(models.QuerySet):
    def active_on(self, day: date):
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day), decided_on__lte=day)


class ShockDesignation(models.Model):
    """A territory designated as hit by an industrial shock, which opens Rebond industriel to it. Set by ANCT (a
    later issue detects shocks from open data and proposes designations)."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="shock_designations")
    decided_on = models.DateField("décidé le")
    decision = models.CharField("décision", max_length=300, help_text="Référence de la décision (comité, arrêté…).")
    reason = models.TextField("choc industriel constaté", blank=True)
    ended_on = models.DateField("fin de la désignation", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_demo = models.BooleanField("démonstration", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShockDesignationQuerySet.as_manager()

    class Meta:
        verbose_name = "désignation Rebond industriel"
        ordering = ["-decided_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("decided_on")), name="shock_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.territory} — choc industriel ({self.decided_on:%d/%m/%Y})"


# --- commitments, co-financing, payments ---------------------------------------------------------------------------


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """ANCT and operators see every commitment; reviewers those drawn on the envelopes they see."""
        if perms.is_national(user) or perms.has_role(user, Role.OPERATOR):
            return self
        return self.filter(envelope__in=Envelope.objects.visible_to(user))

    def committed(self):
        return self.filter(status=CommitmentStatus.COMMITTED)

    def create_for(
        self, envelope: Envelope, *, actor, lines=(), commit_on: date | None = None, **fields
    ) -> "Commitment":
        """A proposed commitment on `envelope` with its co-financing `lines` ((kind, funder, amount), …); committed at
        once when `commit_on` (the decision date) is given. All or nothing."""
        with transaction.atomic():
            commitment = Commitment(envelope=envelope, created_by=actor, **fields)
            commitment.take_place_of(envelope)
            commitment.check_fields()
            commitment.total_cofinancing(lines)
            commitment.save()
            CoFinancing.objects.bulk_create(
                CoFinancing(commitment=commitment, kind=kind, funder=funder, amount=amount)
                for kind, funder, amount in lines
            )
            record(
                actor=actor,
                action="budget.commitment_create",
                obj=commitment,
                changes=commitment.audit_values(),
                **commitment.audit_scope(),
            )
            if commit_on is not None:
                commitment.commit(actor=actor, decided_on=commit_on)
        return commitment


COMMITMENT_FIELDS = [
    "label",
    "beneficiary_name",
    "beneficiary_siren",
    "amount",
    "sector",
    "skills_kind",
    "fiche_id",
    "territory_id",
]


class Commitment(models.Model):
    """An engagement: money of an envelope (AE) promised to a beneficiary for a territory. Proposed, then committed
    (the AE are used), or cancelled (they come back). Payments draw CP of the year they are made."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="commitments")
    # Copied from the envelope (and the territory for national envelopes) so that dashboards group without joins.
    year = models.PositiveSmallIntegerField("année", editable=False)
    action_type = models.CharField("type d'action", max_length=20, choices=ActionType.choices, editable=False)
    region_code = models.CharField("région", max_length=3, editable=False)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="budget_commitments")
    fiche = models.ForeignKey(
        FicheAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name="fiche action",
    )
    label = models.CharField("objet", max_length=300)
    beneficiary_name = models.CharField("bénéficiaire", max_length=200)
    beneficiary_siren = models.CharField("SIREN du bénéficiaire", max_length=9, blank=True)
    amount = models.DecimalField("montant (AE, €)", **MONEY)
    paid_amount = models.DecimalField("montant payé (€)", default=ZERO, editable=False, **MONEY)
    # The sums of the co-financing lines, kept with them (create_for, change) so that dashboards group without a join.
    cofinancing_state = models.DecimalField(
        "cofinancement État, autres crédits (€)", default=ZERO, editable=False, **MONEY
    )
    cofinancing_partners = models.DecimalField(
        "cofinancement des partenaires (€)", default=ZERO, editable=False, **MONEY
    )
    decided_on = models.DateField("date de décision", null=True, blank=True)
    sector = models.CharField("filière", max_length=20, choices=Sector.choices, blank=True)
    skills_kind = models.CharField("nature", max_length=20, choices=SkillsKind.choices, blank=True)
    # Changed only by the transitions below, which move the envelope's money in the same transaction.
    status = FSMField("statut", max_length=20, choices=CommitmentStatus.choices, default=CommitmentStatus.PROPOSED)
    version = models.PositiveIntegerField(default=1, editable=False)
    is_demo = models.BooleanField("démonstration", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = "engagement"
        ordering = ["-year", "-decided_on", "-id"]
        indexes = [
            models.Index(fields=["year", "action_type", "region_code"]),
            models.Index(fields=["territory", "year"]),
            models.Index(fields=["beneficiary_siren"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commitment_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0) & Q(paid_amount__lte=F("amount")), name="commitment_not_overpaid"
            ),
            models.CheckConstraint(condition=Q(status__in=CommitmentStatus.values), name="commitment_known_status"),
            models.CheckConstraint(
                condition=~Q(status=CommitmentStatus.COMMITTED) | Q(decided_on__isnull=False),
                name="commitment_committed_has_decision_date",
            ),
            models.CheckConstraint(
                condition=Q(sector="") | Q(action_type=ActionType.INVESTMENTS), name="commitment_sector_for_investments"
            ),
            models.CheckConstraint(
                condition=Q(skills_kind="") | Q(action_type=ActionType.SKILLS), name="commitment_kind_for_skills"
            ),
            models.CheckConstraint(
                condition=Q(beneficiary_siren="") | Q(beneficiary_siren__regex=r"^[0-9]{9}$"),
                name="commitment_siren_format",
            ),
        ]

    def __str__(self):
        return f"{self.label} — {self.territory.code} ({self.year})"

    def audit_scope(self) -> dict:
        return {"phase_slug": self.territory.phase.slug, "territory_code": self.territory.code}

    def audit_values(self) -> dict:
        return field_changes(None, self, [*COMMITMENT_FIELDS, "status", "decided_on"])

    def total_cofinancing(self, lines) -> None:
        """Keep the sums of the co-financing `lines` ((kind, funder, amount), …): State's other money, partners'."""
        self.cofinancing_state = sum((a for k, _, a in lines if k == CofinancerKind.STATE), ZERO)
        self.cofinancing_partners = sum((a for k, _, a in lines if k != CofinancerKind.STATE), ZERO)

    @property
    def remaining_to_pay(self) -> Decimal:
        return self.amount - self.paid_amount

    # --- rules ---
    def take_place_of(self, envelope: Envelope) -> None:
        """Year, action type and région come from the envelope drawn on (a national one: the territory's région)."""
        if envelope.level == EnvelopeLevel.PROGRAMME:
            raise RuleBroken("On n'engage pas sur le total du programme : choisissez l'enveloppe d'un type d'action.")
        self.year, self.action_type = envelope.year, envelope.action_type
        self.region_code = envelope.region_code or self.territory.region_code

    def check_fields(self) -> None:
        """What holds for any commitment, proposed or not."""
        territory, envelope = self.territory, self.envelope
        phase = territory.phase
        if not phase.starts_on_year <= self.year <= phase.ends_on_year:
            raise RuleBroken(
                f"{territory} appartient à la phase {phase.slug} : pas d'engagement sur l'année {self.year}."
            )
        if envelope.region_code:
            regions, departements = territory_area(territory)
            outside = (
                envelope.departement_code not in departements
                if envelope.departement_code
                else envelope.region_code not in regions
            )
            if outside:
                raise RuleBroken(f"{territory} n'est pas dans le périmètre de l'enveloppe {envelope}.")
        if self.sector and self.action_type != ActionType.INVESTMENTS:
            raise RuleBroken("La filière ne se renseigne que pour les investissements productifs.")
        if self.skills_kind and self.action_type != ActionType.SKILLS:
            raise RuleBroken("La nature (école de production, plateau technique) ne vaut que pour les compétences.")
        if self.fiche_id and self.fiche.territory_id != territory.pk:
            raise RuleBroken("La fiche action choisie appartient à un autre territoire.")

    def check_rules(self, decided_on: date, lines: list["CoFinancing"]) -> None:
        """The rules of a commitment that uses money: decision in the envelope's year, Rebond industriel only for a
        designated territory, the chef de projet's State share and yearly cap."""
        if decided_on.year != self.year:
            raise RuleBroken(f"La date de décision doit tomber en {self.year}, l'année de l'enveloppe.")
        if self.action_type == ActionType.REBOND and not (
            ShockDesignation.objects.active_on(decided_on).filter(territory=self.territory).exists()
        ):
            raise RuleBroken(
                f"{self.territory} n'est pas désigné comme touché par un choc industriel au {decided_on:%d/%m/%Y} : "
                "Rebond industriel lui est fermé (désignation par l'ANCT)."
            )
        if self.action_type == ActionType.PROJECT_LEADS:
            self._check_project_lead(Parameters.current(), lines)

    def _check_project_lead(self, params: Parameters, lines: list["CoFinancing"]) -> None:
        state = self.amount + sum((line.amount for line in lines if line.kind == CofinancerKind.STATE), ZERO)
        total = self.amount + sum((line.amount for line in lines), ZERO)
        share = state * 100 / total
        if share > params.project_lead_state_share_max:
            raise RuleBroken(
                f"La part de l'État dans ce poste de chef de projet serait de {percent(share)}, au-delà du plafond de "
                f"{percent(params.project_lead_state_share_max)} : ajoutez le cofinancement de l'intercommunalité."
            )
        already = (
            Commitment.objects.committed()
            .filter(territory=self.territory, year=self.year, action_type=ActionType.PROJECT_LEADS)
            .exclude(pk=self.pk)
            .aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        if already + self.amount > params.project_lead_yearly_cap:
            raise RuleBroken(
                f"{self.territory} a déjà {euros(already)} engagés pour son chef de projet en {self.year} : avec "
                f"{euros(self.amount)} de plus, le plafond annuel de {euros(params.project_lead_yearly_cap)} "
                "serait dépassé."
            )

    def _lock_envelopes(self) -> Envelope:
        """Lock, top down, what this commitment's rules read: the national envelope of the chefs de projet (their yearly
        cap is per territory, whichever envelope pays) and the envelope drawn on."""
        if self.action_type == ActionType.PROJECT_LEADS:
            national = self.envelope.national_ancestor()
            if national is not None and national.pk != self.envelope_id:
                Envelope.objects.lock(national.pk)
        return Envelope.objects.lock(self.envelope_id)

    def _locked(self) -> "Commitment":
        # of=("self",): lock the commitment's row only, not the territory's and phase's it joins (on PostgreSQL every
        # commitment of a phase would otherwise wait on the phase's row).
        return (
            Commitment.objects.select_for_update(of=("self",))
            .select_related("territory__phase", "envelope")
            .get(pk=self.pk)
        )

    # --- transitions: each moves the money and writes its audit row in one transaction ---
    @transition(field=status, source=CommitmentStatus.PROPOSED, target=CommitmentStatus.COMMITTED)
    def _to_committed(self):
        pass

    @transition(
        field=status, source=[CommitmentStatus.PROPOSED, CommitmentStatus.COMMITTED], target=CommitmentStatus.CANCELLED
    )
    def _to_cancelled(self):
        pass

    def commit(self, *, actor, decided_on: date) -> None:
        with transaction.atomic():
            envelope = self._lock_envelopes()
            current = self._locked()
            if current.status != CommitmentStatus.PROPOSED:
                raise RuleBroken(f"Cet engagement est {current.get_status_display().lower()} : il ne peut être engagé.")
            current.check_rules(decided_on, list(current.cofinancing.all()))
            envelope.require(ae=current.amount, what="Cet engagement")
            Envelope.objects.use(envelope.pk, ae=current.amount)
            current._to_committed()
            current.decided_on = decided_on
            current.version += 1
            current.save(update_fields=["status", "decided_on", "version", "updated_at"])
            record(
                actor=actor,
                action="budget.commitment_commit",
                obj=current,
                changes={
                    "status": [CommitmentStatus.PROPOSED, CommitmentStatus.COMMITTED],
                    "decided_on": [None, str(decided_on)],
                },
                **current.audit_scope(),
            )
        self.status, self.decided_on, self.version = current.status, current.decided_on, current.version

    def cancel(self, *, actor) -> None:
        with transaction.atomic():
            envelope = Envelope.objects.lock(self.envelope_id)
            current = self._locked()
            if current.status == CommitmentStatus.CANCELLED:
                raise RuleBroken("Cet engagement est déjà annulé.")
            if current.paid_amount > 0:
                raise RuleBroken(
                    f"{euros(current.paid_amount)} ont déjà été payés sur cet engagement : il ne peut être annulé."
                )
            before = current.status
            if before == CommitmentStatus.COMMITTED:
                Envelope.objects.use(envelope.pk, ae=-current.amount)
            current._to_cancelled()
            current.version += 1
            current.save(update_fields=["status", "version", "updated_at"])
            record(
                actor=actor,
                action="budget.commitment_cancel",
                obj=current,
                changes={"status": [before, current.status]},
                **current.audit_scope(),
            )
        self.status, self.version = current.status, current.version

    def change(self, *, actor, version: int, values: dict, lines: list[tuple[str, str, Decimal]]) -> None:
        """Edit the commitment (fields of COMMITMENT_FIELDS and its co-financing lines) made from `version`. A
        committed one moves the difference of its amount on its envelope and is checked against the rules again."""
        with transaction.atomic():
            envelope = self._lock_envelopes()
            current = self._locked()
            if current.version != version:
                raise EditConflict(
                    "Cet engagement a été modifié entre-temps : rechargez la page pour voir la version enregistrée."
                )
            if current.status == CommitmentStatus.CANCELLED:
                raise RuleBroken("Un engagement annulé ne se modifie plus.")
            before = Commitment(**{f.attname: getattr(current, f.attname) for f in Commitment._meta.concrete_fields})
            for name, value in values.items():
                setattr(current, name, value)
            current.check_fields()
            if current.amount < current.paid_amount:
                raise RuleBroken(
                    f"{euros(current.paid_amount)} ont déjà été payés : le montant ne peut descendre en dessous."
                )
            new_lines = [CoFinancing(commitment=current, kind=k, funder=f, amount=a) for k, f, a in lines]
            current.total_cofinancing(lines)
            if current.status == CommitmentStatus.COMMITTED:
                current.check_rules(current.decided_on, new_lines)
                delta = current.amount - before.amount
                envelope.require(ae=max(delta, ZERO), what="Cette augmentation")
                Envelope.objects.use(envelope.pk, ae=delta)
            current.version += 1
            current.save()
            old_lines = sorted(current.cofinancing.values_list("kind", "funder", "amount"))
            current.cofinancing.all().delete()
            CoFinancing.objects.bulk_create(new_lines)
            changes = field_changes(before, current, COMMITMENT_FIELDS)
            if old_lines != sorted((k, f, a) for k, f, a in lines):
                changes["cofinancing"] = [
                    [list(map(str, line)) for line in old_lines],
                    [list(map(str, line)) for line in lines],
                ]
            record(
                actor=actor, action="budget.commitment_change", obj=current, changes=changes, **current.audit_scope()
            )
        self.refresh_from_db()

    def pay(self, *, actor, amount: Decimal, paid_on: date, reference: str = "") -> "Payment":
        """A payment on this commitment, drawing the CP of the envelope of its year (same action type and place)."""
        if amount <= 0:
            raise RuleBroken("Le montant d'un paiement doit être positif.")
        with transaction.atomic():
            source = Envelope.objects.counterpart(self.envelope, paid_on.year)
            if source is None:
                raise RuleBroken(
                    f"Aucune enveloppe {paid_on.year} pour « {self.envelope.get_action_type_display()} » à ce niveau : "
                    "les crédits de paiement de l'année ne sont pas ouverts."
                )
            source = Envelope.objects.lock(source.pk)
            current = self._locked()
            if current.status != CommitmentStatus.COMMITTED:
                raise RuleBroken("Seul un engagement engagé (et non annulé) peut être payé.")
            if paid_on < current.decided_on:
                raise RuleBroken(f"Un paiement ne peut précéder la décision du {current.decided_on:%d/%m/%Y}.")
            if amount > current.remaining_to_pay:
                raise RuleBroken(
                    f"Ce paiement dépasse l'engagement : il reste {euros(current.remaining_to_pay)} à payer, "
                    f"{euros(amount)} demandés."
                )
            source.require(cp=amount, what="Ce paiement")
            Envelope.objects.use(source.pk, cp=amount)
            try:
                with transaction.atomic():
                    Commitment.objects.filter(pk=current.pk).update(paid_amount=F("paid_amount") + amount)
            except IntegrityError as error:
                raise RuleBroken("Refusé : le paiement dépasserait l'engagement (contrôle de la base).") from error
            payment = Payment.objects.create(
                commitment=current,
                envelope=source,
                amount=amount,
                paid_on=paid_on,
                reference=reference,
                created_by=actor,
            )
            record(
                actor=actor,
                action="budget.payment",
                obj=current,
                changes={
                    "payment": [None, f"{euros(amount)} le {paid_on:%d/%m/%Y}"],
                    "paid_amount": [str(current.paid_amount), str(current.paid_amount + amount)],
                },
                **current.audit_scope(),
            )
        self.paid_amount = current.paid_amount + amount
        return payment


class CoFinancing(models.Model):
    """A partner's money in a commitment: the leverage of the State's euro."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="cofinancing")
    kind = models.CharField("cofinanceur", max_length=10, choices=CofinancerKind.choices)
    funder = models.CharField("nom du cofinanceur", max_length=200, blank=True)
    amount = models.DecimalField("montant (€)", **MONEY)

    class Meta:
        verbose_name = "cofinancement"
        ordering = ["commitment", "kind", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cofinancing_amount_positive"),
            models.CheckConstraint(condition=Q(kind__in=CofinancerKind.values), name="cofinancing_known_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.funder}: {euros(self.amount)}"


class Payment(models.Model):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="payments")
    envelope = models.ForeignKey(
        Envelope, on_delete=models.PROTECT, related_name="payments", verbose_name="enveloppe de CP"
    )
    paid_on = models.DateField("payé le")
    amount = models.DecimalField("montant (CP, €)", **MONEY)
    reference = models.CharField("référence", max_length=100, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "paiement"
        ordering = ["commitment", "paid_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self):
        return f"{euros(self.amount)} le {self.paid_on:%d/%m/%Y}"


def territory_area(territory: Territory) -> tuple[set[str], set[str]]:
    """Régions and départements the territory's current perimeter touches, on the platform's default edition."""
    row = (
        Resolution.objects.filter(version__territory=territory, edition_id=settings.DEFAULT_EDITION)
        .order_by("-version__number")
        .values_list("regions", "departements")
        .first()
    )
    regions, departements = row or ([territory.region_code], [])
    return set(regions) | {territory.region_code}, set(departements)


# --- allocation scenarios ------------------------------------------------------------------------------------------


class ScenarioRule(models.TextChoices):
    """How an action type's money is split between régions (computed in `pilote.budget.scenarios`)."""

    PER_TERRITORY = "territoire", "Part égale par territoire"
    PER_POPULATION = "population", "Selon la population des territoires"
    PER_FRAGILITY = "fragilite", "Territoires désignés pour un choc industriel dans l'année"
    FIXED = "fixe", "Montants fixés par région"


class ScenarioQuerySet(models.QuerySet):
    def with_lines(self):
        """Scenarios with their lines and fixed amounts: two more queries, whatever their number."""
        return self.prefetch_related("lines__fixed_amounts")


class Scenario(models.Model):
    """A draft of ANCT splitting a year's money between action types and régions, compared with others, then applied
    as envelopes (`pilote.budget.scenarios.scenario_apply`). Once applied it no longer changes: it says what was done.

    Amounts typed in a scenario (shares in euros, fixed amounts) are AE; the CP follow in the proportion of the
    scenario's totals."""

    year = models.PositiveSmallIntegerField("année")
    name = models.CharField("nom", max_length=200)
    ae_total = models.DecimalField("total des autorisations d'engagement (€)", default=Decimal("100000000.00"), **MONEY)
    cp_total = models.DecimalField("total des crédits de paiement (€)", default=Decimal("100000000.00"), **MONEY)
    notes = models.TextField("notes", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True, editable=False)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    is_demo = models.BooleanField("démonstration", default=False)

    objects = ScenarioQuerySet.as_manager()

    class Meta:
        verbose_name = "scénario de répartition"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "name"], name="scenario_unique_name_in_year"),
            models.CheckConstraint(condition=Q(ae_total__gte=0) & Q(cp_total__gte=0), name="scenario_totals_positive"),
            models.CheckConstraint(
                condition=Q(applied_by__isnull=True) | Q(applied_at__isnull=False),
                name="scenario_applied_by_when_applied",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.year})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None

    def audit_values(self) -> dict:
        return field_changes(None, self, ["year", "name", "ae_total", "cp_total", "notes"])


class ScenarioLine(models.Model):
    """One action type in a scenario: its share of the total (a percentage or an amount), how it is split between
    régions, and the part kept at national level (the national reserve, not delegated)."""

    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, related_name="lines")
    action_type = models.CharField("type d'action", max_length=20, choices=ActionType.choices)
    share_percent = models.DecimalField("part du total (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    share_amount = models.DecimalField("part du total (€, AE)", null=True, blank=True, **MONEY)
    rule = models.CharField("répartition entre régions", max_length=20, choices=ScenarioRule.choices)
    reserve_percent = models.DecimalField(
        "réserve nationale (% de la part)", max_digits=5, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = "ligne de scénario"
        ordering = ["scenario", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "action_type"], name="scenario_line_unique_action_type"),
            models.CheckConstraint(condition=Q(action_type__in=ActionType.values), name="scenario_line_known_type"),
            models.CheckConstraint(condition=Q(rule__in=ScenarioRule.values), name="scenario_line_known_rule"),
            # A share is a percentage or an amount, never both, never none.
            models.CheckConstraint(
                condition=(Q(share_percent__isnull=False) & Q(share_amount__isnull=True))
                | (Q(share_percent__isnull=True) & Q(share_amount__isnull=False)),
                name="scenario_line_one_share",
            ),
            models.CheckConstraint(
                condition=Q(share_percent__isnull=True) | (Q(share_percent__gte=0) & Q(share_percent__lte=100)),
                name="scenario_line_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=Q(share_amount__isnull=True) | Q(share_amount__gte=0), name="scenario_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(reserve_percent__gte=0) & Q(reserve_percent__lte=100),
                name="scenario_line_reserve_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.scenario} · {self.get_action_type_display()}"

    def ae_weight(self, ae_total: Decimal) -> Decimal:
        """The line's AE before rounding: its amount, or its percentage of the scenario's total."""
        if self.share_amount is not None:
            return self.share_amount
        return ae_total * self.share_percent / 100


class ScenarioFixedAmount(models.Model):
    """An amount (AE) typed for a région in a line whose rule is « montants fixés »."""

    line = models.ForeignKey(ScenarioLine, on_delete=models.CASCADE, related_name="fixed_amounts")
    region_code = models.CharField("région", max_length=3)
    amount = models.DecimalField("montant (€, AE)", **MONEY)

    class Meta:
        verbose_name = "montant fixé pour une région"
        ordering = ["line", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["line", "region_code"], name="scenario_fixed_unique_region"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="scenario_fixed_amount_positive"),
        ]

    def __str__(self):
        return f"{self.line} · région {self.region_code} : {euros(self.amount)}"
