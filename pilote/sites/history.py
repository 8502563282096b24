"""The audit trail of the sites capability, in French. Each part keeps its entries grouped under its comment."""

from pilote.core.history import Vocabulary, field_labels

from . import facts
from .enums import LabelOpinionKind, LabelState, MilestoneKind, Objective
from .models import Selection
from .scoring import DEFAULT_CRITERIA


def _weights(value) -> str:
    """The weights of a qualification method by the French names of its criteria."""
    names = {criterion["key"]: criterion["label"] for criterion in DEFAULT_CRITERIA}
    return " ; ".join(f"{names.get(k) or facts.label(k)} : {f'{v:g}'.replace('.', ',')}" for k, v in value.items())


VOCABULARY = Vocabulary(
    actions={
        # --- sdata: imports of the pool ---
        "sites.import": "Import d'un fichier de sites (Cartofriches, Fonds friches)",
        # --- sselect ---
        "selection.create": "Sélection de sites calculée",
        "selection.adopt": "Sélection de sites adoptée",
        "selection.withdraw": "Adoption d'une sélection de sites retirée",
        # --- slabel ---
        "site.proposed": "Site proposé",
        "site.label.preselectionne": "Site présélectionné",
        "site.label.en_instruction": "Instruction du label ouverte",
        "site.label.labellise": "Site labellisé",
        "site.label.ajourne": "Labellisation ajournée",
        "site.label.refuse": "Labellisation refusée",
        "site.label_opinion.asked": "Avis demandé sur la labellisation",
        "site.label_opinion.given": "Avis rendu sur la labellisation",
        "site.milestone.saved": "Étape vers « prêt à accueillir » enregistrée",
        # --- sscore: the qualification method ---
        "sites.method_publish": "Nouvelle version de la méthode de qualification des sites publiée",
    },
    labels={
        # --- sselect ---
        **field_labels(Selection),
        "adopted_by_anct": "Adoptée par l'ANCT",
        "adopted_by_bdt": "Adoptée par la Banque des Territoires",
        # --- sdata ---
        "rows": "Lignes lues",
        # --- slabel ---
        "label_state": "Labellisation",
        "comment": "Motivation",
        "deadline": "À rendre avant le",
        "kind": "Avis",
        "text": "Motivation",
        "planned_on": "Prévue le",
        "done_on": "Faite le",
        "amount": "Montant (€)",
        "note": "Commentaire",
        "commune_code": "Commune",
        "area_m2": "Surface (m²)",
        # --- sscore ---
        "number": "Version n°",
        "weights": "Poids des critères",
        "notes": "Ce qui change",
    },
    choices={
        # --- sselect ---
        "objective": dict(Objective.choices),
        # --- slabel ---
        "label_state": dict(LabelState.choices),
        "kind": {**dict(LabelOpinionKind.choices), **dict(MilestoneKind.choices)},
    },
    formats={"weights": _weights},
)
history = VOCABULARY.history
