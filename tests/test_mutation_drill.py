"""The mutation drill runs with the suite: every planted defect must be caught.

One test per defect of ``tests/mutation_drill.py``, so that pytest-xdist spreads them
over the workers like any other test. Each plants its defect in a scratch copy of the
repository and runs the tests that should notice there; they must fail (pytest's exit
code 1: a test failed, not a collection or usage error).

The drill's ``--baseline`` (each selection passes unchanged) is not repeated here: every
selection is part of this suite, which runs it on the same tree, unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import timed
from mutation_drill import DEFECTS, catch


@pytest.mark.parametrize("name", list(DEFECTS))
def test_the_planted_defect_is_caught(
    name: str, wheelhouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPLATE_TEST_WHEELHOUSE", str(wheelhouse))
    with timed(f"mutation drill: {name}"):
        caught, seconds = catch(name, tmp_path)
    assert caught, f"{name} ({DEFECTS[name][0]}) was missed by {' '.join(DEFECTS[name][2])} after {seconds:.0f} s"
