"""Commitments (engagements), their co-financing and their payments."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django_fsm import FSMField, transition

from pilote.core.audit import field_changes, record
from pilote.core.versioning import Revised, check_revision, revise
from pilote.plans.models import FicheAction
from pilote.territories.models import Territory

from ..enums import ActionType, CofinancerKind, CommitmentStatus, EnvelopeLevel, Sector, SkillsKind
from ..money import euros, ratio
from ..perms import sees_whole_budget
from .envelopes import MONEY, ZERO, Envelope, RuleBroken
from .rules import Parameters, ShockDesignation

COMMITMENT_STALE = (
    "Cet engagement a été modifié entre-temps par une autre personne : vos modifications n'ont pas été enregistrées. "
    "Comparez vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour confirmer les vôtres."
)

# --- commitments, co-financing, payments ---------------------------------------------------------------------------


class CommitmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """ANCT and operators see every commitment; reviewers those drawn on the envelopes they see."""
        if sees_whole_budget(user):
            return self
        return self.filter(envelope__in=Envelope.objects.visible_to(user))

    def committed(self):
        return self.filter(status=CommitmentStatus.COMMITTED)

    def project_leads_of(self, territory: Territory, year: int):
        """The territory's commitments for its chef de projet in `year` (their yearly cap is per territory)."""
        return self.filter(territory=territory, year=year, action_type=ActionType.PROJECT_LEADS)

    def total_amount(self) -> Decimal:
        return self.aggregate(total=Sum("amount"))["total"] or ZERO

    def lock(self, pk: int) -> "Commitment":
        """The commitment, row-locked until the end of the transaction, with what its rules read."""
        # of=("self",): lock the commitment's row only, not the territory's and phase's it joins (on PostgreSQL every
        # commitment of a phase would otherwise wait on the phase's row).
        return self.select_for_update(of=("self",)).select_related("territory__phase", "envelope").get(pk=pk)

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
                **commitment.territory.audit_scope(),
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
    "fiche",
    "territory",
]


class Commitment(Revised):
    """An engagement: money of an envelope (AE) promised to a beneficiary for a territory. Proposed, then committed
    (the AE are used), or cancelled (they come back). Payments draw CP of the year they are made."""

    envelope = models.ForeignKey(Envelope, on_delete=models.PROTECT, related_name="commitments")
    # Copied from the envelope (région: empty for a national envelope) so that dashboards group without joins.
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

    def audit_values(self) -> dict:
        changes = field_changes(None, self, [*COMMITMENT_FIELDS, "status", "decided_on"])
        return {name: values for name, values in changes.items() if values[1] not in (None, "")}

    def total_cofinancing(self, lines) -> None:
        """Keep the sums of the co-financing `lines` ((kind, funder, amount), …): State's other money, partners'."""
        self.cofinancing_state = sum((a for k, _, a in lines if k == CofinancerKind.STATE), ZERO)
        self.cofinancing_partners = sum((a for k, _, a in lines if k != CofinancerKind.STATE), ZERO)

    @property
    def state_total(self) -> Decimal:
        """The State's euros: this commitment and the State's other money among its co-financing."""
        return self.amount + self.cofinancing_state

    @property
    def leverage(self) -> Decimal | None:
        """Partners' euros per State euro."""
        return ratio(self.cofinancing_partners, self.state_total)

    @property
    def remaining_to_pay(self) -> Decimal:
        return self.amount - self.paid_amount

    # --- rules ---
    def take_place_of(self, envelope: Envelope) -> None:
        """Year, action type and région come from the envelope drawn on: a commitment's région is its envelope's
        (empty on a national envelope), the one meaning every page and filter reads (`CommitmentFilter`)."""
        if envelope.level == EnvelopeLevel.PROGRAMME:
            raise RuleBroken("On n'engage pas sur le total du programme : choisissez l'enveloppe d'un type d'action.")
        self.year, self.action_type = envelope.year, envelope.action_type
        self.region_code = envelope.region_code

    def check_fields(self) -> None:
        """What holds for any commitment, proposed or not."""
        territory, envelope = self.territory, self.envelope
        phase = territory.phase
        if not phase.starts_on_year <= self.year <= phase.ends_on_year:
            raise RuleBroken(
                f"{territory} appartient à la phase {phase.slug} : pas d'engagement sur l'année {self.year}."
            )
        if not territory.is_active_in(self.year):
            raise RuleBroken(
                f"{territory} n'est plus dans le programme en {self.year} (sorti le {territory.withdrawn_on:%d/%m/%Y}) "
                ": pas d'engagement sur cette année."
            )
        if envelope.region_code and not envelope.covers(territory.area()):
            raise RuleBroken(f"{territory} n'est pas dans le périmètre de l'enveloppe {envelope}.")
        if self.sector and self.action_type != ActionType.INVESTMENTS:
            raise RuleBroken("La filière ne se renseigne que pour les investissements productifs.")
        if self.skills_kind and self.action_type != ActionType.SKILLS:
            raise RuleBroken("La nature (école de production, plateau technique) ne vaut que pour les compétences.")
        if self.fiche_id and self.fiche.territory_id != territory.pk:
            raise RuleBroken("La fiche action choisie appartient à un autre territoire.")

    def check_rules(self, decided_on: date) -> None:
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
            self._check_project_lead(Parameters.current())

    def _check_project_lead(self, params: Parameters) -> None:
        if refusal := params.state_share_refusal(self.state_total, self.cofinancing_partners):
            raise RuleBroken(refusal)
        others = Commitment.objects.committed().project_leads_of(self.territory, self.year).exclude(pk=self.pk)
        already = others.total_amount()
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
            current = Commitment.objects.lock(self.pk)
            if current.status != CommitmentStatus.PROPOSED:
                raise RuleBroken(f"Cet engagement est {current.get_status_display().lower()} : il ne peut être engagé.")
            current.check_rules(decided_on)
            envelope.require(ae=current.amount, what="Cet engagement")
            Envelope.objects.use(envelope.pk, ae=current.amount)
            current._to_committed()
            current.decided_on = decided_on
            current.revision += 1
            current.save(update_fields=["status", "decided_on", "revision", "updated_at"])
            record(
                actor=actor,
                action="budget.commitment_commit",
                obj=current,
                changes={
                    "status": [CommitmentStatus.PROPOSED, CommitmentStatus.COMMITTED],
                    "decided_on": [None, str(decided_on)],
                },
                **current.territory.audit_scope(),
            )
        self.status, self.decided_on, self.revision = current.status, current.decided_on, current.revision

    def cancel(self, *, actor) -> None:
        with transaction.atomic():
            envelope = Envelope.objects.lock(self.envelope_id)
            current = Commitment.objects.lock(self.pk)
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
            current.revision += 1
            current.save(update_fields=["status", "revision", "updated_at"])
            record(
                actor=actor,
                action="budget.commitment_cancel",
                obj=current,
                changes={"status": [before, current.status]},
                **current.territory.audit_scope(),
            )
        self.status, self.revision = current.status, current.revision

    def change(self, *, actor, revision: int, values: dict, lines: list[tuple[str, str, Decimal]]) -> None:
        """Edit the commitment (fields of COMMITMENT_FIELDS and its co-financing lines) made from `revision`
        (`pilote.core.versioning`). A committed one moves the difference of its amount on its envelope and is checked
        against the rules again. An edit that changes nothing writes nothing."""
        with transaction.atomic():
            envelope = self._lock_envelopes()
            current = Commitment.objects.lock(self.pk)
            old_lines = sorted(current.cofinancing.values_list("kind", "funder", "amount"))
            same_lines = old_lines == sorted((k, f, a) for k, f, a in lines)
            if same_lines and all(getattr(current, name) == value for name, value in values.items()):
                self.refresh_from_db()
                return
            check_revision(current, revision, COMMITMENT_STALE)
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
                current.check_rules(current.decided_on)
                delta = current.amount - before.amount
                envelope.require(ae=max(delta, ZERO), what="Cette augmentation")
                Envelope.objects.use(envelope.pk, ae=delta)
            current.revision = revise(Commitment.objects, current.pk, revision, COMMITMENT_STALE)
            current.save()
            current.cofinancing.all().delete()
            CoFinancing.objects.bulk_create(new_lines)
            changes = field_changes(before, current, COMMITMENT_FIELDS)
            if not same_lines:
                changes["cofinancing"] = [
                    [list(map(str, line)) for line in old_lines],
                    [list(map(str, line)) for line in lines],
                ]
            record(
                actor=actor,
                action="budget.commitment_change",
                obj=current,
                changes=changes,
                **current.territory.audit_scope(),
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
            current = Commitment.objects.lock(self.pk)
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
                **current.territory.audit_scope(),
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
