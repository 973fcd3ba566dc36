"""``unct-scorer explain``: one country's score, indicator by indicator."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from scorer.cli.common import echo_frame, load_inputs, parse_weights, render_table
from scorer.cli.options import example, format_option, input_options, weights_option
from scorer.pipeline import score_countries


@click.command("explain")
@click.argument("country")
@input_options
@weights_option
@format_option
@example(
    """
unct-scorer explain DZA
unct-scorer explain "Viet Nam" my.xlsx -c criteria/cost_aware.yaml
"""
)
def command(
    country: str,
    spreadsheet: Path | None,
    criteria_path: Path | None,
    sheet: str | None,
    weights: tuple[str, ...],
    fmt: str,
) -> None:
    """Explain COUNTRY's score (ISO3 code or name): value, source, normalised
    value, weight and contribution of every indicator.

    Values read as the column means them: yes/no, level names with their
    number, "missing (filled with ...)" with how it was filled, and a
    territory's value taken from its state (the criteria's territory_rule)."""
    df, criteria, _data_path, _crit_path = load_inputs(spreadsheet, criteria_path, sheet)
    result = score_countries(df, criteria, weights=parse_weights(weights))
    e = result.explain(country)
    if fmt == "json":
        click.echo(json.dumps(e.to_dict(), ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        echo_frame(e.indicators, "csv")
        return
    for text in e.notes:
        click.echo(f"Note: {text}", err=True)
    click.echo(f"{e.name} ({e.id}): rank {e.rank} of {e.n_ranked}, tier {e.tier}, score {e.score:.4f}")
    click.echo("")
    if len(e.tree) and e.tree["depth"].max() > 1:
        tree = e.tree.assign(id=["  " * d + i for d, i in zip(e.tree["depth"], e.tree["id"], strict=True)])
        tree["contribution"] = _shares(tree["contribution"])
        echo_frame(
            tree[["id", "aggregation", "weight_in_parent", "weight", "score", "contribution"]], "table", digits=4
        )
    else:
        crit = e.criteria[["criterion", "cites", "weight", "criterion_score", "contribution"]]
        echo_frame(crit.assign(contribution=_shares(crit["contribution"])), "table", digits=4)
    click.echo("")
    ind = e.indicators.copy()
    ind["contribution"] = _shares(ind["contribution"])
    ind = ind[["criterion", "indicator", "value", "normalised", "weight", "contribution"]]
    click.echo(render_table(ind, digits=4, max_width=40))
    click.echo("")
    click.echo("Where each value comes from:")
    for line in source_lines(e.indicators):
        click.echo(f"  {line}")
    click.echo("")
    if e.additive:
        click.echo(f"Score = sum of contributions = {e.indicators['contribution'].sum():.4f}")
    else:
        reasons: dict[str, list[str]] = {}
        for node, why in e.no_contributions.items():
            reasons.setdefault(why, []).append("the score" if node == "score" else node)
        for why, nodes in reasons.items():
            click.echo(f"No contributions (n/a) where {', '.join(nodes)} combine: {why}.")
        for node, values in e.details.items():
            shown = ", ".join(f"{k.replace('_', ' ')} {v:.4f}" for k, v in values.items())
            click.echo(f"  {node}: {shown}")
    if "members" in e.indicators.columns:
        click.echo("")
        click.echo("Members' raw values, combined into the office's raw value:")
        for iid, members in zip(e.indicators["indicator"], e.indicators["members"], strict=True):
            click.echo(f"  {iid}: {members}")


def _shares(values: pd.Series) -> list[str]:
    """Contributions as text; 'n/a' where the aggregation has none (never shown as 0)."""
    return [f"{v:.4f}" if v is not None and v == v else "n/a" for v in values]


def source_lines(indicators: pd.DataFrame) -> list[str]:
    """Each indicator's column, how a missing or inherited value was filled, and its source (one line each).

    >>> source_lines(pd.DataFrame({"indicator": ["a"], "column": ["c"], "imputed": ["set to 0"],
    ...     "inherited": [""], "source": [""]}))
    ['a: column c; missing, set to 0; source not given in the criteria file']
    """
    out = []
    for r in indicators.to_dict("records"):
        said = [f"column {r['column']}"]
        if r["imputed"]:
            said.append(f"missing, {r['imputed']}")
        if r["inherited"]:
            said.append(str(r["inherited"]))
        said.append(f"source: {r['source']}" if r["source"] else "source not given in the criteria file")
        out.append(f"{r['indicator']}: " + "; ".join(said))
    return out
