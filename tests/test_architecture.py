"""docs/architecture.md cannot drift from the code: its "knows of" column is the apps each app really imports, and
every app stands in the import-linter layers of pyproject.toml (which `make lint` checks)."""

import re
import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
ROW = re.compile(r"^\| `(?P<app>\w+)` \| .* \| (?P<knows>[^|]*) \|$")


def documented() -> dict[str, set[str]]:
    text = (ROOT / "docs/architecture.md").read_text()
    table = text.split("\n## Apps\n", 1)[1].split("\n## ", 1)[0]
    rows = (ROW.match(line) for line in table.splitlines())
    return {row["app"]: {a.strip() for a in row["knows"].split(",")} - {"—", ""} for row in rows if row}


def imported() -> dict[str, set[str]]:
    graph = grimp.build_graph("pilote", cache_dir=None)
    apps = {module.split(".")[1] for module in graph.modules if module.count(".") >= 1}
    apps = {app for app in apps if (ROOT / "pilote" / app / "apps.py").exists()}
    knows = {app: set() for app in apps}
    for app in apps:
        for module in graph.find_descendants(f"pilote.{app}") | {f"pilote.{app}"}:
            for target in graph.find_modules_directly_imported_by(module):
                other = target.split(".")[1] if target.startswith("pilote.") and target.count(".") >= 1 else None
                if other in apps and other != app:
                    knows[app].add(other)
    return knows


def test_the_knows_of_column_is_what_each_app_imports():
    assert documented() == imported(), "update the apps table of docs/architecture.md"


def test_every_app_stands_in_the_layer_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    layered = {name.strip().removeprefix("pilote.") for layer in contract["layers"] for name in layer.split("|")}
    assert layered == set(imported())
    assert contract["layers"][-1] == "pilote.core"  # the kernel at the bottom: it imports no app
