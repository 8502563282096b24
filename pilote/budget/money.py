"""Money in French: `Decimal` euros written the way the users read them (1 234 567,50 €)."""

from decimal import ROUND_HALF_UP, Decimal

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


def percent(value: Decimal | float | None, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.{digits}f}".replace(".", ",") + f"{NBSP}%"


def ratio(partners: Decimal, state: Decimal) -> Decimal | None:
    """Co-financing leverage: partners' euros per State euro (None when the State gave nothing)."""
    return (partners / state).quantize(Decimal("0.01")) if state else None
