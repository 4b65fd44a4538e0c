"""The package layout is the data flow (issue 13): Turtle -> load -> infer -> validate -> query /
publish. Each package of kb/ sits on a layer; a module imports only from its own layer or the
layers below it (function-level imports included), no two modules import each other, however
indirectly, and no function or class grows past the size a reader can hold in mind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parent.parent / "kb"

# Lowest first. Packages on one line are one layer: they may import each other's modules but
# not in a cycle. kb/__init__.py (the facade: kb.match, kb.search) may import everything.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("store",),
    ("load", "importers"),
    ("reason",),
    ("shacl",),
    ("sparql",),
    ("fulltext",),
    ("build",),
    ("matching",),
    ("publish",),
    ("serve",),
    ("cli",),
]
MAX_FUNCTION_LINES = 80
MAX_CLASS_LINES = 300


def module_name(path: Path) -> str:
    parts = list(path.relative_to(KB.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def kb_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(KB.rglob("*.py"))}


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The kb modules `path` imports, anywhere in the file (an import inside a function is still
    a dependency; one under `if TYPE_CHECKING:` is not); `from kb.x import name` counts
    kb.x.name when that is a module."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # `if TYPE_CHECKING:` imports are for annotations only, never run
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
        for inner in ast.walk(node)
    }
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "kb")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "kb":
                continue
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return {m for m in found if m in modules and m != name}


def dependency_graph() -> dict[str, set[str]]:
    modules = kb_modules()
    return {name: imports_of(path, set(modules)) for name, path in modules.items()}


def layer_of(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None  # the kb facade
    for index, packages in enumerate(LAYERS):
        if parts[1] in packages:
            return index
    raise AssertionError(f"{module} is in no layer of tests/test_architecture.py LAYERS")


def test_every_module_sits_on_a_layer():
    for module in kb_modules():
        layer_of(module)  # raises for a module outside every declared package


def test_no_module_imports_from_a_later_stage():
    upward = []
    for module, deps in dependency_graph().items():
        own = layer_of(module)
        if own is None:
            continue
        for dep in sorted(deps):
            theirs = layer_of(dep)
            if theirs is None or theirs > own:
                upward.append(f"{module} imports {dep} (layer {LAYERS[theirs or 0]})")
    assert not upward, "imports from a later stage:\n" + "\n".join(upward)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for dep in graph.get(node, ()):
            if dep not in index:
                visit(dep)
                low[node] = min(low[node], low[dep])
            elif dep in on_stack:
                low[node] = min(low[node], index[dep])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    # A package's __init__ re-exporting its modules is not a cycle of meaning: drop the edge
    # from a module to its own package's __init__.
    graph = {
        module: {d for d in deps if not module.startswith(d + ".")}
        for module, deps in dependency_graph().items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _oversized() -> list[str]:
    found = []
    for path in kb_modules().values():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            limit = None
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                limit = MAX_FUNCTION_LINES
            elif isinstance(node, ast.ClassDef):
                limit = MAX_CLASS_LINES
            if limit is None:
                continue
            lines = node.end_lineno - node.lineno + 1
            if lines > limit:
                found.append(f"{path.relative_to(KB.parent)}:{node.lineno} {node.name} {lines}")
    return found


def test_no_function_or_class_over_the_size_limit():
    assert _oversized() == []


@pytest.mark.parametrize("package", sorted({p for layer in LAYERS for p in layer}))
def test_each_package_says_what_it_owns_and_may_import(package):
    init = KB / package / "__init__.py"
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
    assert doc and "may import" in doc.lower(), (
        f"kb/{package}/__init__.py: a docstring naming what it may import"
    )


# --- docs/architecture.md: the drawing and the package table, made from the imports ------------

DOC = KB.parent / "docs" / "architecture.md"
BEGIN, END = "<!-- generated by scripts/architecture.py: begin -->", "<!-- generated: end -->"


def package_graph() -> dict[str, set[str]]:
    """package -> the packages its modules import (kb/__init__.py, the facade, left out)."""
    edges: dict[str, set[str]] = {p: set() for layer in LAYERS for p in layer}
    for module, deps in dependency_graph().items():
        parts = module.split(".")
        if len(parts) < 2:
            continue
        for dep in deps:
            theirs = dep.split(".")
            if len(theirs) >= 2 and theirs[1] != parts[1]:
                edges[parts[1]].add(theirs[1])
    return edges


def generated_section() -> str:
    """The Mermaid drawing (one row per layer, an arrow for each package import) and the table
    of packages with their modules and what each says it is for."""
    lines = [BEGIN, "", "```mermaid", "flowchart BT"]
    for index, layer in enumerate(LAYERS):
        lines.append(f"    subgraph L{index}[layer {index}]")
        lines.extend(f"        {p}[kb.{p}]" for p in layer)
        lines.append("    end")
    for package, deps in package_graph().items():
        lines.extend(f"    {package} --> {dep}" for dep in sorted(deps))
    lines += ["```", "", "| layer | package | modules | what it owns |", "|---:|---|---|---|"]
    modules = kb_modules()
    for index, layer in enumerate(LAYERS):
        for package in layer:
            init = KB / package / "__init__.py"
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
            names = sorted(
                m.split(".", 2)[2]
                for m in modules
                if m.startswith(f"kb.{package}.") and m.count(".") >= 2
            )
            summary = " ".join(doc.split("\n\n")[0].split())
            lines.append(f"| {index} | `kb.{package}` | {', '.join(names)} | {summary} |")
    return "\n".join(lines + ["", END])


def test_the_architecture_page_shows_the_packages_as_they_are():
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == generated_section(), (
        "docs/architecture.md is out of date: run `python scripts/architecture.py`"
    )
