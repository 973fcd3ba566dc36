"""Start-up: help, version and completion load click alone; commands load on first use."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys

import click
import pytest

from scorer.cli import COMMANDS, main


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registry_line_is_the_commands_own_short_help(name: str) -> None:
    module, line = COMMANDS[name]
    command = importlib.import_module(module).command
    assert command.name == name
    assert line == command.get_short_help_str(limit=10**6)


def test_every_command_module_is_registered() -> None:
    from pathlib import Path

    folder = Path(importlib.import_module("scorer.cli").__file__).parent
    modules = {m for m, _ in COMMANDS.values()}
    for path in folder.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if "\ncommand = " in source or "\ndef command(" in source:
            assert f"scorer.cli.{path.stem}" in modules, path.name


def _modules_loaded(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    code = (
        "import sys\n"
        "from scorer.cli import main\n"
        "try:\n"
        f"    main({args!r}, prog_name='unct-scorer')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    return set(done.stderr.split())


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"]])
def test_help_and_version_do_not_import_pandas(args: list[str]) -> None:
    loaded = _modules_loaded(args)
    assert "click" in loaded
    assert not {"pandas", "numpy", "scipy", "pydantic", "openpyxl", "yaml"} & loaded


def test_rank_loads_neither_the_evidence_reader_nor_scipy_openpyxl_matplotlib_or_jinja2() -> None:
    loaded = _modules_loaded(["-q", "rank", "--format", "csv"])
    assert "scorer.pipeline" in loaded
    heavy = {"scipy", "openpyxl", "matplotlib", "jinja2", "scorer.evidence.analysis", "scorer.evidence.terms"}
    assert not heavy & loaded


def test_completion_lists_commands_without_importing_pandas() -> None:
    loaded = _modules_loaded(
        [], env={"_UNCT_SCORER_COMPLETE": "bash_complete", "COMP_WORDS": "unct-scorer s", "COMP_CWORD": "1"}
    )
    assert "pandas" not in loaded


def test_completion_offers_matching_commands() -> None:
    ctx = click.Context(main, info_name="unct-scorer")
    values = [item.value for item in main.shell_complete(ctx, "s")]
    assert values == ["select", "sensitivity", "stability", "sweep"]


def test_import_scorer_is_light_and_names_load_on_use() -> None:
    code = (
        "import sys, scorer\n"
        "print(sorted({'pandas', 'scipy', 'openpyxl', 'matplotlib'} & set(sys.modules)))\n"
        "print(scorer.score_countries.__module__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split("\n")[:2] == ["[]", "scorer.pipeline"]


def test_unknown_attribute_is_an_attribute_error() -> None:
    import scorer

    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        scorer.nope  # noqa: B018


def test_the_command_asks_openblas_for_one_thread_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    from scorer.cli import one_blas_thread

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    one_blas_thread()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "4"
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    one_blas_thread()
    assert "OPENBLAS_NUM_THREADS" not in os.environ
