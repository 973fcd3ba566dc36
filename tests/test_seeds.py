"""Tests for the demo table ``seeds/countries.csv`` and its build script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_CSV = REPO / "seeds" / "countries.csv"
SCRIPT = REPO / "scripts" / "build_countries.py"
DATA_DIR = (REPO / ".." / "shared" / "data" / "real").resolve()
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
    "workspace_id",
    "workspace_shared_by_n",
    "has_unct",
    "illustrative_wipo_engagement",
    "illustrative_gov_ip_interest",
]
ILLUSTRATIVE = ["illustrative_wipo_engagement", "illustrative_gov_ip_interest"]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """The committed table, every cell as text, blanks as ""."""
    return pd.read_csv(SEED_CSV, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def by_iso3(table: pd.DataFrame) -> pd.DataFrame:
    """The committed table indexed by iso3."""
    return table.set_index("iso3")


def test_rows_are_the_162_unct_countries(table: pd.DataFrame) -> None:
    assert len(UNCT_ISO3) == 162
    assert table["iso3"].is_unique
    assert table["iso3"].tolist() == sorted(UNCT_ISO3)


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


def test_illustrative_columns_follow_the_documented_recipe(table: pd.DataFrame) -> None:
    """Re-draw the columns exactly as seeds/countries.md describes them."""
    n = len(table)
    rng = np.random.default_rng(20210816)
    engagement = rng.choice(["none", "low", "medium", "high"], size=n, p=[0.35, 0.35, 0.2, 0.1])
    interest = rng.choice(["none", "expressed", "requested", "included"], size=n, p=[0.5, 0.3, 0.15, 0.05])
    engagement = np.where(rng.random(n) < 0.06, "", engagement)
    interest = np.where(rng.random(n) < 0.06, "", interest)
    assert table["illustrative_wipo_engagement"].tolist() == engagement.tolist()
    assert table["illustrative_gov_ip_interest"].tolist() == interest.tolist()
    assert (table["illustrative_wipo_engagement"] == "").sum() > 0
    assert (table["illustrative_gov_ip_interest"] == "").sum() > 0


def test_flag_columns_hold_yes_or_no(table: pd.DataFrame) -> None:
    for column in ["ldc", "lldc", "sids", "wipo_external_office", "has_unct"]:
        assert set(table[column]) <= {"yes", "no"}, column
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
