"""The differences shown to reviewers are in French: labels, choices, amounts and dates."""

from pilote.campaigns.templatetags.review import amount, field_label, field_value


def test_labels_and_values_of_a_fiche_read_in_french():
    assert field_label("total_cost") == "Coût total (€)"
    assert field_label("lead_organisation") == "Porteur"
    assert field_value("150000.00", "total_cost") == "150\u202f000,00 €"
    assert field_value("2024-01-01", "started_on") == "01/01/2024"
    assert field_value("en_cours", "status") == "En cours"
    assert field_value(None, "ended_on") == field_value("", "title") == "—"
    assert field_value("CA Beta", "lead_organisation") == "CA Beta"


def test_amounts_keep_their_cents_only_when_they_have_some():
    assert amount("40000.00") == "40\xa0000"
    assert amount("0.80") == "0,80"
    assert amount("pas un nombre") == "pas un nombre"
