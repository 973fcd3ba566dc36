"""Build ``seeds/countries.csv``, the demo table of the 162 UNCT countries.

Every column comes from the real public files in ``../shared/data/real`` (see
their PROVENANCE.md and ``seeds/countries.md``), except two: ``wipo_engagement``
is left blank for the user's own rating, and ``illustrative_gov_ip_interest`` is
random (no public source exists). LDC flags are updated from the dated, cited
list ``scripts/ldc_graduations.csv``. The output is deterministic: same inputs,
same bytes.

Usage::

    python scripts/build_countries.py [--data-dir DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = REPO / ".." / "shared" / "data" / "real"
DEFAULT_OUT = REPO / "seeds" / "countries.csv"

UNCT_FILE = "unct_uninfo_workspaces/unct_countries_uninfo_2026.csv"
CODES_FILE = "datahub_country_codes/country-codes.csv"
DENOMS_FILE = "coinr_worlddenoms/WorldDenoms.csv"
WIPO_FILE = "wipo_external_offices/wipo_external_offices.csv"
FINANCE_FILE = "uninfo_cf_finance_2025/uninfo_cf_finance_2025_by_country.csv"
OWID_FILE = "owid_patent_rates/patent_publication_rates_owid_wb_un.csv"
TREATY_FILE = "wipo_treaty_membership/wipo_treaty_membership_unct.csv"
TREATY_LONG_FILE = "wipo_treaty_membership/wipo_treaty_membership_long.csv"
LDC_GRADUATIONS = REPO / "scripts" / "ldc_graduations.csv"

OWID_RES = "Patent application rates (OWID based on World Bank & UN)"
OWID_NONRES = "Patent application rates, nonresidents (OWID based on World Bank & UN)"

COLUMNS = [
    "iso3",
    "name",
    "uninfo_name",
    "m49",
    "region",
    "sub_region",
    "ldc",
    "lldc",
    "sids",
    "income_group",
    "population",
    "wipo_external_office",
    "wipo_office_status",
    "cf2025_required_usd",
    "cf2025_available_usd",
    "cf2025_sdg9_required_usd",
    "cf2025_sdg9_share_of_required",
    "patent_res_per_million",
    "patent_nonres_per_million",
    "patent_res_year",
    "patent_nonres_year",
    "pct_in_force",
    "madrid_in_force",
    "madrid_via_oapi",
    "n_wipo_treaties_in_force",
    "n_wipo_treaties_joined_since_2015",
    "latest_accession_year",
    "latest_accession_treaty",
    "wipo_treaties_in_force",
    "wipo_treaties_joined_since_2015",
    "treaties_apply_through",
    "workspace_id",
    "workspace_shared_by_n",
    "has_unct",
    "wipo_engagement",
    "illustrative_gov_ip_interest",
]

# The 19 treaty codes of the treaty-membership files, in their PROVENANCE.md
# order, with the short names written in the sheet's treaty lists.
TREATY_NAMES = {
    "PCT": "PCT",
    "MADRID_P": "Madrid Protocol",
    "PARIS": "Paris",
    "BERNE": "Berne",
    "MARRAKESH": "Marrakesh",
    "WCT": "WCT",
    "WPPT": "WPPT",
    "BTAP": "Beijing",
    "ROME": "Rome",
    "PHONOGRAMS": "Phonograms",
    "STLT": "Singapore (trademarks)",
    "TLT": "Trademark Law Treaty",
    "PLT": "Patent Law Treaty",
    "NAIROBI": "Nairobi",
    "BRUSSELS": "Brussels",
    "MADRID_IS": "Madrid (indications of source)",
    "IPIC": "Washington (IPIC)",
    "GRATK": "GRATK",
    "RIYADH_DLT": "Riyadh (designs)",
}
JOINED_SINCE = "2015-01-01"
# PCT and Madrid Protocol rows carry only the entry-into-force date (no instrument date).
EIF_ONLY = {"PCT", "MADRID_P"}
# datahub ``is_independent`` values naming the state through which a territory's
# treaties apply ("Territory of GB", "Part of NL", "Territory of NZ"). "Associated
# with NZ" (Cook Islands, Niue) is not matched: those are treaty parties themselves.
THROUGH_STATE = re.compile(r"^(?:Territory of|Part of) ([A-Z]{2})$")

INCOME_GROUPS = {
    "Low income",
    "Lower middle income",
    "Upper middle income",
    "High income",
}

# Kosovo (XKX) has no ISO 3166 code, so datahub has no row for it. Its M49
# region is entered here by hand: Europe / Southern Europe, as for its
# neighbours (Albania, Serbia, Montenegro, North Macedonia). No M49 code.
KOSOVO = {
    "m49": "",
    "region": "Europe",
    "sub_region": "Southern Europe",
    "ldc": "no",
    "lldc": "no",
    "sids": "no",
}

# OWID entity names that none of datahub's English names (UNTERM English
# Short, official_name_en, CLDR display name) match. Only the UNCT members
# are listed; OWID aggregates and non-UNCT countries stay unmatched on purpose.
OWID_ALIASES = {
    "Democratic Republic of Congo": "COD",  # datahub: "Congo - Kinshasa"
    "Kosovo": "XKX",  # no ISO code; the UNCT list uses XKX
    "Macedonia": "MKD",  # renamed North Macedonia in 2019
    "Micronesia (country)": "FSM",  # OWID suffix to tell it from the sub-region
    "Swaziland": "SWZ",  # renamed Eswatini in 2018
    "Turkey": "TUR",  # datahub: "Türkiye"
}

SEED = 20210816  # date of the WIPO paper (2021-08-16)
ENGAGEMENT_LEVELS = ["none", "low", "medium", "high"]
ENGAGEMENT_P = [0.35, 0.35, 0.2, 0.1]
INTEREST_LEVELS = ["none", "expressed", "requested", "included"]
INTEREST_P = [0.5, 0.3, 0.15, 0.05]
BLANK_SHARE = 0.06


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a CSV with every cell as text and blanks as "" (so "NA" stays Namibia)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def format_decimal(value: float, digits: int) -> str:
    """Format a number with at most ``digits`` decimals and no trailing zeros.

    >>> format_decimal(32.040, 3), format_decimal(6.0, 3)
    ('32.04', '6')
    """
    if math.isnan(value):
        return ""
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_integer(text: str) -> str:
    """Write a numeric text ("38041754.0") as an integer ("38041754"); "" stays ""."""
    if text == "":
        return ""
    value = float(text)
    if value != round(value):
        raise ValueError(f"expected a whole number, but it is {text!r}")
    return str(round(value))


# UN usage where UNTERM's short name has no plain form.
UN_NAME_OVERRIDES = {"CIV": "Côte d'Ivoire"}


def un_short_name(iso3: str, unterm_short: str, cldr: str) -> str:
    """The UNTERM English short name without its article "(the)" or footnote marks; else CLDR.

    >>> un_short_name("COD", "Democratic Republic of the Congo (the)", "Congo - Kinshasa")
    'Democratic Republic of the Congo'
    """
    if iso3 in UN_NAME_OVERRIDES:
        return UN_NAME_OVERRIDES[iso3]
    short = re.sub(r"\s*\*+$", "", " ".join(unterm_short.split()))
    short = re.sub(r"\s*\(the\)$", "", short)
    return short or cldr


def normalise_name(name: str) -> str:
    """Fold a country name for matching: no accents, case, "(the)", "*", "&".

    >>> normalise_name("Côte d’Ivoire"), normalise_name("Bahamas (the)")
    ("cote d'ivoire", 'bahamas')
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("’", "'").replace("&", " and ")
    text = text.replace("(the)", " ").replace("*", " ")
    return " ".join(text.split())


def yes_no(flag: str) -> str:
    """Datahub marks membership with "x"; turn it into "yes"/"no"."""
    return "yes" if flag.strip().lower() == "x" else "no"


def datahub_name_index(codes: pd.DataFrame) -> tuple[dict[str, str], list[str]]:
    """Map normalised datahub English names to ISO3; also return ambiguous names."""
    index: dict[str, str] = {}
    ambiguous: set[str] = set()
    for _, row in codes.iterrows():
        iso3 = row["ISO3166-1-Alpha-3"]
        for column in ("UNTERM English Short", "official_name_en", "CLDR display name"):
            key = normalise_name(row[column])
            if not key:
                continue
            if index.get(key, iso3) != iso3:
                ambiguous.add(key)
            index[key] = iso3
    for key in ambiguous:
        del index[key]
    return index, sorted(ambiguous)


def match_owid_entities(entities: Sequence[str], index: dict[str, str]) -> dict[str, str]:
    """Map OWID entity names to ISO3 (alias first, then datahub names)."""
    matched: dict[str, str] = {}
    for entity in entities:
        iso3 = OWID_ALIASES.get(entity) or index.get(normalise_name(entity))
        if iso3:
            matched[entity] = iso3
    codes = pd.Series(matched)
    duplicated = codes[codes.duplicated(keep=False)]
    if not duplicated.empty:
        raise ValueError(f"OWID entities should map to distinct ISO3, but {duplicated.to_dict()}")
    return matched


def latest_rate(owid: pd.DataFrame, column: str) -> pd.DataFrame:
    """Latest non-missing year of one OWID rate per ISO3: columns value, year."""
    rows = owid.loc[owid[column] != "", ["iso3", "Year", column]].copy()
    rows["Year"] = rows["Year"].astype(int)
    rows = rows.sort_values(["iso3", "Year"]).groupby("iso3").tail(1)
    return pd.DataFrame(
        {
            "value": [format_decimal(float(v), 3) for v in rows[column]],
            "year": rows["Year"].astype(str).to_numpy(),
        },
        index=rows["iso3"].to_numpy(),
    )


def illustrative_interest(n: int) -> list[str]:
    """Draw the ILLUSTRATIVE (not data) government-interest column for ``n`` iso3-sorted rows.

    Draw order from one ``default_rng(SEED)``: engagement levels, interest
    levels, then the blank mask of engagement, then that of interest (each
    cell blank when a uniform draw is < BLANK_SHARE). The engagement draws are
    made and discarded (that column is now real data) so that the interest
    column keeps the values it has had since the first demo.
    """
    rng = np.random.default_rng(SEED)
    rng.choice(ENGAGEMENT_LEVELS, size=n, p=ENGAGEMENT_P)
    interest = rng.choice(INTEREST_LEVELS, size=n, p=INTEREST_P).astype(object)
    rng.random(n)
    interest[rng.random(n) < BLANK_SHARE] = ""
    return [str(v) for v in interest]


def treaty_events(long: pd.DataFrame) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str]]]]:
    """Per ISO3: treaty codes in force, and (date, code) joined since 2015.

    Joined = an instrument deposited on or after 2015-01-01 (signatures have no
    instrument); for PCT and the Madrid Protocol, whose rows give only the date
    of entry into force, that date, when in force. This is the rule of the
    source's ``n_joined_since_2015`` (the build checks both agree).
    """
    in_force: dict[str, list[str]] = {}
    joined: dict[str, list[tuple[str, str]]] = {}
    order = {code: i for i, code in enumerate(TREATY_NAMES)}
    for row in long.itertuples(index=False):
        iso3, code, status = str(row.iso3), str(row.treaty_code), str(row.status)
        if code not in TREATY_NAMES:
            raise ValueError(f"{TREATY_LONG_FILE}: treaty_code should be a known code, but it is {code!r}")
        if status == "in_force":
            in_force.setdefault(iso3, []).append(code)
        date = str(row.entry_into_force_date) if code in EIF_ONLY else str(row.instrument_date)
        if date >= JOINED_SINCE and (code not in EIF_ONLY or status == "in_force"):
            joined.setdefault(iso3, []).append((date, code))
    for codes in in_force.values():
        codes.sort(key=order.__getitem__)
    for events in joined.values():
        events.sort()
    return in_force, joined


def territory_states(codes: pd.DataFrame, index: pd.Index) -> dict[str, str]:
    """ISO3 of each territory in ``index`` -> ISO3 of the state through which its treaties apply.

    From datahub ``is_independent`` "Territory of XX" / "Part of XX".
    """
    alpha2 = codes.set_index("ISO3166-1-Alpha-2")["ISO3166-1-Alpha-3"]
    through: dict[str, str] = {}
    for iso3 in index.intersection(codes.index):
        match = THROUGH_STATE.match(codes.loc[iso3, "is_independent"])
        if match:
            through[str(iso3)] = str(alpha2[match.group(1)])
    return through


def latest_accessions(long: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per ISO3: (date, code) of the latest instrument (PCT, Madrid Protocol: entry into force, when in force).

    The rule of the source's ``latest_accession_date`` (the build checks both agree).
    """
    latest: dict[str, tuple[str, str]] = {}
    for row in long.itertuples(index=False):
        iso3, code, status = str(row.iso3), str(row.treaty_code), str(row.status)
        date = str(row.entry_into_force_date) if code in EIF_ONLY else str(row.instrument_date)
        if date and (code not in EIF_ONLY or status == "in_force") and (date, code) > latest.get(iso3, ("", "")):
            latest[iso3] = (date, code)
    return latest


def treaty_columns(
    data_dir: Path, through: dict[str, str], index: pd.Index, unct: pd.Index
) -> tuple[pd.DataFrame, list[str]]:
    """The treaty-membership columns for the rows ``index`` (the UNCT rows ``unct``, then states), and a report.

    Every row holds its own treaty record. A territory whose treaties apply
    through another state (``through``) is not a party itself, so its treaties
    in force are left blank and ``treaties_apply_through`` names the state: the
    criteria file's ``territory_rule`` applies the state's value, and says so.
    Its own accessions stay its own (none), since the state's accessions are
    not evidence of WIPO's work in the territory.
    """
    wide = read_csv_text(data_dir / TREATY_FILE).set_index("iso3")
    if sorted(wide.index) != sorted(unct):
        raise ValueError(f"{TREATY_FILE}: should have one row per UNCT iso3, but its iso3 differ")
    long = read_csv_text(data_dir / TREATY_LONG_FILE)
    in_force, joined = treaty_events(long)
    latest = latest_accessions(long)
    for iso3, row in wide.iterrows():
        own = [c for c in TREATY_NAMES if row[f"{c.lower()}_status"] == "in_force"]
        if own != in_force.get(str(iso3), []) or int(row["n_wipo_treaties_in_force"]) != len(own):
            raise ValueError(f"{TREATY_FILE}: {iso3}: treaties in force should match the long file, but they differ")
        if int(row["n_joined_since_2015"]) != len(joined.get(str(iso3), [])):
            raise ValueError(f"{TREATY_FILE}: {iso3}: n_joined_since_2015 should match the long file, but it differs")
        if row["latest_accession_date"] != latest.get(str(iso3), ("", ""))[0]:
            raise ValueError(f"{TREATY_FILE}: {iso3}: latest_accession_date should match the long file, but it differs")
    out = pd.DataFrame(index=index, columns=COLUMNS[COLUMNS.index("pct_in_force") : COLUMNS.index("workspace_id")])
    oapi = wide["madrid_via_oapi"].map({"True": "yes", "False": "no"})
    for iso3 in index:
        state = through.get(str(iso3))
        force = in_force.get(str(iso3), [])
        if state and force + joined.get(str(iso3), []):
            raise ValueError(f"{TREATY_FILE}: {iso3} is a territory of {state} but has treaties of its own")
        events = joined.get(str(iso3), [])
        date, code = latest.get(str(iso3), ("", ""))
        if iso3 in wide.index and code != wide.loc[iso3, "latest_accession_treaty"]:
            code = wide.loc[iso3, "latest_accession_treaty"]  # same date, several treaties: the source's choice
        blank = "" if state else None
        out.loc[iso3] = [
            blank if blank is not None else ("yes" if "PCT" in force else "no"),
            blank if blank is not None else ("yes" if "MADRID_P" in force else "no"),
            oapi.get(iso3, "no"),
            blank if blank is not None else str(len(force)),
            str(len(events)),
            date[:4],
            TREATY_NAMES[code] if code else "",
            "; ".join(TREATY_NAMES[c] for c in force),
            "; ".join(f"{TREATY_NAMES[c]} {d}" for d, c in events),
            state or "",
        ]
    report = [
        f"WIPO treaties: {len(wide)} UNCT rows; treaties apply through another state for {len(through)}: "
        + ", ".join(f"{k} via {v}" for k, v in sorted(through.items()))
        + f"; rows added for those states (no UNCT): {sorted(set(index) - set(unct))}"
    ]
    return out, report


def apply_ldc_graduations(ldc: pd.Series, graduations: pd.DataFrame) -> tuple[pd.Series, list[str]]:
    """Set ``ldc`` to "no" for the graduations marked ``applied`` = yes in the list.

    >>> g = pd.DataFrame({"iso3": ["STP", "SLB"], "status": ["graduated", "deferred"],
    ...                   "date": ["2024-12-13", "2027-12-13"], "applied": ["yes", "no"]})
    >>> out, _ = apply_ldc_graduations(pd.Series({"STP": "yes", "SLB": "yes"}), g)
    >>> out.to_dict()
    {'STP': 'no', 'SLB': 'yes'}
    """
    out = ldc.copy()
    report = []
    for row in graduations.itertuples(index=False):
        if row.iso3 not in out.index:
            raise ValueError(f"{LDC_GRADUATIONS.name}: iso3 should be a UNCT row, but it is {row.iso3!r}")
        if row.applied not in {"yes", "no"} or (row.applied == "yes") != (row.status == "graduated"):
            raise ValueError(f"{LDC_GRADUATIONS.name}: {row.iso3}: applied should be yes exactly when graduated")
        if row.applied == "yes":
            report.append(f"{row.iso3} graduated {row.date}: ldc {out[row.iso3]} -> no")
            out[row.iso3] = "no"
        else:
            report.append(f"{row.iso3} {row.status} ({row.date}): ldc stays {out[row.iso3]}")
    return out, report


def build_countries(data_dir: Path) -> tuple[pd.DataFrame, list[str]]:
    """Join the real sources onto the UNCT list; return the table and a report."""
    report: list[str] = []
    unct = read_csv_text(data_dir / UNCT_FILE).sort_values("iso3", ignore_index=True)
    if unct["iso3"].duplicated().any() or len(unct) != 162:
        raise ValueError(f"{UNCT_FILE}: should hold 162 distinct iso3, but it has {len(unct)} rows")
    out = pd.DataFrame(
        {
            "iso3": unct["iso3"],
            "uninfo_name": unct["uninfo_name"],
            "workspace_id": unct["uninfo_workspace_id"],
            "workspace_shared_by_n": unct["workspace_shared_by_n"],
            "has_unct": "yes",
        }
    ).set_index("iso3", drop=False)

    codes = read_csv_text(data_dir / CODES_FILE).set_index("ISO3166-1-Alpha-3", drop=False)
    # The states through which territories' treaties apply get rows of their own (no UNCT, so not
    # ranked), after the 162: the criteria's territory_rule reads their values from there.
    through = territory_states(codes, out.index)
    states = sorted(set(through.values()) - set(out.index))
    extra = pd.DataFrame({"iso3": states, "uninfo_name": "", "workspace_id": "", "workspace_shared_by_n": ""})
    out = pd.concat([out, extra.assign(has_unct="no").set_index("iso3", drop=False)])
    in_codes = out.index.intersection(codes.index)
    dh = codes.loc[in_codes]
    out.loc[in_codes, "name"] = pd.Series(
        [
            un_short_name(iso3, short, cldr)
            for iso3, short, cldr in zip(in_codes, dh["UNTERM English Short"], dh["CLDR display name"], strict=True)
        ],
        index=in_codes,
    )
    out.loc[in_codes, "m49"] = dh["M49"]
    out.loc[in_codes, "region"] = dh["Region Name"]
    out.loc[in_codes, "sub_region"] = dh["Sub-region Name"]
    out.loc[in_codes, "ldc"] = dh["Least Developed Countries (LDC)"].map(yes_no)
    out.loc[in_codes, "lldc"] = dh["Land Locked Developing Countries (LLDC)"].map(yes_no)
    out.loc[in_codes, "sids"] = dh["Small Island Developing States (SIDS)"].map(yes_no)
    if "XKX" in out.index and "XKX" not in codes.index:
        for column, value in KOSOVO.items():
            out.loc["XKX", column] = value
    ldc, ldc_report = apply_ldc_graduations(out["ldc"], read_csv_text(LDC_GRADUATIONS))
    out["ldc"] = ldc
    report.append("LDC graduations (scripts/ldc_graduations.csv): " + "; ".join(ldc_report))
    name = out["name"].fillna("")
    out["name"] = name.where(name != "", out["uninfo_name"])
    not_in_codes = sorted(set(out.index) - set(codes.index))
    report.append(
        f"datahub country-codes: {len(in_codes)} of {len(out)} matched; "
        f"not in file: {not_in_codes} (region set by hand for XKX)"
    )

    denoms = read_csv_text(data_dir / DENOMS_FILE).set_index("uCode")
    unknown = set(denoms["Income_Group"]) - INCOME_GROUPS - {""}
    if unknown:
        raise ValueError(f"{DENOMS_FILE}: Income_Group should be one of {INCOME_GROUPS}, but it has {sorted(unknown)}")
    in_denoms = out.index.intersection(denoms.index)
    out.loc[in_denoms, "income_group"] = denoms.loc[in_denoms, "Income_Group"]
    out.loc[in_denoms, "population"] = denoms.loc[in_denoms, "Population"].map(format_integer)
    report.append(
        f"WorldDenoms: {len(in_denoms)} of {len(out)} matched; "
        f"not in file: {sorted(set(out.index) - set(denoms.index))}"
    )

    wipo = read_csv_text(data_dir / WIPO_FILE).set_index("iso3")
    out["wipo_external_office"] = ["yes" if c in wipo.index else "no" for c in out.index]
    hosts = out.index.intersection(wipo.index)
    out.loc[hosts, "wipo_office_status"] = wipo.loc[hosts, "verification"]
    report.append(
        f"WIPO external offices: {len(hosts)} hosts in the UNCT list {list(hosts)}; "
        f"hosts without a UNCT: {sorted(set(wipo.index) - set(out.index))}"
    )

    finance = read_csv_text(data_dir / FINANCE_FILE).set_index("iso3")
    finance = finance[finance["cf2025_in_finance_file"] == "yes"]
    in_fin = out.index.intersection(finance.index)
    fin = finance.loc[in_fin]
    out.loc[in_fin, "cf2025_required_usd"] = fin["cf2025_required_usd_sum_over_sdgs"].map(format_integer)
    out.loc[in_fin, "cf2025_available_usd"] = fin["cf2025_available_usd_sum_over_sdgs"].map(format_integer)
    out.loc[in_fin, "cf2025_sdg9_required_usd"] = fin["cf2025_sdg9_required_usd"].map(format_integer)
    # A Series, not a list: pandas 2 fills the other rows of a new column with the text "nan" for a list.
    out.loc[in_fin, "cf2025_sdg9_share_of_required"] = fin["cf2025_sdg9_share_of_required"].map(
        lambda v: format_decimal(float(v), 4)
    )
    report.append(f"UN INFO CF finance 2025: {len(in_fin)} of {len(out)} in the export")

    owid = read_csv_text(data_dir / OWID_FILE)
    index, ambiguous = datahub_name_index(codes)
    entities = sorted(owid["Entity"].unique())
    matched = match_owid_entities(entities, index)
    owid["iso3"] = owid["Entity"].map(matched)
    owid = owid[owid["iso3"].isin(out.index)]
    for column, prefix in ((OWID_RES, "patent_res"), (OWID_NONRES, "patent_nonres")):
        latest = latest_rate(owid, column)
        out.loc[latest.index, f"{prefix}_per_million"] = latest["value"]
        out.loc[latest.index, f"{prefix}_year"] = latest["year"]
    unct_entities = sorted(e for e, c in matched.items() if c in out.index)
    report.append(
        f"OWID entities: {len(entities)}; matched to ISO3: {len(matched)} "
        f"({len(unct_entities)} UNCT members, aliases used: {sorted(OWID_ALIASES)})"
    )
    report.append(f"OWID entities left unmatched (aggregates or non-UNCT): {sorted(set(entities) - set(matched))}")
    report.append(f"UNCT members with no OWID entity: {sorted(set(out.index) - set(matched.values()))}")
    if ambiguous:
        report.append(f"datahub names dropped as ambiguous: {ambiguous}")

    treaties, treaty_report = treaty_columns(data_dir, through, out.index, out.index[: len(unct)])
    out[treaties.columns] = treaties
    report.extend(treaty_report)

    # The user's own rating: blank, so the criteria leave it out until it is filled.
    out["wipo_engagement"] = ""
    out["illustrative_gov_ip_interest"] = illustrative_interest(len(unct)) + [""] * len(states)

    table = out.reset_index(drop=True).reindex(columns=COLUMNS).fillna("").astype(str)
    coverage = {c: int((table[c][: len(unct)] != "").sum()) for c in COLUMNS}
    report.append("coverage (non-blank of the 162 UNCT rows): " + ", ".join(f"{c}={n}" for c, n in coverage.items()))
    return table, report


def write_table(table: pd.DataFrame, out: Path) -> None:
    """Write the table as UTF-8 (no BOM) CSV with LF line endings."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        table.to_csv(handle, index=False, lineterminator="\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse options, build the table, write it and print the matching report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.data_dir.is_dir():
        print(
            f"Error: --data-dir {args.data_dir}: should be a directory, but it does not exist",
            file=sys.stderr,
        )
        return 2
    table, report = build_countries(args.data_dir)
    write_table(table, args.out)
    for line in report:
        print(line)
    print(f"wrote {len(table)} rows x {len(table.columns)} columns to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
