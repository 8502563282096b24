"""Money, measures and dates in French, the one way every app writes them for people: 1 234 567,50 €, 6 286 741,21
and 30/11/2026."""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u202f"  # narrow no-break space, the French thousands separator


def euros(amount: Decimal | int | None, *, cents: bool = False) -> str:
    if amount is None:
        return "—"
    quantum = Decimal("0.01") if cents else Decimal("1")
    value = Decimal(amount).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, _, decimals = f"{abs(value):f}".partition(".")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return f"{sign}{grouped},{decimals} €" if decimals else f"{sign}{grouped} €"


def measure(value: float | int) -> str:
    """A quantity (metres, square metres, a count) → « 6 286 741,21 »: grouped by thousands, at most two decimals."""
    sign = "-" if value < 0 else ""
    whole, _, decimals = f"{abs(value):.2f}".partition(".")
    decimals = decimals.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", NBSP)
    return f"{sign}{grouped},{decimals}" if decimals else f"{sign}{grouped}"


def money(value) -> str:
    """An amount as stored in the audit trail or a snapshot ("231800.00", 5000, Decimal) → « 231 800,00 € »."""
    try:
        return euros(Decimal(str(value)), cents=True)
    except InvalidOperation:
        return str(value)


def day(value) -> str:
    """A date, or its ISO text as stored in the audit trail ("2026-11-30") → « 30/11/2026 »."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value:%d/%m/%Y}"
