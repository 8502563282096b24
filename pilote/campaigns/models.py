"""Update campaigns: ANCT opens one, each territory concerned gets a file (dossier) that its team fills and submits,
State services and regions give opinions (avis), ANCT validates or sends it back. A validated file's perimeter
change becomes a new perimeter version of the territory (`pilote.territories.services`)."""

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import models, transaction
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django_fsm import FSMField, can_proceed, has_transition_perm, transition

from pilote.core import perms
from pilote.core.attachments import Attachment
from pilote.core.audit import record
from pilote.core.models import Organisation
from pilote.core.versioning import Revised
from pilote.plans.snapshot import diff_snapshots, governance_snapshot, plan_snapshot
from pilote.territories.figures import perimeter_snapshot
from pilote.territories.importers import PerimeterFileError
from pilote.territories.models import PerimeterVersion, Phase, Territory
from pilote.territories.perms import is_team_member
from pilote.territories.services import perimeter_version_create

from . import notifications
from .addressees import state_services
from .enums import FileState, OpinionKind
from .perimeter import check_request


class TransitionRefused(Exception):
    """A transition that this person may not make now; the message is shown to them (French). `forbidden`: the
    person may never make it (403), rather than not now or not with this input (400)."""

    def __init__(self, message: str, *, forbidden: bool = False):
        super().__init__(message)
        self.forbidden = forbidden


def addressee_name(request) -> str:
    """Who an opinion is asked of, as text: the one way the campaigns read `OpinionRequest.addressee` (a property
    here, a method once opinions are asked of organisations)."""
    value = request.addressee
    return str(value() if callable(value) else value)


@dataclass
class OpinionStanding:
    """Where the opinions of a file stand, request by request: awaited (on time or late) or given, by kind."""

    waiting: list = field(default_factory=list)
    late: list = field(default_factory=list)
    favourable: list = field(default_factory=list)
    reserved: list = field(default_factory=list)
    unfavourable: list = field(default_factory=list)

    @property
    def awaited(self) -> list:
        return self.late + self.waiting

    @staticmethod
    def names(requests) -> str:
        return ", ".join(addressee_name(r) for r in requests)


class Campaign(models.Model):
    name = models.CharField("nom", max_length=200)
    phase = models.ForeignKey(Phase, on_delete=models.PROTECT, related_name="campaigns")
    territories = models.ManyToManyField(Territory, related_name="campaigns", verbose_name="territoires concernés")
    submission_deadline = models.DateField("date limite de dépôt")
    opinion_deadline = models.DateField("date limite des avis")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("ouverte le", default=timezone.now)
    is_demo = models.BooleanField("démonstration", default=False)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = "campagne de mise à jour"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opinion_deadline__gte=models.F("submission_deadline")),
                name="campaign_opinions_after_submissions",
            ),
        ]

    def __str__(self):
        return self.name


class TerritoryFileQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Files of the territories in the user's scope: the one scoping method, applied to files."""
        return self.filter(territory__in=Territory.objects.in_scope_of(user))

    def with_unread(self, user):
        """Each file with `unread`: the messages posted by others after the person's read mark (one query)."""
        mark = FileReadMark.objects.filter(file=models.OuterRef("pk"), user=user).values("last_read_id")[:1]
        newer = models.Q(messages__id__gt=Coalesce(models.Subquery(mark), 0)) & ~models.Q(messages__author=user)
        return self.annotate(unread=models.Count("messages", filter=newer))


def _is_team(file, user) -> bool:
    return is_team_member(user, file.territory)


def _is_anct(file, user) -> bool:
    return perms.is_national(user)


class TerritoryFile(models.Model):
    """A territory's file in a campaign: its proposed plan and governance (snapshots taken at submission), the
    last validated ones to compare with, and an optional perimeter change request."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="files")
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="campaign_files")
    state = FSMField("état", default=FileState.DRAFT, choices=FileState.choices, protected=True)
    reopened_until = models.DateField("dépôt rouvert jusqu'au", null=True, blank=True)
    review_comment = models.TextField("observations des instructeurs", blank=True)
    proposed_plan = models.JSONField("plan d'action déposé", default=dict, blank=True)
    proposed_governance = models.JSONField("gouvernance déposée", default=dict, blank=True)
    baseline_plan = models.JSONField("dernier plan validé", default=dict, blank=True)
    baseline_governance = models.JSONField("dernière gouvernance validée", default=dict, blank=True)
    proposed_attachments = models.JSONField("pièces jointes déposées", default=list, blank=True)
    submitted_at = models.DateTimeField("déposé le", null=True, blank=True)
    last_reminded_on = models.DateField("dernière relance du dépôt", null=True, blank=True)
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TerritoryFileQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "territory__code"]
        verbose_name = "dossier de territoire"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "territory"], name="one_file_per_territory_and_campaign"),
            models.CheckConstraint(condition=models.Q(state__in=FileState.values), name="file_known_state"),
        ]

    def __str__(self):
        return f"Dossier {self.territory.code} – {self.campaign.name}"

    # --- guards -------------------------------------------------------------------------------------------------

    def deadline(self) -> date:
        """The last day of submission: the campaign's, or later when ANCT reopened it."""
        return max(self.campaign.submission_deadline, self.reopened_until or self.campaign.submission_deadline)

    def submission_open(self, today: date | None = None) -> bool:
        return (today or timezone.localdate()) <= self.deadline()

    def perimeter_is_valid(self) -> bool:
        request = getattr(self, "perimeter_request", None)
        return request is None or not request.checks().errors

    # --- transitions: each writes its history row ----------------------------------------------------------------

    @transition(
        field=state,
        source=[FileState.DRAFT, FileState.TO_COMPLETE],
        target=FileState.SUBMITTED,
        conditions=[submission_open, perimeter_is_valid],
        permission=_is_team,
    )
    def submit(self, *, by, comment=""):
        self.proposed_plan = plan_snapshot(self.territory)
        self.proposed_governance = governance_snapshot(self.territory)
        self.proposed_attachments = [attachment.snapshot() for attachment in self.attachments.active()]
        self.submitted_at = timezone.now()
        self._history(by, FileState.SUBMITTED, comment)

    @transition(field=state, source=FileState.SUBMITTED, target=FileState.IN_REVIEW, permission=_is_anct)
    def start_review(self, *, by, comment=""):
        self._history(by, FileState.IN_REVIEW, comment)
        OpinionRequest.ask_state_services(self, by=by)

    @transition(
        field=state,
        source=[FileState.SUBMITTED, FileState.IN_REVIEW],
        target=FileState.TO_COMPLETE,
        permission=_is_anct,
    )
    def send_back(self, *, by, comment=""):
        if not comment.strip():
            raise TransitionRefused("Indiquez aux porteurs du territoire ce qu'il faut compléter.")
        self.review_comment = comment
        self._history(by, FileState.TO_COMPLETE, comment)

    @transition(field=state, source=FileState.IN_REVIEW, target=FileState.VALIDATED, permission=_is_anct)
    def validate(self, *, by, comment="", acknowledged_missing=False):
        standing = self.opinion_standing()
        refusals = self.validation_refusals(standing, comment=comment, acknowledged_missing=acknowledged_missing)
        if refusals:
            raise TransitionRefused(" ".join(refusals.values()))
        previous = {"plan": self.baseline_plan, "governance": self.baseline_governance}
        previous["perimeter"] = perimeter_snapshot(self.territory)
        request = getattr(self, "perimeter_request", None)
        if request is not None and request.has_changes:
            request.apply(by=by)
        self.baseline_plan, self.baseline_governance = self.proposed_plan, self.proposed_governance
        self.validated_at = timezone.now()
        self._history(by, FileState.VALIDATED, comment)
        ApprovedRecord.freeze(self, by=by, previous=previous, standing=standing, motivation=comment)

    def opinion_standing(self, today: date | None = None) -> OpinionStanding:
        """The file's opinion requests sorted by where they stand (reads `opinion_requests`, prefetch-friendly)."""
        standing, today = OpinionStanding(), today or timezone.localdate()
        kinds = {
            OpinionKind.FAVORABLE: standing.favourable,
            OpinionKind.RESERVED: standing.reserved,
            OpinionKind.UNFAVORABLE: standing.unfavourable,
        }
        for request in self.opinion_requests.all():
            if hasattr(request, "opinion"):
                kinds[request.opinion.kind].append(request)
            else:
                (standing.late if request.is_late(today) else standing.waiting).append(request)
        return standing

    @staticmethod
    def validation_refusals(standing: OpinionStanding, *, comment: str, acknowledged_missing: bool) -> dict[str, str]:
        """Why ANCT may not validate yet, by form field (French; {} when it may): validating against an unfavourable
        opinion needs a motivation, validating with opinions still awaited needs them acknowledged."""
        refusals = {}
        if standing.unfavourable and not comment.strip():
            refusals["comment"] = (
                f"Avis défavorable de : {standing.names(standing.unfavourable)}. Motivez la validation malgré cet avis."
            )
        if standing.awaited and not acknowledged_missing:
            refusals["acknowledge_missing"] = (
                f"Avis non rendus : {standing.names(standing.awaited)}. "
                "Cochez la case pour valider le dossier sans ces avis."
            )
        return refusals

    TRANSITIONS = {
        "submit": "Déposer le dossier",
        "start_review": "Commencer l'instruction",
        "send_back": "Renvoyer au territoire (à compléter)",
        "validate": "Valider le dossier",
    }

    def run(self, name: str, *, by, comment: str = "", **options) -> None:
        """Make transition `name` for `by`, or raise TransitionRefused with the reason in French; `options` go to the
        transition (`acknowledged_missing` for `validate`)."""
        method = getattr(self, name) if name in self.TRANSITIONS else None
        if method is None:
            raise TransitionRefused("Action inconnue.")
        with transaction.atomic():
            locked = TerritoryFile.objects.select_for_update().filter(pk=self.pk).values_list("state", flat=True)
            if locked.first() != self.state:
                raise TransitionRefused("Le dossier a changé entre-temps ; rechargez la page.")
            self._check(name, method, by)
            method(by=by, comment=comment, **options)
            self.save()

    def _check(self, name: str, method, by) -> None:
        if not can_proceed(method, check_conditions=False):
            raise TransitionRefused(f"Action impossible : le dossier est « {self.get_state_display()} ».")
        if not method._django_fsm.has_transition_perm(self, self.state, by):
            raise TransitionRefused("Vous n'avez pas le droit de faire cette action sur ce dossier.", forbidden=True)
        if name == "submit" and not self.submission_open():
            raise TransitionRefused(
                f"La date limite de dépôt ({self.campaign.submission_deadline:%d/%m/%Y}) est passée ; "
                "seule l'ANCT peut rouvrir le dépôt."
            )
        if name == "submit" and not self.perimeter_is_valid():
            raise TransitionRefused("La demande de modification du périmètre contient des erreurs à corriger.")

    def available_transitions(self, user) -> list[tuple[str, str]]:
        return [
            (name, label) for name, label in self.TRANSITIONS.items() if has_transition_perm(getattr(self, name), user)
        ]

    def reopen(self, *, by, until: date, comment: str = "") -> None:
        """ANCT lets a late territory submit until `until` (not a state change, but a history row)."""
        with transaction.atomic():
            self.reopened_until = until
            self.save(update_fields=["reopened_until", "updated_at"])
            self._history(by, self.state, comment or f"Dépôt rouvert jusqu'au {until:%d/%m/%Y}", action="reopen")

    def _history(self, by, target: str, comment: str, action: str = "") -> None:
        source = self.state
        FileEvent.objects.create(file=self, actor=by, source=source, target=target, comment=comment)
        record(
            actor=by,
            action=f"campaign_file.{action or target}",
            obj=self,
            changes={"state": [source, target]}
            if source != target
            else {"reopened_until": [None, str(self.reopened_until)]},
            **self.territory.audit_scope(),
        )
        if source == target:
            notifications.submission_reopened(self, by=by)
        else:
            notifications.transition_made(self, by=by, target=target, comment=comment)


class FileEvent(models.Model):
    """One row of a file's history: who moved it from which state to which, when, and why."""

    file = models.ForeignKey(TerritoryFile, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField("date", default=timezone.now)
    source = models.CharField("état de départ", max_length=20, choices=FileState.choices)
    target = models.CharField("nouvel état", max_length=20, choices=FileState.choices)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        ordering = ["at", "id"]


class OpinionRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(opinion__isnull=True)

    def late(self, today: date | None = None):
        return self.pending().filter(deadline__lt=today or timezone.localdate())

    def addressed_to(self, user):
        """Requests this person answers: those of their organisation (the views add their role's scope: a file out
        of it is not found)."""
        if not user.is_authenticated or not user.organisation_id:
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def awaited_from(self, user):
        """What this person's organisation still has to answer: pending, on a file under review."""
        return self.addressed_to(user).pending().filter(file__state=FileState.IN_REVIEW)


class OpinionRequest(models.Model):
    """An opinion ANCT asks of one organisation on a file — a préfecture de département, the SGAR, the conseil
    régional, a DREETS, an operator —; its deadline is fixed when it is asked. Each organisation answers its own."""

    file = models.ForeignKey(TerritoryFile, on_delete=models.CASCADE, related_name="opinion_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name="avis demandé à"
    )
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    asked_at = models.DateTimeField("demandé le", default=timezone.now)
    deadline = models.DateField("à rendre avant le")
    last_reminded_on = models.DateField("dernière relance", null=True, blank=True)

    objects = OpinionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "organisation"],
                name="one_opinion_request_per_organisation",
                violation_error_message="Un avis est déjà demandé à cet organisme sur ce dossier.",
            ),
        ]

    def __str__(self):
        return f"Avis {self.addressee} sur {self.file}"

    @property
    def addressee(self) -> str:
        return str(self.organisation)

    def is_late(self, today: date | None = None) -> bool:
        return not hasattr(self, "opinion") and self.deadline < (today or timezone.localdate())

    def extend_deadline(self, *, deadline: date, by) -> None:
        """ANCT gives more time (`ExtendOpinionForm` checks the date): the request's audit row and a line of the file's
        history say who moved it, when, from which date to which."""
        old, file = self.deadline, self.file
        with transaction.atomic():
            self.deadline = deadline
            self.save(update_fields=["deadline"])
            record(
                actor=by,
                action="opinion.extend",
                obj=self,
                changes={"deadline": [old.isoformat(), deadline.isoformat()]},
                **file.territory.audit_scope(),
            )
            FileEvent.objects.create(
                file=file,
                actor=by,
                source=file.state,
                target=file.state,
                comment=f"Délai de l'avis {self.addressee} prolongé : {old:%d/%m/%Y} → {deadline:%d/%m/%Y}.",
            )
            notifications.opinion_extended(self, by=by)

    @classmethod
    def ask_state_services(cls, file: TerritoryFile, *, by) -> list["OpinionRequest"]:
        """The préfecture of each département the territory's current perimeter touches, the SGAR and the conseil
        régional of each of its régions: one request each (created with the organisation when missing), not twice."""
        resolution = file.territory.current_resolution()
        deps, regs = (resolution.departements, resolution.regions) if resolution else ([], [file.territory.region_code])
        asked = set(file.opinion_requests.values_list("organisation_id", flat=True))
        deadline = file.campaign.opinion_deadline
        created = []
        for organisation in state_services(deps, regs):
            if organisation.pk not in asked:
                asked.add(organisation.pk)
                created.append(cls._ask(file, organisation=organisation, deadline=deadline, by=by))
        notifications.opinion_asked(created, by=by)
        return created

    @classmethod
    def _ask(cls, file: TerritoryFile, *, organisation, deadline: date, by) -> "OpinionRequest":
        request = cls.objects.create(file=file, organisation=organisation, deadline=deadline, asked_by=by)
        record(
            actor=by,
            action="opinion.ask",
            obj=request,
            changes={"organisation": [None, str(organisation)], "deadline": [None, str(deadline)]},
            **file.territory.audit_scope(),
        )
        return request

    @classmethod
    def ask_organisation(cls, file: TerritoryFile, *, organisation, deadline: date, by) -> "OpinionRequest":
        """ANCT asks one more organisation (an operator, a DREETS…); refused in French if it was already asked."""
        if cls.objects.filter(file=file, organisation=organisation).exists():
            raise TransitionRefused(f"Un avis est déjà demandé à {organisation} sur ce dossier.")
        with transaction.atomic():
            request = cls._ask(file, organisation=organisation, deadline=deadline, by=by)
            notifications.opinion_asked([request], by=by)
        return request


class Opinion(models.Model):
    request = models.OneToOneField(OpinionRequest, on_delete=models.CASCADE, related_name="opinion")
    kind = models.CharField("avis", max_length=20, choices=OpinionKind.choices)
    text = models.TextField("motivation")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField("rendu le", default=timezone.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(kind__in=OpinionKind.values), name="opinion_kind")]

    def __str__(self):
        return f"Avis {self.get_kind_display().lower()} – {self.request.addressee}"


class PerimeterChangeRequest(Revised):
    """A territory's proposal to add or remove EPCI (SIREN) or communes (INSEE codes), on the default edition.
    Checked before submission (`check()`); applied as a new perimeter version when ANCT validates the file."""

    file = models.OneToOneField(TerritoryFile, on_delete=models.CASCADE, related_name="perimeter_request")
    add_epcis = models.JSONField("EPCI à ajouter", default=list, blank=True)
    remove_epcis = models.JSONField("EPCI à retirer", default=list, blank=True)
    add_communes = models.JSONField("communes à ajouter", default=list, blank=True)
    remove_communes = models.JSONField("communes à retirer", default=list, blank=True)
    reason = models.TextField("motif", blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    applied_version = models.ForeignKey(
        PerimeterVersion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Modification du périmètre de {self.file.territory.code}"

    @property
    def has_changes(self) -> bool:
        return bool(self.add_epcis or self.remove_epcis or self.add_communes or self.remove_communes)

    def checks(self):
        if not hasattr(self, "_check"):
            self._check = check_request(self)
        return self._check

    def apply(self, *, by) -> PerimeterVersion:
        self.__dict__.pop("_check", None)  # other territories may have changed since the request was checked
        result = self.checks()
        try:
            self.applied_version = perimeter_version_create(
                territory=self.file.territory,
                members=result.members,
                edition=result.edition,
                reason=self.reason or f"Modification validée dans la campagne « {self.file.campaign.name} »",
                valid_on=timezone.localdate(),
                actor=by,
            )
        except PerimeterFileError as error:
            raise TransitionRefused(
                "Le périmètre demandé ne peut plus être appliqué : " + " ; ".join(error.problems) + "."
            ) from error
        self.save(update_fields=["applied_version"])
        return self.applied_version


class FileMessage(models.Model):
    """A message on a file, between its team, ANCT and the reviewers: whoever may see the file reads and writes them.
    Posting records it in the history and e-mails the file's participants (`notifications.message_posted`)."""

    MAX_LENGTH = 5000

    file = models.ForeignKey(TerritoryFile, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField("message", max_length=MAX_LENGTH)
    posted_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        ordering = ["posted_at", "id"]
        verbose_name = "message sur un dossier"
        constraints = [models.CheckConstraint(condition=~models.Q(body=""), name="file_message_not_empty")]

    def __str__(self):
        return f"Message de {self.author} sur {self.file}"

    @classmethod
    def post(cls, file: TerritoryFile, *, author, body: str) -> "FileMessage":
        with transaction.atomic():
            message = cls.objects.create(file=file, author=author, body=body)
            record(
                actor=author,
                action="message.post",
                obj=message,
                changes={"body": [None, body]},
                **file.territory.audit_scope(),
            )
            FileReadMark.move(file, author, message.pk)
            notifications.message_posted(message)
        return message


class FileReadMark(models.Model):
    """How far a person has read a file's messages (the last message seen): what is newer, and not theirs, is
    marked unread."""

    file = models.ForeignKey(TerritoryFile, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField("dernier message lu", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["file", "user"], name="one_read_mark_per_person_and_file")]

    @classmethod
    def of(cls, file: TerritoryFile, user) -> int:
        return cls.objects.filter(file=file, user=user).values_list("last_read_id", flat=True).first() or 0

    @classmethod
    def move(cls, file: TerritoryFile, user, message_id: int) -> None:
        """Forward only: two pages read in a different order never move the mark back."""
        mark, created = cls.objects.get_or_create(file=file, user=user, defaults={"last_read_id": message_id})
        if not created:
            cls.objects.filter(pk=mark.pk, last_read_id__lt=message_id).update(last_read_id=message_id)


class FileAttachment(Attachment):
    """A document of a territory's file (délibération, compte rendu de comité de pilotage, convention…), added by
    the team while it fills the file, or by ANCT and the reviewers during the review; listed in the submission."""

    file = models.ForeignKey(TerritoryFile, on_delete=models.CASCADE, related_name="attachments")
    AUDIT_PREFIX = "file_attachment"

    class Meta(Attachment.Meta):
        verbose_name = "pièce jointe d'un dossier"

    def audit_scope(self) -> dict:
        return self.file.territory.audit_scope()

    def get_absolute_url(self) -> str:
        return reverse("campaigns:file_attachment", args=[self.file_id, self.pk])

    def removal_url(self) -> str:
        return reverse("campaigns:file_attachment_remove", args=[self.file_id, self.pk])


class FrozenRecordError(Exception):
    """An approved record is written once, at validation, and never rewritten."""


class ApprovedRecord(models.Model):
    """What ANCT approved when it validated a file, frozen at that moment and never rewritten: the plan, the
    governance and the perimeter (figures, EPCI, communes, contour) as validated, the opinions as they stood, the
    motivation, and the previous validated version as it stood then (`previous`: plan, governance, perimeter) to
    show what changed. A row of its own rather than a field of the file: its contour weighs up to a few hundred KB
    that no list of files should load, and being written once it is easy to keep unchanged."""

    file = models.OneToOneField(TerritoryFile, on_delete=models.CASCADE, related_name="approved_record")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField("validé le")
    plan = models.JSONField("plan d'action validé", default=dict)
    governance = models.JSONField("gouvernance validée", default=dict)
    perimeter = models.JSONField("périmètre validé (chiffres, EPCI, communes)", default=dict)
    perimeter_geojson = models.JSONField("contour du périmètre validé (GeoJSON)", null=True, blank=True)
    opinions = models.JSONField("avis au moment de la validation", default=list)
    motivation = models.TextField("motivation de la décision", blank=True)
    acknowledged_missing = models.BooleanField("validé sans certains avis", default=False)
    previous = models.JSONField("version validée précédente", default=dict)

    class Meta:
        verbose_name = "version validée (figée)"

    def __str__(self):
        return f"Version validée du {self.file}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenRecordError("Une version validée ne se modifie pas.")
        super().save(*args, **kwargs)

    @classmethod
    def freeze(cls, file: TerritoryFile, *, by, previous: dict, standing: OpinionStanding, motivation: str):
        perimeter = perimeter_snapshot(file.territory)
        geometry = perimeter.pop("geometry", None)
        previous = {**previous, "perimeter": {k: v for k, v in previous["perimeter"].items() if k != "geometry"}}
        return cls.objects.create(
            file=file,
            approved_by=by,
            approved_at=file.validated_at,
            plan=file.proposed_plan,
            governance=file.proposed_governance,
            perimeter=perimeter,
            perimeter_geojson=geometry,
            opinions=[_frozen_opinion(r) for r in file.opinion_requests.all()],
            motivation=motivation,
            acknowledged_missing=bool(standing.awaited),
            previous=previous,
        )

    def changes(self) -> dict:
        """plans.snapshot.diff_snapshots of the previous validated plan and governance and the approved ones."""
        before = {**self.previous.get("plan", {}), **self.previous.get("governance", {})}
        return diff_snapshots(before, {**self.plan, **self.governance})

    def perimeter_changes(self) -> dict:
        """Figures before and after, communes and EPCI added and removed, by name."""
        before, after = self.previous.get("perimeter", {}), self.perimeter
        old, new = before.get("communes", {}), after.get("communes", {})
        old_epcis = {e["siren"]: e["name"] for e in before.get("epcis", [])}
        new_epcis = {e["siren"]: e["name"] for e in after.get("epcis", [])}
        return {  # sorted by name: PostgreSQL's jsonb does not keep the order of keys
            "before": before,
            "after": after,
            "communes_added": sorted(f"{new[c]} ({c})" for c in new if c not in old),
            "communes_removed": sorted(f"{old[c]} ({c})" for c in old if c not in new),
            "epcis_added": sorted(f"{n} ({s})" for s, n in new_epcis.items() if s not in old_epcis),
            "epcis_removed": sorted(f"{n} ({s})" for s, n in old_epcis.items() if s not in new_epcis),
        }


def _frozen_opinion(request: OpinionRequest) -> dict:
    opinion = getattr(request, "opinion", None)
    return {
        "addressee": addressee_name(request),
        "deadline": request.deadline.isoformat(),
        "late": request.is_late(),
        "kind": opinion.kind if opinion else None,
        "kind_label": opinion.get_kind_display() if opinion else "non rendu",
        "text": opinion.text if opinion else "",
        "author": str(opinion.author) if opinion else "",
        "given_at": opinion.given_at.date().isoformat() if opinion else None,
    }
