"""A CLI people can learn alone: generated reference, help and examples, version, conventions."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import click
import pandas as pd
import pytest

import scorer
from scorer import demo_result
from scorer.cli import COMMANDS, all_commands, main
from scorer.render.export import ranking_frame

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS_HOME = ROOT / "docs" / "index.md"


def _gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _help(name: str | None) -> str:
    return _gen().command_help([name] if name else [])


def test_command_reference_is_generated_from_help() -> None:
    """The docs site's command reference is built from the --help texts (docs/hooks.py), so it cannot drift."""
    page = _gen().render_commands()
    for name in COMMANDS:
        assert f"## `unct-scorer {name}`\n\n```text\n{_help(name).rstrip()}\n```" in page
    assert "reference/cli.md" in (ROOT / "docs" / "hooks.py").read_text(encoding="utf-8")


def test_reference_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = _gen()
    monkeypatch.setenv("COLUMNS", "200")
    wide = gen.render_commands()
    monkeypatch.setenv("COLUMNS", "40")
    assert gen.render_commands() == wide
    options = [part.split("```")[0] for part in wide.split("\nOptions:\n")[1:]]
    assert len(options) == len(COMMANDS) + 1
    assert max(len(line) for part in options for line in part.splitlines()) <= 88  # wrapped at 88


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_help_and_an_example(name: str) -> None:
    command = all_commands()[name]
    assert (command.help or "").strip(), f"{name} has no help text"
    assert command.get_short_help_str(limit=80).strip(), f"{name} has no one-line summary"
    text = _help(name)
    block = text.split("\n  Example:\n", 1)
    assert len(block) == 2, f"{name}'s --help has no Example block (use scorer.cli.common.example)"
    examples = [line.strip() for line in block[1].split("\n\n")[0].splitlines()]
    assert examples and all(line.startswith("unct-scorer ") or line.startswith("cd ") for line in examples)
    assert any(line.startswith(f"unct-scorer {name}") for line in examples)


def test_help_paragraphs_are_not_mangled_by_the_example_block() -> None:
    for name in COMMANDS:
        for line in _help(name).split("\nOptions:")[0].split("\n  Example:")[0].splitlines():
            assert not re.search(r"\S {3,}\S", line), f"{name}: {line!r}"


def test_version_agrees_everywhere(runner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"unct-scorer, version {scorer.__version__}\n"
    assert importlib.metadata.version("unct-scorer") == scorer.__version__


def test_changelog_latest_release_is_the_package_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", text, flags=re.M)
    assert headings[0] == ("Unreleased", ""), "CHANGELOG.md should open with an [Unreleased] section"
    version, date = headings[1]
    assert version == scorer.__version__, "bump scorer.__version__ or the CHANGELOG release heading"
    assert date, "a release heading should carry its date: ## [x.y.z] - YYYY-MM-DD"


def test_shell_completion_is_clicks_and_documented(runner) -> None:
    script = runner.invoke(main, [], prog_name="unct-scorer", env={"_UNCT_SCORER_COMPLETE": "bash_source"})
    assert script.exit_code == 0 and "_unct_scorer_completion()" in script.output
    words = runner.invoke(
        main,
        [],
        prog_name="unct-scorer",
        env={"_UNCT_SCORER_COMPLETE": "bash_complete", "COMP_WORDS": "unct-scorer tem", "COMP_CWORD": "1"},
    )
    assert words.output.split() == ["plain,template"]
    docs = DOCS_HOME.read_text(encoding="utf-8")
    assert 'eval "$(_UNCT_SCORER_COMPLETE=bash_source unct-scorer)"' in docs


def test_exit_codes_are_documented_and_usage_is_2(runner) -> None:
    for page in (README, DOCS_HOME):
        text = " ".join(page.read_text(encoding="utf-8").split())
        assert "Exit codes: 0 success, 1 bad input (criteria, data, output), 2 wrong usage" in text, page.name
    usage = runner.invoke(main, ["rank", "--no-such-option"])
    assert usage.exit_code == 2 and "Error: No such option '--no-such-option'." in usage.stderr
    bad = runner.invoke(main, ["rank", "missing.csv"])
    assert bad.exit_code == 1 and bad.stderr.splitlines()[-1] == "Error: missing.csv: file not found"


def test_docs_python_workflow_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "how-to" / "python.md").read_text(encoding="utf-8")
    section = text.split("## Python workflow", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    exec(compile(code, "docs/how-to/python.md#python-workflow", "exec"), namespace)
    ranks = namespace["ranks"]
    assert isinstance(ranks, pd.DataFrame) and len(ranks) == 162
    assert -1.0 <= float(namespace["tau"]) <= 1.0  # type: ignore[arg-type]


def _format_commands() -> list[str]:
    return sorted(n for n, c in all_commands().items() if any(p.name == "fmt" for p in c.params))


def test_format_option_is_the_same_everywhere() -> None:
    for name in _format_commands():
        option = next(p for p in all_commands()[name].params if p.name == "fmt")
        assert isinstance(option, click.Option) and option.opts == ["--format"]
        assert isinstance(option.type, click.Choice)
        assert option.default == "table", name
        assert set(option.type.choices) <= {"table", "csv", "json"}, name
        assert {"table", "json"} <= set(option.type.choices), name


def test_rank_json_and_csv_equal_the_library(runner) -> None:
    expected = ranking_frame(demo_result())
    as_json = runner.invoke(main, ["rank", "--format", "json"])
    assert as_json.exit_code == 0
    records = json.loads(as_json.stdout)
    assert [r["id"] for r in records] == list(expected["id"])
    assert [r["score"] for r in records] == pytest.approx(list(expected["score"]), abs=1e-12)
    as_csv = runner.invoke(main, ["rank", "--format", "csv"])
    header = as_csv.stdout.splitlines()[0].split(",")
    assert header == list(records[0]) == list(expected.columns)
    assert len(as_csv.stdout.splitlines()) == len(records) + 1


def test_explain_json_equals_the_library(runner) -> None:
    e = demo_result().explain("DZA")
    out = runner.invoke(main, ["explain", "DZA", "--format", "json"])
    assert out.exit_code == 0
    data = json.loads(out.stdout)
    assert (data["id"], data["rank"], data["tier"]) == (e.id, e.rank, e.tier)
    assert data["score"] == pytest.approx(e.score, abs=1e-12)
    assert [r["indicator"] for r in data["indicators"]] == list(e.indicators["indicator"])


def test_quiet_keeps_results_and_warnings_only(runner, tmp_path: Path) -> None:
    normal = runner.invoke(main, ["rank", "--top", "3"])
    quiet = runner.invoke(main, ["-q", "rank", "--top", "3"])
    assert quiet.exit_code == normal.exit_code == 0
    assert quiet.stdout == normal.stdout  # the result itself is never silenced
    assert any(line.startswith("Criteria: ") for line in normal.stderr.splitlines())
    assert all(line.startswith("Note: ") for line in quiet.stderr.splitlines())  # made-up-data warnings stay
    ok = runner.invoke(main, ["-q", "validate"])
    assert ok.exit_code == 0 and ok.stdout.startswith("OK: ")
    assert runner.invoke(main, ["-q", "init", str(tmp_path / "p")]).output == ""
    assert runner.invoke(main, ["-q", "template", "-o", str(tmp_path / "t.xlsx")]).output == ""


def test_verbose_adds_detail_to_the_new_commands(runner, tmp_path: Path) -> None:
    normal = runner.invoke(main, ["init", str(tmp_path / "a")])
    verbose = runner.invoke(main, ["-v", "init", str(tmp_path / "b")])
    extra = set(verbose.stderr.splitlines()) - set(normal.stderr.replace(str(tmp_path / "a"), "").splitlines())
    assert "  n_wipo_treaties_in_force: indicator, pre-filled; a number" in extra
