"""Fill the wheelhouse: the one step of the template's tests that needs the network.

The README's test command runs this after installing requirements-test.txt; the
tests then install and build from these wheels only (pip with ``--no-index``, uv
offline). ``TEMPLATE_TEST_WHEELHOUSE`` puts the wheelhouse elsewhere.

    python tests/wheelhouse.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The dev dependency group (pytest, ruff, mypy) and the build backend; uv's universal lock
# also wants the wheels that only some Pythons or platforms install. cookiecutter: the
# READMEs' printed commands run through `pipx run` and `uvx`, which install it afresh;
# pip: pipx upgrades its own shared pip, and the generated README's pip path upgrades it.
# The other build backends: test_editables.py installs plugins with each editable mode.
NEEDS = (
    *("pytest", "hatchling>=1.27", "editables", "build", "ruff", "mypy>=1.10"),
    *("tomli", "exceptiongroup", "colorama", "typing_extensions", "cookiecutter", "pip"),
    # Other build backends, for the hand-written plugins of test_real_world.py and
    # test_editables.py.
    *("setuptools>=64", "flit-core", "pdm-backend", "meson-python", "meson", "ninja"),
    "scikit-build-core",
)
# The generated suites run on every supported Python (test_pythons.py): pytest's wheels
# for each. pip evaluates markers for this Python, not the target, so what pytest needs on
# older ones only (tomli, exceptiongroup) is named.
SUPPORTED_PYTHONS = [f"3.{minor}" for minor in range(10, 15)]
PER_PYTHON = ("pytest", "tomli", "exceptiongroup")
WHEELHOUSE = Path(os.environ.get("TEMPLATE_TEST_WHEELHOUSE", ROOT / ".pytest_cache" / "wheelhouse"))
STAMP = WHEELHOUSE / "needs.txt"


def is_filled() -> bool:
    """Whether the wheelhouse holds the wheels of exactly these needs."""
    return STAMP.exists() and STAMP.read_text() == _stamp()


def _stamp() -> str:
    return "\n".join([*NEEDS, *(f"{', '.join(PER_PYTHON)} for {v}" for v in SUPPORTED_PYTHONS)])


def fill() -> None:
    """Download the wheels of NEEDS and their dependencies; stamp the folder when done."""
    WHEELHOUSE.mkdir(parents=True, exist_ok=True)
    pip = (sys.executable, "-m", "pip")
    subprocess.run([*pip, "wheel", "-q", "-w", str(WHEELHOUSE), *NEEDS], check=True)
    for version in SUPPORTED_PYTHONS:
        download = ("download", "-q", "--only-binary=:all:", "--python-version", version)
        subprocess.run([*pip, *download, "-d", str(WHEELHOUSE), *PER_PYTHON], check=True)
    STAMP.write_text(_stamp())


if __name__ == "__main__":
    if not is_filled():
        fill()
    print(WHEELHOUSE)
