"""Promises the README makes, each with a test: every licence, the generated README's
development flow as written, and the template's own test command (README = .ci/run)."""

from __future__ import annotations

import datetime
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
import tomllib
from conftest import (
    HOST_SKIPS,
    ROOT,
    SCAFFOLDS,
    TEMPLATE,
    Venv,
    assert_suite_passed,
    bake,
    sh,
    timed,
    without_host_switches,
)

LICENSES: list[str] = TEMPLATE["license"]
AUTHOR = "Ada Lovelace-Byron"
# A phrase only each licence's text has.
PHRASES = {
    "MIT": "Permission is hereby granted, free of charge, to any person obtaining a copy",
    "Apache-2.0": "Apache License\n                           Version 2.0, January 2004",
    "BSD-3-Clause": "Neither the name of the copyright holder nor the names of its",
}


def test_every_licence_has_its_phrase() -> None:
    assert set(PHRASES) == set(LICENSES), "a licence was added to cookiecutter.json: give it a phrase here"


def distributions(project: Path, scaffold: str) -> list[Path]:
    """The folders of the distributions a bake holds."""
    if scaffold == "plugin-only":
        return [project]
    return sorted(path.parent for path in project.glob("*/pyproject.toml"))


@pytest.mark.parametrize("scaffold", SCAFFOLDS)
@pytest.mark.parametrize("license", LICENSES)
def test_every_licence_is_baked_built_and_declared(
    cookies: object, tmp_path: Path, license: str, scaffold: str
) -> None:
    """The LICENSE text is the chosen one, with the author and the year; the pyproject
    declares its SPDX id, and so does the built wheel's metadata (PEP 639)."""
    years = {str(datetime.datetime.now(datetime.timezone.utc).year)}
    project = bake(cookies, scaffold=scaffold, license=license, author_name=AUTHOR, git_init="no")
    years.add(str(datetime.datetime.now(datetime.timezone.utc).year))  # a bake across New Year
    dists = distributions(project, scaffold)
    assert len(dists) == (2 if scaffold == "host-and-plugin" else 1)
    for dist in dists:
        text = (dist / "LICENSE").read_text(encoding="utf-8")
        assert PHRASES[license] in text, f"{dist.name}/LICENSE is not the {license} text"
        assert not [other for other in PHRASES if other != license and PHRASES[other] in text]
        assert AUTHOR in text, f"{dist.name}/LICENSE does not name the author"
        copyright_lines = [line for line in text.splitlines() if "Copyright" in line and AUTHOR in line]
        assert any(year in line for line in copyright_lines for year in years), copyright_lines
        assert "[yyyy]" not in text and "[name of copyright owner]" not in text

        project_table = tomllib.loads((dist / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        assert project_table["license"] == license
        out = tmp_path / f"dist-{dist.name}"
        with timed(f"build {dist.name} ({license}, {scaffold})"):
            sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, dist)
        (wheel,) = out.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            (metadata,) = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
            headers = archive.read(metadata).decode().split("\n\n", 1)[0].splitlines()
            (licence_file,) = [name for name in archive.namelist() if name.endswith("/licenses/LICENSE")]
            assert PHRASES[license] in archive.read(licence_file).decode()
        assert f"License-Expression: {license}" in headers
        assert "License-File: LICENSE" in headers


def console_blocks(markdown: str) -> list[str]:
    """The ```console blocks of a Markdown text."""
    return re.findall(r"^```console\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)


def test_the_generated_readmes_development_flow_runs_as_written(
    cookies: object, tmp_path: Path, wheelhouse: Path
) -> None:
    """The workspace README's pip path, then its development block, literally, with bash
    in the workspace folder of a bake of its own: a fresh venv with pip, pip offline."""
    project = bake(cookies)
    readme = (project / "README.md").read_text(encoding="utf-8")
    (pip_path,) = [block for block in console_blocks(readme) if "python -m venv .venv" in block]
    (development,) = [block for block in console_blocks(readme) if "pip install --group dev -e" in block]
    assert "pytest my-app && pytest my-app-hello" in development

    # `python` is this interpreter, and nothing else of this environment is on PATH:
    # pytest and mypy must come from what the README installed.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = without_host_switches(os.environ)
    for name in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS"):
        env.pop(name, None)
    env.update(
        PATH=os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        PIP_NO_INDEX="1",
        PIP_FIND_LINKS=str(wheelhouse),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PYTEST_ADDOPTS="-rs",  # lists the reason of any skip, for assert_suite_passed
        XDG_CACHE_HOME=str(tmp_path / "cache"),
    )
    with timed("the generated README's development flow"):
        result = sh("bash", "-e", "-c", pip_path + development, cwd=project, env=env)
    assert "Hello, Ada!" in result.stdout
    assert len(re.findall(r"^=+ .* in [\d.]+s", result.stdout, re.MULTILINE)) == 2, "both suites ran"
    assert_suite_passed(result, HOST_SKIPS)
    assert "Success: no issues found" in result.stdout  # mypy, the block's last line
    assert (project / ".venv" / "bin" / "pytest").exists()


def test_ci_runs_exactly_the_readmes_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = [block.strip() for block in console_blocks(readme) if "-r requirements-test.txt" in block]
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert lines[-1] == command
    assert "tests/wheelhouse.py" in command.split("-m pytest")[0], "the wheelhouse is filled before pytest"


def test_the_hosts_switches_in_the_shell_reach_nothing_the_tests_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """An exported MY_APP_LOAD_PLUGINS= (an empty allow-list) would hide every plugin."""
    for name in ("MY_APP_LOAD_PLUGINS", "MY_APP_DISABLE_PLUGINS", "DATA_TOOLS_LOAD_PLUGINS"):
        monkeypatch.setenv(name, "")
    show = ("-c", "import os; print(sorted(k for k in os.environ if k.endswith('_PLUGINS')))")
    assert sh(sys.executable, *show).stdout.strip() == "[]"
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    assert venv.run(venv.python, *show).stdout.strip() == "[]"
