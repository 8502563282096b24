"""What changed in a file, in French, through the plans' history vocabulary: field labels, choice labels, amounts in
euros and dates (the snapshots hold field names and raw strings such as "120000.00" or "2024-01-01")."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import date_format, number_format

from pilote.plans.history import LABELS, VOCABULARY

register = template.Library()
NUMBER = re.compile(r"-?\d+(\.\d+)?")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@register.filter
def field_label(name: str) -> str:
    return LABELS.get(name, name)


@register.filter
def field_value(value, name: str = ""):
    """The value as a French reader expects it; « — » when empty."""
    if value is None or value == "" or value == []:
        return "—"
    if name in VOCABULARY.choices or name in VOCABULARY.formats:  # the plans' own words: money in euros, dates
        return VOCABULARY.text(name, value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    text = str(value)
    if DATE.fullmatch(text):
        return date_format(datetime.date.fromisoformat(text), "d/m/Y")
    if NUMBER.fullmatch(text):
        return amount(text)
    return text


@register.filter
def amount(value) -> str:
    """ "120000.00" → "120 000", "0.80" → "0,80" (French grouping and decimal comma)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return value
    places = 0 if number == number.to_integral_value() else 2
    return number_format(number, decimal_pos=places, use_l10n=True, force_grouping=True)
