"""The shape of the package, read from its source: no import cycles, a core without Qt, modules
of a readable size."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "keystore_gui"
MAX_LINES = 600
QT_MODULES = ("PySide6", "shiboken6")


def modules() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = (path, ast.parse(path.read_text(encoding="utf-8")))
    return found


def _resolve(name: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The modules an ``import``/``from`` statement names, as absolute dotted names."""
    if not node.level:
        base = node.module or ""
    else:
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([node.module] if node.module else [])])
    return [base, *(f"{base}.{alias.name}" for alias in node.names)]


def _statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run when the module is imported: not function bodies, not ``TYPE_CHECKING``."""
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from _statements(node.orelse)
        elif isinstance(node, ast.If | ast.With):
            yield from _statements(node.body)
            yield from _statements(getattr(node, "orelse", []))
        elif isinstance(node, ast.Try):
            yield from _statements(node.body)
            for handler in node.handlers:
                yield from _statements(handler.body)
            yield from _statements(node.orelse)
            yield from _statements(node.finalbody)
        else:
            yield node


def imported(name: str, path: Path, tree: Iterable[ast.stmt]) -> set[str]:
    out: set[str] = set()
    for node in tree:
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.update(_resolve(name, path, node))
    return out


def import_graph() -> dict[str, set[str]]:
    found = modules()
    return {
        name: {t for t in imported(name, path, _statements(tree.body)) if t in found and t != name}
        for name, (path, tree) in found.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_import_graph_has_no_cycles() -> None:
    graph = import_graph()
    assert "keystore_gui.gui.main_window" in graph and "keystore_gui.core.opening" in graph
    assert cycles(graph) == []


def test_cycles_are_found() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_never_imports_qt() -> None:
    offenders = []
    for name, (path, tree) in modules().items():
        if not name.startswith("keystore_gui.core"):
            continue
        for target in imported(name, path, ast.walk(tree)):  # ast.walk: function bodies too
            if target.split(".")[0] in QT_MODULES:
                offenders.append(f"{name} imports {target}")
    assert offenders == []


def test_modules_are_short_or_say_why() -> None:
    """A module over 600 lines says in its docstring (a line ``Size: …``) what one job earns it."""
    unexplained = []
    for name, (path, tree) in modules().items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        doc = ast.get_docstring(tree) or ""
        if lines > MAX_LINES and not any(line.startswith("Size: ") for line in doc.splitlines()):
            unexplained.append(f"{name}: {lines} lines")
    assert unexplained == []
