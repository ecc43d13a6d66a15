"""A quick run of the start-up benchmark: the ratios stay within bounds (never absolute times)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from conftest import ROOT, STYLES, timed


def load_benchmark() -> object:
    """Import benchmarks/startup.py."""
    spec = importlib.util.spec_from_file_location("startup", ROOT / "benchmarks" / "startup.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["startup"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def startup() -> object:
    return load_benchmark()


def test_the_benchmark_covers_every_style(startup: object) -> None:
    assert startup.styles() == STYLES  # type: ignore[attr-defined]


@pytest.mark.parametrize("style", STYLES)
def test_quick_benchmark_ratios(startup: object, style: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Small N: run stays close to --version, and --version close to a bare import.

    cli/base is held to the README's target (1.5; it measures ~1.02). run/cli is
    held to 1.35, looser than its target of 1.15 at N=300 (it measures ~1.1), and
    cold/cli to 2.2, looser than its target of 1.6 (it measures ~1.3-1.5), since a
    test on a shared, noisy machine must not flake; the full benchmark reports the
    targets themselves. A cold start (an empty cache folder each round) discovers
    and writes the cache, so it costs more than a warm one.
    """
    work = tmp_path_factory.mktemp("bench")
    with timed(f"quick benchmark ({style})"):
        result = startup.measure(style, 20, 5, 11, Path(work), quiet=True)  # type: ignore[attr-defined]
    ratios = result["ratios"]
    # pip before 25.2 writes console scripts that `import re` (requirements-test.txt asks
    # for 25.2+), which alone pushes cli/base to ~1.6: name the installer on failure.
    context = f"{result['median_ms']} with {result['pip']}"
    assert ratios["run/cli"] <= 1.35, context
    assert ratios["cli/base"] <= 1.5, context
    assert ratios["seed/run"] >= 1.0, context
    assert result["cold_cached"], "every cold start wrote the cache"
    assert ratios["run/cli"] < ratios["cold/cli"] <= 2.2, context


def test_the_readme_tables_come_from_one_run(startup: object, tmp_path: Path) -> None:
    """``--readme README.md`` writes both tables, cold beside run, between the README's markers."""
    import report  # benchmarks/report.py, importable once startup.py is loaded

    readme = ROOT / "README.md"
    assert "`python benchmarks/startup.py --readme README.md`" in readme.read_text(encoding="utf-8")
    times = dict.fromkeys(report.COMMANDS, 10.0) | {"run": 11.0, "cold": 30.0}
    ratios = {f"{a}/{b}": times[a] / times[b] for a, b in report.RATIOS}
    step = {"unrelated": 0, "median_ms": times, "ratios": ratios}
    run = {
        "date": "2026-01-01",
        "settings": {"unrelated": 300, "plugins": 50, "rounds": 31},
        "machine": {
            "python": "3.11.7 (main)",
            "cpu_count": 2,
            "machine": "x86_64",
            "cpu_model": "CPU",
            "platform": "Linux-6",
        },
        "results": {
            style: {"median_ms": times, "ratios": ratios, "pip": "pip 26.3", "loadavg": [1.0, 1.0]} for style in STYLES
        },
        "growth": {style: {"steps": [step, {**step, "unrelated": 1000}]} for style in STYLES},
    }
    copy = tmp_path / "README.md"
    copy.write_text(readme.read_text(encoding="utf-8"), encoding="utf-8")
    report.update_readme(copy, report.markdown(run))
    text = copy.read_text(encoding="utf-8")
    before, _, rest = text.partition(report.README_START)
    block, _, after = rest.partition(report.README_END)
    original = readme.read_text(encoding="utf-8")
    assert original.startswith(before) and original.endswith(after), "only the block between the markers changes"
    header = next(line for line in block.splitlines() if line.startswith("| style | base |"))
    assert "| run | cold |" in header and "| cold/cli (target ≤ 1.6) |" in header
    for style in STYLES:
        row = next(line for line in block.splitlines() if line.startswith(f"| {style} | 10.0 "))
        assert "| 11.0 | 30.0 |" in row and "| 3.00 |" in row  # cold, and cold/cli beside run/cli
    growth = next(line for line in block.splitlines() if line.startswith("| style | run ms"))
    assert "cold ms, N = 0 / 1000" in growth and "cold/cli, N = 0 / 1000" in growth


def test_the_hooks_benchmark_runs_both_hosts(tmp_path: Path, wheelhouse: Path) -> None:
    """A smoke run of benchmarks/hook_host.py: every command of both hosts exits 0 in every
    round (time_rounds raises otherwise), and each ratio of the table is reported. The
    ratios themselves are the full run's business (README), not a test's."""
    spec = importlib.util.spec_from_file_location("hook_host", ROOT / "benchmarks" / "hook_host.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with timed("hooks benchmark, quick"):
        result = module.measure("entry-point", 5, 8, 2, tmp_path / "work", deps=wheelhouse)
    assert set(result["ratios"]) == {f"{a}/{b}" for a, b in module.RATIOS}
    assert all(value > 0 for value in result["median_ms"].values())
