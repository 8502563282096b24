"""Documents attached to a territory's file or to a fiche action: one abstract model, one form, one download.

The content is checked by `core.uploads.check_document` (its type read from its first bytes, never from its name);
the blob goes through Django's storage API (`STORAGES["default"]`: a local folder, or S3-compatible object storage
by setting) under a random name, so a name given by a user never becomes a path. A removal is soft: the row and the
blob stay (the history and a later submission keep what was seen), only `active()` leaves them out. Each concrete
model (in the app owning what it is attached to) says whose audit scope it belongs to and its audit prefix."""

import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.db import models, transaction
from django.http import FileResponse
from django.utils import timezone

from .audit import record
from .enums import AttachmentKind
from .forms import DsfrForm
from .uploads import MB, DocumentLimits, DocumentType, UploadRefused, check_document, megabytes

LIMITS = DocumentLimits()
# How the audit rows of attachments read, merged into the vocabulary of each app that has some (`core.history`).
HISTORY_LABELS = {"attachment_kind": "Nature de la pièce jointe", "attachment": "Pièce jointe"}
HISTORY_CHOICES = {"attachment_kind": dict(AttachmentKind.choices)}


class AttachmentQuerySet(models.QuerySet):
    def active(self):
        """The attachments not removed, newest first."""
        return self.filter(removed_at__isnull=True).select_related("uploaded_by")


class Attachment(models.Model):
    kind = models.CharField("nature", max_length=30, choices=AttachmentKind.choices)
    title = models.CharField("titre", max_length=200)
    blob = models.FileField("fichier", upload_to="pieces/%Y/%m/", max_length=200)
    name = models.CharField("nom du fichier", max_length=150)
    content_type = models.CharField("type", max_length=100)
    size = models.PositiveIntegerField("taille (octets)")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField("retiré le", null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()
    AUDIT_PREFIX = ""  # "file_attachment": the actions are <prefix>.add and <prefix>.remove

    class Meta:
        abstract = True
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} « {self.title} » ({self.name})"

    @property
    def size_text(self) -> str:
        """« 240 Ko », « 3,2 Mo »: rounded up, as file managers show it."""
        return megabytes(self.size) if self.size >= MB else f"{-(-self.size // 1000)}\u00a0Ko"

    def audit_scope(self) -> dict:
        """`phase_slug` and `territory_code` of the audit rows (the territory of what it is attached to)."""
        raise NotImplementedError

    def snapshot(self) -> dict:
        """What a submission keeps of it (`TerritoryFile.proposed_attachments`)."""
        return {
            "id": self.pk,
            "kind": self.kind,
            "title": self.title,
            "name": self.name,
            "size": self.size,
            "uploaded_at": self.uploaded_at.isoformat(),
        }

    @classmethod
    def attach(cls, *, by, form: "AttachmentForm", **owner) -> "Attachment":
        """Stores the checked upload of `form` and its row, with the audit row; the blob is deleted again if the
        row cannot be written."""
        data, checked = form.cleaned_data, form.checked
        attachment = cls(
            kind=data["kind"],
            title=data["title"],
            name=checked.name,
            content_type=checked.type.content_type,
            size=data["document"].size,
            uploaded_by=by,
            **owner,
        )
        attachment.blob.save(uuid.uuid4().hex + checked.type.extensions[0], data["document"], save=False)
        try:
            with transaction.atomic():
                attachment.save()
                changes = {"attachment_kind": [None, attachment.kind], "attachment": [None, str(attachment)]}
                record(
                    actor=by,
                    action=f"{cls.AUDIT_PREFIX}.add",
                    obj=attachment,
                    changes=changes,
                    **attachment.audit_scope(),
                )
        except Exception:
            attachment.blob.delete(save=False)
            raise
        return attachment

    def remove(self, *, by) -> None:
        """Leaves the row and the blob: the history, an earlier submission and ANCT still read them."""
        with transaction.atomic():
            self.removed_at, self.removed_by = timezone.now(), by
            self.save(update_fields=["removed_at", "removed_by"])
            changes = {"attachment": [str(self), None]}
            record(actor=by, action=f"{self.AUDIT_PREFIX}.remove", obj=self, changes=changes, **self.audit_scope())

    def download(self) -> FileResponse:
        """The blob as a download (never shown inline), under its checked name."""
        response = FileResponse(
            self.blob.open("rb"), as_attachment=True, filename=self.name, content_type=self.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


@dataclass(frozen=True)
class Checked:
    name: str  # the file's name as the user gave it, checked (`core.uploads.check_name`)
    type: DocumentType  # read from the content


class AttachmentForm(DsfrForm):
    kind = forms.ChoiceField(label="Nature de la pièce", choices=AttachmentKind.choices)
    title = forms.CharField(label="Titre", max_length=200)
    document = forms.FileField(
        label="Fichier",
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload"}),
        help_text=f"PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG ; {megabytes(LIMITS.max_bytes)} au plus.",
        error_messages={"required": "Choisissez un fichier.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args, prefix_id: str = "attachment", **kwargs):
        super().__init__(*args, auto_id=f"id_{prefix_id}_%s", **kwargs)
        self.checked = None

    def clean_document(self):
        document = self.cleaned_data["document"]
        try:
            self.checked = Checked(*check_document(document, LIMITS))
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        return document
