"""Resolve country identifiers typed by people to ISO 3166-1 alpha-3 codes.

A user's sheet may name a country by ISO3, ISO2 or UN M49 code, or by a name
in any of the six UN languages, with or without accents, articles such as
"(l')" or "the", curly apostrophes and stray spaces. :class:`CountryResolver`
turns each of these into one ISO3 code, or explains why it cannot: the name
is ambiguous ("Congo") or unknown (then it lists the closest known names).

The names come from the bundled ``scorer/data/country_names.csv``, built by
``scripts/build_country_names.py`` from the public-domain datahub
country-codes table (UNTERM, official and CLDR names) plus a reviewed alias
list. Kosovo is ``XKX``, a user-assigned code outside ISO 3166.
"""

from __future__ import annotations

import difflib
import functools
import importlib.resources
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from scorer.errors import DataError, Problem

TABLE_COLUMNS = ("iso3", "iso2", "m49", "name_en", "language", "name")

_PUNCTUATION = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "`": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "\u2032": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
    }
)
_ARTICLES = r"(?:the|l'|le|la|les|el|los|las)"
_PAREN_ARTICLE = re.compile(rf"\s*\({_ARTICLES}\)\s*")
_TRAILING_ARTICLE = re.compile(rf",\s*{_ARTICLES}$")
_LEADING_ARTICLE = re.compile(r"^(?:(?:the|le|la|les|el|los|las)\s+|l'\s*)")
_ISO2 = re.compile(r"[A-Za-z]{2}")
_ISO3 = re.compile(r"[A-Za-z]{3}")
_M49 = re.compile(r"[0-9]{1,3}")
_NOT_ALNUM = re.compile(r"[\W_]+")  # what str.isalnum() rejects (\w is isalnum() and "_")
_ASCII_DIGIT = re.compile(r"[0-9]")
# A text with an ASCII digit that is not an M49 number ('unit-000123'): no code, and no name when none has a digit
_DIGIT_NOT_M49 = re.compile(r"(?![0-9]{1,3}\Z).*?[0-9]", re.DOTALL)

_ID_HEADERS = (
    "iso3",
    "iso 3",
    "iso3 code",
    "iso alpha 3",
    "iso3166 1 alpha 3",
    "iso",
    "iso code",
    "country code",
    "code",
    "country",
    "country name",
    "countries",
    "country or territory",
    "name",
    "m49",
    "pays",
    "pais",
    "страна",
    "国家",
    "البلد",
    "الدولة",
    "unct",
)


def normalize_name(text: str) -> str:
    """Return the exact-match key of a name: case, spacing and articles ignored.

    Applies NFKC, unifies apostrophes and dashes, casefolds, collapses all
    whitespace (non-breaking spaces too), drops footnote asterisks, an article
    in parentheses ("(l')", "(el)", "(the)"), a trailing ", The" and a leading
    "the "/"la "/"l'". Accents are kept.

    >>> normalize_name("  Afganistán\u00a0(el) ")
    'afganistán'
    >>> normalize_name("Côte d\u2019Ivoire")
    "côte d'ivoire"
    """
    key = text.translate(_PUNCTUATION)
    if not key.isascii():  # ASCII is its own NFKC form and has no format (Cf) characters
        key = unicodedata.normalize("NFKC", key)
        key = "".join(ch for ch in key if unicodedata.category(ch) != "Cf").translate(_PUNCTUATION)
    key = " ".join(key.casefold().split())
    key = key.strip(" *")
    key = " ".join(_PAREN_ARTICLE.sub(" ", key).split())
    key = _TRAILING_ARTICLE.sub("", key)
    leading = _LEADING_ARTICLE.match(key)
    if leading and key[leading.end() :]:
        key = key[leading.end() :]
    return key


def fold_name(text: str) -> str:
    """Return the loose key of a name, for a second, forgiving lookup.

    It is :func:`normalize_name` without accents or punctuation, with "&"
    read as "and" and "St" as "Saint".

    >>> fold_name("Türkiye")
    'turkiye'
    >>> fold_name("St. Kitts & Nevis")
    'saint kitts and nevis'
    """
    bare = normalize_name(text)
    if not bare.isascii():  # ASCII has no accents to drop
        decomposed = unicodedata.normalize("NFKD", bare)
        bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))
    words = _NOT_ALNUM.sub(" ", bare.replace("&", " and ")).split()
    return " ".join("saint" if word == "st" else word for word in words)


@functools.lru_cache(maxsize=1)
def _read_bundled_table() -> pd.DataFrame:
    source = importlib.resources.files("scorer") / "data" / "country_names.csv"
    return pd.read_csv(
        io.BytesIO(source.read_bytes()),
        dtype=str,
        encoding="utf-8",
        keep_default_na=False,
    )


def load_country_table() -> pd.DataFrame:
    """Return the bundled name table (a fresh copy; the file is read once).

    Columns: iso3, iso2, m49, name_en, language, name. Empty cells are "";
    Namibia's ISO2 code is the string "NA".

    >>> table = load_country_table()
    >>> table.loc[table["iso3"] == "NAM", "iso2"].iloc[0]
    'NA'
    """
    return _read_bundled_table().copy()


@functools.lru_cache(maxsize=1)
def default_resolver() -> CountryResolver:
    """Return a resolver over the bundled table, built once and shared.

    >>> default_resolver().resolve("Viet Nam")
    'VNM'
    """
    return CountryResolver(load_country_table())


@dataclass(frozen=True)
class _NameIndex:
    """Folded name keys -> ISO3 codes: exact (accents kept) and loose (accents dropped)."""

    exact: dict[str, set[str]]
    loose: dict[str, set[str]]
    spelling: dict[str, str]
    loose_keys: list[str]
    digits: list[bool]  # [whether any key holds an ASCII digit]; else a text with one names no country


@dataclass(frozen=True)
class _Match:
    """What a text matched: the candidate codes and how they were found."""

    codes: tuple[str, ...]
    kind: str  # "code", "m49", "name", "missing" or "none"


class CountryResolver:
    """Map codes and names of countries and territories to ISO3 codes.

    Built from a table with the columns of :func:`load_country_table`; use
    :func:`default_resolver` for the bundled one.

    >>> resolver = default_resolver()
    >>> [resolver.resolve(t) for t in ("afg", "AF", "004", "Afghanistan (l')")]
    ['AFG', 'AFG', 'AFG', 'AFG']
    """

    def __init__(self, table: pd.DataFrame) -> None:
        missing = [c for c in TABLE_COLUMNS if c not in table.columns]
        if missing:
            raise ValueError(f"country table lacks columns {missing}")
        self._names_en: dict[str, str] = {}
        self._iso2: dict[str, str] = {}
        self._m49: dict[int, str] = {}
        self._name_rows: list[tuple[str, str]] = []
        for row in table[list(TABLE_COLUMNS)].itertuples(index=False):
            iso3, iso2, m49, name_en, _language, name = (str(v) for v in row)
            iso3 = iso3.upper()
            self._names_en.setdefault(iso3, name_en or iso3)
            if iso2:
                self._iso2[iso2.upper()] = iso3
            if m49.isdigit():
                self._m49[int(m49)] = iso3
            self._name_rows.extend((text, iso3) for text in (name, name_en) if text)

    @functools.cached_property
    def _names(self) -> _NameIndex:
        """The name keys, built on the first name lookup (a sheet of ISO3 codes never needs them)."""
        index = _NameIndex({}, {}, {}, [], [])
        for text, iso3 in self._name_rows:
            exact, loose = normalize_name(text), fold_name(text)
            if exact:
                index.exact.setdefault(exact, set()).add(iso3)
            if loose:
                index.loose.setdefault(loose, set()).add(iso3)
                index.spelling.setdefault(loose, text)
        index.loose_keys.extend(sorted(index.loose))
        index.digits.append(any(_ASCII_DIGIT.search(key) for key in [*index.exact, *index.loose]))
        return index

    @property
    def codes(self) -> frozenset[str]:
        """Every ISO3 code the resolver knows.

        >>> "XKX" in default_resolver().codes
        True
        """
        return frozenset(self._names_en)

    def name_of(self, iso3: str) -> str:
        """Return the short English name of an ISO3 code.

        >>> default_resolver().name_of("cod")
        'Democratic Republic of the Congo'
        """
        code = iso3.strip().upper()
        if code not in self._names_en:
            raise DataError(
                Problem(
                    "data.country_unknown",
                    f"{iso3!r} should be a known ISO3 code, but it is not",
                    value=iso3,
                )
            )
        return self._names_en[code]

    def resolve(self, text: object) -> str:
        """Return the ISO3 code for one cell: a code, an M49 number or a name.

        Raises :class:`DataError` when the cell is empty, ambiguous or unknown.

        >>> resolver = default_resolver()
        >>> resolver.resolve("Côte d\u2019Ivoire"), resolver.resolve(4)
        ('CIV', 'AFG')
        >>> resolver.resolve("Congo")
        Traceback (most recent call last):
        ...
        scorer.errors.DataError: "Congo" is ambiguous: it could be COG (Congo) \
or COD (Democratic Republic of the Congo); write the ISO3 code or the full name
        """
        iso3, problem = self._resolve_one(text)
        if problem is not None:
            raise DataError(problem)
        assert iso3 is not None
        return iso3

    def candidates(self, text: object) -> tuple[str, ...]:
        """The ISO3 codes a text may name, without raising: one, several (ambiguous) or none.

        >>> default_resolver().candidates("Congo"), default_resolver().candidates("Atlantis")
        (('COG', 'COD'), ())
        """
        return self._match(_as_text(text)).codes

    def count_named(self, texts: Sequence[str]) -> int:
        """How many of ``texts`` (clean text, as a cell reads) name exactly one country.

        The same count as ``sum(len(self.candidates(t)) == 1 for t in texts)``, with one
        regular-expression test, not a lookup, for each label with digits such as 'unit-000123'.

        >>> default_resolver().count_named(["Peru", "PER", "Congo", "unit-000123", "4"])
        3
        """
        skip = None if self._names.digits[0] else _DIGIT_NOT_M49.match
        return sum(1 for t in texts if not (skip and skip(t)) and len(self._match(t).codes) == 1)

    def resolve_many(
        self,
        values: Sequence[object],
        *,
        rows: Sequence[int] | None = None,
        column: str | None = None,
        hints: int = 20,
    ) -> tuple[list[str | None], list[Problem]]:
        """Resolve every value, collecting all problems instead of stopping.

        ``rows`` are the row numbers to report (default: 1, 2, ...) and
        ``column`` the column name; both go into each :class:`Problem`.
        Unresolved values are ``None`` in the returned list. Only the first
        ``hints`` unknown values get a "closest:" hint (a fuzzy search over
        every name, the costly part of a sheet of made-up ids).

        >>> codes, problems = default_resolver().resolve_many(
        ...     ["Perú", "Atlantis"], rows=[2, 3], column="country")
        >>> codes
        ['PER', None]
        >>> problems[0].location()
        "row 3: column 'country'"
        """
        if rows is not None and len(rows) != len(values):
            raise ValueError(f"rows should have {len(values)} numbers, but it has {len(rows)}")
        codes: list[str | None] = []
        problems: list[Problem] = []
        for index, value in enumerate(values):
            iso3, problem = self._resolve_one(value, hint=hints > 0)
            codes.append(iso3)
            if problem is not None:
                hints -= problem.code == "data.country_unknown"
                row = rows[index] if rows is not None else index + 1
                problems.append(
                    Problem(
                        problem.code,
                        problem.message,
                        row=row,
                        column=column,
                        value=problem.value,
                    )
                )
        return codes, problems

    def detect_id_column(self, df: pd.DataFrame) -> str | None:
        """Return the column that holds country identifiers, or ``None``.

        Picks the column (with a string header) where the largest share of
        non-empty values resolves, at least half of them; ties go to headers
        such as "iso3", "code", "country", "pays", "país", "страна", "国家"
        or "البلد", then to the leftmost column.

        >>> sheet = pd.DataFrame({"score": [1, 2], "Pays": ["Algérie", "Pérou"]})
        >>> default_resolver().detect_id_column(sheet)
        'Pays'
        """
        best: tuple[float, int, int] | None = None
        best_label: str | None = None
        for position, label in enumerate(df.columns):
            if not isinstance(label, str):
                continue
            texts = [t for t in map(_as_text, df.iloc[:, position].tolist()) if t]
            sample = list(dict.fromkeys(texts))[:500]
            if not sample:
                continue
            share = sum(len(self._match(t).codes) == 1 for t in sample) / len(sample)
            if share < 0.5:
                continue
            header = fold_name(label.replace("_", " "))
            rank = _ID_HEADERS.index(header) if header in _ID_HEADERS else 99
            score = (share, -rank, -position)
            if best is None or score > best:
                best, best_label = score, label
        return best_label

    def _resolve_one(self, value: object, *, hint: bool = True) -> tuple[str | None, Problem | None]:
        text = _as_text(value)
        match = self._match(text)
        if len(match.codes) == 1:
            return match.codes[0], None
        shown = f'"{text}"'
        if match.kind == "missing":
            message = "the country should be an ISO3 code or a name, but it is empty"
            return None, Problem("data.country_missing", message, value="")
        if match.codes:
            message = (
                f"{shown} is ambiguous: it could be {self._describe(match.codes)}; write the ISO3 code or the full name"
            )
            return None, Problem("data.country_ambiguous", message, value=text)
        if match.kind == "m49":
            message = f"{shown} is not a known M49 country code; use an ISO3 code"
        else:
            closest = self._closest(text) if hint else ""
            said = f"closest: {closest}; " if closest else ""
            message = f"{shown} is not a known country or territory; {said}use an ISO3 code"
        return None, Problem("data.country_unknown", message, value=text)

    def _match(self, text: str) -> _Match:
        if not text:
            return _Match((), "missing")
        if _M49.fullmatch(text):
            code = self._m49.get(int(text))
            return _Match((code,) if code else (), "m49")
        if _ISO3.fullmatch(text) and text.upper() in self._names_en:
            return _Match((text.upper(),), "code")
        if _ISO2.fullmatch(text) and text.upper() in self._iso2:
            return _Match((self._iso2[text.upper()],), "code")
        names = self._names
        if not names.digits[0] and _ASCII_DIGIT.search(text):  # 'unit-000123': no name to look up
            return _Match((), "none")
        codes = names.exact.get(normalize_name(text)) or names.loose.get(fold_name(text), set())
        return _Match(tuple(self._order(codes)), "name" if codes else "none")

    def _order(self, codes: set[str]) -> list[str]:
        """Simplest English name first: "Congo" before "Democratic Republic of..."."""
        return sorted(codes, key=lambda c: (len(self._names_en[c]), c))

    def _describe(self, codes: Sequence[str]) -> str:
        parts = [f"{code} ({self._names_en[code]})" for code in codes]
        return ", ".join(parts[:-1]) + " or " + parts[-1]

    def _closest(self, text: str, *, limit: int = 3) -> str:
        found: dict[str, str] = {}
        keys = difflib.get_close_matches(fold_name(text), self._names.loose_keys, n=10)
        for key in keys:
            for code in sorted(self._names.loose[key]):
                found.setdefault(code, self._names.spelling[key])
        return ", ".join(f"{name} ({code})" for code, name in list(found.items())[:limit])


def _as_text(value: object) -> str:
    """Turn a cell into text: integral numbers (M49) lose any ".0"."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None or isinstance(value, bool):
        return "" if value is None else str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        return str(int(number)) if number.is_integer() else str(value)
    if value is pd.NA or value is pd.NaT:
        return ""
    return " ".join(str(value).split())
