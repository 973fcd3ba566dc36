"""The criteria model and its located, one-line error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scorer.errors import ConfigError
from scorer.io.criteria_file import load_criteria, parse_criteria_text
from scorer.model.criteria import GEOMETRIC_ZSCORE, criteria_json_schema
from scorer.resources import criteria_dir
from tests.conftest import SMALL_CRITERIA

ROOT = Path(__file__).resolve().parent.parent


def errors(text: str) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        parse_criteria_text(text, file="x.yaml")
    return exc.value.lines()


def test_bundled_profiles_are_valid() -> None:
    names = sorted(p.name for p in criteria_dir().glob("*.yaml"))
    assert names == ["cost_aware.yaml", "default.yaml", "uncertainty_example.yaml"]
    for path in criteria_dir().glob("*.yaml"):
        c = load_criteria(path)
        assert all(crit.cites.startswith("para.") for crit in c.criteria.values())
    default = load_criteria(criteria_dir() / "default.yaml")
    assert [c.cites for c in default.criteria.values()] == ["para. 11(1)", "para. 11(2)", "para. 11(3)"]


def test_negative_weight_names_line_and_key() -> None:
    text = SMALL_CRITERIA.replace("weight: 2", "weight: -0.2")
    assert errors(text) == ["x.yaml:7: criteria.engagement.weight: should be >= 0, but it is -0.2"]


def test_unknown_key_suggests() -> None:
    text = SMALL_CRITERIA.replace("    weight: 2\n", "    wieght: 2\n")
    assert errors(text) == [
        "x.yaml:4: criteria.engagement.weight: is required, but it is missing",
        "x.yaml:7: criteria.engagement.wieght: unknown key 'wieght'; did you mean 'weight'?",
    ]


def test_wrong_type_and_unknown_enums() -> None:
    text = (
        SMALL_CRITERIA.replace("weight: 2", "weight: heavy")
        .replace("normalisation: boolean", "normalisation: bool")
        .replace("direction: lower", "direction: down")
    )
    assert errors(text) == [
        "x.yaml:7: criteria.engagement.weight: should be a number, but it is 'heavy'",
        "x.yaml:20: criteria.representation.indicators.office.normalisation: should be one of 'minmax', "
        "'goalposts', 'zscore', 'percentile', 'log_minmax', 'boolean', 'ordinal' or 'raw', but it is 'bool'",
        "x.yaml:31: criteria.interest.indicators.cost.direction: should be one of 'higher' or 'lower', "
        "but it is 'down'",
    ]


def test_all_zero_weights() -> None:
    text = SMALL_CRITERIA.replace("weight: 2", "weight: 0").replace("    weight: 1\n", "    weight: 0\n")
    assert errors(text) == ["x.yaml:3: criteria: criterion weights should not all be 0, but they are"]


def test_ordinal_without_levels_and_duplicate_ids() -> None:
    text = SMALL_CRITERIA.replace("        levels: {none: 0, low: 1, high: 3}\n", "").replace(
        "      cost:\n", "      level:\n"
    )
    assert errors(text) == [
        "x.yaml:9: criteria.engagement.indicators.level.levels: should map each level to a value for an "
        "ordinal indicator, but it is missing",
        "x.yaml:28: criteria.interest.indicators.level: indicator id should be unique, but 'level' is also "
        "used in criteria.engagement",
    ]


def test_duplicate_yaml_keys() -> None:
    text = SMALL_CRITERIA.replace("  representation:", "  engagement:")
    assert errors(text)[0] == (
        "x.yaml:13: criteria.engagement: key 'engagement' should appear once, but it appears again (first on line 4)"
    )


def test_tiers_out_of_order() -> None:
    text = SMALL_CRITERIA.replace("{name: join, top: 1}", "{name: join, min_score: 0.2}")
    assert errors(text) == [
        "x.yaml:35: tiers.1.min_score: tiers should be best first, so min_score should be < 0.2, but it is 0.4"
    ]
    text = SMALL_CRITERIA.replace("  - {name: not_now}\n", "")
    assert errors(text)[0].startswith("x.yaml:35: tiers.1: the last tier should catch every remaining country")


def test_yaml_syntax_error_and_unsafe_tag_and_bomb() -> None:
    assert errors("name: [unclosed\n")[0].startswith("x.yaml:2: is not valid YAML")
    assert errors("name: !!python/object/apply:os.system ['ls']\n")[0].startswith(
        "x.yaml:1: the tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
    )
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
    )
    assert errors(bomb) == [
        "x.yaml: should expand to at most 100,000 YAML nodes, but it expands to more (are anchors/aliases repeated?)"
        " (set UNCT_SCORER_MAX_YAML_NODES to a larger number if this is intended)"
    ]


def test_not_a_mapping_and_empty() -> None:
    assert errors("- a\n- b\n") == ["x.yaml:1: should be a mapping of keys (name, criteria, ...), but it is a list"]
    assert errors("") == ["x.yaml: should hold a criteria mapping, but it is empty"]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_criteria(tmp_path / "nope.yaml")
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="should be UTF-8 text"):
        load_criteria(bad)


def test_schema_is_committed_and_current() -> None:
    committed = json.loads((ROOT / "criteria" / "schema.json").read_text(encoding="utf-8"))
    assert committed == criteria_json_schema(), "criteria/schema.json drifted: run python scripts/gen_schema.py"
    assert committed["additionalProperties"] is False
    assert "criteria" in committed["required"]


def test_schema_validates_the_default_profile() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is an optional cross-check")
    import yaml

    data = yaml.safe_load((criteria_dir() / "default.yaml").read_text(encoding="utf-8"))
    jsonschema.validate(data, criteria_json_schema())


def test_ordinal_level_without_a_value() -> None:
    text = SMALL_CRITERIA.replace("levels: {none: 0, low: 1, high: 3}", "levels: {none: 0, low: , high: 3}")
    assert errors(text) == [
        "x.yaml:12: criteria.engagement.indicators.level.levels.low: should be a number, but it is empty"
    ]


def _tree_problems(text: str) -> list[tuple[str | None, str]]:
    with pytest.raises(ConfigError) as err:
        parse_criteria_text(text)
    return [(p.key, p.message) for p in err.value.problems]


def test_a_criterion_holds_indicators_or_criteria_not_both_nor_neither() -> None:
    both = (
        "name: x\ncriteria:\n  a:\n    label: A\n    cites: p\n    weight: 1\n"
        "    indicators: {i: {column: c}}\n"
        "    criteria: {b: {label: B, cites: p, weight: 1, indicators: {j: {column: d}}}}\n"
    )
    assert _tree_problems(both) == [("criteria.a", "should hold indicators or criteria, not both, but it holds both")]
    neither = "name: x\ncriteria:\n  a: {label: A, cites: p, weight: 1}\n"
    assert _tree_problems(neither) == [
        ("criteria.a.indicators", "should list at least one indicator (or sub-criteria), but it is empty")
    ]


def test_nested_criteria_are_checked_with_their_full_key() -> None:
    text = (
        "name: x\ncriteria:\n  a:\n    label: A\n    cites: p\n    weight: 1\n    criteria:\n"
        "      b: {label: B, cites: p, weight: 1, range: [0.1, 0.5], indicators: {i: {column: c}}}\n"
        "      c: {label: C, cites: p, weight: 0, aggregation: geometric,"
        " indicators: {b: {column: d, normalisation: zscore}, i: {column: e, weight: 0}}}\n"
    )
    problems = _tree_problems(text)
    assert problems == [  # sorted by line
        ("criteria.a.criteria.b.range",
         "is only used by top-level criteria (sensitivity analysis), but this one is nested"),
        ("criteria.a.criteria.b", "id 'b' is used for both a criterion and an indicator"),
        ("criteria.a.criteria.c.indicators.i",
         "indicator id should be unique, but 'i' is also used in criteria.a.criteria.b"),
        ("criteria.a.criteria.c.indicators.b.normalisation", GEOMETRIC_ZSCORE),
    ]  # fmt: skip


def test_each_level_inherits_the_nearest_aggregation() -> None:
    c = parse_criteria_text(
        "name: x\naggregation: geometric\ncriteria:\n  a:\n    label: A\n    cites: p\n    weight: 1\n"
        "    aggregation: topsis\n    criteria:\n"
        "      b: {label: B, cites: p, weight: 1, indicators: {i: {column: c}}}\n"
        "  d: {label: D, cites: p, weight: 1, indicators: {j: {column: e}}}\n"
    )
    assert [(n.id, n.aggregation.value, n.depth) for n in c.nodes()] == [
        ("a", "topsis", 0),
        ("b", "topsis", 1),
        ("d", "geometric", 0),
    ]
    assert c.is_hierarchical() and [iid for _c, iid, _i in c.indicator_items()] == ["i", "j"]
