"""The code-layout page names every subpackage of ``scorer``, so a newcomer's map stays complete."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_on_the_code_layout_page() -> None:
    page = (ROOT / "docs" / "explanation" / "code-layout.md").read_text(encoding="utf-8")
    packages = sorted(
        p.name for p in (ROOT / "scorer").iterdir() if (p / "__init__.py").is_file() and p.name != "report_assets"
    )
    assert len(packages) >= 12
    missing = [name for name in packages if f"`scorer.{name}`" not in page]
    assert missing == []


def test_no_module_is_left_flat_beside_the_layers() -> None:
    flat = sorted(p.name for p in (ROOT / "scorer").glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "errors.py", "pipeline.py", "resources.py", "tuning.py"]
