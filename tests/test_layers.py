"""Layers point down: adapters over the pipeline over stages over types; no cycles."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "image2music"

#: Adapters: only they (and ``__main__``) may import them.
ADAPTERS = {"cli", "service"}
#: The public API and the pipeline, above the stages.
TOP = {"", "__main__", "pipeline", "sequence", "video", "composition", "generators", "batch"}
#: Shared types: import nothing of the project but errors (and each other).
BOTTOM = {"types", "errors", "version"}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> set[str]:
    """Every project module imported at run time (top level or inside functions)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            return
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("image2music"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("image2music"))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        module = ".".join(("image2music", *parts)).removesuffix(".__init__")
        graph[module] |= _imports(ast.parse(path.read_text(encoding="utf-8")))
    return graph


def _package_graph() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for module, deps in _graph().items():
        for dep in deps:
            if _package(dep) != _package(module):
                out[_package(module)].add(_package(dep))
    return out


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in list(graph):
        if v not in index:
            strong(v)
    return found


def test_no_import_cycles_between_packages() -> None:
    assert _cycles(_package_graph()) == []


def test_no_import_cycles_between_modules() -> None:
    assert _cycles(_graph()) == []


def test_only_adapters_import_adapters() -> None:
    bad = [
        (m, d)
        for m, deps in _graph().items()
        for d in deps
        if _package(d) in ADAPTERS and _package(m) not in ADAPTERS | {"__main__"}
    ]
    assert bad == []


def test_stages_do_not_import_the_pipeline_or_the_public_api() -> None:
    bad = [
        (m, d)
        for m, deps in _graph().items()
        if _package(m) not in TOP | ADAPTERS | {"evaluation", "training"}
        for d in deps
        if _package(d) in TOP
    ]
    assert bad == []


def test_types_are_at_the_bottom() -> None:
    bad = [
        (m, d)
        for m, deps in _graph().items()
        if _package(m) in BOTTOM
        for d in deps
        if _package(d) not in BOTTOM
    ]
    assert bad == []


def test_evaluation_does_not_import_training() -> None:
    bad = [
        (m, d)
        for m, deps in _graph().items()
        if _package(m) == "evaluation"
        for d in deps
        if _package(d) == "training"
    ]
    assert bad == []


def test_stage_code_raises_only_the_projects_errors() -> None:
    """One root exception: no bare ValueError, TypeError, RuntimeError or KeyError is raised."""
    builtin = {"ValueError", "TypeError", "RuntimeError", "KeyError", "Exception"}
    bad = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id in builtin:
                    bad.append(f"{path.relative_to(SRC)}:{node.lineno} {func.id}")
    assert bad == []
