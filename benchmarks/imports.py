#!/usr/bin/env python3
"""What each import the generated host avoids would cost a start, measured.

The host's modules avoid a few imports on the way to a warm start, and each place
that does says what it saves. This script measures those figures: in a fresh
virtual environment (no site-packages to slow the import system), it times
``python -c "import X"`` against ``python -c "pass"`` side by side, in alternating
rounds, and prints the median of the per-round differences in milliseconds. pluggy,
the one third-party module (contract=hooks), is copied into that environment from here.
Where a figure is under about 0.3 ms, the host imports the module plainly.

Usage::

    python benchmarks/imports.py [--rounds R] [--python PYTHON] [MODULE ...]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The helpers the tests and the start-up benchmark share (tests/helpers.py), beside this folder.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers import Venv

# What the host's code avoids importing on a warm start, and where it says so.
MODULES = {
    "typing": "TYPE_CHECKING = False in each module: types for type checkers only",
    "argparse": "cli.py: --version and run NAME ARGS are parsed from the command table",
    "contextlib": "cache.py: only when a write fails",
    "zlib": "not avoided: cache.py names the cache file by a CRC-32",
    "json": "cache.py: entries are stored with marshal",
    "importlib": "discovery: __import__ imports a plugin (importlib would also import warnings)",
    "importlib.metadata": "discovery: metadata files are read directly",
    "importlib.util": "listing.py: find_spec only when an editable install may offer a plugin",
    "pkgutil": "listing.py: folders are listed directly",
    "re": "environment.py: normalize() without a regular expression",
    "signal": "loading.py: only plugins, which loads every plugin, watches Ctrl-C",
    "pluggy": "contract=hooks: __init__.py hands plugins hookimpl, and contract.py imports pluggy, on demand",
}
# Modules from outside the standard library, copied from this interpreter into the venv.
THIRD_PARTY = ("pluggy",)


def started(python: str, code: str) -> float:
    """Return how long one ``python -I -c code`` took, in milliseconds."""
    start = time.perf_counter()
    subprocess.run([python, "-I", "-c", code], check=True)
    return (time.perf_counter() - start) * 1000


def measure(python: str, modules: list[str], rounds: int) -> dict[str, float]:
    """Return, for each module, the median over `rounds` of its import's cost in ms."""
    differences: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(rounds):
        for module in modules:
            bare = started(python, "pass")
            differences[module].append(started(python, f"import {module}") - bare)
    return {module: statistics.median(values) for module, values in differences.items()}


def main() -> int:
    """Measure and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=list(MODULES))
    parser.add_argument("--rounds", type=int, default=101)
    parser.add_argument("--python", help="the interpreter to measure (default: a fresh venv of this one)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        python = options.python
        if python is None:
            Venv.create(Path(work), sys.executable, "--without-pip")
            venv = Venv(Path(work))
            for name in set(THIRD_PARTY) & set(options.modules):
                source = Path(importlib.import_module(name).__file__ or "").parent
                shutil.copytree(source, venv.site / name)
            python = str(venv.python)
        costs = measure(python, options.modules, options.rounds)
    print(f"{options.rounds} rounds, {sys.implementation.name} {sys.version.split()[0]}; median ms per start:\n")
    print("| import | ms | where the host avoids it |\n| --- | --- | --- |")
    for module, cost in costs.items():
        print(f"| `{module}` | {cost:.2f} | {MODULES.get(module, '')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
