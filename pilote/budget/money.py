"""Money in French: `Decimal` euros written the way the users read them (1 234 567,50 €)."""

from decimal import Decimal

from pilote.core.formats import NBSP, euros  # noqa: F401 — the one French money format, used here and by budget


def percent(value: Decimal | float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.{digits}f}".replace(".", ",") + f"{NBSP}%"


def ratio(partners: Decimal, state: Decimal) -> Decimal | None:
    """Co-financing leverage: partners' euros per State euro (None when the State gave nothing)."""
    return (partners / state).quantize(Decimal("0.01")) if state else None
