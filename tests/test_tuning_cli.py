"""The weight-tuning commands: sensitivity, stability, sweep, fit (exit codes, Error lines, parity with the library)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result

from scorer import load_criteria, read_countries, score_countries
from scorer.cli import main
from scorer.io.outputs import to_json
from scorer.resources import default_criteria_path, demo_spreadsheet_path
from scorer.solvers.intervals import top_k_interval
from scorer.tuning import frame_records, sensitivity, stability, sweep
from tests.conftest import write

TRUE_WEIGHTS = {"engagement": 0.5, "representation": 0.15, "government_interest": 0.35}


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo():  # type: ignore[no-untyped-def]
    return score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()))


def test_sensitivity_leads_with_the_answer() -> None:
    res = run("sensitivity", "--draws", "2000")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == (
        "Top 15 (tier 'join') under 2,000 weightings drawn uniformly from the allowed weights "
        "(seed 20210816, polygon sampling)."
    )
    assert lines[1].startswith("Allowed weights: engagement between 0.25 and 0.55; representation between 0.1 and 0.4")
    assert any(line.startswith("In the top 15 under every sampled weighting (") for line in lines)
    assert any(line.startswith("In the top 15 under some weightings only (") for line in lines)
    assert any(line.startswith("Never in the top 15: ") for line in lines)
    assert "What single change of a weight or of the data would move a country: unct-scorer stability" in lines
    assert "id   rank  name" in res.stdout and "countries never in the top 15 not shown" in res.stdout
    assert "Note: ILLUSTRATIVE DATA" in res.stderr


def test_sensitivity_json_equals_the_library(demo) -> None:  # type: ignore[no-untyped-def]
    res = run("sensitivity", "--draws", "3000", "--seed", "4", "--top", "20", "--format", "json")
    assert res.exit_code == 0, res.stderr
    lib = sensitivity(demo, draws=3000, seed=4, top_k=20)
    assert json.loads(res.stdout) == json.loads(to_json(lib.to_dict()))
    data = json.loads(res.stdout)
    assert data["top_k"] == 20 and data["draws"] == 3000 and data["seed"] == 4
    assert [c["id"] for c in data["countries"]] == demo.table.index.tolist()


def test_sensitivity_same_seed_same_bytes(tmp_path: Path) -> None:
    for suffix in (".json", ".csv", ".xlsx"):
        # the same command (the output's name is part of it, as it is recorded in the output) twice
        out = tmp_path / f"a{suffix}"
        res = run("-q", "sensitivity", "--draws", "5000", "--seed", "99", "-o", str(out))
        assert res.exit_code == 0, res.stderr
        first = out.read_bytes()
        res = run("-q", "sensitivity", "--draws", "5000", "--seed", "99", "-o", str(out), "--force")
        assert res.exit_code == 0, res.stderr
        assert out.read_bytes() == first, suffix
    printed = [run("sensitivity", "--draws", "5000", "--format", "csv").stdout for _ in range(2)]
    assert printed[0] == printed[1]
    other = run("sensitivity", "--draws", "5000", "--seed", "100", "--format", "csv").stdout
    assert other != printed[0]
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert data["provenance"]["seed"] == "99" and data["provenance"]["draws"] == "5000"


def test_sensitivity_bad_input_lines(tmp_path: Path) -> None:
    res = run("sensitivity", "--top", "500")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == (
        "Error: --top: should be an integer from 1 to 162 (the number of ranked countries), but it is 500"
    )
    res = run("sensitivity", "--top", "0")
    assert res.exit_code == 2 and "Invalid value for '--top'" in res.stderr
    res = run("sensitivity", "-o", str(tmp_path / "s.txt"))
    assert res.exit_code == 1
    assert (
        res.stderr
        == f"Error: {tmp_path / 's.txt'}: should end in one of .csv, .json, .xlsx, .md, but it ends in '.txt'\n"
    )
    out = tmp_path / "s.csv"
    out.write_text("keep", encoding="utf-8")
    res = run("sensitivity", "-o", str(out))
    assert res.exit_code == 1 and res.stderr == f"Error: {out}: already exists; use --force to replace it\n"
    assert out.read_text(encoding="utf-8") == "keep"


GOV_MISSING = "        # on an interest nobody has recorded.\n        missing: worst\n"  # gov_ip_interest's policy


def test_sensitivity_with_data_uncertainty(tmp_path: Path) -> None:
    text = default_criteria_path().read_text(encoding="utf-8")
    crit = write(
        tmp_path / "u.yaml",
        text.replace(GOV_MISSING, GOV_MISSING + "        uncertainty: 0.1\n"),
    )
    res = run("sensitivity", "-c", str(crit), "--draws", "2000")
    assert res.exit_code == 0, res.stderr
    assert "Data uncertainty (relative error of the normalised value): gov_ip_interest ±10%." in res.stdout
    assert "confidence_factor" in res.stdout
    res = run("sensitivity", "-c", str(crit), "--draws", "2000", "--no-data-uncertainty")
    assert "Data uncertainty" not in res.stdout


def test_stability_json_agrees_with_the_library(demo) -> None:  # type: ignore[no-untyped-def]
    res = run("stability", "--format", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data == json.loads(to_json(stability(demo).to_dict()))
    ids = list(demo.criteria.criteria)
    values = demo.criterion_scores.loc[demo.table.index, ids].to_numpy()
    weights = demo.weights[ids].to_numpy()
    for j, row in enumerate(data["weights"]):
        assert row["criterion"] == ids[j]
        assert (row["low"], row["high"]) == top_k_interval(values, weights, j, top_k=15)
    assert len(data["countries"]) == 162


def test_stability_table_and_weights(demo) -> None:  # type: ignore[no-untyped-def]
    res = run("stability", "--top", "10")
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    assert lines[0] == "Each weight moved alone (the others keep their proportions), for the top 10:"
    assert lines[1].startswith("  Engagement's weight can move from ") and lines[1].endswith(" the top 10.")
    assert any(line.startswith("      weight: ") for line in lines)
    assert any(line.startswith("      data:   ") for line in lines)
    res = run("stability", "-w", "engagement=0.5", "--format", "csv")
    frame = pd.read_csv(io.StringIO(res.stdout))
    assert frame.columns[:5].tolist() == ["id", "name", "rank", "tier", "in_top_k"]
    assert frame["weight_from"].dropna().round(6).isin([round(w / 1.1, 6) for w in (0.5, 0.25, 0.35)]).all()
    res = run("stability", "--top", "163")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == (
        "Error: --top: should be an integer from 1 to 162 (the number of ranked countries), but it is 163"
    )


def test_stability_writes_a_workbook(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "s.xlsx"
    assert run("-q", "stability", "-o", str(out)).exit_code == 0
    assert load_workbook(out).sheetnames == ["Countries", "Weights", "Options", "Data dictionary", "Provenance"]


def test_sweep_table_json_and_errors(demo) -> None:  # type: ignore[no-untyped-def]
    res = run("sweep", "engagement", "--steps", "11", "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout) == json.loads(to_json(frame_records(sweep(demo, "engagement", steps=11))))
    res = run("sweep", "engagement", "--steps", "5", "--top", "5")
    lines = res.stdout.splitlines()
    assert lines[0].startswith("Rank of each country as engagement's share of the weight goes from 0 to 1 (now 0.40)")
    assert lines[1].split() == ["id", "name", "rank", "0", "0.25", "0.5", "0.75", "1"]
    res = run("sweep", "engagment")
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == (
        "Error: CRITERION: should be a criterion id (engagement, representation, government_interest), "
        "but it is 'engagment'; did you mean 'engagement'?"
    )
    res = run("sweep")
    assert res.exit_code == 2 and "Missing argument 'CRITERION'" in res.stderr


def test_sweep_plot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / "sweep.svg"
    res = run("-q", "sweep", "representation", "--plot", str(out))
    assert res.exit_code == 0, res.stderr
    first = out.read_bytes()
    assert b"<svg" in first and b"Rank (1 = best)" in first
    assert run("-q", "sweep", "representation", "--plot", str(out), "--force").exit_code == 0
    assert out.read_bytes() == first
    res = run("sweep", "representation", "--plot", str(out))
    assert res.exit_code == 1 and res.stderr == f"Error: {out}: already exists; use --force to replace it\n"
    res = run("sweep", "representation", "--plot", str(tmp_path / "s.pdf"))
    assert res.exit_code == 1
    assert res.stderr == f"Error: {tmp_path / 's.pdf'}: --plot: should end in .png or .svg, but it ends in '.pdf'\n"
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    res = run("sweep", "representation", "--plot", str(tmp_path / "s.png"))
    assert res.exit_code == 1
    assert res.stderr.splitlines()[-1] == (
        "Error: charts need matplotlib, but it is not installed (pip install 'unct-scorer[plots]')"
    )


def demo_names() -> pd.Series:
    """Country name by id on the demo sheet."""
    return score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())).table[
        "name"
    ]


def decisions_file(folder: Path) -> Path:
    truth = score_countries(
        read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()), weights=TRUE_WEIGHTS
    )
    names = truth.table["name"].tolist()[:40]
    rows = ["country,decision", *(f'"{n}",{"join" if i < 15 else "not join"}' for i, n in enumerate(names))]
    return write(folder / "decisions.csv", "\n".join(rows) + "\n")


def test_fit_writes_a_criteria_file_that_reproduces_the_decisions(tmp_path: Path) -> None:
    decisions = decisions_file(tmp_path)
    out = tmp_path / "fitted.yaml"
    original = default_criteria_path().read_bytes()
    res = run("fit", "--decisions", str(decisions), "-o", str(out))
    assert res.exit_code == 0, res.stderr
    assert "Reproduced 375 of 375 pairwise decisions (100.0%); the file's weights reproduced 363." in res.stdout
    assert default_criteria_path().read_bytes() == original
    text = out.read_text(encoding="utf-8")
    digest = hashlib.sha256(decisions.read_bytes()).hexdigest()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=./schema.json"
    assert text.splitlines()[1:3] == [
        "# Weights fitted by `unct-scorer fit` to the decisions in",
        f"#   decisions.csv (SHA-256 {digest})",
    ]
    fitted = load_criteria(out)
    base = load_criteria(default_criteria_path())
    assert fitted.model_dump(exclude={"criteria"}) == base.model_dump(exclude={"criteria"})
    for cid in base.criteria:
        assert fitted.criteria[cid].model_dump(exclude={"weight"}) == base.criteria[cid].model_dump(exclude={"weight"})
    # rank accepts it, and under it every joined country is ranked above every country not joined
    res = run("rank", "-c", str(out), "--format", "json")
    assert res.exit_code == 0, res.stderr
    rank = {r["id"]: r["rank"] for r in json.loads(res.stdout)}
    names = dict(zip(demo_names(), demo_names().index, strict=True))
    table = pd.read_csv(decisions)
    joined = [rank[names[n]] for n, d in zip(table["country"], table["decision"], strict=True) if d == "join"]
    others = [rank[names[n]] for n, d in zip(table["country"], table["decision"], strict=True) if d != "join"]
    assert max(joined) < min(others)
    # same inputs, same bytes (no date in the header)
    first = out.read_bytes()
    assert run("-q", "fit", "--decisions", str(decisions), "-o", str(out), "--force").exit_code == 0
    assert out.read_bytes() == first
    res = run("fit", "--decisions", str(decisions), "-o", str(out))
    assert res.exit_code == 1 and res.stderr == f"Error: {out}: already exists; use --force to replace it\n"


def test_fit_json_and_pairs(tmp_path: Path, demo) -> None:  # type: ignore[no-untyped-def]
    top = demo.table.index
    pairs = write(tmp_path / "pairs.csv", f"before,after\n{top[0]},{top[5]}\n{top[5]},{top[0]}\n{top[9]},{top[20]}\n")
    res = run("fit", "--decisions", str(pairs), "--format", "json")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["mode"] == "pairs" and data["decisions_total"] == 3 and data["decisions_reproduced"] == 2
    assert sum(data["weights"].values()) == pytest.approx(1)


def test_fit_bad_decisions_file_names_row_and_column(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.csv", "country,decision\nAlgeria,join\nAtlantis,no\nPeru,maybe\nChad,\n")
    res = run("fit", "--decisions", str(bad))
    assert res.exit_code == 1
    lines = res.stderr.splitlines()
    assert lines[0] == "Error: 3 problems:"
    assert lines[1] == (
        f"Error: {bad}: row 3: column 'country': 'Atlantis' should be a country id or name in "
        "the bundled demo (seeds/countries.csv), but it is not; did you mean 'Albania'?"
    )
    assert lines[2] == (
        f"Error: {bad}: row 4: column 'decision': should be join or not join (or yes / no, 1 / 0), but it is 'maybe'"
    )
    assert lines[3] == (
        f"Error: {bad}: row 5: column 'decision': should be join or not join (or yes / no, 1 / 0), but it is blank"
    )
    res = run("fit", "--decisions", str(tmp_path / "none.csv"))
    assert res.exit_code == 1 and res.stderr.splitlines()[-1] == f"Error: {tmp_path / 'none.csv'}: file not found"
    res = run("fit", "--decisions", str(bad), "-o", str(tmp_path / "x.json"))
    assert res.exit_code == 1
    assert res.stderr == f"Error: {tmp_path / 'x.json'}: should end in .yaml or .yml, but it ends in '.json'\n"
    res = run("fit")
    assert res.exit_code == 2 and "Missing option '--decisions'" in res.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_only_on_a_terminal_for_long_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    from scorer.cli.sensitivity import BAR_DRAWS, progress_bar

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress_bar(BAR_DRAWS - 1, heavy=False) as progress:
        assert progress is None
    with progress_bar(BAR_DRAWS // 10, heavy=True) as progress:
        assert progress is not None
        progress(BAR_DRAWS // 20, BAR_DRAWS // 10)
        progress(BAR_DRAWS // 10, BAR_DRAWS // 10)
    assert "Weight draws" in terminal.getvalue()
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar(10 * BAR_DRAWS, heavy=True) as progress:
        assert progress is None
