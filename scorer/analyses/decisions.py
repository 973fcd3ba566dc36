"""Past decisions (join / not join, or ordered pairs) read and resolved against a ranking, every problem located."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from scorer.core.result import ScoreResult
from scorer.errors import DataError, Problem, ProblemCollector
from scorer.prepare.cells import FALSE_TOKENS, TRUE_TOKENS, clean_text, is_missing
from scorer.prepare.countries import default_resolver

_JOIN_WORDS = frozenset({"join", "joined", "joining", "accept", "accepted", "in", "include", "included", "selected"})
_NOT_WORDS = frozenset(
    {
        "not join",
        "not joined",
        "do not join",
        "don't join",
        "dont join",
        "no join",
        "reject",
        "rejected",
        "out",
        "exclude",
        "excluded",
        "not selected",
        "not now",
    }
)
_COUNTRY_COLUMNS = ("country", "id", "iso3", "code", "name", "country name")
_DECISION_COLUMNS = ("decision", "joined", "join", "decided", "accept", "accepted", "outcome")


@dataclass(frozen=True)
class Decisions:
    mode: str
    joined: dict[str, bool]
    pairs: list[tuple[str, str, int]]


def _fold_header(text: object) -> str:
    return re.sub(r"[\s_\-]+", " ", clean_text(text)).casefold()


def read_decisions(result: ScoreResult, decisions: pd.DataFrame) -> Decisions:
    """Check and resolve a decisions table: every problem with its row and column, at once."""
    source = str(decisions.attrs.get("source", "<decisions>"))
    columns = [str(c) for c in decisions.columns]
    folded = {_fold_header(c): c for c in columns}
    numbers = decisions.attrs.get("row_numbers")
    if numbers is None or len(numbers) != len(decisions):
        first = int(decisions.attrs.get("first_row", 2))
        numbers = list(range(first, first + len(decisions)))
    rows = [int(x) for x in numbers]
    problems = ProblemCollector()
    if len(decisions) == 0:
        raise DataError(Problem("data.decisions", "should list some decisions, but it has no rows", file=source))
    if "before" in folded and "after" in folded:
        return _read_pairs(result, decisions, (folded["before"], folded["after"]), rows, source)
    country_col = next((folded[c] for c in _COUNTRY_COLUMNS if c in folded), None)
    criteria = result.criteria
    for extra in (criteria.id_column, criteria.name_column):
        if country_col is None and extra and _fold_header(extra) in folded:
            country_col = folded[_fold_header(extra)]
    decision_col = next((folded[c] for c in _DECISION_COLUMNS if c in folded), None)
    if len(columns) == 2:
        country_col = country_col or next(c for c in columns if c != decision_col)
        decision_col = decision_col or next(c for c in columns if c != country_col)
    if country_col is None or decision_col is None or country_col == decision_col:
        found = ", ".join(repr(c) for c in columns)
        raise DataError(
            Problem(
                "data.decisions",
                "should have a country column and a decision column (join / not join), or columns before and "
                f"after, but its columns are {found}",
                file=source,
            )
        )
    joined: dict[str, bool] = {}
    seen: dict[str, int] = {}
    for i, row in enumerate(rows):
        ident = _resolve(result, decisions[country_col].iloc[i], row, country_col, source, problems)
        flag = _decision(decisions[decision_col].iloc[i], row, decision_col, source, problems)
        if ident is None or flag is None:
            continue
        if ident in seen:
            problems.add(
                Problem(
                    "data.decisions",
                    f"country {ident} should appear once, but it also appears on row {seen[ident]}",
                    file=source,
                    row=row,
                    column=country_col,
                )
            )
            continue
        seen[ident] = row
        joined[ident] = flag
    problems.raise_if_any(DataError)
    n_join = sum(joined.values())
    if n_join in (0, len(joined)):
        said = "join" if n_join else "not join"
        raise DataError(
            Problem(
                "data.decisions",
                f"should mark some countries join and some not join, but all {len(joined)} are {said}",
                file=source,
                column=decision_col,
            )
        )
    return Decisions("joined", joined, [])


def _read_pairs(
    result: ScoreResult, decisions: pd.DataFrame, columns: tuple[str, str], rows: list[int], source: str
) -> Decisions:
    """Ordered pairs: ``before`` should rank above ``after``, two different ranked countries a row."""
    before, after = columns
    problems = ProblemCollector()
    pairs: list[tuple[str, str, int]] = []
    for i, row in enumerate(rows):
        a = _resolve(result, decisions[before].iloc[i], row, before, source, problems)
        b = _resolve(result, decisions[after].iloc[i], row, after, source, problems)
        if a is not None and b is not None:
            if a == b:
                problems.add(
                    Problem(
                        "data.decisions",
                        f"before and after should name two different countries, but both are {a}",
                        file=source,
                        row=row,
                    )
                )
            else:
                pairs.append((a, b, row))
    problems.raise_if_any(DataError)
    return Decisions("pairs", {}, pairs)


def _decision(raw: object, row: int, column: str, source: str, problems: ProblemCollector) -> bool | None:
    text = "" if is_missing(raw) and not isinstance(raw, int | float) else _fold_header(raw)
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and not (isinstance(raw, float) and math.isnan(raw)) and raw in (0, 1):
        return bool(raw)
    if text in TRUE_TOKENS or text in _JOIN_WORDS:
        return True
    if text in FALSE_TOKENS or text in _NOT_WORDS:
        return False
    found = "blank" if not text else repr(clean_text(raw))
    problems.add(
        Problem(
            "data.decisions",
            f"should be join or not join (or yes / no, 1 / 0), but it is {found}",
            file=source,
            row=row,
            column=column,
        )
    )
    return None


def _resolve(
    result: ScoreResult, raw: object, row: int, column: str, source: str, problems: ProblemCollector
) -> str | None:
    """The ranked unit a decisions cell names (id or name, any UN language), or None with a problem added."""
    if is_missing(raw):
        problems.add(
            Problem("data.decisions", "should name a country, but it is blank", file=source, row=row, column=column)
        )
        return None
    text = clean_text(int(raw) if isinstance(raw, float) and raw.is_integer() else raw)
    ident: str | None = None
    error: DataError | None = None
    try:
        ident = result.find(text)
    except DataError as exc:
        error = exc
        try:
            code = default_resolver().resolve(text)
        except DataError:
            code = None
        if code is not None:
            ident = code if code in result.table.index or code in set(result.exclusions["id"]) else None
            if ident is None and result.offices is not None:
                ident = result.offices.office_of(code)
    if ident is not None and ident in result.table.index:
        return ident
    if ident is not None:
        reason = result.exclusions.loc[result.exclusions["id"] == ident, "reason"]
        why = f" ({reason.iloc[0]})" if len(reason) else ""
        message = f"{text!r} ({ident}) should be a ranked country, but it was excluded by eligibility{why}"
    else:
        assert error is not None
        message = error.problems[0].message
    problems.add(Problem("data.decisions", message, file=source, row=row, column=column, value=text))
    return None
