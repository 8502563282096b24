"""Demo seeds of the sites capability (registry `demo_seeds`), one function per part, each idempotent and cheap."""

from django.db import transaction

from pilote.core.models import User

from . import selection as solver
from .enums import MethodStatus
from .models import QualificationMethod, Selection

# --- sselect ---------------------------------------------------------------------------------------------------------
DEMO_SELECTION = "50 sites, 5 par région, zéro artificialisation nette (démo)"


def sselect(*, log=print) -> int:
    """One selection of 50 sites under a cap of 5 per région and strict ZAN, computed on the latest scored method
    version, so that the selection pages show something; nothing when no method has scores yet."""
    if Selection.objects.filter(name=DEMO_SELECTION).exists():
        log("Sélection de démonstration : déjà calculée, rien n'est écrit.")
        return 0
    method = QualificationMethod.objects.filter(status=MethodStatus.PUBLISHED, scores__isnull=False).first()
    anct = User.objects.filter(username="demo-anct").first()
    if method is None or anct is None:
        log("Sélection de démonstration : aucun site noté ou compte ANCT absent, rien d'écrit.")
        return 0
    with transaction.atomic():
        selection = Selection.objects.create(
            name=DEMO_SELECTION, method=method, size=50, created_by=anct,
            constraints={"region_max": 5, "naf_cap_m2": 0.0},
        )  # fmt: skip
        outcome = solver.run(selection)
    log(f"Sélection de démonstration : {len(outcome.chosen)} sites retenus ({outcome.status}).")
    return 1
