"""Where attachments are stored, read from the environment by the settings: a local folder by default, an
S3-compatible bucket (private, signed URLs, never overwritten) with PILOTE_STORAGE=s3. Nothing is sent to S3 here:
the storage is built, not used. Each case runs in a fresh Python process, as a server reads its settings once."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
django.setup()
from django.core.files.storage import storages
s = storages["default"]
print(json.dumps({"class": type(s).__name__, "location": str(getattr(s, "location", "")),
    "bucket": getattr(s, "bucket_name", None), "endpoint": getattr(s, "endpoint_url", None),
    "acl": getattr(s, "default_acl", None), "signed": getattr(s, "querystring_auth", None),
    "overwrite": getattr(s, "file_overwrite", None)}))
"""


def probe(tmp_path, **env) -> dict:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PILOTE_", "DJANGO_"))}
    base |= {"PILOTE_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_attachments_go_to_a_local_folder_by_default(tmp_path):
    found = probe(tmp_path)
    assert (found["class"], found["location"]) == ("FileSystemStorage", str(tmp_path / "media"))


def test_an_s3_compatible_bucket_is_chosen_by_setting(tmp_path):
    found = probe(
        tmp_path,
        PILOTE_STORAGE="s3",
        PILOTE_S3_BUCKET="pilote-pieces",
        PILOTE_S3_ENDPOINT_URL="https://s3.example.net",
    )
    assert found == {
        "class": "S3Storage",
        "location": "",
        "bucket": "pilote-pieces",
        "endpoint": "https://s3.example.net",
        "acl": "private",
        "signed": True,
        "overwrite": False,
    }
