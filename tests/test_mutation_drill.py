"""The mutation drill runs with the suite: every planted defect must be caught.

``tests/mutation_drill.py`` plants each deliberate defect in a scratch copy of the
repository and runs the tests that should notice; ``--baseline`` first checks that
each of those selections passes unchanged, so a selection that fails for another
reason cannot pass for a catch. About 8 minutes on 2 cores, with the baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, timed


def test_every_planted_defect_is_caught(wheelhouse: Path) -> None:
    with timed("mutation drill"):
        done = subprocess.run(
            [sys.executable, str(ROOT / "tests" / "mutation_drill.py"), "--baseline"],
            cwd=ROOT,
            env={**os.environ, "TEMPLATE_TEST_WHEELHOUSE": str(wheelhouse)},
            capture_output=True,
            text=True,
            check=False,
        )
    report = done.stdout + done.stderr
    assert done.returncode == 0, report
    caught = report.strip().splitlines()[-1]
    assert caught.endswith("defects caught") and caught.split()[0] == caught.split()[2], report
