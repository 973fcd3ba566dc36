"""Reading criteria YAML files: safe loading, line numbers, located errors.

The YAML is composed into nodes and walked by hand so that every key path
knows its line, duplicate keys are caught (PyYAML silently keeps the last),
alias expansion is bounded (a "billion laughs" file fails fast) and no tag can
build a Python object (only the safe constructors are used).
"""

from __future__ import annotations

import math
import typing
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from scorer.errors import ConfigError, Problem
from scorer.io.limits import Limits, raise_hint, read_limited
from scorer.model.criteria import Criteria, check_criteria, did_you_mean
from scorer.render.formatting import plain_number

MAX_NODES = Limits.max_yaml_nodes
MAX_BYTES = Limits.max_criteria_bytes
MAX_DIGITS = 18
_PLAIN_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
# libyaml's parser (C) when PyYAML was built with it: events and nodes, with the same marks,
# about ten times faster than the pure-Python one. Scalars are still built by SafeLoader below.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def check_yaml_shape(text: str, *, file: str, limits: Limits) -> None:
    """Refuse YAML nested deeper, or with a value longer, than the limits, before it is composed.

    The event stream is read without recursion, so a file nested 10,000 levels
    fails here with a located error instead of exhausting Python's stack.

    >>> check_yaml_shape("a: " + "[" * 50 + "]" * 50, file="c.yaml", limits=Limits())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    scorer.errors.ConfigError: c.yaml:1: should nest at most 40 levels deep, but it nests deeper (set UNCT_SCORER_...)
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=SAFE_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_yaml_depth:
                    raise ConfigError(
                        Problem(
                            "config.too_large",
                            f"should nest at most {limits.max_yaml_depth} levels deep, but it nests deeper",
                            file=file,
                            line=line,
                            fix=raise_hint("max_yaml_depth"),
                        )
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and len(event.value) > limits.max_scalar_chars:
                raise ConfigError(
                    Problem(
                        "config.too_large",
                        f"a value should be at most {limits.max_scalar_chars:,} characters, "
                        f"but this one has {len(event.value):,}",
                        file=file,
                        line=line,
                        fix=raise_hint("max_scalar_chars"),
                    )
                )
    except yaml.YAMLError:
        return  # composing reports the syntax error with its line


class _Walker:
    def __init__(self, file: str, *, max_nodes: int = MAX_NODES) -> None:
        self.file = file
        self.lines: dict[str, int] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.max_nodes = max_nodes
        self._constructor = yaml.SafeLoader("")

    def walk(self, node: yaml.Node, path: str) -> Any:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise ConfigError(
                Problem(
                    "config.too_large",
                    f"should expand to at most {self.max_nodes:,} YAML nodes, but it expands to more "
                    "(are anchors/aliases repeated?)",
                    file=self.file,
                    fix=raise_hint("max_yaml_nodes"),
                )
            )
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
            raise ConfigError(
                Problem(
                    "config.yaml",
                    f"the tag {node.tag!r} is not allowed (only plain YAML values are)",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise ConfigError(
                        Problem(
                            "config.yaml",
                            "merge keys (<<) are not supported; write the keys out",
                            file=self.file,
                            line=key_node.start_mark.line + 1,
                        )
                    )
                key = self._scalar(key_node)
                sub = f"{path}.{key}" if path else str(key)
                if key in out:
                    self.problems.append(
                        Problem(
                            "config.duplicate",
                            f"key {key!r} should appear once, but it appears again "
                            f"(first on line {self.lines.get(sub, '?')})",
                            file=self.file,
                            line=key_node.start_mark.line + 1,
                            key=sub,
                        )
                    )
                    continue
                self.lines[sub] = key_node.start_mark.line + 1
                out[key] = self.walk(value_node, sub)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, f"{path}.{i}" if path else str(i)) for i, item in enumerate(node.value)]
        value = self._scalar(node)
        self._check_number(node, value, path)
        return value

    def _check_number(self, node: yaml.Node, value: Any, path: str) -> None:
        """A number must be finite and of a sensible length: NaN or infinity would change results silently."""
        if isinstance(value, float) and not math.isfinite(value):
            message = f"should be a finite number, but it is {node.value}"
        elif isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) > MAX_DIGITS:
            message = f"should be a number of at most {MAX_DIGITS} digits, but it has {len(str(abs(value))):,}"
        else:
            return
        self.problems.append(
            Problem("config.number", message, file=self.file, line=node.start_mark.line + 1, key=path or None)
        )

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise ConfigError(
                Problem(
                    "config.yaml",
                    "a key should be plain text, but it is a list or mapping",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            )
        if node.tag == "tag:yaml.org,2002:int" and sum(ch.isdigit() for ch in str(node.value)) > MAX_DIGITS:
            raise ConfigError(
                Problem(
                    "config.number",
                    f"should be a number of at most {MAX_DIGITS} digits, "
                    f"but it has {sum(ch.isdigit() for ch in str(node.value)):,}",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            )
        try:
            return self._constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:
            raise ConfigError(
                Problem(
                    "config.number",
                    f"should be a readable value, but it cannot be read ({type(exc).__name__})",
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            ) from None
        except yaml.YAMLError as exc:
            raise ConfigError(
                Problem(
                    "config.yaml",
                    f"the tag {node.tag!r} is not allowed (only plain YAML values are): {exc}".split("\n")[0],
                    file=self.file,
                    line=node.start_mark.line + 1,
                )
            ) from None


def parse_criteria_text(text: str, *, file: str = "<criteria>", limits: Limits | None = None) -> Criteria:
    """Parse and validate criteria YAML text; raise ConfigError with every problem.

    >>> c = parse_criteria_text('''
    ... name: demo
    ... criteria:
    ...   a: {label: A, cites: para. 11, weight: 1, indicators: {x: {column: x}}}
    ... ''')
    >>> c.criterion_weights()
    {'a': 1.0}
    """
    limits = limits or Limits.from_env()
    check_yaml_shape(text, file=file, limits=limits)
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
        raise ConfigError(
            Problem(
                "config.yaml",
                f"is not valid YAML: {problem}",
                file=file,
                line=mark.line + 1 if mark else None,
            )
        ) from None
    if node is None:
        raise ConfigError(Problem("config.empty", "should hold a criteria mapping, but it is empty", file=file))
    walker = _Walker(file, max_nodes=limits.max_yaml_nodes)
    data = walker.walk(node, "")
    if walker.problems:
        raise ConfigError(walker.problems)
    if not isinstance(data, dict):
        raise ConfigError(
            Problem(
                "config.type",
                f"should be a mapping of keys (name, criteria, ...), but it is a {type(data).__name__}",
                file=file,
                line=1,
            )
        )
    try:
        criteria = Criteria.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_problems_from_validation(exc, data, walker.lines, file)) from None
    problems = check_criteria(criteria)
    if problems:
        raise ConfigError(sorted((_locate(p, walker.lines, file) for p in problems), key=lambda p: p.line or 0))
    return criteria


def load_criteria(path: str | Path) -> Criteria:
    """Read and validate a criteria YAML file.

    >>> from scorer.resources import default_criteria_path
    >>> load_criteria(default_criteria_path()).name  # doctest: +ELLIPSIS
    '...'
    """
    path = Path(path)
    file = str(path)
    limits = Limits.from_env()
    raw = read_limited(
        path,
        limit=limits.max_criteria_bytes,
        limit_name="max_criteria_bytes",
        error=ConfigError,
        code="config",
        what="YAML file",
    )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            Problem("config.encoding", f"should be UTF-8 text, but byte {exc.start} is not", file=file)
        ) from None
    return parse_criteria_text(text, file=file, limits=limits)


def _locate(problem: Problem, lines: dict[str, int], file: str) -> Problem:
    key = problem.key or ""
    line = None
    probe = key
    while probe:
        if probe in lines:
            line = lines[probe]
            break
        probe = probe.rpartition(".")[0]
    return Problem(
        problem.code, problem.message, file=file, line=line, key=key or None, value=problem.value, fix=problem.fix
    )


def _allowed_keys(data: Any, loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at the mapping that holds ``loc[-1]``, found by walking the model's annotations."""
    model: Any = Criteria
    for part in loc[:-1]:
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = next((f for n, f in model.model_fields.items() if (f.alias or n) == str(part)), None)
            if field is None:
                return []
            model = _unwrap(field.annotation)
        elif isinstance(model, tuple):  # a dict or list: this part is a key or an index
            model = model[0]
        else:
            return []
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f.alias or name for name, f in model.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional; dict[str, M] and list[M] become a 1-tuple (M,) meaning "one level of keys"."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin in (dict, list):
        return (_unwrap(args[-1]),) if args else None
    if args and origin is not None and origin not in (tuple,):
        models = [a for a in args if isinstance(_unwrap(a), (type, tuple))]
        return _unwrap(models[0]) if models else None
    return annotation


def _problems_from_validation(exc: ValidationError, data: Any, lines: dict[str, int], file: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and "[" in p))
        key = ".".join(str(p) for p in loc)
        message = _message(err, data, loc)
        if (key, message) in seen:
            continue
        seen.add((key, message))
        problems.append(_locate(Problem("config." + err["type"], message, key=key or None), lines, file))
    return sorted(problems, key=lambda p: p.line or 0)


def _message(err: Any, data: Any, loc: tuple[Any, ...]) -> str:
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    shown = "empty" if value is None else repr(value) if isinstance(value, str) else _short(value)
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else "?"
        allowed = _allowed_keys(data, loc)
        hint = did_you_mean(name, allowed)
        allowed_text = f" (allowed: {', '.join(allowed)})" if allowed and not hint else ""
        return f"unknown key {name!r}{hint}{allowed_text}"
    if kind == "missing":
        return "is required, but it is missing"
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}:
        op = {"greater_than_equal": ">=", "greater_than": ">", "less_than_equal": "<=", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "?")
        bound_text = plain_number(bound) if isinstance(bound, float) else str(bound)
        return f"should be {op} {bound_text}, but it is {shown}"
    if kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
        what = "a whole number" if kind.startswith("int") else "a number"
        return f"should be {what}, but it is {shown}"
    if kind in {"string_type"}:
        return f"should be text, but it is {shown}"
    if kind in {"bool_type", "bool_parsing"}:
        return f"should be true or false, but it is {shown}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return f"should be a mapping (key: value lines), but it is {shown}"
    if kind in {"list_type", "tuple_type"}:
        return f"should be a list, but it is {shown}"
    if kind == "enum":
        expected = ctx.get("expected", "")
        return f"should be one of {expected}, but it is {shown}"
    if kind == "literal_error":
        return f"should be {ctx.get('expected', '')}, but it is {shown}"
    if kind in {"too_short", "too_long"}:
        least = "at least" if kind == "too_short" else "at most"
        limit = ctx.get("min_length", ctx.get("max_length"))
        return f"should have {least} {limit} item(s), but it has {ctx.get('actual_length')}"
    msg = str(err.get("msg", "is invalid"))
    return msg.removeprefix("Value error, ") + (f", but it is {shown}" if value is not None else "")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
