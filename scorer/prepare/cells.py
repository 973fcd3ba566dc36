"""Reading one spreadsheet cell as people type it: numbers, booleans, blanks.

Pure functions, no pandas. Each parser returns a :class:`Cell` saying whether
the text was a value, a missing marker, or something it cannot read, so the
caller can report every bad cell with its row and column at once.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

MISSING_TOKENS = frozenset(
    {
        "",
        "na",
        "n/a",
        "n.a.",
        "n.a",
        "nan",
        "null",
        "none",
        "-",
        "--",
        "\u2014",
        "\u2013",
        "..",
        "...",
        "?",
        "unknown",
        "not available",
        "nd",
        "n.d.",
        "missing",
        "#n/a",
        "#na",
        "#div/0!",
        "#value!",
        "#ref!",
        "#name?",
        "#num!",
        "#null!",
        "#spill!",
        "#calc!",
        "#getting_data",
        "inconnu",
        "desconocido",
        "s.o.",
        "s/o",
        "nc",
        "n.c.",
        "nd.",
    }
)

TRUE_TOKENS = frozenset(
    {
        "yes",
        "y",
        "true",
        "t",
        "1",
        "x",
        "\u2713",
        "\u2714",
        "oui",
        "si",
        "s\u00ed",
        "da",
        "\u0434\u0430",
        "\u662f",
        "\u0646\u0639\u0645",
    }
)
FALSE_TOKENS = frozenset(
    {"no", "n", "false", "f", "0", "non", "nyet", "\u043d\u0435\u0442", "\u5426", "\u0644\u0627", "\u2717", "\u2718"}
)

Kind = Literal["value", "missing", "invalid"]

_SPACES = re.compile(r"[\s\u00a0\u2007\u202f]+")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}([,\u00a0 ']\d{3})+(\.\d+)?$")
_GROUPED_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}([.\u00a0 ']\d{3})+(,\d+)?$")


@dataclass(frozen=True)
class Cell:
    """The outcome of reading one cell: a value, a missing marker, or invalid."""

    kind: Kind
    value: float | None = None
    converted: bool = False
    expected: str = ""


class RowNumbers(tuple[int, ...]):
    """Spreadsheet row numbers of a frame's rows, kept in ``DataFrame.attrs``.

    pandas deep-copies ``attrs`` on nearly every operation; a tuple cannot change, so
    this one is shared rather than copied (a list of n numbers made every step O(n)).

    >>> import copy
    >>> rows = RowNumbers([2, 3, 5])
    >>> copy.deepcopy(rows) is rows, list(rows)
    (True, [2, 3, 5])
    """

    __slots__ = ()

    def __deepcopy__(self, memo: dict[int, object]) -> RowNumbers:
        return self


def clean_text(raw: object) -> str:
    """Text of a cell with non-breaking and repeated spaces collapsed.

    >>> clean_text("  1\\u00a0234 ")
    '1 234'
    """
    text = unicodedata.normalize("NFKC", str(raw))
    return _SPACES.sub(" ", text).strip()


def fold_text(raw: object) -> str:
    """Text folded for matching by hand-typed names: no accents, case folded, trimmed.

    >>> fold_text(" Côte d'Ivoire ")
    "cote d'ivoire"
    """
    decomposed = unicodedata.normalize("NFKD", str(raw))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def as_typed(raw: object) -> str:
    """A cell's text exactly as typed (spaces kept), a blank cell as '' (never 'None' or 'nan').

    >>> as_typed("12.4 "), as_typed(None), as_typed(float("nan")), as_typed(3.0), as_typed(0.25)
    ('12.4 ', '', '', '3', '0.25')
    """
    if raw is None or (isinstance(raw, float) and math.isnan(raw)):
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float):
        return repr(int(raw)) if raw.is_integer() and abs(raw) < 1e15 else repr(raw)
    return str(raw)


def suggest(text: str, choices: list[str]) -> str | None:
    """The choice a mistyped ``text`` most likely meant: the one it begins, else the closest spelling.

    >>> suggest("hihg", ["low", "medium", "high"]), suggest("med", ["low", "medium", "high"]), suggest("x", ["a"])
    ('high', 'medium', None)
    """
    key = clean_text(text).casefold()
    if not key:
        return None
    folded = {clean_text(c).casefold(): c for c in choices}
    starting = [c for f, c in folded.items() if f.startswith(key)]
    if len(starting) == 1:
        return starting[0]
    close = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


SURE_SIMILARITY = 0.75
"""How alike a typo and a name must be (difflib's ratio) for ``validate --fix`` to correct it on its own."""


def unique_suggestion(text: str, choices: list[str]) -> str | None:
    """The one choice a mistyped ``text`` can only have meant, else None (ambiguous or not close).

    Sure means: ``text`` (3 characters or more) begins exactly one choice, or exactly one
    choice is close (difflib's cutoff 0.6) and it is very close (ratio >= 0.75) or has
    the same letters in another order.

    >>> unique_suggestion("hihg", ["low", "medium", "high"]), unique_suggestion("med", ["low", "medium", "high"])
    ('high', 'medium')
    >>> unique_suggestion("m", ["medium", "minimal"]), unique_suggestion("lo", ["low", "long"])
    (None, None)
    >>> unique_suggestion("hig", ["high", "higher"]), unique_suggestion("bigh", ["high", "nigh"])
    (None, None)
    """
    key = clean_text(text).casefold()
    if not key:
        return None
    folded = {clean_text(c).casefold(): c for c in choices}
    starting = [c for f, c in folded.items() if f.startswith(key)]
    if len(key) >= 3 and len(starting) == 1:
        return starting[0]
    if starting:
        return None
    close = difflib.get_close_matches(key, list(folded), n=2, cutoff=0.6)
    if len(close) != 1:
        return None
    swapped = sorted(key) == sorted(close[0])  # the same letters in another order: 'yse', 'hihg'
    if not swapped and difflib.SequenceMatcher(None, key, close[0]).ratio() < SURE_SIMILARITY:
        return None
    return folded[close[0]]


def is_missing(raw: object) -> bool:
    """Whether a cell is blank or one of the usual spellings of missing.

    >>> is_missing(" N/A "), is_missing("#DIV/0!"), is_missing(0)
    (True, True, False)
    """
    if raw is None:
        return True
    if isinstance(raw, float) and math.isnan(raw):
        return True
    if isinstance(raw, (int, float, bool)):
        return False
    return clean_text(raw).casefold() in MISSING_TOKENS


def parse_number(raw: object, *, decimal_comma: bool = False) -> Cell:
    """Read a number as typed: ``1,234``, ``1 234``, ``45%``, ``0,75`` (decimal comma).

    >>> parse_number("1,234").value, parse_number("45%").value
    (1234.0, 0.45)
    >>> parse_number("0,75", decimal_comma=True).value
    0.75
    >>> parse_number("abc").kind, parse_number("1e400").expected
    ('invalid', 'a finite number')
    """
    if is_missing(raw):
        return Cell("missing")
    if isinstance(raw, bool):
        return Cell("value", float(raw), converted=True)
    if isinstance(raw, (int, float)):
        value = float(raw)
        return Cell("value", value) if math.isfinite(value) else Cell("invalid", expected="a finite number")
    text = clean_text(raw)
    percent = text.endswith("%")
    if percent:
        text = text[:-1].strip()
    number = _read_plain_number(text, decimal_comma=decimal_comma)
    if number is None:
        return Cell("invalid", expected="a number")
    if not math.isfinite(number):
        return Cell("invalid", expected="a finite number")
    converted = percent or raw != text or not _NUMBER.match(text)  # '12.4 ' (a space) is a conversion too
    if percent:
        number /= 100.0
    return Cell("value", number, converted=converted)


def _read_plain_number(text: str, *, decimal_comma: bool) -> float | None:
    text = text.replace("\u2212", "-")
    if _NUMBER.match(text):
        if decimal_comma and re.match(r"^[+-]?\d{1,3}\.\d{3}$", text):
            return float(text.replace(".", ""))
        return float(text)
    if decimal_comma:
        if re.match(r"^[+-]?\d*,\d+$", text):
            return float(text.replace(",", "."))
        if _GROUPED_COMMA_DECIMAL.match(text):
            return float(re.sub(r"[.\u00a0 ']", "", text).replace(",", "."))
        return None
    if _GROUPED.match(text):
        return float(re.sub(r"[,\u00a0 ']", "", text))
    return None


def parse_boolean(raw: object) -> Cell:
    """Read yes/no, true/false, y/n, x, a tick, 1/0, oui/non, sí/no.

    >>> parse_boolean("Oui").value, parse_boolean("no").value, parse_boolean(1).value
    (1.0, 0.0, 1.0)
    """
    if is_missing(raw):
        return Cell("missing")
    if isinstance(raw, bool):
        return Cell("value", float(raw))
    if isinstance(raw, (int, float)):
        if raw in (0, 1):
            return Cell("value", float(raw), converted=True)
        return Cell("invalid", expected="yes or no")
    text = clean_text(raw).casefold()
    ordinary = raw in ("yes", "no")  # the drop-down's own entries are not worth reporting
    if text in TRUE_TOKENS:
        return Cell("value", 1.0, converted=not ordinary)
    if text in FALSE_TOKENS:
        return Cell("value", 0.0, converted=not ordinary)
    return Cell("invalid", expected="yes or no")


def parse_level(raw: object, levels: dict[str, float]) -> Cell:
    """Read an ordinal level name (case and spaces ignored) as its value.

    A level's own name wins over the spellings of missing ("none" is a level here):

    >>> parse_level(" Requested ", {"none": 0, "requested": 2}).value, parse_level("None", {"none": 0, "x": 1}).value
    (2.0, 0.0)
    """
    text = clean_text(raw).casefold() if raw is not None else ""
    for name, value in levels.items():
        if clean_text(name).casefold() == text:
            return Cell("value", float(value), converted=raw != name)  # 'low' as declared is not reported
    if is_missing(raw):
        return Cell("missing")
    return Cell("invalid", expected="one of " + ", ".join(levels))
