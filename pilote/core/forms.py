from decimal import Decimal

from django import forms
from dsfr.forms import DsfrBaseForm


class DsfrForm(DsfrBaseForm):
    """The base of plain forms: DSFR classes on the widgets, so templates may render `{{ field }}` as is."""


class DsfrModelForm(DsfrBaseForm, forms.ModelForm):
    """The base of model forms, for the same reason."""


def as_stored(field: forms.Field, value):
    """A cleaned value as the database will give it back: a decimal at its field's places ("0.6" → "0.60"), so that
    what a form or an import compares, writes to the audit trail and saves all agree."""
    if isinstance(field, forms.DecimalField) and value is not None and field.decimal_places is not None:
        return value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value
