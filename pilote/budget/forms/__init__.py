"""Forms of the budget pages, one module per concern: envelopes, commitments (and payments), parameters,
designations (Rebond industriel), scenarios. Here: what they share.

Each `save()` calls the model method that moves the money (and writes the audit row); a budget rule that refuses the
change becomes a non-field error in French (`RuleForm`), and nothing is written."""

from decimal import Decimal

from django import forms

from pilote.core.forms import DsfrForm
from pilote.core.versioning import EditConflict, RevisionFormMixin, conflict_status

from ..models import RuleBroken
from ..money import euros

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CENT = Decimal("0.01")


def money(
    label: str, *, required: bool = True, minimum: Decimal = Decimal("0"), max_digits: int = 14, **options
) -> forms.DecimalField:
    """Euros (or a percentage) typed the French way (« 1 500 000,50 »), stored with cents."""
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=max_digits,
        decimal_places=2,
        min_value=minimum,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        **options,
    )


class RuleForm(RevisionFormMixin, DsfrForm):
    """A form whose `save()` runs a model method: a refused rule becomes a non-field error; a stale edit
    (`EditConflict`, only on the forms that carry a revision) the conflict banner, through `refuse_stale`."""

    def apply(self, action):
        """`action()`'s result (True when it returns nothing), or None when a budget rule refused it: the form then
        holds the French reason."""
        try:
            result = action()
            return True if result is None else result
        except EditConflict as error:
            self.refuse_stale(error)
        except RuleBroken as error:
            self.add_error(None, error.messages)
        return None

    def refuse_stale(self, error: EditConflict) -> None:
        raise error  # only the forms that carry a revision can be stale

    @property
    def status(self) -> int:
        """HTTP status of the page showing this form: 409 after a stale edit, 400 with errors."""
        return conflict_status(self, 400 if self.errors else 200)


def euros_cents(amount) -> str:
    return euros(amount, cents=True)
