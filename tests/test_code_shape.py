"""No module of ``scorer`` over about 600 lines, no function over 80: the house's limits, measured by
``scripts/code_shape.py`` (the same measure its printout gives)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]


def _shape() -> ModuleType:
    spec = importlib.util.spec_from_file_location("code_shape", ROOT / "scripts" / "code_shape.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up
    spec.loader.exec_module(module)
    return module


SHAPE = _shape()


def test_the_measure_counts_from_def_to_last_line_with_the_docstring() -> None:
    source = textwrap.dedent(
        """
        import x


        @dec
        def f(a):
            '''Doc.

            More.
            '''
            return a


        class C:
            def m(self):
                def inner():
                    pass
                return 1
        """
    )
    found = {f.name: (f.line, f.lines) for f in SHAPE.function_lengths(source, "m.py")}
    assert found == {"f": (6, 6), "C.m": (15, 4), "C.m.inner": (16, 2)}


def test_no_function_is_longer_than_the_limit() -> None:
    long = [str(f) for f in SHAPE.functions() if f.lines > SHAPE.FUNCTION_LIMIT]
    assert long == []


def test_no_module_is_longer_than_the_limit() -> None:
    long = [
        f"{p.relative_to(ROOT)} ({SHAPE.module_lines(p)} lines)"
        for p in SHAPE.modules()
        if SHAPE.module_lines(p) > SHAPE.MODULE_LIMIT
    ]
    assert long == []


def test_the_tree_sums_each_folder() -> None:
    lines = SHAPE.tree()
    total = int(lines[0].split()[-1].replace(",", ""))
    assert lines[0].startswith("scorer/")
    assert total == sum(SHAPE.module_lines(p) for p in SHAPE.modules())
