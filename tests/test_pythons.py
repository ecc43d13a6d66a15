"""The generated suites on every Python from 3.10 to 3.14 that this machine has.

Interpreters are looked for under ``$PYENV_ROOT/versions`` and on PATH (one per minor
version, the one running these tests left out: every other test uses it). Each one
runs the host's and the example plugin's own test suites, installed from their wheels
in a fresh environment, offline.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Baked, bake, sh, timed
from wheelhouse import SUPPORTED_PYTHONS as SUPPORTED


def version_of(python: Path) -> str | None:
    """Return the ``3.N`` version of interpreter `python`, or None if it does not run."""
    try:
        done = subprocess.run(
            [str(python), "-c", "import sys; print('{}.{}'.format(*sys.version_info[:2]))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def other_pythons() -> dict[str, Path]:
    """Return {version: interpreter} for the supported Pythons found here, but this one."""
    candidates: list[Path] = []
    pyenv = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    candidates += sorted(Path(pyenv, "versions").glob("3.*/bin/python3"))
    for version in SUPPORTED:
        found = shutil.which(f"python{version}")
        if found:
            candidates.append(Path(found))
    mine = "{}.{}".format(*sys.version_info[:2])
    pythons: dict[str, Path] = {}
    for python in candidates:
        version = version_of(python)
        if version in SUPPORTED and version != mine:
            pythons.setdefault(version, python)
    return dict(sorted(pythons.items(), key=lambda item: int(item[0].split(".")[1])))


PYTHONS = other_pythons()


def test_say_which_pythons_run_the_generated_suites() -> None:
    """Not a check: a line in the report naming the interpreters used, or why none."""
    mine = "{}.{}".format(*sys.version_info[:2])
    if not PYTHONS:
        pytest.skip(f"no Python of {', '.join(SUPPORTED)} but {mine} found under $PYENV_ROOT or on PATH")
    print(f"generated suites also run on: {', '.join(f'{v} ({p})' for v, p in PYTHONS.items())}")


@pytest.mark.parametrize("version", list(PYTHONS) or [pytest.param(None, id="none-found")])
def test_the_generated_suites_pass_on_every_python(
    version: str | None, baked: Baked, wheelhouse: Path, tmp_path: Path
) -> None:
    if version is None:
        pytest.skip(f"no other Python of {', '.join(SUPPORTED)} found under $PYENV_ROOT or on PATH")
    if tuple(map(int, version.split("."))) < tuple(map(int, baked.context["python_requires"].split("."))):
        pytest.skip(f"the bake requires Python {baked.context['python_requires']}+")
    wheels = [baked.build(baked.host_dir)[1], baked.build(baked.plugin_dir)[1]]
    suites_pass(version, wheels, [baked.host_dir, baked.plugin_dir], baked.style, wheelhouse, tmp_path)


@pytest.mark.parametrize("version", list(PYTHONS) or [pytest.param(None, id="none-found")])
def test_a_hooks_host_passes_its_suites_on_every_python(
    version: str | None, cookies: object, wheelhouse: Path, tmp_path: Path
) -> None:
    """contract=hooks in one style: its code and pluggy's do not depend on the style."""
    if version is None:
        pytest.skip(f"no other Python of {', '.join(SUPPORTED)} found under $PYENV_ROOT or on PATH")
    project = bake(cookies, contract="hooks")
    dists = [project / "my-app", project / "my-app-hello"]
    for dist in dists:
        sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", tmp_path / "dist", dist)
    suites_pass(version, list((tmp_path / "dist").glob("*.whl")), dists, "hooks", wheelhouse, tmp_path)


def suites_pass(
    version: str, wheels: list[Path], dists: list[Path], label: str, wheelhouse: Path, tmp_path: Path
) -> None:
    """Install `wheels` in a fresh venv of Python `version`, offline; run each of `dists`' suites there."""
    venv = tmp_path / "venv"
    sh(PYTHONS[version], "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    offline = ("--no-index", "--find-links", str(wheelhouse), "--disable-pip-version-check", "-q")
    with timed(f"install on Python {version} ({label})"):
        sh(sys.executable, "-m", "pip", "--python", python, "install", *wheels, "pytest", *offline)
    env = {key: value for key, value in os.environ.items() if not re.match(r"PYTHON|VIRTUAL_ENV", key)}
    env.update(XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONDONTWRITEBYTECODE="1")
    for dist in dists:
        with timed(f"{dist.name} suite on Python {version} ({label})"):
            result = sh(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=dist, env=env, check=False)
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
        assert result.returncode == 0, f"{dist.name} on Python {version}:\n{result.stdout}\n{result.stderr}"
        assert " passed" in summary and "failed" not in summary and "error" not in summary, summary
        assert "skipped" not in summary, f"{dist.name} on Python {version} skipped tests: {summary}"
