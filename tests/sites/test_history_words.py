"""The history tables read the weights of a method version and the shock thresholds in French, never by their code
keys (« unemployment_quarters : 4 », « land_control : 2 »)."""

from pilote.sites.history import VOCABULARY as SITES
from pilote.targeting.history import VOCABULARY as TARGETING


def test_the_weights_of_a_qualification_method_read_by_the_names_of_their_criteria():
    text = SITES.formats["weights"]({"area": 3, "zoning": 2.5, "flood_risk": 1})
    assert text == "Surface du site : 3 ; Zonage du document d'urbanisme : 2,5 ; Risque d'inondation : 1"


def test_the_shock_thresholds_read_by_the_labels_of_the_method_form_in_its_order():
    text = TARGETING.formats["thresholds"]({"min_jobs": 200, "unemployment_rise_points": 1.5})
    assert text == (
        "Alerte chômage : hausse de plus que la France, en points : 1,5 ; "
        "Alertes emploi : effectif minimal l'année précédente : 200"
    )
