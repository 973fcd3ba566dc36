"""Regressions found in review of the tuning, selection and report code."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scorer.cli import main


def test_template_workbook_is_byte_reproducible(tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    # openpyxl stamps docProps/core.xml and every zip entry with the current time;
    # two identical runs must still give the same bytes, as every other .xlsx does.
    # The second run sees a clock one hour and three seconds later (zip entry times have
    # a 2-second resolution), patched rather than slept.
    import datetime as real_datetime
    import types

    import openpyxl.packaging.core
    import openpyxl.writer.excel

    def template(name: str) -> bytes:
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        assert runner.invoke(main, ["template", "-o", "countries.xlsx"]).exit_code == 0
        return (tmp_path / name / "countries.xlsx").read_bytes()

    first = template("a")
    later = time.time() + 3603.0

    class Later(real_datetime.datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def,override]
            return real_datetime.datetime.fromtimestamp(later, tz)

    fake = types.SimpleNamespace(datetime=Later, timezone=real_datetime.timezone)
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(openpyxl.packaging.core, "datetime", fake)
    monkeypatch.setattr(openpyxl.writer.excel, "datetime", fake)
    assert template("b") == first


def test_weight_change_at_a_tie_at_the_cut_keeps_its_direction() -> None:
    # A and B tie for first (both in the top 1): lowering w0 drops A, raising it drops B.
    import numpy as np

    from scorer.solvers.intervals import weight_change_to_flip

    dw = weight_change_to_flip([[1.0, 0.0], [0.0, 1.0], [0.2, 0.2]], [0.5, 0.5], top_k=1)
    assert dw[0, 0] == 0 and np.signbit(dw[0, 0])  # A: any decrease
    assert dw[1, 0] == 0 and not np.signbit(dw[1, 0])  # B: any increase


def test_stability_never_says_lower_a_zero_weight_below_zero() -> None:
    # Weights 0 / 0 / 1 leave a tie at rank 6 across the cut of 15: any rise of engagement's
    # weight breaks it (Bahrain joined no WIPO treaty since 2015, so it falls); the words
    # said "lower engagement's weight from 0.0000 to below 0.0000".
    from scorer import load_criteria, read_countries, score_countries
    from scorer.resources import default_criteria_path, demo_spreadsheet_path
    from scorer.tuning import stability

    result = score_countries(
        read_countries(demo_spreadsheet_path()),
        load_criteria(default_criteria_path()),
        weights={"engagement": 0, "representation": 0},
    )
    words = stability(result).countries["weight_in_words"]
    assert not words.str.contains("from 0.0000 to below 0.0000").any()
    assert words["BHR"].startswith(
        "Raise engagement's weight even slightly from 0.00 and it leaves the top 15 (a tie at the cut)"
    )


def _no_high_profile(crit: Path, tmp_path: Path) -> Path:
    """The small profile with countries of level 'high' (AAA) excluded; BBB and DDD then tie for first."""
    path = tmp_path / "no_high.yaml"
    path.write_text(
        crit.read_text(encoding="utf-8").replace(
            "tiers:", "eligibility:\n  - {column: level, not_equals: high, reason: test}\ntiers:"
        ),
        encoding="utf-8",
    )
    return path


def test_compare_with_a_constant_ranking_prints_no_python_warning(small, tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    # On the countries both profiles rank, the second ties them all: tau and rho are undefined,
    # and scipy's ConstantInputWarning (with a source path) reached the terminal.
    sheet, crit = small
    other = _no_high_profile(crit, tmp_path)
    res = runner.invoke(main, ["compare", str(crit), str(other), "-s", str(sheet), "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "Warning" not in res.stderr
    pair = json.loads(res.stdout)["pairs"][0]
    assert (pair["kendall_tau"], pair["spearman_rho"]) == (None, None)


def test_compare_only_in_lists_countries_the_other_profile_excludes(small, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # AAA is first under the base profile and excluded by the other: "only in a" must name it
    # (each profile's own top K), not compare the top K of the common countries only.
    from scorer import load_criteria, read_countries, score_countries
    from scorer.analyses.comparison import compare_results

    sheet, crit = small
    df = read_countries(sheet)
    base = score_countries(df, load_criteria(crit))
    other = score_countries(df, load_criteria(_no_high_profile(crit, tmp_path)))
    assert base.table.index[0] == "AAA" and "AAA" not in other.table.index
    pair = compare_results({"base": base, "other": other}, top_k=2).pairs.iloc[0]
    assert (pair["top_k_overlap"], pair["only_in_a"], pair["only_in_b"]) == (1, "AAA", "BBB")
    changes = compare_results({"base": base, "other": other}, top_k=2).tier_changes.set_index("id")
    assert (changes.at["AAA", "from_tier"], changes.at["AAA", "to_tier"]) == ("join", "(not ranked)")


def test_report_refuses_existing_charts_before_writing_the_report(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    # The charts were checked only after report.html was written: exit 1, yet a new file left behind.
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "contributions.png").write_bytes(b"mine")
    page = tmp_path / "report.html"
    res = runner.invoke(main, ["report", "-o", str(page), "--plots", str(charts)])
    assert (res.exit_code, res.stderr.splitlines()[-1]) == (
        1,
        f"Error: {charts / 'contributions.png'}: already exists; use --force to replace it",
    )
    assert not page.exists()
    assert (charts / "contributions.png").read_bytes() == b"mine"


def test_sensitivity_with_pinned_weights_has_no_dangling_list(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    # Every range pinned: nobody is in the top K under some weightings only, and the line
    # announcing that list ended in a colon with nothing after it.
    from scorer.resources import default_criteria_path

    text = default_criteria_path().read_text(encoding="utf-8")
    for old, new in (("[0.25, 0.55]", "[0.4, 0.4]"), ("[0.1, 0.4]", "[0.25, 0.25]"), ("[0.2, 0.5]", "[0.35, 0.35]")):
        assert old in text
        text = text.replace(old, new)
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(text, encoding="utf-8")
    res = runner.invoke(main, ["sensitivity", "-c", str(pinned), "--draws", "200"])
    assert res.exit_code == 0, res.output
    assert "In the top 15 under some weightings only (0): none." in res.stdout.splitlines()
