"""The decision at a glance (issue 13, item 1): each sentence states what the analyses' result objects hold.

Expectations are computed from the same inputs (the Sensitivity, Stability and
RecommendedSet objects), never pinned to demo figures, so the tests hold when
the demo data changes.
"""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from scorer import demo_result, load_criteria, read_countries, score_countries
from scorer.core.result import ScoreResult
from scorer.model.criteria import Selection
from scorer.render.formatting import format_score, score_decimals
from scorer.report import build_report
from scorer.report.analyses import recommend, run_sensitivity, run_stability
from scorer.report.glance import Claim, Glance, build_glance, chance
from scorer.report.wording import interval_cells, plain
from scorer.resources import default_criteria_path, demo_spreadsheet_path

K = 15


@pytest.fixture(scope="module")
def result() -> ScoreResult:
    return demo_result()


@pytest.fixture(scope="module")
def with_sensitivity(result: ScoreResult) -> tuple[Glance, object]:
    sens = run_sensitivity(result, draws=400, seed=7, top_k=K)
    return build_glance(result, top_k=K, stability=run_stability(result, top_k=K), sensitivity=sens), sens


def names(claim: Claim | None) -> list[str]:
    assert claim is not None
    return [p.text for p in claim.parts if p.kind == "name"]


def test_every_top_k_country_is_sure_or_depends_with_its_chance(result: ScoreResult, with_sensitivity) -> None:  # type: ignore[no-untyped-def]
    glance, sens = with_sensitivity
    t = result.table
    p = sens.p_top_k
    inside = [i for i in range(len(t)) if t["rank"].iloc[i] <= K]
    sure = [str(t["name"].iloc[i]) for i in inside if p[i] >= 1.0]
    shaky = sorted((i for i in inside if p[i] < 1.0), key=lambda i: (p[i], i))
    assert names(glance.claim("sure")) == sure
    depends = glance.claim("depends")
    assert names(depends) == [str(t["name"].iloc[i]) for i in shaky]
    text = depends.plain()  # type: ignore[union-attr]
    for i in shaky:
        assert f"{t['name'].iloc[i]} ({chance(p[i])})" in text
    assert len(sure) + len(shaky) == len(inside)
    decision = glance.claim("decision").plain()  # type: ignore[union-attr]
    assert f"{len(sure)} of them are in it under every plausible weighting, {len(shaky)} only under some" in decision
    assert glance.sensitivity_run and all(c.href.startswith("#") for c in glance.claims)


def test_close_outside_lists_the_likeliest_outsiders_first(result: ScoreResult, with_sensitivity) -> None:  # type: ignore[no-untyped-def]
    glance, sens = with_sensitivity
    t = result.table
    p = sens.p_top_k
    outside = sorted((i for i in range(len(t)) if t["rank"].iloc[i] > K and p[i] >= 0.05), key=lambda i: (-p[i], i))
    listed = names(glance.claim("close"))
    assert listed == [str(t["name"].iloc[i]) for i in outside[:8]]
    mind = glance.claim("outranks")
    shaky = [i for i in range(len(t)) if t["rank"].iloc[i] <= K and p[i] < 1.0]
    if outside and shaky and p[outside[0]] > min(p[i] for i in shaky):
        assert mind is not None and names(mind)[0] == listed[0]
    else:
        assert mind is None


def test_without_sensitivity_it_says_so_and_uses_the_exact_single_weight_limits(result: ScoreResult) -> None:
    st = run_stability(result, top_k=K)
    glance = build_glance(result, top_k=K, stability=st)
    assert not glance.sensitivity_run
    sure = glance.claim("sure")
    assert sure is not None and sure.plain().startswith("How sure: sensitivity was not run")
    c = st.countries
    assert c is not None
    moved = c[c["weight_in_range"]]
    stays = [str(n) for n in c.loc[c["in_top_k"] & ~c.index.isin(moved.index), "name"]]
    assert names(sure) == stays
    in_out = names(glance.claim("in-out"))
    leaving = [str(n) for n in moved.loc[moved["in_top_k"], "name"]]
    assert [n for n in in_out if n in leaving] == leaving[:8]


def test_the_weight_limits_are_the_stability_intervals(result: ScoreResult, with_sensitivity) -> None:  # type: ignore[no-untyped-def]
    glance, _ = with_sensitivity
    st = run_stability(result, top_k=K)
    assert st.weights is not None
    text = glance.claim("limits").plain()  # type: ignore[union-attr]
    for cid, row in st.weights.iterrows():
        now, lo, hi = interval_cells(float(row["weight"]), float(row["low"]), float(row["high"]))
        assert f"{plain(str(cid))} {lo} to {hi} (now {now})" in text


def test_the_scores_at_the_cut_are_told_apart(result: ScoreResult, with_sensitivity) -> None:  # type: ignore[no-untyped-def]
    glance, _ = with_sensitivity
    scores = result.table["score"].tolist()
    d = score_decimals(scores, cut=K)
    text = glance.claim("cut").plain()  # type: ignore[union-attr]
    a, b = format_score(scores[K - 1], d), format_score(scores[K], d)
    assert a != b and f" {a} (15th, " in text and f" {b} (16th, " in text


def test_a_chosen_set_says_how_robust_it_is(result: ScoreResult) -> None:
    rec = recommend(result, read_countries(demo_spreadsheet_path()), Selection(capacity=10), robust_draws=40, seed=3)
    glance = build_glance(result, top_k=K, stability=run_stability(result, top_k=K), recommended=rec)
    decision = glance.claim("decision")
    assert decision is not None and decision.href == "#selection"
    assert names(decision) == [str(result.table.at[i, "name"]) for i in rec.ids]
    assert rec.robust is not None
    share = dict(zip(rec.robust["id"], rec.robust["share_selected"], strict=True))
    always = sum(1 for i in rec.ids if share.get(i, 0.0) >= 1.0)
    claim = glance.claim("set")
    assert claim is not None
    assert claim.plain().startswith(f"The chosen set: {always} of the 10 are chosen again under all 40 plausible")
    without = recommend(result, read_countries(demo_spreadsheet_path()), Selection(capacity=10))
    plain_set = build_glance(result, top_k=K, stability=run_stability(result, top_k=K), recommended=without)
    assert "--sensitivity" in plain_set.claim("set").plain()  # type: ignore[union-attr]


def test_the_basis_names_the_weights_files_and_made_up_columns(result: ScoreResult) -> None:
    glance = build_glance(
        result, top_k=K, stability=run_stability(result, top_k=K), data_name="demo.csv", criteria_file="d.yaml"
    )
    basis = glance.claim("basis")
    assert basis is not None and not basis.file_weights
    shares = ", ".join(f"{plain(c)} {float(result.weights[c]) * 100:.0f}%" for c in result.criteria.criteria)
    assert f"criteria weighted {shares} (criteria profile" in basis.plain()
    codes = [p.text for p in basis.parts if p.kind == "code"]
    assert codes[:2] == ["d.yaml", "demo.csv"] and set(result.illustrative.values()) <= set(codes)
    slots = [(p.kind, p.slot) for p in basis.parts if p.slot]
    assert slots == [("open", "weights"), ("close", "weights")]


def glance_html(page: str) -> str:
    start = page.index('<section id="glance"')
    return page[start : page.index("</section>", start)]


def test_every_name_in_the_block_is_isolated_and_escaped(tmp_path: Path) -> None:
    """A U+202E or markup in a name stays inside its bdi element; no name is written outside one."""
    text = demo_spreadsheet_path().read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    criteria = load_criteria(default_criteria_path())
    table = score_countries(read_countries(demo_spreadsheet_path()), criteria).table
    renamed = {str(table.index[i]): f"<b>N{i}\u202e</b>" for i in range(K + 1)}
    for row in rows[1:]:
        row[1] = renamed.get(row[0], row[1])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    sheet = tmp_path / "names.csv"
    sheet.write_text(out.getvalue(), encoding="utf-8")
    result = score_countries(read_countries(sheet), criteria)
    html = glance_html(build_report(result, sensitivity=run_sensitivity(result, draws=100, seed=1, top_k=K)))
    for name in renamed.values():
        escaped = name.replace("<", "&lt;").replace(">", "&gt;")
        assert name not in html
        outside = re.sub(r"<bdi>.*?</bdi>", "", html)
        assert escaped not in outside
    assert html.count("<bdi>&lt;b&gt;N15\u202e&lt;/b&gt;</bdi>") >= 1  # 16th: at the cut


def test_every_chart_isolates_the_names_it_draws(tmp_path: Path) -> None:
    """Issue 13, item 2: an Arabic name or a U+202E in an SVG's text or tooltip cannot reorder what follows it.

    Markup cannot go there, so each name sits between U+2068 and U+2069 (:func:`isolate_text`); checked in
    all three charts: contributions, rank acceptability (--sensitivity) and rank intervals (--uncertainty).
    """
    from click.testing import CliRunner

    from scorer.cli import main

    rows = list(csv.reader(io.StringIO(demo_spreadsheet_path().read_text(encoding="utf-8"))))
    table = score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())).table
    names = {str(table.index[0]): "المغرب", str(table.index[1]): "Evil\u202eland"}
    for row in rows[1:]:
        row[1] = names.get(row[0], row[1])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    sheet = tmp_path / "bidi.csv"
    sheet.write_text(out.getvalue(), encoding="utf-8")
    example = Path(__file__).resolve().parent.parent / "criteria" / "uncertainty_example.yaml"
    target = tmp_path / "report.html"
    args = ["-q", "report", str(sheet), "-c", str(example), "--sensitivity", "--draws", "100", "--uncertainty"]
    res = CliRunner().invoke(main, [*args, "--samples", "16", "--bootstrap", "2", "-o", str(target)])
    assert res.exit_code == 0, res.output
    page = target.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert len(svgs) == 3
    for svg in svgs:
        texts = re.findall(r"<(?:text|title)[^>]*>([^<]*)", svg)
        for name in names.values():
            mentions = [t for t in texts if name in t]
            assert mentions and [t for t in mentions if f"\u2068{name}\u2069" not in t] == [], svg[:80]


def test_the_summary_adds_what_it_alone_says_and_repeats_no_glance_sentence(result: ScoreResult) -> None:
    """Issue 13 (review item 4): the decision, weights and inputs are said once, at a glance."""
    sens = run_sensitivity(result, draws=200, seed=5, top_k=K)
    page = build_report(result, sensitivity=sens, provenance={"spreadsheet_file": "demo.csv"})
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())
    stability = run_stability(result, top_k=K)
    glance = build_glance(result, top_k=K, stability=stability, sensitivity=sens, data_name="demo.csv")
    for claim in glance.claims:
        said = " ".join("".join(p.text for p in claim.parts).split())
        assert text.count(said) == 1, claim.key
    start = page.index('<section id="summary"')
    summary = page[start : page.index("</section>", start)]
    assert 'id="top-list"' in summary and 'id="tier-count-0"' in summary
    for repeated in ("First tier", "Recommended", "Weights of this report", "demo.csv", "%"):
        assert repeated not in summary, repeated
