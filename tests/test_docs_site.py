"""The documentation site: every page in the nav exists, generated pages follow the code, links resolve.

`mkdocs build --strict` itself runs in .ci/run (it needs the `docs` extra);
these checks need only the package, so they run everywhere.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [p for value in node.values() for p in _nav_pages(value)]
    if isinstance(node, list):
        return [p for item in node for p in _nav_pages(item)]
    return []


GENERATED = {
    "reference/cli.md",
    "reference/criteria-file.md",
    "reference/default-criteria.md",
    "security.md",
    "changelog.md",
    "data/datasheet.md",
    "data/wipo-paper.md",
}


def _config() -> dict[str, object]:
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = yaml.safe_load(text)
    assert isinstance(config, dict)
    return config


def test_every_page_in_the_nav_exists_or_is_generated() -> None:
    nav = _nav_pages(_config()["nav"])
    written = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}
    assert set(nav) == written | GENERATED
    assert not written & GENERATED, "a generated page should not also be written by hand"
    hooks = (DOCS / "hooks.py").read_text(encoding="utf-8")
    for page in GENERATED:
        assert f'"{page}"' in hooks, page


def test_ci_builds_the_site_strictly() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "mkdocs build --strict" in ci and "'.[dev,docs]'" in ci
    assert _config()["strict"] is True


def test_criteria_reference_lists_every_key_of_every_model() -> None:
    from scorer.model.criteria import criteria_json_schema

    schema = criteria_json_schema()
    page = _script("gen_criteria_docs").render_reference(schema)
    for key in schema["properties"]:
        assert f"| `{key}` |" in page, key
    for name, definition in schema["$defs"].items():
        assert re.search(rf"^##+ {name}$", page, flags=re.M), name
        for key in definition.get("properties", {}):
            assert f"| `{key}` |" in page, f"{name}.{key}"
        for value in definition.get("enum", []):
            assert f"`{value}`" in page, f"{name}: {value}"


def test_criteria_reference_defaults_are_the_models() -> None:
    page = _script("gen_criteria_docs").render_reference()
    assert '| `tiers` | list of [Tier](#tier) | `[{"name": "all"}]` |' in page
    assert '| `missing` | [MissingPolicy](#missingpolicy) | `"error"` |' in page
    assert "| `column` | string | required |" in page


@pytest.mark.parametrize("page", [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))], ids=lambda p: p.name)
def test_relative_links_resolve(page: Path) -> None:
    """A link to a file resolves from the page (generated pages count as present in docs/)."""
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        path = (page.parent / target).resolve()
        generated = path.is_relative_to(DOCS) and str(path.relative_to(DOCS)) in GENERATED
        assert path.exists() or generated, f"{page.relative_to(ROOT)}: link to {target} does not resolve"
