"""MkDocs hook: the pages generated at build time, so the site always follows the code.

- ``reference/cli.md`` from the CLI's ``--help`` texts (``scripts/gen_cli_docs.py``);
- ``reference/criteria-file.md`` from the criteria schema (``scripts/gen_criteria_docs.py``);
- ``reference/default-criteria.md``: the bundled ``criteria/default.yaml``, as it is;
- pages that live beside the code and are shown as they are: ``SECURITY.md``,
  ``CHANGELOG.md``, the demo's datasheet ``seeds/countries.md`` and the
  summary of the WIPO paper ``seeds/SUMMARY.en.md``.

Nothing is written into ``docs/``: the pages exist only in the built site.

It also adds a small Markdown extension (:class:`DoctestBlocks`): the ``>>>``
examples of the docstrings shown in the API reference become Python console
code blocks instead of running text.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent


def _script(name: str) -> ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copied(path: str, note: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    title, _, rest = text.partition("\n")
    return f"{title}\n\n<!-- copied from {path} at build time -->\n\n*{note}*\n{rest}"


def _default_criteria() -> str:
    text = (ROOT / "criteria" / "default.yaml").read_text(encoding="utf-8")
    return (
        "# The default criteria file\n\n"
        "`criteria/default.yaml`, used when no `-c FILE` is given and no project file is found, "
        "and the starting point that `unct-scorer init` copies. Every key is explained in its comments; "
        "the [criteria file reference](criteria-file.md) lists them all.\n\n"
        f"```yaml\n{text.rstrip()}\n```\n"
    )


def generated_pages() -> dict[str, str]:
    """Every generated page: its path under ``docs/`` and its Markdown."""
    return {
        "reference/cli.md": _script("gen_cli_docs").render_commands(),
        "reference/criteria-file.md": _script("gen_criteria_docs").render_reference(),
        "reference/default-criteria.md": _default_criteria(),
        "security.md": _copied("SECURITY.md", "This page is SECURITY.md at the top of the repository."),
        "changelog.md": _copied("CHANGELOG.md", "This page is CHANGELOG.md at the top of the repository."),
        "data/datasheet.md": _copied("seeds/countries.md", "The datasheet of the demo, seeds/countries.md."),
        "data/wipo-paper.md": _copied("seeds/SUMMARY.en.md", "The summary of the WIPO paper, seeds/SUMMARY.en.md."),
    }


def on_files(files: Files, *, config: Any) -> Files:
    """Add the generated pages to the site."""
    for path, content in generated_pages().items():
        files.append(File.generated(config, path, content=content))
    return files


_ROLE = re.compile(r":(?:func|mod|class|meth|attr|data|exc|obj):`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    name = match.group(2)
    return f"`{name.rsplit('.', 1)[-1] if match.group(1) else name}`"


class _DoctestPreprocessor(Preprocessor):
    """Fence each run of doctest lines (from a ``>>>`` line to the next blank line) as ``pycon``.

    Sphinx roles (``:func:`scorer.x```) outside fences become plain code spans.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fenced = False
        block: list[str] = []
        indent = ""
        for line in [*lines, ""]:
            stripped = line.lstrip()
            if block:
                if stripped:
                    block.append(line.removeprefix(indent))
                    continue
                out += [f"{indent}```pycon", *(indent + b for b in block), f"{indent}```", ""]
                block = []
            if stripped.startswith(("```", "~~~")):
                fenced = not fenced
            if not fenced and stripped.startswith(">>> "):
                indent = line[: len(line) - len(stripped)]
                block = [stripped]
                continue
            out.append(line if fenced else _ROLE.sub(_role, line))
        return out[:-1] if out and out[-1] == "" and lines and lines[-1] != "" else out


class DoctestBlocks(Extension):
    """Markdown extension: doctest examples as code blocks (see :class:`_DoctestPreprocessor`)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_DoctestPreprocessor(md), "doctest_blocks", 27)


@event_priority(100)  # before mkdocstrings reads the extensions
def on_config(config: Any) -> Any:
    """Add :class:`DoctestBlocks` to the site's Markdown extensions."""
    config.markdown_extensions.append(DoctestBlocks())
    return config
