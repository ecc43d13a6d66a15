"""What the template's tests and its start-up benchmark share: the template's parts, the
names a default bake gets, where each style puts a plugin, running commands, building,
and virtual environments with the host's switches kept out of them.

Only the standard library: ``python benchmarks/startup.py`` imports this module too
(from ``tests/``, as it puts this folder on ``sys.path``), without pytest.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the template is made of: what shapes a bake. Anything else in a checkout (a project
# baked there by the README's first command, virtual environments, caches) is not.
TEMPLATE_PARTS = ("cookiecutter.json", "copier.yml", "hooks", "templates", "{{cookiecutter.project_slug}}")
JUNK = ("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache", ".pytest_cache")

# The names a bake with the default answers gets.
SLUG = "my-app"
PACKAGE = "my_app"
PLUGIN = "hello"
# The generated host's switches: MY_APP_* for the default bake, and the same switches
# under any other prefix a test bakes.
HOST_PREFIX = "MY_APP_"
HOST_SWITCHES = ("_DISABLE_PLUGINS", "_LOAD_PLUGINS", "_NO_PLUGIN_CACHE", "_SEARCH_TIMEOUT")
# What the host's cache waits for: it stores no result while a folder it reads is newer.
HOST_SETTLE_S = 2.0
# Variables that change what an interpreter puts on sys.path, or which one a tool picks.
PATH_VARIABLES = ("PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONUSERBASE", "PYTHONNOUSERSITE", "VIRTUAL_ENV")


def styles(template: Path = ROOT) -> list[str]:
    """The discovery styles that the template's cookiecutter.json offers."""
    choices = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return list(choices["discovery"])


def choices(template: Path = ROOT) -> dict[str, list[str]]:
    """The choice variables of the template's cookiecutter.json and their values, in prompt
    order (the first value is the default)."""
    data = json.loads((template / "cookiecutter.json").read_text(encoding="utf-8"))
    return {name: list(values) for name, values in data.items() if isinstance(values, list) and name[0] != "_"}


# The yes/no choices that say what a bake does, not what the host has.
BAKE_CHOICES = ("git_init",)


def extras(template: Path = ROOT) -> list[str]:
    """The host's extras: the yes/no choices of cookiecutter.json whose `no` leaves a part out."""
    return [name for name, values in choices(template).items() if values == ["yes", "no"] and name not in BAKE_CHOICES]


# The choices whose every combination of values is baked: every scaffold, style and contract.
CROSSED = ("scaffold", "discovery", "contract")


def combinations(template: Path = ROOT) -> dict[str, dict[str, str]]:
    """The supported combinations of answers, by a readable id, read from cookiecutter.json.

    Every scaffold is baked with every discovery style and every contract; every value of
    every other choice is spread over the rows, so that each contract meets each of its
    values, and each scaffold's first row is all defaults. A new choice, or a new value of
    one, is baked without editing this.
    """
    options = choices(template)
    crossed = {name: options[name] for name in CROSSED}
    rest = {name: values for name, values in options.items() if name not in CROSSED}
    table: dict[str, dict[str, str]] = {}
    last = len(crossed[CROSSED[-1]])
    per_scaffold = len(list(itertools.product(*list(crossed.values())[1:])))
    for i, values in enumerate(itertools.product(*crossed.values())):
        row = dict(zip(crossed, values, strict=True))
        # Row i of a scaffold takes value i // last + i % last: the rows that differ in the
        # last crossed choice alone (a style's two contracts) take different values.
        i %= per_scaffold
        step = i // last + i % last
        row.update({name: choices_[step % len(choices_)] for name, choices_ in rest.items()})
        changed = [f"{name}={value}" for name, value in row.items() if name in rest or name == CROSSED[-1]]
        changed = [item for item in changed if item.split("=")[1] != options[item.split("=")[0]][0]]
        table[",".join([row["scaffold"], row["discovery"], *changed])] = row
    return table


# Answer combinations the pre-generation hook refuses, by id: (answers, words of the reason it prints).
REFUSED: dict[str, tuple[dict[str, str], str]] = {
    "host-and-plugin-folder-not-the-host": (
        {"scaffold": "host-and-plugin", "project_slug": "my-app-other"},
        "with scaffold=host-and-plugin it is the host's distribution",
    ),
    "plugin-only-folder-is-the-host": (
        {"scaffold": "plugin-only", "project_slug": "my-app"},
        "with scaffold=plugin-only it names the new plugin, so it must differ from host_slug",
    ),
    "plugin-named-after-the-host-package": ({"plugin_name": "my_app"}, "it collides with the host's names"),
    "hooks-plugin-named-after-a-host-command": (
        {"contract": "hooks", "plugin_name": "greet"},
        "with contract=hooks it names the plugin's command",
    ),
    "plugin-named-plugins-in-the-namespace": (
        {"discovery": "namespace-package", "plugin_name": "plugins"},
        "it collides with the host's names",
    ),
    "requirement-on-another-host": (
        {"scaffold": "plugin-only", "host_requirement": "other-app>=1.0"},
        "it must name the host, host_slug='my-app'",
    ),
    "derived-name-shadows-a-tool": ({"host_name": "Pip"}, "the host_slug derived from it, 'pip', is not allowed"),
}


def copy_parts(template: Path, copy: Path, parts: Sequence[str] = TEMPLATE_PARTS) -> Path:
    """Copy the template's `parts` (no caches, no bytecode) into the folder `copy`, new or empty."""
    copy.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = template / part
        if source.is_dir():
            shutil.copytree(source, copy / part, ignore=shutil.ignore_patterns(*JUNK))
        elif source.exists():
            shutil.copy2(source, copy / part)
    return copy


def plugin_package(style: str, package: str, name: str) -> str:
    """Where `style` expects plugin `name` of host `package`: its folder relative to a source
    folder or site-packages, ``/__init__.py`` for a package, or ``.py`` for a module.

    The namespace style's plugins live in ``<package>/plugins/``; the other two styles'
    are top-level ``<package>_<name>`` (an entry point may name any module; the
    template names this one).
    """
    return f"{package}/plugins/{name}" if style == "namespace-package" else f"{package}_{name}"


def entry_point_group(package: str, api: int = 1) -> str:
    """The entry-point group that plugins of API version `api` declare themselves in."""
    return f"{package}.plugins.v{api}"


def is_host_switch(name: str) -> bool:
    """Whether an environment variable is one a generated host reads."""
    return name.startswith(HOST_PREFIX) or name.endswith(HOST_SWITCHES)


def without_host_switches(env: Mapping[str, str]) -> dict[str, str]:
    """A copy of `env` without any generated host's switches."""
    return {key: value for key, value in env.items() if not is_host_switch(key)}


def host_environment(
    cache_home: Path, env: Mapping[str, str] = os.environ, *, every_python: bool = False
) -> dict[str, str]:
    """`env` for running a host as a user would: none of its switches, nothing that changes
    sys.path (with `every_python`, no ``PYTHON*`` variable at all), its cache in `cache_home`."""
    drop = tuple(name for name in env if every_python and name.startswith("PYTHON"))
    clean = {k: v for k, v in without_host_switches(env).items() if k not in (*PATH_VARIABLES, *drop)}
    return {**clean, "XDG_CACHE_HOME": str(cache_home)}


def cache_files(cache_home: Path, slug: str = SLUG) -> list[Path]:
    """The host's discovery cache files in `cache_home` (not the temporary ones)."""
    return sorted((cache_home / slug).glob("plugins-*.cache"))


class CommandFailed(RuntimeError):
    """A command exited non-zero; the message holds the command and all it printed."""


def run(
    argv: Sequence[str | os.PathLike[str]], *, check: bool = True, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing text output; with `check`, raise CommandFailed if it fails."""
    result = subprocess.run([str(a) for a in argv], capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if check and result.returncode != 0:
        raise CommandFailed(
            f"exit {result.returncode}: {' '.join(map(str, argv))}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def build_command(source: Path, out: Path, *, wheel_only: bool = False, isolated: bool = True) -> list[str]:
    """The ``python -m build`` command that builds `source` into `out` (an sdist and a wheel)."""
    options = [*["--wheel"] * wheel_only, *["--no-isolation"] * (not isolated)]
    return [sys.executable, "-m", "build", *options, "--outdir", str(out), str(source)]


class Venv:
    """A virtual environment's paths, on POSIX and Windows."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bin = path / ("Scripts" if os.name == "nt" else "bin")
        self.python = self.script("python")

    def script(self, name: str) -> Path:
        """A console script (or the interpreter) of the environment."""
        return self.bin / f"{name}{'.exe' if os.name == 'nt' else ''}"

    def pip_command(self) -> list[str]:
        """The pip of the interpreter running this, installing into the environment."""
        return [sys.executable, "-m", "pip", "--python", str(self.python), "--disable-pip-version-check"]

    @property
    def site(self) -> Path:
        """The environment's site-packages."""
        return next(self.path.glob("lib/python*/site-packages"), None) or self.path / "Lib" / "site-packages"

    @staticmethod
    def create(path: Path, python: str | Path = sys.executable, *options: str) -> None:
        """Create a virtual environment at `path` with `python`'s venv module and `options`."""
        run([python, "-m", "venv", *options, path])


class Baked:
    """One bake of the template (a host and its example plugin) and where its distributions go."""

    def __init__(self, style: str, project: Path, dist: Path) -> None:
        self.style = style
        self.project = project
        self.context = json.loads((project / ".cookiecutter.json").read_text(encoding="utf-8"))["cookiecutter"]
        self.slug = self.context["host_slug"]
        self.package = self.context["host_package"]
        self.plugin = self.context["plugin_name"]
        self.plugin_project = f"{self.slug}-{self.plugin.replace('_', '-')}"
        self.host_dir = project / self.slug
        self.plugin_dir = project / self.plugin_project
        self.dist = dist

    def build(self, source: Path, *, wheel_only: bool = False, isolated: bool = True) -> tuple[Path | None, Path]:
        """Build `source` (the host's folder, the plugin's) once; return its sdist (None with
        `wheel_only`) and its wheel. An interrupted build leaves nothing behind."""
        out = self.dist / source.name
        if not out.exists():
            partial = out.with_name(f"{out.name}.partial")
            shutil.rmtree(partial, ignore_errors=True)
            self.run_build(build_command(source, partial, wheel_only=wheel_only, isolated=isolated), source)
            partial.rename(out)
        sdists, wheels = sorted(out.glob("*.tar.gz")), sorted(out.glob("*.whl"))
        if len(wheels) != 1 or len(sdists) != (not wheel_only):
            raise ValueError(f"expected {'a wheel' if wheel_only else 'one sdist and one wheel'} in {out}")
        return (sdists[0] if sdists else None), wheels[0]

    def run_build(self, command: list[str], source: Path) -> None:
        """Run the build `command` of `source`."""
        run(command)
