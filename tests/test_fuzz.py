"""Any bytes given as a spreadsheet and any YAML given as criteria end in a result or a ScorerError, never a crash.

A short run is part of the default test run; the long one (>= 10,000 examples
each) is marked slow and run by ``.ci/run`` (``pytest -m slow``).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import SMALL_CRITERIA, SMALL_SHEET
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer import read_countries, score_countries
from scorer.errors import ScorerError
from scorer.io.criteria_file import parse_criteria_text
from scorer.io.spreadsheet import parse_csv_text

CRITERIA = parse_criteria_text(SMALL_CRITERIA)
OUTCOMES: Counter[str] = Counter()

_csv_alphabet = st.sampled_from([*list("iso3,namelvfcrt;\t\n\r\"' 0123456789.,%-#/NAaéÿ\xa0—"), "AAA", "DZA", "yes"])
_csvish = st.lists(_csv_alphabet, max_size=200).map("".join)
_bytes = st.one_of(
    st.binary(max_size=400),
    _csvish.map(lambda t: t.encode("utf-8")),
    _csvish.map(lambda t: t.encode("utf-16")),
    _csvish.map(lambda t: (SMALL_SHEET + t).encode("cp1252", errors="replace")),
)
_yaml_alphabet = st.sampled_from(
    [*list("abc:-{}[],&*!|>'\"#\n  0123.\t"), "criteria", "weight", "indicators", "column"]
)
_yamlish = st.one_of(
    st.text(max_size=300),
    st.lists(_yaml_alphabet, max_size=150).map("".join),
    st.lists(_yaml_alphabet, max_size=60).map(lambda p: SMALL_CRITERIA + "".join(p)),
    st.lists(_yaml_alphabet, max_size=60).map(lambda p: SMALL_CRITERIA[: len(p) * 13] + "".join(p)),
)


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes() -> object:
    """Print how many generated inputs ended in a result or a clean error (see with ``-s``)."""
    yield
    print("\nfuzz outcomes:", dict(sorted(OUTCOMES.items())))


def _run_csv(data: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_bytes(data)
        try:
            score_countries(read_countries(path), CRITERIA)
        except ScorerError as exc:
            assert exc.lines() and all(line.strip() for line in exc.lines())
            return "error"
    return "result"


def _run_yaml(text: str) -> str:
    try:
        parse_criteria_text(text, file="fuzz.yaml")
    except ScorerError as exc:
        assert exc.lines() and all(line.strip() for line in exc.lines())
        return "error"
    return "result"


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bytes)
def test_any_bytes_as_csv_end_cleanly(data: bytes) -> None:
    OUTCOMES["csv " + _run_csv(data)] += 1


@settings(deadline=None)
@given(_yamlish)
def test_any_yaml_ends_cleanly(text: str) -> None:
    OUTCOMES["yaml " + _run_yaml(text)] += 1


@settings(deadline=None)
@given(_csvish)
def test_any_csv_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        parse_csv_text(text, file="fuzz.csv")
    except ScorerError as exc:
        assert exc.lines()


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_bytes)
def test_any_bytes_as_csv_end_cleanly_long(data: bytes) -> None:
    OUTCOMES["slow csv " + _run_csv(data)] += 1


@pytest.mark.slow
@settings(max_examples=10_000, deadline=None)
@given(_yamlish)
def test_any_yaml_ends_cleanly_long(text: str) -> None:
    OUTCOMES["slow yaml " + _run_yaml(text)] += 1


def test_billion_laughs_fails_fast() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [
        f"a{i}: &a{i} [*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1},*a{i - 1}]"
        for i in range(1, 10)
    ]
    with pytest.raises(ScorerError, match="should expand to at most"):
        parse_criteria_text("\n".join(lines), file="laughs.yaml")


def test_object_building_tag_is_refused() -> None:
    with pytest.raises(ScorerError):
        parse_criteria_text("name: !!python/object/apply:os.system ['echo hi']\n", file="evil.yaml")
