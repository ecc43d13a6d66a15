"""The host's modules: one job each, imports that point one way, records as a leaf."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "{{ cookiecutter.host_package }}"


def imports(path: Path) -> set[str]:
    """Return the host modules that `path` imports, type-only imports included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(
                    alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists()
                )
    return found - {"__init__"}


GRAPH = {path.stem: imports(path) for path in PACKAGE.glob("*.py") if path.stem != "__init__"}


def test_there_is_no_import_circle() -> None:
    def reach(start: str, seen: tuple[str, ...]) -> None:
        for module in GRAPH.get(start, ()):
            assert module not in seen, f"import circle: {' -> '.join((*seen, module))}"
            reach(module, (*seen, module))

    for module in GRAPH:
        reach(module, (module,))


def test_records_import_nothing_of_the_host() -> None:
    assert GRAPH["records"] == set()


def contract_names() -> set[str]:
    """Return what a plugin provides: the contract's Plugin protocol{% if cookiecutter.contract == "hooks" %}, and the hooks{% endif %}."""
    tree = ast.parse((PACKAGE / "contract.py").read_text(encoding="utf-8"))
    plugin = next(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == "Plugin")
    names = {n.name for n in plugin.body if isinstance(n, ast.FunctionDef)}
    names |= {ast.unparse(n.target) for n in plugin.body if isinstance(n, ast.AnnAssign)}
    assert names, "the contract's Plugin protocol declares nothing"
{%- if cookiecutter.contract == "hooks" %}
    specs = ast.parse((PACKAGE / "hookspecs.py").read_text(encoding="utf-8"))
    hooks = {
        node.name
        for node in specs.body
        if isinstance(node, ast.FunctionDef) and "hookspec" in map(ast.unparse, node.decorator_list)
    }
    assert hooks, "hookspecs.py declares no hook"
    names |= hooks
{%- endif %}
    return names


@pytest.mark.parametrize("module", sorted(set(GRAPH) - {"contract", "cli"{% if cookiecutter.contract == "hooks" %}, "hookspecs"{% endif %}}))
def test_only_the_contract_and_the_cli_name_the_contract(module: str) -> None:
    """No other module reads a plugin's attributes, by name or by string."""
    names = contract_names()
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    imported = [alias for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names]
    modules = {alias.asname or alias.name for alias in imported}
    for node in ast.walk(tree):  # a module's attribute (subprocess.run) is no plugin's
        if isinstance(node, ast.Attribute) and ast.unparse(node.value) not in modules:
            assert node.attr not in names, f"{module}.py reads .{node.attr} (line {node.lineno})"
        if isinstance(node, ast.Constant):
            assert node.value not in names, f"{module}.py names {node.value!r} (line {node.lineno})"
