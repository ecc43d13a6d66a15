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
    held to 1.35, looser than its target of 1.2 at N=300 (it measures ~1.1-1.15),
    since a test on a shared, noisy machine must not flake; the full benchmark
    reports the targets themselves. A cold start (an empty cache folder each round)
    discovers and writes the cache, so it costs more than a warm one (~1.7 over
    --version for the listing styles, ~5 for entry points, at this N).
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
    assert ratios["cold/cli"] > ratios["run/cli"], context
