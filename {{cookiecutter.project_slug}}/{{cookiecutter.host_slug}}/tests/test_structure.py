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


@pytest.mark.parametrize("module", ["loading", "cache", "records"])
def test_only_the_contract_and_the_cli_name_the_contract(module: str) -> None:
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    for name in ("API_VERSION", "SUMMARY", ".run(", "run(args"):
        assert name not in source, f"{module}.py names {name}"
