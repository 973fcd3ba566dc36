"""The shape of the package: the module tree with line counts, and its longest functions.

The house keeps modules to about 600 lines and functions to about 80 (``STYLE.md``);
``tests/test_code_shape.py`` holds the package to :data:`MODULE_LIMIT` and
:data:`FUNCTION_LIMIT` with the measures below. A function's length runs from
its ``def`` line to its last line, docstring included, decorators not (a command's
option declarations are declarations, not logic).

    python scripts/code_shape.py            # the tree, then the longest functions
    python scripts/code_shape.py --most 10  # more of them

>>> [(f.name, f.lines) for f in function_lengths("def f(x):\\n    '''Doc.'''\\n    return x\\n", "m.py")]
[('f', 3)]
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scorer"
MODULE_LIMIT = 620
FUNCTION_LIMIT = 80


@dataclass(frozen=True)
class Function:
    """One function or method: where it is and how many lines it spans."""

    path: str
    name: str
    line: int
    lines: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name} ({self.lines} lines)"


def module_lines(path: Path) -> int:
    """The number of lines of a source file."""
    return len(path.read_text(encoding="utf-8").splitlines())


def function_lengths(source: str, path: str) -> list[Function]:
    """Every function and method of a module (nested ones too), with its qualified name and length."""
    out: list[Function] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                last = child.end_lineno or child.lineno
                out.append(Function(path, prefix + child.name, child.lineno, last - child.lineno + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(ast.parse(source, filename=path), "")
    return out


def modules(package: Path = PACKAGE) -> list[Path]:
    """The package's Python modules, in path order."""
    return sorted(package.rglob("*.py"))


def functions(package: Path = PACKAGE) -> list[Function]:
    """Every function of the package, longest first (then by place)."""
    found = [
        f
        for path in modules(package)
        for f in function_lengths(path.read_text(encoding="utf-8"), path.relative_to(package.parent).as_posix())
    ]
    return sorted(found, key=lambda f: (-f.lines, f.path, f.line))


def tree(package: Path = PACKAGE) -> list[str]:
    """The module tree, one line a module or folder, each with its lines (a folder's: the sum below it)."""
    counts = {path.relative_to(package.parent): module_lines(path) for path in modules(package)}
    folders: dict[Path, int] = {}
    for rel, n in counts.items():
        for parent in rel.parents[:-1]:
            folders[parent] = folders.get(parent, 0) + n
    entries = sorted([*counts.items(), *folders.items()], key=lambda item: item[0].parts)
    width = max(len("  " * (len(p.parts) - 1) + p.name) + 1 for p, _n in entries)
    lines = []
    for rel, n in entries:
        name = "  " * (len(rel.parts) - 1) + rel.name + ("/" if rel in folders else "")
        lines.append(f"{name:<{width}} {n:>6,}")
    return lines


def main(argv: list[str]) -> int:
    """Print the tree, the module and function totals, and the longest functions."""
    most = int(argv[1]) if len(argv) == 2 and argv[0] == "--most" else 5
    paths = modules()
    found = functions()
    print("\n".join(tree()))
    print()
    print(f"{len(paths)} modules, {sum(map(module_lines, paths)):,} lines; {len(found):,} functions")
    print(f"largest module: {max(paths, key=module_lines).relative_to(ROOT)} ({max(map(module_lines, paths))} lines)")
    print(f"longest functions (limit {FUNCTION_LIMIT}):")
    for f in found[:most]:
        print(f"  {f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
