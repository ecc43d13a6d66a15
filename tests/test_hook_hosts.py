"""Hook hosts (contract=hooks) with plugins their authors made: by the printed command, and by hand.

In every style: the hooks host and its example plugin are built and installed; a plugin
is baked through the host README's printed command (it carries ``contract=hooks``),
checked with ruff and mypy --strict, built and tested; a plugin is written by hand from
the host README alone, with pluggy's own marker, and built with flit-core; and a plugin
that raises in every hook is installed beside them. Each is found, its hooks run, and
the raising one leaves the others' commands and results in place.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from conftest import STYLES, SUITE, Venv, assert_suite_passed, bake, sh, timed
from helpers import plugin_package
from test_plugin_only import run_printed_command

RAISING = """\
import pluggy

hookimpl = pluggy.HookimplMarker("my_app")
API_VERSION = 1
SUMMARY = "Raises in every hook."


@hookimpl
def register_commands():
    raise RuntimeError("no commands today")


@hookimpl
def greet(name):
    raise RuntimeError("no greeting today")
"""


def readme_example(host_readme: Path) -> str:
    """The plugin module that the host README's "Hooks" section shows, with pluggy's own marker."""
    section = host_readme.read_text(encoding="utf-8").split("### Hooks", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code, "the README's Hooks section shows a plugin"
    marker = 'import pluggy\n\nhookimpl = pluggy.HookimplMarker("my_app")\n'
    assert "from my_app import hookimpl\n" in code[1]
    return code[1].replace("from my_app import hookimpl\n", marker)


def write_flit_plugin(root: Path, style: str, name: str, source: str) -> None:
    """Write a flit-core project at `root` for plugin `name` of `style`, with module `source`."""
    module = plugin_package(style, "my_app", name)
    (root / module).mkdir(parents=True)
    (root / module / "__init__.py").write_text(source, encoding="utf-8")
    entry_points = ""
    if style == "entry-point":
        entry_points = f'\n[project.entry-points."my_app.plugins.v1"]\n{name} = "{module}"\n'
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["flit_core>=3.11,<5"]\nbuild-backend = "flit_core.buildapi"\n\n'
        f'[project]\nname = "my-app-{name}"\nversion = "1.0"\ndescription = "By hand."\n'
        f'requires-python = ">=3.10"\ndependencies = ["pluggy"]\n{entry_points}\n'
        f'[tool.flit.module]\nname = "{module.replace("/", ".")}"\n',
        encoding="utf-8",
    )


@pytest.mark.parametrize("style", STYLES)
def test_plugins_made_by_the_printed_command_and_by_hand_run_their_hooks(
    cookies: object, style: str, tmp_path: Path, wheelhouse: Path
) -> None:
    project = bake(cookies, discovery=style, contract="hooks")
    host, example = project / "my-app", project / "my-app-hello"
    readme = host / "README.md"
    weather = run_printed_command(readme, project.parent, "plugin_name=weather")
    answers = json.loads((weather / ".cookiecutter.json").read_text())["cookiecutter"]
    assert answers["contract"] == "hooks", "the printed command makes hooks plugins"
    sh(sys.executable, "-m", "ruff", "check", "--no-cache", ".", cwd=weather)
    sh(sys.executable, "-m", "ruff", "format", "--check", "--no-cache", ".", cwd=weather)
    mypy = (sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", os.devnull, "src", "tests")
    sh(*mypy, cwd=weather, env={**os.environ, "MYPYPATH": str(host / "src")})
    shout, raising = tmp_path / "my-app-shout", tmp_path / "my-app-raising"
    write_flit_plugin(shout, style, "shout", readme_example(readme))
    write_flit_plugin(raising, style, "raising", RAISING)

    dist = tmp_path / "dist"
    for source in (host, example, weather):
        sh(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", dist, source)
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    with timed(f"hooks plugins install ({style})"):
        venv.pip("install", *dist.glob("*.whl"), shout, raising, "pytest")
    assert_suite_passed(venv.run(venv.python, "-m", "pytest", *SUITE, cwd=weather))
    venv.settle()

    reports = venv.plugins("my-app")
    assert {name: report["status"] for name, report in reports.items()} == dict.fromkeys(
        ["hello", "raising", "shout", "weather"], "ok"
    )
    assert reports["shout"]["hooks"] == ["greet", "register_commands"]
    assert venv.host("my-app", "shout", "Ada").stdout == "ADA!\n"
    assert venv.host("my-app", "weather", "rain").stdout == "weather: rain\n"
    assert venv.host("my-app", "hello", "Ada").stdout.startswith("Hello, Ada!")
    greeted = venv.host("my-app", "greet", "Ada", check=False)
    assert greeted.returncode == 1
    assert greeted.stdout.splitlines()[0] == "Hey, Ada!", "tryfirst comes first"
    assert greeted.stdout.splitlines()[1].startswith("Hello, Ada!")
    (error,) = greeted.stderr.splitlines()
    assert "plugin 'raising' (my-app-raising 1.0) crashed: RuntimeError: no greeting today" in error
    helped = venv.host("my-app", "--help").stdout.partition("commands from plugins:\n")[2]
    assert [line.split()[0] for line in helped.splitlines()] == ["hello", "shout", "weather"]
    failed = venv.host("my-app", "raising", check=False)
    assert failed.returncode == 1 and "no commands today" in failed.stderr
