"""Build ``scorer/data/country_names.csv``, the names behind ``scorer.prepare.countries``.

Sources:

- ``country-codes.csv`` from github.com/datasets/country-codes (ODC-PDDL,
  public domain; see its PROVENANCE.md): ISO3, ISO2, M49 and, for each of
  the six UN languages, the UNTERM short and formal names, the official
  name and (English only) the CLDR display name.
- ``scripts/country_aliases.csv``: reviewed aliases (columns alias, iso3,
  language, note), e.g. World Bank spellings ("Congo, Dem. Rep."), common
  short names ("Laos"), former names ("Swaziland"), UN INFO spellings
  ("Anguilla (United Kingdom)") and Kosovo (XKX, a user-assigned code).

Output: one row per (iso3, language, name), columns iso3, iso2, m49,
name_en, language, name; sorted, UTF-8, LF. Same inputs, same bytes. The
script then prints, for review, the keys that name several countries.

Usage (from the repository root, with ``scorer`` importable, e.g. installed
with ``pip install -e .`` or via ``PYTHONPATH=.``)::

    python scripts/build_country_names.py [--source FILE] [--aliases FILE]
        [--out FILE]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from scorer.prepare.countries import fold_name, normalize_name

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "real" / "datahub_country_codes" / "country-codes.csv"
DEFAULT_ALIASES = REPO / "scripts" / "country_aliases.csv"
DEFAULT_OUT = REPO / "scorer" / "data" / "country_names.csv"

Row = tuple[str, str, str]  # (iso3, language, name)

COLUMNS = ["iso3", "iso2", "m49", "name_en", "language", "name"]

# language code -> the source columns holding names in that language
NAME_COLUMNS = {
    lang: [f"official_name_{suffix}", f"UNTERM {word} Short", f"UNTERM {word} Formal"]
    for lang, suffix, word in [
        ("en", "en", "English"),
        ("fr", "fr", "French"),
        ("es", "es", "Spanish"),
        ("ru", "ru", "Russian"),
        ("zh", "cn", "Chinese"),
        ("ar", "ar", "Arabic"),
    ]
}
NAME_COLUMNS["en"].append("CLDR display name")

# Codes missing from ISO 3166: iso3 -> (iso2, m49, name_en). XK/XKX are the
# user-assigned codes the EU, IMF and World Bank use for Kosovo; it has no M49.
EXTRA_CODES = {"XKX": ("XK", "", "Kosovo")}

# name_en is the UNTERM English short name without its article; where UNTERM
# has none, the official name, except where that is not the UN usage.
NAME_EN_OVERRIDES = {"CIV": "Côte d'Ivoire"}

_FOOTNOTE = re.compile(r"\s*\*+$")
_THE = re.compile(r"\s*\(the\)$")


def clean(text: str) -> str:
    """Collapse spaces and drop UNTERM footnote marks ("Niue **")."""
    return _FOOTNOTE.sub("", " ".join(text.split()))


def read_source(path: Path) -> tuple[dict[str, tuple[str, str, str]], list[Row]]:
    """Return {iso3: (iso2, m49, name_en)} and (iso3, language, name) rows."""
    # keep_default_na=False: Namibia's ISO2 code is "NA".
    data = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes: dict[str, tuple[str, str, str]] = {}
    names: list[Row] = []
    for record in data.to_dict("records"):
        iso3 = clean(record["ISO3166-1-Alpha-3"])
        if not iso3:
            continue
        short = _THE.sub("", clean(record["UNTERM English Short"]))
        name_en = NAME_EN_OVERRIDES.get(iso3) or short or clean(record["official_name_en"])
        codes[iso3] = (
            clean(record["ISO3166-1-Alpha-2"]),
            clean(record["M49"]),
            name_en,
        )
        for language, columns in NAME_COLUMNS.items():
            for column in columns:
                if name := clean(record[column]):
                    names.append((iso3, language, name))
    for iso3, info in EXTRA_CODES.items():
        codes.setdefault(iso3, info)
    return codes, names


def read_aliases(path: Path, codes: dict[str, tuple[str, str, str]]) -> list[Row]:
    """Return (iso3, language, alias) rows, checking each line of the file."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.DictReader(handle))
    rows: list[Row] = []
    errors: list[str] = []
    iso2_owner = {info[0]: iso3 for iso3, info in codes.items()}
    for number, line in enumerate(lines, start=2):
        alias, iso3 = clean(line["alias"]), line["iso3"].strip()
        language, note = line["language"].strip(), line["note"].strip()
        where = f"{path.name}:{number}"
        if iso3 not in codes:
            errors.append(f"{where}: iso3 should be a known code, but it is {iso3!r}")
        if not alias or not note or language not in NAME_COLUMNS:
            errors.append(f"{where}: alias, note and language (one of {sorted(NAME_COLUMNS)}) should be given")
        code = alias.upper()
        owner = code if code in codes else iso2_owner.get(code)
        if re.fullmatch(r"[A-Za-z]{2,3}", alias) and owner not in (None, iso3):
            errors.append(f"{where}: alias {alias!r} should not be the code of another country, but it is {owner}'s")
        rows.append((iso3, language, alias))
    if errors:
        raise SystemExit("\n".join(errors))
    return rows


def build(source: Path, aliases: Path) -> list[list[str]]:
    """Return the output rows, sorted and deduplicated."""
    codes, names = read_source(source)
    names += read_aliases(aliases, codes)
    table = []
    for iso3, language, name in sorted(set(names)):
        iso2, m49, name_en = codes[iso3]
        table.append([iso3, iso2, m49, name_en, language, name])
    return table


def review(table: list[list[str]]) -> list[str]:
    """Describe every key that names more than one country."""
    lines = []
    for label, key_of in [("exact", normalize_name), ("loose", fold_name)]:
        owners: dict[str, set[str]] = {}
        for iso3, *_, name in table:
            owners.setdefault(key_of(name), set()).add(iso3)
        for key, codes in sorted(owners.items()):
            if len(codes) > 1:
                lines.append(f"{label} key {key!r} names {', '.join(sorted(codes))}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--aliases", type=Path, default=DEFAULT_ALIASES)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    table = build(args.source, args.aliases)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(table)
    countries = len({row[0] for row in table})
    print(f"wrote {args.out}: {len(table)} names of {countries} codes", file=sys.stderr)
    for line in review(table):
        print(line, file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
