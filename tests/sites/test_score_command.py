from io import StringIO

from django.core.management import call_command

from pilote.sites.models import QualificationMethod, SiteScore
from tests.sites.test_scoring import make_site


def test_score_sites_on_an_empty_pool_creates_the_method_and_scores_nothing(db):
    out = StringIO()
    call_command("score_sites", stdout=out)
    assert "aucun site dans le vivier" in out.getvalue()
    assert QualificationMethod.objects.get().number == 1 and not SiteScore.objects.exists()


def test_score_sites_scores_the_pool_and_a_rerun_replaces_rather_than_adds(mini_world):
    make_site("c1", area_m2=20_000)
    make_site("c2", kind="brownfield")
    out = StringIO()
    call_command("score_sites", stdout=out)
    call_command("score_sites", stdout=out)
    assert "2 site(s) noté(s)" in out.getvalue()
    assert SiteScore.objects.count() == 2
