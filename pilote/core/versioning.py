"""Refusing a stale edit, one way for every object a form edits (ADR 0003).

A versioned model carries a `revision` counter (`Revised`). A form carries, in a hidden field, the revision it was made
from (`RevisionFormMixin`). The write goes through `revise()`: one UPDATE … SET revision = revision + 1 WHERE pk = …
AND revision = …, so of two people who opened the same form only the first one's save matches; the second gets
`EditConflict`, nothing is written, no audit row. The page then answers 409 (`conflict_status`) with the banner of
`components/_conflict.html`: their values against the saved ones. A save that changes nothing bumps nothing.

`revision` is a lock counter only; a perimeter's `PerimeterVersion` is another thing (a row per published perimeter).
"""

from dataclasses import dataclass, field

from django import forms
from django.db import IntegrityError, models, transaction
from django.db.models import F

from .models import AuditEvent

STALE = (
    "Cet élément a été modifié par une autre personne pendant que vous le modifiiez : vos modifications n'ont pas été "
    "enregistrées. Comparez ci-dessous vos valeurs et les valeurs enregistrées, puis enregistrez à nouveau pour "
    "confirmer les vôtres."
)


class Revised(models.Model):
    """A model whose edits are refused when made from an older revision."""

    revision = models.PositiveIntegerField("révision", default=1, editable=False)

    class Meta:
        abstract = True


class EditConflict(Exception):
    """Somebody saved the object since the form was made from `revision`: nothing was written."""

    def __init__(self, message: str = STALE):
        super().__init__(message)
        self.message = message

    @property
    def messages(self) -> list[str]:
        return [self.message]


def check_revision(saved: Revised, revision: int | None, message: str = STALE) -> None:
    """Refuse an edit made from another revision than the saved one (`saved` read under a row lock)."""
    if revision is None or saved.revision != revision:
        raise EditConflict(message)


def revise(queryset: models.QuerySet, pk, revision: int | None, message: str = STALE, **values) -> int:
    """Write `values` and bump the revision in one UPDATE that only matches the row at `revision`; the new revision.
    Raises EditConflict (nothing written) when the row was saved since. `queryset` may narrow the match further
    (e.g. a scenario not applied yet)."""
    matched = queryset.filter(pk=pk, revision=revision).update(**values, revision=F("revision") + 1)
    if not matched:
        raise EditConflict(message)
    return revision + 1


def created_once(create, message: str = STALE):
    """`create()`, inside a savepoint: when another person created the same one-per-owner row first (a unique
    constraint refuses the second), that is a stale edit too, not a server error."""
    try:
        with transaction.atomic():
            return create()
    except IntegrityError as error:
        raise EditConflict(message) from error


@dataclass
class Conflict:
    """What the banner shows: the fields where their values differ from the saved ones, and who saved last."""

    message: str
    revision: int
    rows: list[dict] = field(default_factory=list)  # {"label", "theirs", "saved"}
    last: AuditEvent | None = None


def display(value, choices=None) -> str:
    """A value as the banner shows it, in French."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list | tuple):
        return "\n".join(display(item) for item in value)
    labels = dict(choices or [])
    if value in labels:
        return str(labels[value])
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class RevisionFormMixin:
    """A form that carries the revision it was made from (hidden field `revision`) and, after an EditConflict, the
    `conflict` to show. Call `carry_revision(obj)` in `__init__` and `refuse(error, saved, theirs)` when the save
    raised EditConflict."""

    conflict: Conflict | None = None

    def carry_revision(self, obj: Revised) -> None:
        """The revision of `obj` the form is made from (none for a creation). An edit posted without one, of an
        object created meanwhile by someone else, is stale: `revise` matches no row."""
        self.fields["revision"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        if obj.pk:
            self.initial["revision"] = obj.revision

    @property
    def submitted_revision(self) -> int | None:
        return self.cleaned_data.get("revision")

    def is_stale(self, obj: Revised) -> bool:
        """Whether the saved `obj` has moved on from the revision this form was made from (for a form found invalid,
        e.g. naming rows someone else deleted meanwhile: then the conflict is the better explanation)."""
        revision = getattr(self, "cleaned_data", {}).get("revision")
        if not obj.pk or revision is None:  # a creation, or an incomplete form: invalid, not stale
            return False
        return type(obj).objects.filter(pk=obj.pk).values_list("revision", flat=True).first() != revision

    def refuse(self, error: EditConflict, saved: Revised, rows: list[dict]) -> None:
        """Keep the conflict for the banner (only the rows that differ); the form keeps their values but now carries
        the saved revision, so that saving again is a deliberate choice to overwrite."""
        last = AuditEvent.objects.filter(object_type=saved._meta.label_lower, object_id=str(saved.pk))
        last = last.select_related("actor")
        self.conflict = Conflict(error.message, saved.revision, [r for r in rows if r["theirs"] != r["saved"]])
        self.conflict.last = last.first()
        if self.is_bound:
            self.data = self.data.copy()
            self.data["revision"] = saved.revision
        self.initial["revision"] = saved.revision
        self.add_error(None, error.message)

    def field_rows(self, saved: models.Model, names: list[str]) -> list[dict]:
        """Banner rows for plain fields: the form's label, their cleaned value, the saved value."""
        rows = []
        for name in names:
            form_field = self.fields[name]
            # Labels of plain choices; a related object (ModelChoiceField) is written by its own str().
            plain = isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField)
            choices = form_field.choices if plain else None
            theirs, stored = self.cleaned_data.get(name), getattr(saved, name)
            rows.append(row(form_field.label, display(theirs, choices), display(stored, choices)))
        return rows


def row(label, theirs: str, saved: str) -> dict:
    return {"label": str(label), "theirs": theirs, "saved": saved}


def conflict_status(form, otherwise: int = 200) -> int:
    """HTTP status of a page showing `form`: 409 after a stale edit, else `otherwise` (the page's own choice)."""
    return 409 if getattr(form, "conflict", None) else otherwise
