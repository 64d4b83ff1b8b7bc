"""No module of analyzer/ imports itself back, at run time, through any chain of imports.

Imports inside functions count (a deferred import that dodges a cycle is still a cycle); imports
under `if TYPE_CHECKING:` do not, since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT


def modules(package: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under `package`."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(n.lineno for n in ast.walk(child) if hasattr(n, "lineno"))
    return lines


def imports_of(module: str, known: dict[str, Path]) -> set[str]:
    """The package's own modules that `module` imports when it runs."""
    path = known[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    root = next(iter(known)).split(".")[0]

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0]
                base = f"{anchor}.{base}" if base else anchor
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            resolved = resolve(target) if target.split(".")[0] == root else None
            if resolved and resolved != module:
                found.add(resolved)
    return found


def cycles(package: Path) -> list[list[str]]:
    """Every group of two or more modules that import each other (Tarjan's algorithm)."""
    known = modules(package)
    graph = {m: sorted(imports_of(m, known)) for m in known}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while (top := stack.pop()) != node:
                group.append(top)
            group.append(node)
            if len(group) > 1:
                groups.append(sorted(group))

    for module in graph:
        if module not in index:
            visit(module)
    return sorted(groups)


def test_no_import_cycles() -> None:
    assert cycles(ROOT / "analyzer") == []


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "analyzer"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from analyzer._version import v\n")
    (pkg / "_version.py").write_text("v = 1\n")
    (pkg / "a.py").write_text("from analyzer import b\n")
    (pkg / "b.py").write_text("def f():\n    from analyzer.sub.c import x\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from .. import a\n")
    (pkg / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from analyzer import e\n"
    )
    (pkg / "e.py").write_text("import analyzer.d\n")
    assert cycles(pkg) == [["analyzer.a", "analyzer.b", "analyzer.sub.c"]]
