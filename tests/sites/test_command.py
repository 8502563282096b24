"""`import_sites`: the manifest's files in order, or one file by hand; a French report; refusals as CommandError."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from pilote.sites.models import Site

from .files import brownfield, write_cartofriches


def run(*args, **options) -> str:
    out = StringIO()
    call_command("import_sites", *args, stdout=out, verbosity=0, **options)
    return out.getvalue()


def test_a_file_by_hand_is_imported_once_with_a_french_report(mini_world, tmp_path):
    path = write_cartofriches(
        tmp_path / "friches.csv", [brownfield("01001_1", "01001"), brownfield("01003_2", "01003")]
    )
    first = run(file=path, kind="cartofriches")
    assert "cartofriches : friches.csv importé" in first
    assert "2 ligne(s) lue(s), 2 créée(s), 0 mise(s) à jour" in first
    assert "signalé(s) : 1 — ancien code commune rapporté à la commune du COG 2026" in first
    assert "déjà importé (même empreinte SHA-256), rien n'a été écrit" in run(file=path, kind="cartofriches")
    assert Site.objects.count() == 2


def test_a_dry_run_says_so_and_writes_nothing(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01001_1", "01001")])
    assert "serait importé (essai, rien n'a été écrit)" in run(file=path, kind="cartofriches", dry_run=True)
    assert Site.objects.count() == 0


def test_a_refused_file_is_a_command_error_in_french(mini_world, tmp_path):
    path = write_cartofriches(tmp_path / "friches.csv", [brownfield("01001_1", "1001")])
    with pytest.raises(CommandError, match="code commune invalide '1001'"):
        run(file=path, kind="cartofriches")


def test_available_skips_the_files_not_at_hand(mini_world, settings, tmp_path):
    settings.DATA_MIRROR_DIR, settings.DATA_CACHE_DIR = str(tmp_path / "none"), str(tmp_path / "cache")
    assert run(available=True) == ""
    assert Site.objects.count() == 0
