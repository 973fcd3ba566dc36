"""Tests for the demo table ``seeds/countries.csv`` and its build script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_CSV = REPO / "seeds" / "countries.csv"
SCRIPT = REPO / "scripts" / "build_countries.py"
# The shared source data sits beside the repository; UNCT_SHARED_DATA points elsewhere
# (e.g. from a git worktree).
DATA_DIR = Path(os.environ.get("UNCT_SHARED_DATA", REPO / ".." / "shared" / "data" / "real")).resolve()
LDC_GRADUATIONS = REPO / "scripts" / "ldc_graduations.csv"
TREATY_FILE = DATA_DIR / "wipo_treaty_membership" / "wipo_treaty_membership_unct.csv"
UNCT_FILE = DATA_DIR / "unct_uninfo_workspaces" / "unct_countries_uninfo_2026.csv"

# The 162 iso3 codes of unct_countries_uninfo_2026.csv (UN INFO workspaces,
# early 2026), copied here so the check also runs without the shared data.
UNCT_ISO3_TEXT = """
ABW AFG AGO AIA ALB ARE ARG ARM ATG AZE BDI BEN BFA BGD BHR BHS BIH BLR BLZ BMU
BOL BRA BRB BRN BTN BWA CAF CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW
CYM DJI DMA DOM DZA ECU EGY ERI ETH FJI FSM GAB GEO GHA GIN GMB GNB GNQ GRD GTM
GUY HND HTI IDN IND IRN IRQ JAM JOR KAZ KEN KGZ KHM KIR KNA KWT LAO LBN LBR LBY
LCA LKA LSO MAR MDA MDG MDV MEX MHL MKD MLI MMR MNE MNG MOZ MRT MSR MUS MWI MYS
NAM NER NGA NIC NIU NPL NRU PAK PAN PER PHL PLW PNG PRK PRY PSE RWA SAU SDN SEN
SGP SLB SLE SLV SOM SRB SSD STP SUR SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM
TLS TON TTO TUN TUR TUV TZA UGA UKR URY UZB VCT VEN VGB VNM VUT WSM XKX YEM ZAF
ZMB ZWE
"""
UNCT_ISO3 = UNCT_ISO3_TEXT.split()

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
ILLUSTRATIVE = ["illustrative_gov_ip_interest"]
# Territories whose treaties apply through another state (datahub is_independent, 2023).
THROUGH = {
    "ABW": "NLD",
    "CUW": "NLD",
    "SXM": "NLD",
    "AIA": "GBR",
    "BMU": "GBR",
    "CYM": "GBR",
    "MSR": "GBR",
    "TCA": "GBR",
    "VGB": "GBR",
    "TKL": "NZL",
}


STATES = ["GBR", "NLD", "NZL"]  # the rows after the 162: the states of THROUGH, without a UNCT


@pytest.fixture(scope="module")
def full() -> pd.DataFrame:
    """The committed table, every cell as text, blanks as ""."""
    return pd.read_csv(SEED_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def table(full: pd.DataFrame) -> pd.DataFrame:
    """The 162 UNCT rows of the committed table."""
    return full[full["has_unct"] == "yes"].reset_index(drop=True)


@pytest.fixture(scope="module")
def by_iso3(full: pd.DataFrame) -> pd.DataFrame:
    """The committed table (with the states' rows) indexed by iso3."""
    return full.set_index("iso3")


def test_rows_are_the_162_unct_countries_then_the_territories_states(full: pd.DataFrame) -> None:
    assert len(UNCT_ISO3) == 162
    assert full["iso3"].is_unique
    assert full["iso3"].tolist() == sorted(UNCT_ISO3) + STATES
    assert full["has_unct"].tolist() == ["yes"] * 162 + ["no"] * 3
    assert sorted(set(THROUGH.values())) == STATES


def test_columns_are_in_the_documented_order(table: pd.DataFrame) -> None:
    assert table.columns.tolist() == COLUMNS


def test_file_is_utf8_lf_without_bom() -> None:
    raw = SEED_CSV.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert b"\r" not in raw
    assert raw.endswith(b"\n")
    raw.decode("utf-8")


def test_rebuild_gives_identical_bytes(tmp_path: Path) -> None:
    if not DATA_DIR.is_dir():
        pytest.skip(f"shared source data not present at {DATA_DIR} (e.g. a clean CI clone)")
    out = tmp_path / "countries.csv"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--data-dir", str(DATA_DIR), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == SEED_CSV.read_bytes()
    source = pd.read_csv(UNCT_FILE, dtype=str, keep_default_na=False)
    assert sorted(source["iso3"]) == sorted(UNCT_ISO3)


def test_only_illustrative_columns_have_the_prefix(table: pd.DataFrame) -> None:
    assert [c for c in table.columns if c.startswith("illustrative_")] == ILLUSTRATIVE
    assert [c for c in table.columns if "illustrative" in c] == ILLUSTRATIVE


def test_illustrative_column_follows_the_documented_recipe(table: pd.DataFrame) -> None:
    """Re-draw the column exactly as seeds/countries.md describes it (engagement draws made and discarded)."""
    n = len(table)
    rng = np.random.default_rng(20210816)
    rng.choice(["none", "low", "medium", "high"], size=n, p=[0.35, 0.35, 0.2, 0.1])
    interest = rng.choice(["none", "expressed", "requested", "included"], size=n, p=[0.5, 0.3, 0.15, 0.05])
    rng.random(n)
    interest = np.where(rng.random(n) < 0.06, "", interest)
    assert table["illustrative_gov_ip_interest"].tolist() == interest.tolist()
    assert (table["illustrative_gov_ip_interest"] == "").sum() == 10


def test_wipo_engagement_is_left_blank_for_the_user(table: pd.DataFrame) -> None:
    assert set(table["wipo_engagement"]) == {""}


def test_treaty_proxies_cover_the_152_parties_and_the_territories_are_blank(table: pd.DataFrame) -> None:
    """Coverage and counts as stated in seeds/countries.md (the 10 territories' own cells are blank)."""
    territory = table["iso3"].isin(list(THROUGH))
    for column in ["pct_in_force", "madrid_in_force"]:
        assert set(table.loc[~territory, column]) == {"yes", "no"}, column
        assert set(table.loc[territory, column]) == {""}, column
    assert set(table["madrid_via_oapi"]) == {"yes", "no"}
    assert (table["pct_in_force"] == "yes").sum() == 112
    assert (table["madrid_in_force"] == "yes").sum() == 70
    assert (table["madrid_via_oapi"] == "yes").sum() == 17
    assert not ((table["madrid_in_force"] == "yes") & (table["madrid_via_oapi"] == "yes")).any()
    assert table.loc[~territory, "n_wipo_treaties_in_force"].str.fullmatch(r"\d+").all()
    assert set(table.loc[territory, "n_wipo_treaties_in_force"]) == {""}
    assert table["n_wipo_treaties_joined_since_2015"].str.fullmatch(r"\d+").all()
    assert (table["latest_accession_year"] != "").sum() == 144
    assert (table["latest_accession_treaty"] != "").sum() == 144
    assert (table["n_wipo_treaties_joined_since_2015"] != "0").sum() == 104
    in_force = table["wipo_treaties_in_force"].map(lambda t: len(t.split("; ")) if t else 0)
    assert (in_force == table["n_wipo_treaties_in_force"].replace("", "0").astype(int)).all()
    joined = table["wipo_treaties_joined_since_2015"].map(lambda t: len(t.split("; ")) if t else 0)
    assert (joined == table["n_wipo_treaties_joined_since_2015"].astype(int)).all()


def test_territories_name_their_state_whose_treaties_the_rule_applies(by_iso3: pd.DataFrame) -> None:
    through = by_iso3["treaties_apply_through"]
    assert through[through != ""].to_dict() == dict(sorted(THROUGH.items()))
    # United Kingdom 13, Netherlands 11, New Zealand 9 treaties in force (long file, 2025-10-01)
    states = by_iso3.loc[STATES]
    assert states["n_wipo_treaties_in_force"].tolist() == ["13", "11", "9"]
    assert set(states["pct_in_force"]) == set(states["madrid_in_force"]) == {"yes"}
    assert set(states["has_unct"]) == {"no"} and set(states["illustrative_gov_ip_interest"]) == {""}
    for iso3 in THROUGH:
        row = by_iso3.loc[iso3]
        # the state's accessions are not the territory's: none of its own
        assert row["n_wipo_treaties_joined_since_2015"] == "0"
        assert row["latest_accession_year"] == row["wipo_treaties_joined_since_2015"] == ""
        assert row["n_wipo_treaties_in_force"] == row["wipo_treaties_in_force"] == ""
    # Cook Islands and Niue are parties themselves (datahub: "Associated with NZ")
    assert by_iso3.loc["COK", "treaties_apply_through"] == by_iso3.loc["NIU", "treaties_apply_through"] == ""
    assert by_iso3.loc["COK", "n_wipo_treaties_in_force"] == "5"


def test_scoring_the_demo_applies_each_states_treaties_to_its_territories() -> None:
    from scorer import demo_result

    result = demo_result()
    inherited = result.inherited.set_index("id")
    assert sorted(inherited.index) == sorted(THROUGH)
    assert inherited["state"].to_dict() == THROUGH
    counts = {"GBR": 13.0, "NLD": 11.0, "NZL": 9.0}
    for iso3, state in THROUGH.items():
        assert result.raw.loc[iso3, "treaties_in_force"] == counts[state]
        assert inherited.loc[iso3, "value"] == counts[state]
    assert inherited.loc["AIA", "how"] == (
        "value of GBR (United Kingdom of Great Britain and Northern Ireland) applied through column "
        "'treaties_apply_through' (territory_rule)"
    )
    assert sorted(result.exclusions["id"]) == STATES


def test_hand_checked_treaty_dates(by_iso3: pd.DataFrame) -> None:
    """Dates checked against the sources named in wipo_treaty_membership/PROVENANCE.md."""
    # S4: Cabo Verde joined the PCT and the Madrid Protocol on 2022-07-06
    cpv = by_iso3.loc["CPV"]
    assert "Madrid Protocol 2022-07-06; PCT 2022-07-06" in cpv["wipo_treaties_joined_since_2015"]
    assert (cpv["pct_in_force"], cpv["madrid_in_force"], cpv["latest_accession_year"]) == ("yes", "yes", "2022")
    # S2/S4: Jamaica PCT 2022-02-10 (jis.gov.jm), Madrid Protocol 2022-03-27
    assert by_iso3.loc["JAM", "wipo_treaties_joined_since_2015"].startswith(
        "PCT 2022-02-10; Madrid Protocol 2022-03-27"
    )
    # S4: Mauritius Madrid Protocol 2023-05-06, the latest Madrid accession in the source
    assert by_iso3.loc["MUS", "wipo_treaties_joined_since_2015"].endswith("Madrid Protocol 2023-05-06")
    assert (by_iso3.loc["MUS", "pct_in_force"], by_iso3.loc["MUS", "latest_accession_year"]) == ("no", "2023")
    # S3 corrected: Zambia's Madrid Protocol date is 2001-11-15
    assert (by_iso3.loc["ZMB", "madrid_in_force"], by_iso3.loc["ZMB", "latest_accession_year"]) == ("yes", "2001")
    # S1 spot-check: Kenya is party to the Nairobi Treaty (1982)
    assert "Nairobi" in by_iso3.loc["KEN", "wipo_treaties_in_force"].split("; ")
    # OAPI states: Madrid through OAPI, not as contracting parties
    assert (by_iso3.loc["SEN", "madrid_in_force"], by_iso3.loc["SEN", "madrid_via_oapi"]) == ("no", "yes")
    # Afghanistan: 7 treaties, all joined since 2015 (Berne instrument 2018-03-02)
    assert by_iso3.loc["AFG", "n_wipo_treaties_joined_since_2015"] == "7"
    assert "Berne 2018-03-02" in by_iso3.loc["AFG", "wipo_treaties_joined_since_2015"]


def test_treaty_columns_match_the_source_file(by_iso3: pd.DataFrame) -> None:
    if not TREATY_FILE.is_file():
        pytest.skip(f"shared source data not present at {DATA_DIR} (e.g. a clean CI clone)")
    source = pd.read_csv(TREATY_FILE, dtype=str, keep_default_na=False).set_index("iso3")
    own = by_iso3[(by_iso3["treaties_apply_through"] == "") & (by_iso3["has_unct"] == "yes")]
    src = source.loc[own.index]
    assert (own["n_wipo_treaties_in_force"] == src["n_wipo_treaties_in_force"]).all()
    assert (own["n_wipo_treaties_joined_since_2015"] == src["n_joined_since_2015"]).all()
    assert (own["latest_accession_year"] == src["latest_accession_date"].str[:4]).all()
    assert ((own["pct_in_force"] == "yes") == (src["pct_status"] == "in_force")).all()
    assert ((own["madrid_in_force"] == "yes") == (src["madrid_p_status"] == "in_force")).all()
    unct = by_iso3.index[by_iso3["has_unct"] == "yes"]
    assert ((by_iso3.loc[unct, "madrid_via_oapi"] == "yes") == (source.loc[unct, "madrid_via_oapi"] == "True")).all()


def test_ldc_flags_apply_the_cited_graduations(by_iso3: pd.DataFrame) -> None:
    graduations = pd.read_csv(LDC_GRADUATIONS, dtype=str, keep_default_na=False)
    assert graduations.columns.tolist() == ["iso3", "name", "status", "date", "applied", "source", "note"]
    assert (graduations["source"] != "").all()
    assert ((graduations["applied"] == "yes") == (graduations["status"] == "graduated")).all()
    applied = graduations.set_index("iso3")["applied"]
    assert applied.to_dict() == {"BTN": "yes", "STP": "yes", "SLB": "no", "BGD": "no", "LAO": "no", "NPL": "no"}
    for iso3, done in applied.items():
        assert by_iso3.loc[iso3, "ldc"] == ("no" if done == "yes" else "yes"), iso3
    # datahub's 2023 list had 45 LDCs; Sao Tome and Principe graduated on 2024-12-13 (UN DESA): 44 remain
    assert (by_iso3["ldc"] == "yes").sum() == 44


def test_flag_columns_hold_yes_or_no(table: pd.DataFrame) -> None:
    for column in ["ldc", "lldc", "sids", "wipo_external_office", "has_unct"]:
        assert set(table[column]) <= {"yes", "no"}, column
    for column in ["pct_in_force", "madrid_in_force"]:  # blank: a territory, whose state's value applies
        assert set(table[column]) <= {"yes", "no", ""}, column
    assert set(table["has_unct"]) == {"yes"}


def test_income_groups_are_world_bank_labels(table: pd.DataFrame) -> None:
    allowed = {
        "Low income",
        "Lower middle income",
        "Upper middle income",
        "High income",
        "",
    }
    assert set(table["income_group"]) <= allowed


def test_hand_checked_facts(by_iso3: pd.DataFrame) -> None:
    """Facts checked by hand against the source files and the WIPO paper."""
    # WIPO paper para. 6: WIPO External Office in Algeria.
    assert by_iso3.loc["DZA", "wipo_external_office"] == "yes"
    assert by_iso3.loc["DZA", "wipo_office_status"] == "confirmed selection (secondary sources)"
    assert by_iso3.loc["AFG", "ldc"] == "yes"
    assert by_iso3.loc["AFG", "lldc"] == "yes"
    assert by_iso3.loc["AFG", "income_group"] == "Low income"
    assert by_iso3.loc["AFG", "population"] == "38041754"
    assert by_iso3.loc["DZA", "patent_res_per_million"] == "2.232"
    assert by_iso3.loc["DZA", "patent_res_year"] == "2015"
    assert by_iso3.loc["KEN", "wipo_external_office"] == "no"
    assert by_iso3.loc["KEN", "wipo_office_status"] == ""


def test_kosovo_region_is_set_by_hand(by_iso3: pd.DataFrame) -> None:
    assert by_iso3.loc["XKX", "name"] == "Kosovo"
    assert by_iso3.loc["XKX", "region"] == "Europe"
    assert by_iso3.loc["XKX", "sub_region"] == "Southern Europe"
    assert by_iso3.loc["XKX", "m49"] == ""
    script = SCRIPT.read_text(encoding="utf-8")
    block = script[script.index("# Kosovo (XKX)") : script.index("KOSOVO = {")]
    assert "Europe / Southern Europe" in block
    assert '"region": "Europe"' in script
    assert '"sub_region": "Southern Europe"' in script


def test_finance_blank_means_not_in_export(by_iso3: pd.DataFrame) -> None:
    # COL is one of the 42 countries missing from UN INFO's finance export.
    assert by_iso3.loc["COL", "cf2025_required_usd"] == ""
    assert by_iso3.loc["AFG", "cf2025_required_usd"] == "2915482037"


def test_multi_country_offices_repeat_the_same_figures(by_iso3: pd.DataFrame) -> None:
    mco = by_iso3.loc[["BRN", "MYS", "SGP"]]
    assert set(mco["workspace_id"]) == {"26"}
    assert set(mco["workspace_shared_by_n"]) == {"3"}
    assert mco["cf2025_required_usd"].nunique() == 1


def test_wipo_hosts_without_unct_are_absent(by_iso3: pd.DataFrame) -> None:
    assert "JPN" not in by_iso3.index
    assert "RUS" not in by_iso3.index
    hosts = sorted(by_iso3.index[by_iso3["wipo_external_office"] == "yes"])
    assert hosts == ["BRA", "CHN", "COL", "DZA", "NGA", "SGP"]
