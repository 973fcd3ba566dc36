"""Tests for ``scorer.prepare.countries``: country codes and names typed by people.

``tests/data/unct_names.csv`` holds the columns ``uninfo_name`` and ``iso3``
of ``unct_countries_uninfo_2026.csv`` (shared/data/real/unct_uninfo_workspaces):
the 162 country and territory names of the UN INFO workspaces, as published by
UN INFO (api.uninfo.org) and kept in github.com/UN-EOSG-Analytics/
un-system-chart-navigator, data/processed/workspace_ids.json at commit
0e67a91bb8223810cb981101f8a1a79945582dec; iso3 added with country_converter
1.3.2, AIA and XKX by hand. The expected names in other languages are the
UNTERM names (unterm.un.org) carried by the datahub country-codes table.
"""

from __future__ import annotations

import importlib.util
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorer.errors import DataError
from scorer.prepare.countries import (
    TABLE_COLUMNS,
    CountryResolver,
    default_resolver,
    fold_name,
    load_country_table,
    normalize_name,
)

REPO = Path(__file__).resolve().parent.parent
UNCT_NAMES = Path(__file__).resolve().parent / "data" / "unct_names.csv"
BUILD_SCRIPT = REPO / "scripts" / "build_country_names.py"
SOURCE = (REPO / ".." / "shared" / "data" / "real" / "datahub_country_codes").resolve() / "country-codes.csv"


@pytest.fixture(scope="module")
def resolver() -> CountryResolver:
    return default_resolver()


def error_of(resolver: CountryResolver, text: object) -> str:
    with pytest.raises(DataError) as caught:
        resolver.resolve(text)
    assert len(caught.value.problems) == 1
    return str(caught.value)


ENGLISH = [
    ("Côte d'Ivoire", "CIV"),
    ("Cote d'Ivoire", "CIV"),
    ("Ivory Coast", "CIV"),
    ("Türkiye", "TUR"),
    ("Turkiye", "TUR"),
    ("Turkey", "TUR"),
    ("Viet Nam", "VNM"),
    ("Vietnam", "VNM"),
    ("Bolivia (Plurinational State of)", "BOL"),
    ("Bolivia", "BOL"),
    ("Democratic Republic of the Congo", "COD"),
    ("DR Congo", "COD"),
    ("DRC", "COD"),
    ("Congo, Dem. Rep.", "COD"),
    ("Congo, Rep.", "COG"),
    ("Republic of the Congo", "COG"),
    ("Lao People's Democratic Republic", "LAO"),
    ("Laos", "LAO"),
    ("Lao PDR", "LAO"),
    ("Kosovo", "XKX"),
    ("the Islamic Republic of Afghanistan", "AFG"),
    ("Egypt, Arab Rep.", "EGY"),
    ("Iran, Islamic Rep.", "IRN"),
    ("Korea, Rep.", "KOR"),
    ("Korea, Dem. People's Rep.", "PRK"),
    ("Micronesia, Fed. Sts.", "FSM"),
    ("Venezuela, RB", "VEN"),
    ("Yemen, Rep.", "YEM"),
    ("Gambia, The", "GMB"),
    ("Bahamas, The", "BHS"),
    ("St. Lucia", "LCA"),
    ("Kyrgyz Republic", "KGZ"),
    ("Slovak Republic", "SVK"),
    ("West Bank and Gaza", "PSE"),
    ("occupied Palestinian territory", "PSE"),
    ("Swaziland", "SWZ"),
    ("Cape Verde", "CPV"),
    ("Burma", "MMR"),
    ("East Timor", "TLS"),
    ("Macedonia", "MKD"),
    ("North Macedonia", "MKD"),
    ("Czech Republic", "CZE"),
    ("Venezuela", "VEN"),
    ("Tanzania", "TZA"),
    ("Syria", "SYR"),
    ("Moldova", "MDA"),
    ("Russia", "RUS"),
    ("Iran", "IRN"),
    ("South Korea", "KOR"),
    ("North Korea", "PRK"),
    ("Micronesia", "FSM"),
    ("Brunei", "BRN"),
    ("UAE", "ARE"),
    ("UK", "GBR"),
    ("USA", "USA"),
    ("United States", "USA"),
    ("United Kingdom", "GBR"),
    ("Anguilla (United Kingdom)", "AIA"),
]
FRENCH = [
    ("Algérie", "DZA"),
    ("Côte d\u2019Ivoire", "CIV"),
    ("République démocratique du Congo", "COD"),
    ("Afghanistan (l')", "AFG"),
    ("la République islamique d'Afghanistan", "AFG"),
    ("Turquie", "TUR"),
    ("Kosovo", "XKX"),
    ("Royaume-Uni", "GBR"),
]
SPANISH = [
    ("Perú", "PER"),
    ("Peru", "PER"),
    ("Afganistán (el)", "AFG"),
    ("Turquía", "TUR"),
    ("Costa de Marfil", "CIV"),
    ("Kosovo", "XKX"),
    ("República Democrática del Congo", "COD"),
]
RUSSIAN = [
    ("Афганистан", "AFG"),
    ("Турция", "TUR"),
    ("Кот-д'Ивуар", "CIV"),
    ("Демократическая Республика Конго", "COD"),
    ("Косово", "XKX"),
    ("Россия", "RUS"),
]
CHINESE = [
    ("阿富汗", "AFG"),
    ("土耳其", "TUR"),
    ("科特迪瓦", "CIV"),
    ("刚果民主共和国", "COD"),
    ("刚果\uff08金\uff09", "COD"),
    ("科索沃", "XKX"),
    ("中国", "CHN"),
]
ARABIC = [
    ("أفغانستان", "AFG"),
    ("تركيا", "TUR"),
    ("كوت ديفوار", "CIV"),
    ("جمهورية الكونغو الديمقراطية", "COD"),
    ("كوسوفو", "XKX"),
]
CODES: list[tuple[object, str]] = [
    ("AFG", "AFG"),
    ("afg", "AFG"),
    (" AFG ", "AFG"),
    ("AF", "AFG"),
    ("af", "AFG"),
    ("NA", "NAM"),
    ("na", "NAM"),
    ("XKX", "XKX"),
    ("XK", "XKX"),
    (4, "AFG"),
    ("4", "AFG"),
    ("004", "AFG"),
    (np.int64(4), "AFG"),
    (4.0, "AFG"),
    (np.float32(4.0), "AFG"),
    (180, "COD"),
    ("178", "COG"),
]
MESSY = [
    ("  Viet\u00a0\u00a0Nam ", "VNM"),
    ("VIET NAM", "VNM"),
    ("côte d`ivoire", "CIV"),
    ("Côte d\u02bcIvoire", "CIV"),
    ("\ufeffAlgeria", "DZA"),
    ("Kosovo*", "XKX"),
    ("St Lucia", "LCA"),
    ("Trinidad & Tobago", "TTO"),
    ("Guinea Bissau", "GNB"),
    ("Guinea\u2013Bissau", "GNB"),
    ("The Gambia", "GMB"),
    ("Bahamas (the)", "BHS"),
    ("Sao Tome and Principe", "STP"),
]


@pytest.mark.parametrize(
    ("text", "iso3"),
    ENGLISH + FRENCH + SPANISH + RUSSIAN + CHINESE + ARABIC + CODES + MESSY,
)
def test_resolve(resolver: CountryResolver, text: object, iso3: str) -> None:
    assert resolver.resolve(text) == iso3


def test_congo_alone_is_ambiguous(resolver: CountryResolver) -> None:
    assert error_of(resolver, "Congo") == (
        '"Congo" is ambiguous: it could be COG (Congo) or COD (Democratic '
        "Republic of the Congo); write the ISO3 code or the full name"
    )


@pytest.mark.parametrize("text", ["congo", "Конго", "刚果", "الكونغو", "Congo (le)"])
def test_congo_is_ambiguous_in_every_language(resolver: CountryResolver, text: str) -> None:
    message = error_of(resolver, text)
    assert "is ambiguous: it could be COG (Congo) or COD (" in message


def test_korea_alone_is_ambiguous(resolver: CountryResolver) -> None:
    message = error_of(resolver, "Korea")
    assert "KOR (Republic of Korea) or PRK (" in message


def test_accent_stripping_ambiguity_yields_to_exact_match() -> None:
    table = pd.DataFrame(
        [
            ("AAA", "AA", "1", "Ruritània", "en", "Ruritània"),
            ("BBB", "BB", "2", "Rüritania", "en", "Rüritania"),
        ],
        columns=list(TABLE_COLUMNS),
    )
    resolver = CountryResolver(table)
    assert resolver.resolve("ruritània") == "AAA"
    assert resolver.resolve("RÜRITANIA") == "BBB"
    assert "could be AAA (Ruritània) or BBB (Rüritania)" in error_of(resolver, "Ruritania")


def test_unknown_name_lists_closest(resolver: CountryResolver) -> None:
    message = error_of(resolver, "Afghanstan")
    assert message.startswith('"Afghanstan" is not a known country or territory; ')
    assert "closest: Afghanistan (AFG)" in message
    assert message.endswith("; use an ISO3 code")


def test_unknown_name_without_close_match(resolver: CountryResolver) -> None:
    assert error_of(resolver, "Qwxz Jjkq Vvv") == (
        '"Qwxz Jjkq Vvv" is not a known country or territory; use an ISO3 code'
    )


def test_atlantis_is_unknown(resolver: CountryResolver) -> None:
    message = error_of(resolver, "Atlantis")
    assert message.startswith('"Atlantis" is not a known country or territory;')


def test_unknown_m49_code(resolver: CountryResolver) -> None:
    assert error_of(resolver, "999") == ('"999" is not a known M49 country code; use an ISO3 code')


@pytest.mark.parametrize("empty", ["", "   ", "\u00a0", None, float("nan"), pd.NA])
def test_empty_cell(resolver: CountryResolver, empty: object) -> None:
    assert error_of(resolver, empty) == ("the country should be an ISO3 code or a name, but it is empty")


def test_resolve_many_collects_every_problem(resolver: CountryResolver) -> None:
    values = ["AFG", "Congo", "Atlantis", None, "Perú", "999"]
    codes, problems = resolver.resolve_many(values, rows=[2, 3, 4, 5, 6, 7], column="country")
    assert codes == ["AFG", None, None, None, "PER", None]
    assert [(p.row, p.code) for p in problems] == [
        (3, "data.country_ambiguous"),
        (4, "data.country_unknown"),
        (5, "data.country_missing"),
        (7, "data.country_unknown"),
    ]
    assert {p.column for p in problems} == {"country"}
    assert problems[0].value == "Congo"
    summary = DataError(problems).summary()
    assert summary.startswith("4 problems:\nrow 3: column 'country': \"Congo\" is")


def test_resolve_many_defaults_to_one_based_rows(resolver: CountryResolver) -> None:
    codes, problems = resolver.resolve_many(["Atlantis", "AFG", "Congo"])
    assert codes == [None, "AFG", None]
    assert [p.row for p in problems] == [1, 3]
    assert problems[0].column is None


def test_resolve_many_rejects_rows_of_wrong_length(
    resolver: CountryResolver,
) -> None:
    with pytest.raises(ValueError, match="rows should have 2 numbers"):
        resolver.resolve_many(["AFG", "PER"], rows=[1])


def test_name_of(resolver: CountryResolver) -> None:
    assert resolver.name_of("COD") == "Democratic Republic of the Congo"
    assert resolver.name_of("cog") == "Congo"
    assert resolver.name_of("XKX") == "Kosovo"
    assert resolver.name_of("CIV") == "Côte d'Ivoire"
    assert resolver.name_of("TUR") == "Türkiye"
    assert resolver.name_of("BHS") == "Bahamas"
    with pytest.raises(DataError, match="'ZZZ' should be a known ISO3 code"):
        resolver.name_of("ZZZ")


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        ({"score": [1.5, 2.0, 3.0], "Pays": ["Algérie", "Pérou", "Tchad"]}, "Pays"),
        ({"Country name": ["Peru", "Chad"], "ISO3": ["PER", "TCD"]}, "ISO3"),
        ({"notes": ["ok", "x"], "страна": ["Перу", "Чад"]}, "страна"),
        ({"国家": ["秘鲁", "乍得"], "value": [1, 2]}, "国家"),
        ({"البلد": ["بيرو", "تشاد"], "value": [1, 2]}, "البلد"),
        ({"país": ["Perú", "Chad", "Atlantis"], "x": ["a", "b", "c"]}, "país"),
        ({"country": ["a", "b", "c"], "where": ["Peru", "Chad", "Mali"]}, "where"),
        ({"rank": [1, 2, 3], "name": ["Peru", "Chad", None]}, "name"),
        ({"value": [0.5, 1.5], "label": ["foo", "bar"]}, None),
    ],
)
def test_detect_id_column(resolver: CountryResolver, columns: dict[str, list[object]], expected: str | None) -> None:
    assert resolver.detect_id_column(pd.DataFrame(columns)) == expected


def test_detect_id_column_with_duplicate_headers(resolver: CountryResolver) -> None:
    sheet = pd.DataFrame([[1, "Peru", "x"], [2, "Chad", "y"]], columns=["n", "country", "country"])
    assert resolver.detect_id_column(sheet) == "country"


def test_detect_id_column_on_empty_frame(resolver: CountryResolver) -> None:
    assert resolver.detect_id_column(pd.DataFrame()) is None


def test_every_unct_name_resolves_except_bare_congo(
    resolver: CountryResolver,
) -> None:
    """All UN INFO names resolve, except plain "Congo": ambiguous by design.

    UN INFO calls COG plain "Congo" (the UN short name), but people also
    write it for COD, so the resolver asks instead of guessing.
    """
    unct = pd.read_csv(UNCT_NAMES, dtype=str, keep_default_na=False)
    assert len(unct) == 162
    codes, problems = resolver.resolve_many(unct["uninfo_name"].tolist(), rows=range(2, 164))
    congo = unct.index[unct["uninfo_name"] == "Congo"].tolist()
    assert [(p.row, p.code) for p in problems] == [(congo[0] + 2, "data.country_ambiguous")]
    assert "COG (Congo)" in problems[0].message
    expected = [None if name == "Congo" else iso3 for name, iso3 in zip(unct["uninfo_name"], unct["iso3"], strict=True)]
    assert codes == expected


def test_seed_table_id_column_is_iso3(resolver: CountryResolver) -> None:
    seeds = REPO / "seeds" / "countries.csv"
    if not seeds.exists():
        pytest.skip("no seeds/countries.csv")
    table = pd.read_csv(seeds, dtype=str, keep_default_na=False)
    assert resolver.detect_id_column(table) == "iso3"


def test_every_table_name_resolves_to_its_country(resolver: CountryResolver) -> None:
    table = load_country_table()
    owners = table.groupby(table["name"].map(normalize_name))["iso3"].agg(set)
    for iso3, name in zip(table["iso3"], table["name"], strict=True):
        if len(owners[normalize_name(name)]) > 1:
            assert "is ambiguous" in error_of(resolver, name), name
        else:
            assert resolver.resolve(name) == iso3, name
            assert resolver.resolve(name.upper()) == iso3, name


def test_bundled_table_shape() -> None:
    table = load_country_table()
    assert tuple(table.columns) == TABLE_COLUMNS
    assert table.loc[table["iso3"] == "NAM", "iso2"].iloc[0] == "NA"
    assert table["iso3"].str.fullmatch("[A-Z]{3}").all()
    assert table["m49"].str.fullmatch("[0-9]{0,3}").all()
    assert not table.duplicated(["iso3", "language", "name"]).any()
    assert set(table["language"]) == {"en", "fr", "es", "ru", "zh", "ar"}
    keys = list(zip(table["iso3"], table["language"], table["name"], strict=True))
    assert keys == sorted(keys)
    kosovo = table[table["iso3"] == "XKX"]
    assert set(kosovo["language"]) == {"en", "fr", "es", "ru", "zh", "ar"}


def test_load_country_table_returns_a_copy() -> None:
    table = load_country_table()
    table.loc[:, "name"] = ""
    assert (load_country_table()["name"] != "").all()


@pytest.mark.skipif(not SOURCE.exists(), reason="shared source data not present")
def test_build_script_reproduces_bundled_table(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("build_country_names", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "names.csv"
    assert script.main(["--source", str(SOURCE), "--out", str(out)]) == 0
    bundled = REPO / "scorer" / "data" / "country_names.csv"
    assert out.read_bytes() == bundled.read_bytes()


def test_normalize_name() -> None:
    assert normalize_name("Bahamas (the)") == "bahamas"
    assert normalize_name("Gambia, The") == "gambia"
    assert normalize_name("l'État de Palestine *") == "état de palestine"
    assert normalize_name("Côte d\u2019Ivoire") == normalize_name("Côte d'Ivoire")
    assert normalize_name("the") == "the"
    assert fold_name("Côte d\u2019Ivoire") == fold_name("Cote d'Ivoire")
    assert fold_name("Türkiye") != fold_name("Turkey")


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_resolve_returns_a_code_or_raises_data_error(value: object) -> None:
    try:
        code = default_resolver().resolve(value)
    except DataError as error:
        assert len(error.problems) == 1
    else:
        assert len(code) == 3 and code.isascii() and code.isupper()


@given(st.sampled_from(ENGLISH + FRENCH + SPANISH + RUSSIAN + CHINESE + ARABIC))
def test_case_spacing_and_accents_do_not_matter(pair: tuple[str, str]) -> None:
    text, iso3 = pair
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    for variant in (text.upper(), f"  {text.lower()}\u00a0", bare):
        assert default_resolver().resolve(variant) == iso3, variant


def test_closest_hints_are_capped_and_the_rest_still_reported() -> None:
    # issue 18: the fuzzy "closest:" search runs only for the first `hints` unknown values
    codes, problems = default_resolver().resolve_many(["Frnace", "PER", "Frnace", "Frnace"], hints=2)
    assert codes == [None, "PER", None, None]
    assert [p.row for p in problems] == [1, 3, 4]
    assert [("closest: France (FRA)" in p.message) for p in problems] == [True, True, False]
    assert problems[2].message == '"Frnace" is not a known country or territory; use an ISO3 code'
