"""The demo of the sites capability (`make run`): one seed function per part, each idempotent and cheap."""

import random

from pilote.territories.models import Resolution, ResolvedCommune, Territory

# --- szan: Cerema NAF flows for the demo, so that territory pages show their ZAN trajectory ------------------------

DEMO_NAF_TERRITORIES = 12  # the first territories of phase 2: enough to show the section, cheap to write
DEMO_NAF_FILE = "démonstration — flux NAF fictifs au format Cerema"


def szan(*, log=print) -> None:
    """Fictitious yearly NAF flows (in the Cerema format, through the importer) for the communes of the first
    territories of phase 2, unless some flows exist already (the real file, or a previous run)."""
    from .models import NafConsumption
    from .naf import import_naf

    if NafConsumption.objects.exists():
        return
    territories = Territory.objects.filter(phase__slug="2023-2027").order_by("code")[:DEMO_NAF_TERRITORIES]
    codes = sorted(
        set(
            ResolvedCommune.objects.filter(
                resolution__in=Resolution.objects.current(), resolution__version__territory__in=territories
            ).values_list("code", flat=True)
        )
    )
    if codes:
        report = import_naf(_naf_file(codes), DEMO_NAF_FILE)
        log(f"Sites (ZAN) : {report.as_text()}")


def _naf_file(codes: list[str]) -> bytes:
    from .naf import FIELDS, yearly_columns

    years = range(2009, 2024)
    lines = [";".join(["idcom", *yearly_columns(years)])]
    for code in codes:
        rng = random.Random(code)  # the same demo on every run
        values = []
        for _ in years:
            parts = [rng.choice((0, 0, 500, 1_500, 4_000)) for _ in FIELDS]
            values += [sum(parts), *parts]
        lines.append(";".join([code, *map(str, values)]))
    return ("\n".join(lines) + "\n").encode()
