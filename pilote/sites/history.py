"""The audit trail of the sites capability, in French. Each part keeps its entries grouped under its comment."""

from pilote.core.history import Vocabulary, field_labels

from .enums import Objective
from .models import Selection

VOCABULARY = Vocabulary(
    actions={
        # --- sdata: imports of the pool ---
        "sites.import": "Import d'un fichier de sites (Cartofriches, Fonds friches)",
        # --- sselect ---
        "selection.create": "Sélection de sites calculée",
        "selection.adopt": "Sélection de sites adoptée",
        "selection.withdraw": "Adoption d'une sélection de sites retirée",
    },
    labels={
        # --- sselect ---
        **field_labels(Selection),
        "adopted_by_anct": "Adoptée par l'ANCT",
        "adopted_by_bdt": "Adoptée par la Banque des Territoires",
        # --- sdata ---
        "rows": "Lignes lues",
    },
    choices={
        # --- sselect ---
        "objective": dict(Objective.choices),
    },
)
