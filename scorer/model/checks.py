"""Cross-field checks of a criteria file that pydantic cannot express, every problem with its key path.

Weights not all zero, tiers in order, method parameters present (each
normalisation method checks its own), ids unique across the criteria tree,
no unbounded normalisation under a geometric mean, a consistent
``selection:`` section. :mod:`scorer.model.criteria` re-exports these functions.
"""

from __future__ import annotations

from scorer.core.aggregation import AGGREGATIONS
from scorer.core.normalisation import NORMALISATIONS, check_parameters
from scorer.errors import Problem
from scorer.model.criteria import Criteria, Criterion, Indicator, MissingPolicy, Node, Selection, Tier, did_you_mean


def unbounded_message(normalisation: str, aggregation: str = "geometric") -> str:
    """Why an unbounded normalisation cannot feed a geometric mean, and what to use instead."""
    return (
        f"should be a bounded normalisation (not {normalisation}) with aggregation: {aggregation}, which needs "
        f"values >= 0, but it is {normalisation!r}; use minmax, percentile or goalposts, or aggregation: arithmetic"
    )


GEOMETRIC_ZSCORE = unbounded_message("zscore")


def check_criteria(criteria: Criteria) -> list[Problem]:
    """Cross-field checks pydantic cannot express; every problem at once."""
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem("config.invalid", message, key=key))

    if all(c.weight == 0 for c in criteria.criteria.values()):
        add("criteria", "criterion weights should not all be 0, but they are")
    problems.extend(_check_tree(criteria))
    problems.extend(check_unbounded(criteria))
    if criteria.weight_order is not None:
        known = list(criteria.criteria)
        for i, cid in enumerate(criteria.weight_order):
            if cid not in criteria.criteria:
                add(
                    f"weight_order.{i}",
                    f"should be a criterion id ({', '.join(known)}), but it is {cid!r}" + did_you_mean(cid, known),
                )
        dup = sorted({c for c in criteria.weight_order if criteria.weight_order.count(c) > 1})
        if dup:
            add("weight_order", f"should list each criterion once, but repeats {dup}")
    problems.extend(_check_tiers(criteria.tiers))
    problems.extend(_check_territory_rule(criteria))
    if criteria.selection is not None:
        problems.extend(check_selection(criteria.selection))
    problems.extend(check_evidence_rules(criteria))
    if criteria.uncertainty is not None:
        from scorer.uncertainty.factors import uncertainty_problems

        problems.extend(uncertainty_problems(criteria))
    for i, rule in enumerate(criteria.eligibility):
        tests = [
            rule.equals is not None,
            rule.not_equals is not None,
            rule.in_ is not None,
            rule.not_in is not None,
            rule.min is not None or rule.max is not None,
            rule.not_missing,
        ]
        if not any(tests):
            add(
                f"eligibility.{i}",
                "should have a test (equals, not_equals, in, not_in, min, max or not_missing), but it has none",
            )
    return problems


def _check_tree(criteria: Criteria) -> list[Problem]:
    """Each criterion holds indicators or sub-criteria (not both, not neither); ids unique across the tree."""
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem("config.invalid", message, key=key))

    criterion_ids: dict[str, str] = {}
    seen_indicators: dict[str, str] = {}
    for node in criteria.nodes():
        crit, key = node.criterion, node.key
        if node.id in criterion_ids:
            add(key, f"criterion id should be unique, but {node.id!r} is also used at {criterion_ids[node.id]}")
        criterion_ids.setdefault(node.id, key)
        if crit.indicators and crit.criteria:
            add(key, "should hold indicators or criteria, not both, but it holds both")
        elif not crit.indicators and not crit.criteria:
            add(f"{key}.indicators", "should list at least one indicator (or sub-criteria), but it is empty")
        children: dict[str, Indicator] | dict[str, Criterion] = crit.indicators or crit.criteria
        if children and all(child.weight == 0 for child in children.values()):
            what, where = ("indicator", "indicators") if crit.indicators else ("criterion", "criteria")
            add(f"{key}.{where}", f"{what} weights should not all be 0, but they are")
        if crit.range is not None:
            if node.depth > 0:
                add(f"{key}.range", "is only used by top-level criteria (sensitivity analysis), but this one is nested")
            elif crit.range[0] > crit.range[1]:
                add(f"{key}.range", f"should be [low, high] with low <= high, but it is {list(crit.range)}")
        for iid, ind in crit.indicators.items():
            ikey = f"{key}.indicators.{iid}"
            if iid in seen_indicators:
                add(ikey, f"indicator id should be unique, but {iid!r} is also used in {seen_indicators[iid]}")
            seen_indicators.setdefault(iid, key)
            problems.extend(_check_indicator(ind, ikey))
    for cid, key in criterion_ids.items():
        if cid in seen_indicators and seen_indicators[cid] != key:  # a criterion may hold its namesake indicator
            add(key, f"id {cid!r} is used for both a criterion and an indicator")
    return problems


def _check_indicator(ind: Indicator, key: str) -> list[Problem]:
    problems = check_parameters(ind, key)
    if ind.missing is MissingPolicy.group_mean and not ind.missing_group:
        problems.append(
            Problem(
                "config.invalid",
                "should name a column for missing: group_mean, but it is missing",
                key=f"{key}.missing_group",
            )
        )
    if ind.missing_group and ind.missing is not MissingPolicy.group_mean:
        problems.append(
            Problem(
                "config.invalid",
                f"is only used with missing: group_mean, but missing is {ind.missing.value!r}",
                key=f"{key}.missing_group",
            )
        )
    return problems


def check_evidence_rules(criteria: Criteria) -> list[Problem]:
    """An indicator's ``evidence:`` rules may only suggest its own levels (and it must have levels).

    >>> c = Criteria.model_validate({"name": "x", "criteria": {"a": {"label": "A", "cites": "p", "weight": 1,
    ...     "indicators": {"i": {"column": "c", "normalisation": "ordinal", "levels": {"no": 0, "yes": 1},
    ...     "evidence": {"levels": [{"level": "maybe", "because": "b", "contexts": ["outcome"]}]}}}}}})
    >>> [(p.key, p.message) for p in check_evidence_rules(c)]
    [('criteria.a.indicators.i.evidence.levels.0.level', "should be one of the indicator's levels (no, yes), \
but it is 'maybe'"), ('criteria.a.indicators.i.evidence.otherwise.level', "should be one of the indicator's \
levels (no, yes), but it is 'none'")]
    """
    problems: list[Problem] = []
    for node in criteria.nodes():
        for iid, ind in node.criterion.indicators.items():
            if ind.evidence is None:
                continue
            key = f"{node.key}.indicators.{iid}.evidence"
            if not ind.levels:
                problems.append(
                    Problem(
                        "config.invalid",
                        "should sit on an indicator with levels (criterion 3's none/expressed/requested/included), "
                        "but this indicator has none",
                        key=key,
                    )
                )
                continue
            known = {str(level).casefold() for level in ind.levels}
            wanted = [(f"{key}.levels.{i}.level", rule.level) for i, rule in enumerate(ind.evidence.levels)]
            wanted.append((f"{key}.otherwise.level", ind.evidence.otherwise.level))
            problems.extend(
                Problem(
                    "config.invalid",
                    f"should be one of the indicator's levels ({', '.join(map(str, ind.levels))}), but it is {level!r}",
                    key=where,
                )
                for where, level in wanted
                if level.casefold() not in known
            )
    return problems


def check_unbounded(criteria: Criteria, *, code: str = "config.invalid") -> list[Problem]:
    """Each unbounded normalisation (zscore, raw) below a geometric mean, which needs values >= 0.

    >>> c = Criteria.model_validate({"name": "x", "aggregation": "geometric", "criteria": {"a": {
    ...     "label": "A", "cites": "p", "weight": 1, "indicators": {"i": {"column": "c", "normalisation": "zscore"}}}}})
    >>> [p.key for p in check_unbounded(c)]
    ['criteria.a.indicators.i.normalisation']
    """
    problems: list[Problem] = []
    nodes = {n.id: n for n in criteria.nodes()}
    for node in nodes.values():
        chain: Node | None = node
        needs = AGGREGATIONS[criteria.aggregation.value].needs_bounded
        while chain is not None and not needs:
            needs = AGGREGATIONS[chain.aggregation.value].needs_bounded
            chain = nodes[chain.parent] if chain.parent is not None else None
        if not needs:
            continue
        for iid, ind in node.criterion.indicators.items():
            if not NORMALISATIONS[ind.normalisation.value].bounded:
                key = f"{node.key}.indicators.{iid}.normalisation"
                problems.append(Problem(code, unbounded_message(ind.normalisation.value), key=key))
    return problems


def _check_tiers(tiers: list[Tier]) -> list[Problem]:
    problems: list[Problem] = []
    if not tiers:
        return [Problem("config.invalid", "should list at least one tier, but it is empty", key="tiers")]
    names = [t.name for t in tiers]
    for i, tier in enumerate(tiers):
        key = f"tiers.{i}"
        if names.count(tier.name) > 1 and names.index(tier.name) != i:
            problems.append(
                Problem("config.invalid", f"tier name should be unique, but {tier.name!r} repeats", key=key)
            )
        if tier.top is not None and tier.min_score is not None:
            problems.append(Problem("config.invalid", "should have top or min_score, not both", key=key))
        last = i == len(tiers) - 1
        catch_all = tier.top is None and tier.min_score is None
        if catch_all and not last:
            problems.append(
                Problem(
                    "config.invalid",
                    f"only the last tier may have neither top nor min_score, but tier {tier.name!r} is not last",
                    key=key,
                )
            )
        if last and not catch_all:
            problems.append(
                Problem(
                    "config.invalid",
                    f"the last tier should catch every remaining country (no top or min_score), "
                    f"but {tier.name!r} has one; add a final tier such as {{name: not_now}}",
                    key=key,
                )
            )
    for i in range(1, len(tiers)):
        prev, cur = tiers[i - 1], tiers[i]
        if prev.top is not None and cur.top is not None and cur.top <= prev.top:
            problems.append(
                Problem(
                    "config.invalid",
                    f"tiers should be best first, so top should be > {prev.top}, but it is {cur.top}",
                    key=f"tiers.{i}.top",
                )
            )
        if prev.min_score is not None and cur.min_score is not None and cur.min_score >= prev.min_score:
            problems.append(
                Problem(
                    "config.invalid",
                    f"tiers should be best first, so min_score should be < {prev.min_score}, but it is {cur.min_score}",
                    key=f"tiers.{i}.min_score",
                )
            )
    return problems


def check_selection(selection: Selection) -> list[Problem]:
    """Cross-field checks of a ``selection:`` section, keys located.

    >>> [p.format() for p in check_selection(Selection(capacity=5, budget=10))]
    ['selection.cost_column: should name the cost column when budget is given, but it is missing']
    """
    problems: list[Problem] = []

    def add(key: str, message: str) -> None:
        problems.append(Problem("config.invalid", message, key=f"selection.{key}"))

    needs_cost = selection.budget is not None or selection.objective == "score-minus-cost"
    if needs_cost and selection.cost_column is None:
        what = "budget is given" if selection.budget is not None else "objective is 'score-minus-cost'"
        add("cost_column", f"should name the cost column when {what}, but it is missing")
    if selection.objective == "score-minus-cost" and selection.cost_weight is None:
        add("cost_weight", "should be a number > 0 when objective is 'score-minus-cost', but it is missing")
    if selection.objective == "score" and selection.cost_weight is not None:
        add("cost_weight", "is only used with objective 'score-minus-cost', but objective is 'score'")
    both = sorted(set(selection.include) & set(selection.exclude))
    if both:
        add("include", f"include and exclude should not share a country, but both name {', '.join(both)}")
    for name in ("include", "exclude"):
        for i, code in enumerate(getattr(selection, name)):
            if not (len(code) == 3 and code.isalpha() and code.isupper()):
                add(f"{name}.{i}", f"should be an ISO3 code (three capital letters), but it is {code!r}")
    mins = {(g.column, g.value): g.count for g in selection.min_per}
    for i, g in enumerate(selection.max_per):
        low = mins.get((g.column, g.value))
        if low is not None and low > g.count:
            add(f"max_per.{i}.count", f"should be >= the min_per count {low} for the same group, but it is {g.count}")
    return problems


def _check_territory_rule(criteria: Criteria) -> list[Problem]:
    """The territory rule names known indicator ids, each once."""
    rule = criteria.territory_rule
    if rule is None:
        return []
    known = [iid for _c, iid, _i in criteria.indicator_items()]
    problems = [
        Problem(
            "config.invalid",
            f"should be an indicator id ({', '.join(known)}), but it is {iid!r}" + did_you_mean(iid, known),
            key=f"territory_rule.indicators.{i}",
        )
        for i, iid in enumerate(rule.indicators)
        if iid not in known
    ]
    dup = sorted({i for i in rule.indicators if rule.indicators.count(i) > 1})
    if dup:
        problems.append(
            Problem(
                "config.invalid", f"should list each indicator once, but repeats {dup}", key="territory_rule.indicators"
            )
        )
    return problems
