"""The scoring pipeline: a country table and criteria in, one ScoreResult out.

Steps, each a plain function: resolve the columns the criteria need; check
country ids; apply eligibility gates; read every indicator cell (collecting
every bad cell); impute missing cells by each indicator's policy; normalise;
aggregate indicators into criteria and criteria into the score; rank; tier.
No file access and no printing: the CLI and the report read the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.aggregation import effective_weights, weighted_arithmetic, weighted_geometric
from scorer.cells import Cell, clean_text, is_missing, parse_boolean, parse_level, parse_number
from scorer.countries import default_resolver
from scorer.criteria import (
    GEOMETRIC_ZSCORE,
    Aggregation,
    Criteria,
    EligibilityRule,
    Indicator,
    MissingPolicy,
    Normalisation,
    did_you_mean,
)
from scorer.errors import ConfigError, DataError, Problem, ProblemCollector, ScoringError
from scorer.grouping import GroupCells, Offices, combine_offices, read_groups
from scorer.imputation import impute
from scorer.normalisation import normalise
from scorer.panel import select_panel
from scorer.ranking import assign_tiers, rank_scores, ranking_order
from scorer.result import ScoreResult

ILLUSTRATIVE_PREFIX = "illustrative_"


@dataclass(frozen=True)
class ColumnPlan:
    """Which spreadsheet column feeds each indicator, and which are stand-ins."""

    columns: dict[str, str]
    illustrative: dict[str, str]


def apply_weights(criteria: Criteria, weights: Mapping[str, float]) -> Criteria:
    """Replace criterion weights (relative values), checking names and values.

    >>> from scorer.io.criteria_file import parse_criteria_text
    >>> c = parse_criteria_text(
    ...     "name: x\\ncriteria:\\n"
    ...     "  a: {label: A, cites: p, weight: 1, indicators: {i: {column: c}}}\\n"
    ...     "  b: {label: B, cites: p, weight: 1, indicators: {j: {column: d}}}"
    ... )
    >>> apply_weights(c, {"a": 3}).criterion_weights()
    {'a': 0.75, 'b': 0.25}
    """
    problems: list[Problem] = []
    known = list(criteria.criteria)
    for name, value in weights.items():
        if name not in criteria.criteria:
            problems.append(
                Problem(
                    "config.weight",
                    f"should be a criterion id ({', '.join(known)}), but it is {name!r}" + did_you_mean(name, known),
                    key=f"weights.{name}",
                )
            )
        elif not (isinstance(value, (int, float)) and np.isfinite(value) and value >= 0):
            problems.append(Problem("config.weight", f"should be >= 0, but it is {value!r}", key=f"weights.{name}"))
    if problems:
        raise ConfigError(problems)
    updated = criteria.with_weights({k: float(v) for k, v in weights.items()})
    if all(c.weight == 0 for c in updated.criteria.values()):
        raise ConfigError(
            Problem("config.weight", "criterion weights should not all be 0, but they are", key="weights")
        )
    return updated


def plan_columns(columns: list[str], criteria: Criteria, *, source: str, id_column: str | None = None) -> ColumnPlan:
    """Map indicators to columns; a missing ``x`` may be stood in for by ``illustrative_x``."""
    present = set(columns)
    id_column = id_column or criteria.id_column
    problems: list[Problem] = []
    plan: dict[str, str] = {}
    illustrative: dict[str, str] = {}

    def missing(column: str, needed_by: str) -> Problem:
        return Problem(
            "data.missing_column",
            f"should have a column {column!r} ({needed_by}), but it does not" + did_you_mean(column, columns),
            file=source,
            column=column,
        )

    if id_column not in present:
        problems.append(missing(id_column, "id_column"))
    for cid, iid, ind in criteria.indicator_items():
        if ind.column in present:
            plan[iid] = ind.column
        elif ILLUSTRATIVE_PREFIX + ind.column in present:
            plan[iid] = illustrative[iid] = ILLUSTRATIVE_PREFIX + ind.column
        else:
            problems.append(missing(ind.column, f"criteria.{cid}.indicators.{iid}.column"))
        if ind.missing_group and ind.missing_group not in present:
            problems.append(missing(ind.missing_group, f"criteria.{cid}.indicators.{iid}.missing_group"))
    for i, rule in enumerate(criteria.eligibility):
        if rule.column not in present:
            problems.append(missing(rule.column, f"eligibility.{i}.column"))
    if problems:
        raise DataError(_unique(problems))
    return ColumnPlan(plan, illustrative)


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if p.format() not in seen:
            seen.add(p.format())
            out.append(p)
    return out


@dataclass(frozen=True)
class Identity:
    """Each row's country: its id (ISO3 when the column holds countries), name and spelling."""

    ids: list[str]
    names: list[str]
    spellings: list[str]
    countries: bool
    problems: list[Problem]
    conversions: list[dict[str, object]]
    notes: list[str]


def choose_id_column(df: pd.DataFrame, criteria: Criteria, *, id_column: str | None = None) -> str:
    """The id column: ``id_column`` if given, the criteria's if present, else the column that reads as countries.

    >>> from scorer import load_criteria
    >>> from scorer.resources import default_criteria_path
    >>> c = load_criteria(default_criteria_path())
    >>> choose_id_column(pd.DataFrame({"Pays": ["Algérie", "Pérou"], "s": [1, 2]}), c)
    'Pays'
    """
    if id_column:
        return id_column
    columns = [str(c) for c in df.columns]
    if criteria.id_column in columns:
        return criteria.id_column
    folded = {c.strip().casefold(): c for c in columns}
    if criteria.id_column.strip().casefold() in folded:
        return folded[criteria.id_column.strip().casefold()]
    return default_resolver().detect_id_column(df) or criteria.id_column


def _row_numbers(df: pd.DataFrame, first_row: int | None) -> np.ndarray:
    """Spreadsheet row number of each line of ``df`` (blank and title rows skipped by the reader)."""
    numbers = df.attrs.get("row_numbers")
    if first_row is None and numbers is not None and len(numbers) == len(df):
        return np.asarray(numbers, dtype=int)
    start = int(first_row if first_row is not None else df.attrs.get("first_row", 2))
    return np.arange(len(df)) + start


def _id_text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(value)


def identify_rows(values: pd.Series, rows: np.ndarray, *, column: str, source: str) -> Identity:
    """Resolve each id cell to ISO3, collecting every blank, unknown, ambiguous and duplicate id.

    When at least half of the distinct ids read as countries (codes or names in
    any UN language), every id must; otherwise the ids are labels used as
    written (units that are not countries, or made-up test data).

    >>> i = identify_rows(pd.Series(["Algérie", "Côte d'Ivoire"]), np.array([2, 3]), column="pays", source="s.csv")
    >>> i.ids, i.spellings, i.countries
    (['DZA', 'CIV'], ['Algérie', "Côte d'Ivoire"], True)
    """
    resolver = default_resolver()
    raw = list(values)
    texts = [_id_text(v) for v in raw]
    present = [(i, t) for i, t in enumerate(texts) if t]
    distinct = list(dict.fromkeys(t for _i, t in present))
    codes, _ = resolver.resolve_many([t for t in distinct])
    resolved = sum(c is not None for c in codes)
    countries = bool(distinct) and resolved * 2 >= len(distinct)
    problems: list[Problem] = []
    conversions: list[dict[str, object]] = []
    notes: list[str] = []
    ids = list(texts)
    names = list(texts)
    if countries:
        found, located = resolver.resolve_many(
            [raw[i] for i, _t in present], rows=[int(rows[i]) for i, _t in present], column=column
        )
        problems += [Problem(p.code, p.message, file=source, row=p.row, column=column, value=p.value) for p in located]
        for (i, text), code in zip(present, found, strict=True):
            if code is None:
                continue
            ids[i], names[i] = code, resolver.name_of(code)
            if text != code:
                conversions.append({"id": code, "row": int(rows[i]), "column": column, "original": text, "value": code})
    elif resolved:
        notes.append(
            f"only {resolved} of {len(distinct)} ids in column {column!r} read as countries; "
            "the ids are used as written"
        )
    seen: dict[str, tuple[int, str]] = {}
    for i, text in enumerate(texts):
        row = int(rows[i])
        if not text:
            problems.append(
                Problem(
                    "data.blank_id", "should hold a country id, but it is blank", file=source, row=row, column=column
                )
            )
            continue
        key = ids[i] if countries else text.casefold()
        if key in seen:
            first_row, first_text = seen[key]
            if first_text.casefold() == text.casefold():
                message = f"country {text!r} should appear once, but it also appears on row {first_row}"
            else:
                message = (
                    f"country {text!r} ({ids[i]}) should appear once, but row {first_row} has it too, as {first_text!r}"
                )
            problems.append(Problem("data.duplicate_id", message, file=source, row=row, column=column, value=text))
        else:
            seen[key] = (row, text)
    return Identity(ids, names, texts, countries, problems, conversions, notes)


def read_indicator(values: pd.Series, indicator: Indicator, *, decimal_comma: bool = False) -> list[Cell]:
    """Parse every cell of one indicator column by its normalisation's type.

    A text listed in ``zero_tokens`` is a true 0; one listed in
    ``not_applicable.tokens`` is missing of kind "not applicable"
    (``Cell.expected == "not_applicable"``), told apart from unknown cells.
    """
    zero = {clean_text(t).casefold() for t in indicator.zero_tokens or []}
    na = {clean_text(t).casefold() for t in (indicator.not_applicable.tokens if indicator.not_applicable else [])}
    if not zero and not na:
        return _read_typed(values, indicator, decimal_comma=decimal_comma)
    cells = _read_typed(values, indicator, decimal_comma=decimal_comma)
    out = []
    for v, cell in zip(values, cells, strict=True):
        text = clean_text(v).casefold() if v is not None and not (isinstance(v, float) and np.isnan(v)) else ""
        if text and text in zero:
            out.append(Cell("value", 0.0, converted=True))
        elif text and text in na:
            out.append(Cell("missing", expected=NOT_APPLICABLE))
        else:
            out.append(cell)
    return out


NOT_APPLICABLE = "not_applicable"


def _read_typed(values: pd.Series, indicator: Indicator, *, decimal_comma: bool) -> list[Cell]:
    if indicator.normalisation is Normalisation.boolean:
        return [parse_boolean(v) for v in values]
    if indicator.normalisation is Normalisation.ordinal:
        assert indicator.levels is not None
        levels = indicator.levels
        return [parse_level(v, levels) for v in values]
    return [parse_number(v, decimal_comma=decimal_comma) for v in values]


def _rule_fails(rule: EligibilityRule, raw: object, *, decimal_comma: bool = False) -> bool:
    if is_missing(raw):
        return True
    text = clean_text(raw)

    def same(expected: object) -> bool:
        if isinstance(expected, bool):
            cell = parse_boolean(raw)
            return cell.kind == "value" and bool(cell.value) is expected
        if isinstance(expected, (int, float)):
            cell = parse_number(raw, decimal_comma=decimal_comma)
            return cell.kind == "value" and cell.value == float(expected)
        return text.casefold() == clean_text(expected).casefold()

    if rule.equals is not None and not same(rule.equals):
        return True
    if rule.not_equals is not None and same(rule.not_equals):
        return True
    if rule.in_ is not None and not any(same(v) for v in rule.in_):
        return True
    if rule.not_in is not None and any(same(v) for v in rule.not_in):
        return True
    if rule.min is not None or rule.max is not None:
        cell = parse_number(raw, decimal_comma=decimal_comma)
        if cell.kind != "value" or cell.value is None:
            return True
        if rule.min is not None and cell.value < rule.min:
            return True
        if rule.max is not None and cell.value > rule.max:
            return True
    return False


@dataclass(frozen=True)
class Cells:
    """Every indicator cell read as a number (NaN = missing), with what reading found."""

    raw: np.ndarray
    not_applicable: np.ndarray
    conversions: list[dict[str, object]]
    problems: list[Problem]


def read_cells(
    df: pd.DataFrame,
    items: list[tuple[str, str, Indicator]],
    plan: ColumnPlan,
    *,
    rows: np.ndarray,
    ids: list[str],
    eligible: np.ndarray,
    decimal_comma: bool,
    source: str,
    cell_rows: Mapping[str, Sequence[int]] | None = None,
) -> Cells:
    """Read each indicator column by its type; collect every bad or forbidden-blank cell.

    ``cell_rows`` overrides ``rows`` for a column whose cells come from other
    rows (a panel's latest values), so each problem names the cell's own row.
    """
    raw = np.full((len(df), len(items)), np.nan)
    not_applicable = np.zeros((len(df), len(items)), dtype=bool)
    conversions: list[dict[str, object]] = []
    problems: list[Problem] = []
    for j, (_cid, iid, ind) in enumerate(items):
        column = plan.columns[iid]
        rows_of = np.asarray(cell_rows[column]) if cell_rows and column in cell_rows else rows
        originals = list(df[column])
        cells = read_indicator(df[column], ind, decimal_comma=decimal_comma)
        not_applicable[:, j] = [c.kind == "missing" and c.expected == NOT_APPLICABLE for c in cells]
        bad_rows: set[int] = set()
        for i, cell in enumerate(cells):
            if cell.kind == "invalid":
                text = clean_text(originals[i])
                bad_rows.add(i)
                problems.append(
                    Problem(
                        "data.invalid_cell",
                        f"should be {cell.expected}, but it is {text!r}",
                        file=source,
                        row=int(rows_of[i]),
                        column=column,
                        value=text,
                    )
                )
            elif cell.kind == "value":
                raw[i, j] = cell.value
                if cell.converted:
                    conversions.append(
                        {
                            "id": ids[i],
                            "row": int(rows_of[i]),
                            "column": column,
                            "original": clean_text(originals[i]),
                            "value": cell.value,
                        }
                    )
        if ind.normalisation is Normalisation.log_minmax:
            for i in map(int, np.flatnonzero(raw[:, j] < 0)):
                bad_rows.add(i)
                problems.append(
                    Problem(
                        "data.negative",
                        f"should be >= 0 for log_minmax normalisation, but it is {raw[i, j]:g}",
                        file=source,
                        row=int(rows_of[i]),
                        column=column,
                    )
                )
        na_policy = ind.not_applicable.policy if ind.not_applicable else ind.missing
        for i in map(int, np.flatnonzero(eligible & np.isnan(raw[:, j]))):
            na = bool(not_applicable[i, j])
            if (na_policy if na else ind.missing) is not MissingPolicy.error or i in bad_rows:
                continue
            said = "not_applicable.policy: error" if na else "missing: error"
            found = repr(clean_text(originals[i])) if na else "blank"
            problems.append(
                Problem(
                    "data.missing_value",
                    f"should have a value (the criteria say {said}), but it is {found}",
                    file=source,
                    row=int(rows_of[i]),
                    column=column,
                    fix="fill it in, or set a missing policy for this indicator",
                )
            )
    return Cells(raw, not_applicable, conversions, problems)


def impute_cells(
    raw: np.ndarray,
    not_applicable: np.ndarray,
    items: list[tuple[str, str, Indicator]],
    plan: ColumnPlan,
    df: pd.DataFrame,
    *,
    ids: list[str],
    names: list[str],
    rows: np.ndarray,
) -> tuple[np.ndarray, list[dict[str, object]]]:
    """Fill eligible countries' blanks by each indicator's policy; one record per filled cell.

    ``raw``, ``not_applicable`` and ``df`` hold the eligible rows only.
    """
    out = raw.copy()
    imputations: list[dict[str, object]] = []
    for j, (_cid, iid, ind) in enumerate(items):
        column = plan.columns[iid]
        group = None
        if ind.missing is MissingPolicy.group_mean:
            assert ind.missing_group is not None
            group = np.array([clean_text(v) if not is_missing(v) else "" for v in df[ind.missing_group]], dtype=object)
        column_values, how = impute(raw[:, j], ind, groups=group)
        na_cells = not_applicable[:, j]
        policies = [ind.missing.value] * len(raw)
        if ind.not_applicable is not None and na_cells.any():
            na_ind = ind.model_copy(update={"missing": ind.not_applicable.policy})
            na_values, na_how = impute(raw[:, j], na_ind, groups=group)
            column_values = np.where(na_cells, na_values, column_values)
            for i in np.flatnonzero(na_cells):
                how[i] = "not applicable: " + na_how[i]
                policies[i] = ind.not_applicable.policy.value
        originals = list(df[column])
        for i in np.flatnonzero(np.isnan(raw[:, j])):
            imputations.append(
                {
                    "id": ids[i],
                    "name": names[i],
                    "row": int(rows[i]),
                    "indicator": iid,
                    "column": column,
                    "original": clean_text(originals[i]),
                    "policy": policies[i],
                    "value": column_values[i],
                    "how": how[i],
                }
            )
        out[:, j] = column_values
    return out, imputations


@dataclass(frozen=True)
class Aggregate:
    """Criterion scores, the score and its exact decomposition."""

    criteria: list[str]
    criterion_scores: np.ndarray
    criterion_mask: np.ndarray
    scores: np.ndarray
    indicator_weights: np.ndarray
    contributions: np.ndarray
    criterion_contributions: np.ndarray


def aggregate(normalised: np.ndarray, criteria: Criteria) -> Aggregate:
    """Indicators into criteria, criteria into the score, weights renormalised over available values.

    Each indicator's overall weight is its criterion's effective weight times its
    effective weight within the criterion, so contributions sum to the score
    (arithmetic aggregation).
    """
    items = criteria.indicator_items()
    mask = ~np.isnan(normalised)
    geometric = criteria.aggregation is Aggregation.geometric
    crit_ids = list(criteria.criteria)
    crit_weights = np.array([criteria.criteria[c].weight for c in crit_ids], dtype=float)
    ind_weights = np.array([ind.weight for _c, _i, ind in items], dtype=float)
    crit_of_item = np.array([crit_ids.index(c) for c, _i, _ind in items])
    n = len(normalised)
    crit_scores = np.full((n, len(crit_ids)), np.nan)
    within = np.zeros((n, len(items)))
    for k in range(len(crit_ids)):
        cols = np.flatnonzero(crit_of_item == k)
        sub_w = ind_weights[cols]
        within[:, cols] = effective_weights(sub_w, mask[:, cols])
        if geometric:
            crit_scores[:, k] = weighted_geometric(normalised[:, cols], sub_w, mask[:, cols])
        else:
            crit_scores[:, k], _ = weighted_arithmetic(normalised[:, cols], sub_w, mask[:, cols])
    crit_mask = ~np.isnan(crit_scores)
    crit_eff = effective_weights(crit_weights, crit_mask)
    if geometric:
        scores = weighted_geometric(crit_scores, crit_weights, crit_mask)
    else:
        scores, _ = weighted_arithmetic(crit_scores, crit_weights, crit_mask)
    overall = crit_eff[:, crit_of_item] * within
    contributions = np.where(mask, overall * np.nan_to_num(normalised), 0.0)
    by_criterion = np.column_stack([contributions[:, crit_of_item == k].sum(axis=1) for k in range(len(crit_ids))])
    return Aggregate(crit_ids, crit_scores, crit_mask, scores, overall, contributions, by_criterion)


def score_countries(
    df: pd.DataFrame,
    criteria: Criteria,
    *,
    weights: Mapping[str, float] | None = None,
    source: str | None = None,
    first_row: int | None = None,
    decimal_comma: bool | None = None,
    id_column: str | None = None,
    year: int | None = None,
    year_column: str | None = None,
    group_by: str | None = None,
) -> ScoreResult:
    """Score, rank and tier every eligible country of ``df``.

    ``source`` and ``first_row`` (the spreadsheet row of ``df``'s first line)
    locate problems; they default to what :func:`scorer.read_countries` put in
    ``df.attrs``. The input frame is never modified.

    The id column is ``id_column``, else the criteria's ``id_column`` when the
    sheet has it, else the column whose values read as countries. Country
    codes and names in any UN language are resolved to ISO3 (the index of the
    result); the user's own spelling is kept in the table's ``input_id``.
    ``decimal_comma`` (default: as detected when the file was read) says how
    ``0,75`` is read. A panel (several rows per country and a year column)
    is first reduced to one row per country by :func:`scorer.panel.select_panel`:
    the rows of ``year``, or each indicator's latest non-missing value.
    ``group_by`` (default: ``df.attrs["group_by"]``, set by ``--group-by``)
    ranks shared offices instead of countries: see :mod:`scorer.grouping`.

    >>> from scorer import load_criteria, read_countries
    >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
    >>> result = score_countries(read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path()))
    >>> len(result.table)
    162
    """
    source = source or str(df.attrs.get("source", "<data>"))
    geometric_zscore = [
        Problem("config.geometric", GEOMETRIC_ZSCORE, key=f"criteria.{cid}.indicators.{iid}.normalisation")
        for cid, iid, ind in criteria.indicator_items()
        if criteria.aggregation is Aggregation.geometric and ind.normalisation is Normalisation.zscore
    ]
    if geometric_zscore:
        raise ConfigError(geometric_zscore)
    if decimal_comma is None:
        decimal_comma = bool(df.attrs.get("decimal_comma", False))
    if weights:
        criteria = apply_weights(criteria, weights)
    id_col = choose_id_column(df, criteria, id_column=id_column or df.attrs.get("id_column"))
    plan = plan_columns([str(c) for c in df.columns], criteria, source=source, id_column=id_col)
    panel = select_panel(
        df,
        id_column=id_col,
        columns=list(plan.columns.values()),
        year_column=year_column or df.attrs.get("year_column"),
        year=year if year is not None else df.attrs.get("year"),
    )
    df = panel.frame
    problems = ProblemCollector()
    rows = _row_numbers(df, first_row)

    identity = identify_rows(df[id_col], rows, column=id_col, source=source)
    problems.extend(identity.problems)
    ids = identity.ids
    conversions: list[dict[str, object]] = list(identity.conversions)
    iso_of = dict(zip(identity.spellings, ids, strict=True))
    for r in panel.years.to_dict("records"):
        conversions.append(
            {
                "id": iso_of.get(str(r["id"]), r["id"]),
                "row": r["row"],
                "column": r["column"],
                "original": f"latest value, from {r['year']}",
                "value": None,
                "year": r["year"],
            }
        )
    name_col = criteria.name_column if criteria.name_column in df.columns and criteria.name_column != id_col else None
    names = [
        clean_text(n) if name_col and not is_missing(n) else identity.names[i]
        for i, n in enumerate(df[name_col] if name_col else ids)
    ]

    reasons: list[list[str]] = [[] for _ in range(len(df))]
    for rule in criteria.eligibility:
        for i, raw in enumerate(df[rule.column]):
            if _rule_fails(rule, raw, decimal_comma=decimal_comma):
                reasons[i].append(rule.reason)
    eligible = np.array([not r for r in reasons], dtype=bool)

    items = criteria.indicator_items()
    cells = read_cells(
        df,
        items,
        plan,
        rows=rows,
        ids=ids,
        eligible=eligible,
        decimal_comma=decimal_comma,
        source=source,
        cell_rows=panel.cell_rows if first_row is None else None,
    )
    problems.extend(cells.problems)
    conversions += cells.conversions
    raw, not_applicable = cells.raw, cells.not_applicable
    group_by = group_by or df.attrs.get("group_by")
    group_cells: GroupCells | None = None
    if group_by:
        group_cells = read_groups(
            df, group_by, criteria.grouping, rows=rows, eligible=eligible, source=source, decimal_comma=decimal_comma
        )
        problems.extend(group_cells.problems)
    problems.raise_if_any(DataError)
    if not eligible.any():
        raise ScoringError(
            Problem(
                "scoring.none_eligible", f"no country passes the eligibility rules ({len(df)} excluded)", file=source
            )
        )

    idx = np.flatnonzero(eligible)
    e_ids = [ids[i] for i in idx]
    e_raw = raw[idx].copy()
    observed = ~np.isnan(e_raw)
    e_raw, imputations = impute_cells(
        e_raw, not_applicable[idx], items, plan, df.iloc[idx], ids=e_ids, names=[names[i] for i in idx], rows=rows[idx]
    )
    unit_names = [names[i] for i in idx]
    unit_rows = rows[idx]
    unit_spellings = [identity.spellings[i] for i in idx]
    coverage = observed.mean(axis=1)
    offices: Offices | None = None
    if group_cells is not None:
        offices = combine_offices(
            group_cells,
            e_raw,
            observed,
            positions=idx,
            ids=ids,
            names=names,
            rows=rows,
            spellings=identity.spellings,
            indicators=[(iid, ind) for _c, iid, ind in items],
            eligible=eligible,
        )
        e_ids, e_raw, coverage = offices.ids, offices.raw, offices.coverage
        unit_names, unit_rows, unit_spellings = offices.names, offices.rows, offices.spellings

    normalised = np.column_stack([normalise(e_raw[:, j], ind) for j, (_c, _i, ind) in enumerate(items)])
    geometric = criteria.aggregation is Aggregation.geometric

    agg = aggregate(normalised, criteria)
    crit_ids, crit_scores, crit_mask, scores = agg.criteria, agg.criterion_scores, agg.criterion_mask, agg.scores
    contributions, overall_item_w, crit_contrib = agg.contributions, agg.indicator_weights, agg.criterion_contributions
    no_data = np.flatnonzero(np.isnan(scores))
    if no_data.size:
        raise DataError(
            [
                Problem(
                    "data.no_usable_values",
                    "should have a usable value for at least one weighted criterion, but has none",
                    file=source,
                    row=int(unit_rows[i]),
                    column=id_col,
                    value=e_ids[i],
                )
                for i in no_data
            ]
        )

    index = pd.Index(e_ids, name="id")
    item_ids = [iid for _c, iid, _ind in items]
    score_s = pd.Series(scores, index=index, name="score")
    ranks = rank_scores(score_s)
    tiers = assign_tiers(score_s, ranks, criteria.tiers)
    table = pd.DataFrame(
        {
            "name": unit_names,
            "rank": ranks.to_numpy(),
            "score": scores,
            "tier": tiers.to_numpy(),
        },
        index=index,
    )
    for k, cid in enumerate(crit_ids):
        table[cid] = crit_contrib[:, k] if not geometric else crit_scores[:, k]
    table["coverage"] = coverage
    table["row"] = unit_rows
    table["input_id"] = unit_spellings
    if offices is not None:
        table["n_members"] = [len(m) for m in offices.member_lists]
        table["members"] = [", ".join(m) for m in offices.member_lists]
    order = ranking_order(score_s, index)
    table = table.iloc[order]

    excluded = pd.DataFrame(
        [
            {"id": ids[i], "name": names[i], "row": int(rows[i]), "reason": "; ".join(reasons[i])}
            for i in np.flatnonzero(~eligible)
        ],
        columns=["id", "name", "row", "reason"],
    )
    notes: list[str] = [str(n) for n in df.attrs.get("notes", [])] + panel.notes + identity.notes
    if offices is not None:
        notes += offices.notes
    for j, (cid, iid, ind) in enumerate(items):
        if not observed[:, j].any():
            notes.append(
                f"column {plan.columns[iid]!r} is blank for every eligible country, so indicator {iid!r} "
                f"(criterion {cid!r}) is handled entirely by its missing-data policy ({ind.missing.value}); "
                "fill it in for a meaningful ranking"
            )
    if plan.illustrative:
        cols = ", ".join(sorted(set(plan.illustrative.values())))
        notes.append(
            f"ILLUSTRATIVE DATA: this ranking uses made-up columns ({cols}) standing in for inputs that "
            "have no public source; it is not a real assessment of any country"
        )
    order_ids = table.index
    return ScoreResult(
        criteria=criteria,
        source=source,
        table=table,
        criterion_scores=pd.DataFrame(crit_scores, index=index, columns=crit_ids).loc[order_ids],
        criterion_mask=pd.DataFrame(crit_mask, index=index, columns=crit_ids).loc[order_ids],
        raw=pd.DataFrame(e_raw, index=index, columns=item_ids).loc[order_ids],
        normalised=pd.DataFrame(normalised, index=index, columns=item_ids).loc[order_ids],
        contributions=pd.DataFrame(contributions, index=index, columns=item_ids).loc[order_ids],
        indicator_weights=pd.DataFrame(overall_item_w, index=index, columns=item_ids).loc[order_ids],
        imputations=pd.DataFrame(
            imputations, columns=["id", "name", "row", "indicator", "column", "original", "policy", "value", "how"]
        ),
        exclusions=excluded,
        conversions=pd.DataFrame(conversions, columns=["id", "row", "column", "original", "value", "year"]),
        columns=dict(plan.columns),
        illustrative=dict(plan.illustrative),
        notes=notes,
        offices=offices,
    )
