"""Each row's country: its id (ISO3 when the id column holds countries), name, spelling and row number."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scorer.errors import Problem
from scorer.prepare.cells import clean_text
from scorer.prepare.countries import default_resolver


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


def row_numbers(df: pd.DataFrame, first_row: int | None) -> np.ndarray:
    """Spreadsheet row number of each line of ``df`` (blank and title rows skipped by the reader)."""
    numbers = df.attrs.get("row_numbers")
    if first_row is None and numbers is not None and len(numbers) == len(df):
        return np.asarray(numbers, dtype=int)
    start = int(first_row if first_row is not None else df.attrs.get("first_row", 2))
    return np.arange(len(df)) + start


def _id_text(value: object) -> str:
    if type(value) is str and value.isascii():  # clean_text, without Unicode forms or exotic spaces to fold
        return " ".join(value.split())
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
    resolved = resolver.count_named(distinct)  # no hints: nothing is reported yet
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
    keys = ids if countries else [t.casefold() for t in texts]  # what must not repeat
    if len(present) < len(texts) or len(set(keys)) < len(keys):  # a set is one C pass: the loop only when needed
        problems += _blank_and_repeated(texts, ids, rows, countries=countries, column=column, source=source)
    return Identity(ids, names, texts, countries, problems, conversions, notes)


def _blank_and_repeated(
    texts: list[str], ids: list[str], rows: np.ndarray, *, countries: bool, column: str, source: str
) -> list[Problem]:
    """A problem for each blank id and for each repeat of an id (the same country, or the same label in any case)."""
    problems: list[Problem] = []
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
    return problems
