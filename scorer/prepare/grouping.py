"""Shared offices: rank Resident Coordinator offices instead of countries.

Several small states share one Cooperation Framework and Resident Coordinator
office; in the demo sheet the UN INFO ``workspace_id`` says which (252 is the
Caribbean office of Barbados, Belize, Guyana, Jamaica, Sint Maarten, Suriname
and Trinidad and Tobago). ``--group-by COLUMN`` makes each distinct value of
COLUMN one ranked unit, an *office*, combining its member countries by the
criteria file's ``grouping.rule`` (default ``mean``).

The order of the steps, and why:

1. **Eligibility per member.** Each country passes or fails the gates on its
   own row. An office is ranked when at least one member is eligible, and it
   combines its eligible members only; an excluded member stays in the
   exclusions with its own reason, and a note names it.
2. **Missing data per member.** Each member's blank cells are handled by the
   indicator's policy with statistics over the eligible *countries*, exactly
   as without ``--group-by``, so a member's blank is never filled from its
   own office. A member left without a value (``reweight``) is left out of
   its office's value for that indicator; the office is blank, and
   reweighted, only when no member has a value.
3. **Combine raw values, then normalise.** Members' raw values are combined
   indicator by indicator before normalisation, so min-max, z-scores and
   percentiles see each office once, not once per member.

Rules: ``mean`` is the plain mean of the members' values (a boolean gives the
share of members with yes, an ordinal a mean level value; normalisation
rescales both as usual); ``max`` is the best member value (the highest, or
the lowest for ``direction: lower``); ``population_weighted`` is the mean
weighted by ``population_column``. Under ``population_weighted`` every
eligible member of an office with two or more eligible members must have a
population > 0: a blank one is an error naming the cell (there is no silent
fall-back to the plain mean, which would score that office by another rule).

Pure functions on arrays and frames: no files, no printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from scorer.errors import Problem
from scorer.model.criteria import Direction, Grouping, GroupRule, Indicator, Normalisation, did_you_mean
from scorer.prepare.cells import clean_text, fold_text, is_missing, parse_number

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int_]

_RULE_TEXT = {
    GroupRule.mean: "the mean of its members' values",
    GroupRule.max: "its best member's value",
    GroupRule.population_weighted: "the population-weighted mean of its members' values",
}


def group_key(value: object) -> str:
    """The text of a group cell as an office id: ``""`` when blank, ``252.0`` read as ``"252"``.

    >>> group_key(252.0), group_key(" MCO\\u00a0Samoa "), group_key("n/a"), group_key(None)
    ('252', 'MCO Samoa', '', '')
    """
    if value is None or is_missing(value):
        return ""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer():
            value = int(value)
    return clean_text(value)


def check_group_columns(columns: Sequence[str], group_by: str, grouping: Grouping, *, source: str) -> list[Problem]:
    """Problems with the columns grouping needs: the ``--group-by`` column, population, label.

    >>> [p] = check_group_columns(["iso3", "workspace"], "workspace_id", Grouping(), source="s.csv")
    >>> p.column, p.message
    ('workspace_id', "should have a column 'workspace_id' (--group-by), but it does not; did you mean 'workspace'?")
    """
    names = [str(c) for c in columns]
    needed = [(group_by, "--group-by")]
    if grouping.rule is GroupRule.population_weighted:
        needed.append((grouping.population_column, "grouping.population_column, for rule population_weighted"))
    if grouping.label_column:
        needed.append((grouping.label_column, "grouping.label_column"))
    return [
        Problem(
            "data.missing_column",
            f"should have a column {column!r} ({why}), but it does not" + did_you_mean(column, names),
            file=source,
            column=column,
        )
        for column, why in needed
        if column not in names
    ]


@dataclass(frozen=True)
class GroupCells:
    """What grouping reads from every row of the sheet: office key, population weight, office label."""

    column: str
    grouping: Grouping
    declared: bool
    keys: list[str]
    weights: FloatArray
    labels: list[str]
    problems: list[Problem] = field(default_factory=list)


def read_groups(
    df: pd.DataFrame,
    group_by: str,
    grouping: Grouping | None,
    *,
    rows: IntArray,
    eligible: BoolArray,
    source: str,
    decimal_comma: bool = False,
) -> GroupCells:
    """Read each row's office, and its population under ``population_weighted``, collecting every problem.

    A blank office id is a problem only for an eligible country (a country
    without a UN Country Team need not have an office). A population is
    needed only for eligible members of offices with two or more eligible
    members; blank, unreadable or <= 0 is a problem naming the cell.

    >>> df = pd.DataFrame({"iso3": ["AAA", "BBB", "CCC"], "office": ["7", "7", ""]})
    >>> cells = read_groups(df, "office", None, rows=np.array([2, 3, 4]), eligible=np.array([True, True, True]),
    ...                     source="s.csv")
    >>> cells.keys
    ['7', '7', '']
    >>> print(cells.problems[0].format())  # doctest: +NORMALIZE_WHITESPACE
    s.csv: row 4: column 'office': should hold the office to group by (--group-by office), but it is blank
    (fill in the office id; a country alone in its office gets an id of its own)
    """
    declared = grouping is not None
    grouping = grouping or Grouping()
    problems = check_group_columns(list(df.columns), group_by, grouping, source=source)
    n = len(df)
    if problems:
        return GroupCells(group_by, grouping, declared, [""] * n, np.full(n, np.nan), [""] * n, problems)
    keys = [group_key(v) for v in df[group_by]]
    for i in np.flatnonzero(eligible):
        if not keys[i]:
            problems.append(
                Problem(
                    "data.blank_group",
                    f"should hold the office to group by (--group-by {group_by}), but it is blank",
                    file=source,
                    row=int(rows[i]),
                    column=group_by,
                    fix="fill in the office id; a country alone in its office gets an id of its own",
                )
            )
    weights = np.full(n, np.nan)
    if grouping.rule is GroupRule.population_weighted:
        column = grouping.population_column
        sizes: dict[str, int] = {}
        for i in np.flatnonzero(eligible):
            sizes[keys[i].casefold()] = sizes.get(keys[i].casefold(), 0) + 1
        for i in np.flatnonzero(eligible):
            raw = df[column].iloc[i]
            cell = parse_number(raw, decimal_comma=decimal_comma)
            if cell.kind == "value" and cell.value is not None and cell.value > 0:
                weights[i] = float(cell.value)
                continue
            if not keys[i] or sizes[keys[i].casefold()] < 2:
                continue
            found = "blank" if cell.kind == "missing" else repr(clean_text(raw))
            problems.append(
                Problem(
                    "data.population",
                    f"should be a population > 0 to weight the members of office {keys[i]!r} "
                    f"(grouping rule population_weighted), but it is {found}",
                    file=source,
                    row=int(rows[i]),
                    column=column,
                    value=None if cell.kind == "missing" else clean_text(raw),
                    fix="fill in the population, or use grouping rule mean",
                )
            )
    labels = [""] * n
    if grouping.label_column:
        labels = [group_key(v) for v in df[grouping.label_column]]
    return GroupCells(group_by, grouping, declared, keys, weights, labels, problems)


@dataclass(frozen=True)
class Offices:
    """Eligible member countries combined into offices, and everything needed to explain it.

    ``raw`` (office x indicator) holds the combined raw values that are then
    normalised; ``members`` has one row per combined member (index: member
    id) with its office, name, spreadsheet row, input spelling and population
    weight; ``member_raw`` the members' raw values after their own
    missing-data policies.
    """

    column: str
    rule: GroupRule
    ids: list[str]
    names: list[str]
    rows: IntArray
    spellings: list[str]
    member_lists: list[list[str]]
    raw: FloatArray
    coverage: FloatArray
    members: pd.DataFrame
    member_raw: pd.DataFrame
    indicators: dict[str, Indicator]
    notes: list[str]

    def member(self, text: str) -> str | None:
        """The id of the member named by ``text``: its id, name or spelling in the sheet (accents and case folded).

        >>> from scorer import load_criteria, read_countries, score_countries
        >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
        >>> df, c = read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())
        >>> score_countries(df, c, group_by="workspace_id").offices.member("Bélize")
        'BLZ'
        """
        folded = fold_text(text)
        for ident, row in self.members.iterrows():
            if folded in (fold_text(ident), fold_text(row["name"]), fold_text(row["input_id"])):
                return str(ident)
        return None

    def office_of(self, text: str) -> str | None:
        """The office of the member named by ``text`` (see :meth:`member`), or None.

        >>> from scorer import load_criteria, read_countries, score_countries
        >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
        >>> df, c = read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())
        >>> score_countries(df, c, group_by="workspace_id").offices.office_of("barbados")
        '252'
        """
        member = self.member(text)
        return None if member is None else str(self.members.at[member, "office"])

    def describe(self, office: str) -> str:
        """One line: the office, its members and how they are combined.

        >>> from scorer import load_criteria, read_countries, score_countries
        >>> from scorer.resources import default_criteria_path, demo_spreadsheet_path
        >>> df, c = read_countries(demo_spreadsheet_path()), load_criteria(default_criteria_path())
        >>> score_countries(df, c, group_by="workspace_id").offices.describe("26")
        "office '26' (workspace_id): 3 members (BRN, MYS, SGP), each indicator taken as the mean of its members' values"
        """
        members = self.member_lists[self.ids.index(office)]
        return (
            f"office {office!r} ({self.column}): {len(members)} member{'s' if len(members) != 1 else ''} "
            f"({', '.join(members)}), each indicator taken as {_RULE_TEXT[self.rule]}"
        )

    def member_values(self, office: str, indicator: str) -> str:
        """The members' raw values of one indicator, as text: ``BLZ 3.439, BRB 3.529, SUR blank``.

        Levels and booleans are shown by name (``low (1)``, ``yes``); ``blank``
        marks a member left out of this indicator.
        """
        ind = self.indicators[indicator]
        values = {str(k): float(v) for k, v in self.member_raw[indicator].items()}
        return ", ".join(f"{m} {_value_text(values[m], ind)}" for m in self.member_lists[self.ids.index(office)])

    def imputed(self, office: str, imputations: pd.DataFrame) -> dict[str, tuple[str, str]]:
        """Per indicator, how the office's members' blank cells were handled: ``(how, original)``, member-prefixed."""
        members = set(self.member_lists[self.ids.index(office)])
        out: dict[str, tuple[list[str], list[str]]] = {}
        for r in imputations.to_dict("records"):
            if r["id"] in members:
                how, original = out.setdefault(str(r["indicator"]), ([], []))
                how.append(f"{r['id']}: {r['how']}")
                if str(r["original"]):
                    original.append(f"{r['id']}: {r['original']!s}")
        return {k: ("; ".join(h), "; ".join(o)) for k, (h, o) in out.items()}


def combine_offices(
    cells: GroupCells,
    raw: FloatArray,
    observed: BoolArray,
    *,
    positions: IntArray,
    ids: Sequence[str],
    names: Sequence[str],
    rows: IntArray,
    spellings: Sequence[str],
    indicators: Sequence[tuple[str, Indicator]],
    eligible: BoolArray,
) -> Offices:
    """Combine the eligible members' raw values (rows of ``raw``, sheet rows ``positions``) into offices.

    ``raw`` holds the members' values after their missing-data policies (NaN
    where a member has none), ``observed`` which cells were filled in the
    sheet; ``ids``, ``names``, ``rows``, ``spellings`` and ``eligible`` are
    for every sheet row. Offices come in sheet order of their first member.

    >>> from scorer.model.criteria import Indicator
    >>> cells = GroupCells("office", Grouping(rule="max"), True, ["1", "1", "2"], np.full(3, np.nan), [""] * 3)
    >>> o = combine_offices(cells, np.array([[1.0], [3.0], [2.0]]), np.ones((3, 1), bool), positions=np.arange(3),
    ...                     ids=["A", "B", "C"], names=["Ay", "Be", "Ce"], rows=np.array([2, 3, 4]),
    ...                     spellings=["A", "B", "C"], indicators=[("x", Indicator(column="x"))],
    ...                     eligible=np.ones(3, bool))
    >>> o.ids, o.names, o.raw[:, 0].tolist()
    (['1', '2'], ['Ay, Be (2 members)', 'Ce'], [3.0, 2.0])
    """
    rule = cells.grouping.rule
    order, spelled = _office_order(cells, positions)
    office_ids = [spelled[key] for key in order]
    combined = np.full((len(order), raw.shape[1]), np.nan)
    coverage = np.zeros(len(order))
    office_names: list[str] = []
    office_rows = np.zeros(len(order), dtype=int)
    member_lists: list[list[str]] = []
    member_records = []
    for o, ks in enumerate(order.values()):
        sheet = [int(positions[k]) for k in ks]
        weights = cells.weights[sheet]
        for j, (_iid, ind) in enumerate(indicators):
            combined[o, j] = _combine(raw[ks, j], weights, rule, ind)
        coverage[o] = float(observed[ks].mean())
        office_names.append(_office_name(cells, sheet, names))
        office_rows[o] = min(int(rows[p]) for p in sheet)
        member_lists.append(sorted(ids[p] for p in sheet))
        member_records += [
            {
                "id": ids[p],
                "office": office_ids[o],
                "name": names[p],
                "row": int(rows[p]),
                "input_id": spellings[p],
                "population": float(cells.weights[p]),
            }
            for p in sheet
        ]
    members = pd.DataFrame(member_records, columns=["id", "office", "name", "row", "input_id", "population"])
    member_raw = pd.DataFrame(raw, index=[ids[p] for p in positions], columns=[iid for iid, _ind in indicators])
    left_out = {
        key: [ids[int(p)] for p in np.flatnonzero(~eligible) if cells.keys[p] and cells.keys[p].casefold() == key]
        for key in order
    }
    return Offices(
        column=cells.column,
        rule=rule,
        ids=office_ids,
        names=office_names,
        rows=office_rows,
        spellings=office_ids,
        member_lists=member_lists,
        raw=combined,
        coverage=coverage,
        members=members.set_index("id"),
        member_raw=member_raw,
        indicators={iid: ind for iid, ind in indicators},
        notes=_office_notes(cells, len(positions), office_ids, member_lists, list(left_out.values())),
    )


def _office_order(cells: GroupCells, positions: IntArray) -> tuple[dict[str, list[int]], dict[str, str]]:
    """The offices in sheet order of their first member: folded key -> member indices, and its first spelling."""
    order: dict[str, list[int]] = {}
    spelled: dict[str, str] = {}
    for k, p in enumerate(positions):
        key = cells.keys[p]
        order.setdefault(key.casefold(), []).append(k)
        spelled.setdefault(key.casefold(), key)
    return order, spelled


def _office_name(cells: GroupCells, sheet: list[int], names: Sequence[str]) -> str:
    """An office's name: its label column, else its one member's name, else the members' names and count."""
    label = next((cells.labels[p] for p in sheet if cells.labels[p]), "")
    member_names = [names[p] for p in sheet]
    if label:
        return label
    if len(sheet) == 1:
        return member_names[0]
    return f"{', '.join(sorted(member_names, key=fold_text))} ({len(sheet)} members)"


def _office_notes(
    cells: GroupCells, n_members: int, office_ids: list[str], member_lists: list[list[str]], left_out: list[list[str]]
) -> list[str]:
    """What ranking by office did: how many countries in how many offices, the rule, members excluded."""
    rule = cells.grouping.rule
    notes = [
        f"Ranked by office: {n_members} eligible countries in {len(office_ids)} offices (column {cells.column!r}); "
        f"each office's raw value of an indicator is {_RULE_TEXT[rule]} (grouping rule {rule.value}"
        + ("" if cells.declared else ", the default: the criteria file has no grouping section")
        + "), before normalisation"
    ]
    for office, members, out in zip(office_ids, member_lists, left_out, strict=True):
        if out:
            notes.append(
                f"office {office!r} is ranked on its {len(members)} eligible member(s); "
                f"excluded by eligibility: {', '.join(sorted(out))}"
            )
    return notes


def combine_values(
    values: FloatArray, rule: GroupRule, indicator: Indicator, weights: FloatArray | None = None
) -> float:
    """One office value from its members' raw values (NaN = the member has none and is left out).

    >>> from scorer.model.criteria import Indicator
    >>> x = np.array([1.0, 4.0, np.nan])
    >>> combine_values(x, GroupRule.mean, Indicator(column="c"))
    2.5
    >>> combine_values(x, GroupRule.max, Indicator(column="c", direction="lower"))
    1.0
    >>> combine_values(x, GroupRule.population_weighted, Indicator(column="c"), np.array([3.0, 1.0, 9.0]))
    1.75
    """
    return _combine(values, np.full(len(values), np.nan) if weights is None else weights, rule, indicator)


def _combine(values: FloatArray, weights: FloatArray, rule: GroupRule, indicator: Indicator) -> float:
    ok = ~np.isnan(values)
    if not ok.any():
        return float("nan")
    x = values[ok]
    if x.size == 1:
        return float(x[0])
    if rule is GroupRule.max:
        return float(x.min() if indicator.direction is Direction.lower else x.max())
    if rule is GroupRule.population_weighted:
        w = weights[ok]
        return float(np.sum(w * x) / np.sum(w))
    return float(x.mean())


def _value_text(value: float, indicator: Indicator) -> str:
    if np.isnan(value):
        return "blank"
    if indicator.normalisation is Normalisation.boolean and value in (0.0, 1.0):
        return "yes" if value == 1.0 else "no"
    if indicator.levels:
        for name, level in indicator.levels.items():
            if np.isclose(level, value):
                return f"{name} ({value:g})"
    return f"{value:g}"
