from io import StringIO

from django.core.management import call_command

from pilote.targeting import catalogue as k
from pilote.targeting.models import Alert, Computation, Scoring, UnitValue


def run() -> str:
    out = StringIO()
    call_command("compute_targeting", stdout=out)
    return out.getvalue()


def test_compute_targeting_writes_once_then_says_nothing_is_new(data):
    data.zones()
    data.values(k.POVERTY, "2019", {"01001": 10.0, "39002": 20.0})
    data.unemployment({"0001": [7.0] * 5, "0002": [7.0] * 5, "0003": [6.0, 6.5, 7.0, 7.5, 8.0]})
    first = run()
    assert "Indicateurs calculés sur le COG 2026" in first
    assert "3 alerte(s) détectée(s)" in first
    counts = (Computation.objects.count(), UnitValue.objects.count(), Scoring.objects.count(), Alert.objects.count())
    second = run()
    assert "rien de nouveau depuis le calcul" in second
    assert "déjà calculé sur ces données, rien de nouveau" in second
    assert counts == (
        Computation.objects.count(),
        UnitValue.objects.count(),
        Scoring.objects.count(),
        Alert.objects.count(),
    )


def test_compute_targeting_before_any_import_scores_nothing(mini_world):
    output = run()
    assert "0 indicateur(s), 0 valeurs stockées" in output
    assert "0 unités classées, 0 alerte(s)" in output
    assert Scoring.objects.count() == 1
