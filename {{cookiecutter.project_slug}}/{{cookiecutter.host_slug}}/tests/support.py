"""Helpers that run {{ cookiecutter.host_slug }} against fake plugins, installed without pip.

A *site* is a folder put on PYTHONPATH that looks like site-packages: plugin
modules next to ``*.dist-info`` folders. The host runs in a subprocess, as users
run it, with its own cache folder and a clean working directory.

Every fake plugin module appends a line to a marker file when it is imported, so
a test can tell whether, and how often, a plugin's code ran.
"""

from __future__ import annotations

import compileall
import importlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

PACKAGE = "{{ cookiecutter.host_package }}"
PROG = "{{ cookiecutter.host_slug }}"
ENV_PREFIX = "{{ cookiecutter.__env_prefix }}_"
STYLE = "{{ cookiecutter.discovery }}"
PLUGIN_GROUP = f"{PACKAGE}.plugins"

#: The type of the ``run_host`` fixture.
RunHost = Callable[..., "subprocess.CompletedProcess[str]"]


def plugin_source(name: str, markers: Path, body: str | None = None) -> str:
    """Return the code of a fake plugin: record the import, then run `body` (default: OK)."""
    return (
        f"NAME = {name!r}\n"
        f"with open({str(markers / name)!r}, 'a') as _marker:\n"
        "    _marker.write('imported\\n')\n"
        f"{_ok() if body is None else body}"
    )


def _ok() -> str:
    """Return the body of a plugin that keeps the contract (test_contract.OK)."""
    from test_contract import OK  # the contract's side of the tests lives there

    return OK


def plugin_file(name: str) -> str:
    """Return where the discovery style expects plugin `name`, relative to a site."""
{%- if cookiecutter.discovery == "entry-point" %}
    return f"fake_{name}.py"  # any module name will do: the entry point names it
{%- elif cookiecutter.discovery == "naming-convention" %}
    return f"{PACKAGE}_{name}.py"
{%- else %}
    return f"{PACKAGE}/plugins/{name}.py"  # no __init__.py on the way: a namespace
{%- endif %}


class Site:
    """A folder of fake installed distributions."""

    def __init__(self, path: Path, markers: Path) -> None:
        self.path = path
        self.markers = markers
        path.mkdir(parents=True, exist_ok=True)

    def __str__(self) -> str:
        return str(self.path)

    def write(self, relative: str, text: str) -> Path:
        """Write a file in the site, making its folders."""
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def add(
        self,
        name: str,
        body: str | None = None,
        *,
        distribution: str | None = None,
        version: str = "1.0",
        declared_api: int | None = None,
    ) -> Path:
        """Install plugin `name`, as its own distribution, the way the baked style finds it.

        `body` is the module's code after the import marker. `declared_api` names
        the entry-point group, ``<package>.plugins.v<N>`` (ignored by the other styles).
        """
        relative = plugin_file(name)
        self.write(relative, plugin_source(name, self.markers, body))
        group = PLUGIN_GROUP if declared_api is None else f"{PLUGIN_GROUP}.v{declared_api}"
        entry_points = {group: {name: relative.removesuffix(".py")}}
        return self.install(
            distribution or f"{PROG}-{name}",
            version,
            [relative],
            entry_points if STYLE == "entry-point" else None,
        )

    def install(
        self,
        distribution: str,
        version: str,
        files: Iterable[str] = (),
        entry_points: Mapping[str, Mapping[str, str]] | None = None,
    ) -> Path:
        """Write the ``.dist-info`` folder of a distribution that owns `files`."""
        info = self.path / f"{distribution.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n\n",
            encoding="utf-8",
        )
        record = [*files, f"{info.name}/METADATA", f"{info.name}/RECORD"]
        if entry_points:
            (info / "entry_points.txt").write_text(
                "".join(
                    f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()) + "\n"
                    for group, points in entry_points.items()
                ),
                encoding="utf-8",
            )
            record.append(f"{info.name}/entry_points.txt")
        (info / "RECORD").write_text("".join(f"{path},,\n" for path in record), encoding="utf-8")
        return info

    def uninstall(self, info: Path) -> None:
        """Remove a distribution's metadata folder and every file its RECORD lists."""
        for line in (info / "RECORD").read_text(encoding="utf-8").splitlines():
            (self.path / line.rsplit(",", 2)[0]).unlink(missing_ok=True)
        shutil.rmtree(info)

    def settle(self, seconds: float = 10) -> None:
        """Date every file and folder of the site `seconds` back, so that the cache trusts them."""
        date_back(self.path, seconds)


class Sandbox:
    """Everything one test's runs of the host share: sites, markers, cache, working folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.markers = root / "markers"
        self.cache = root / "cache"
        self.cwd = root / "cwd"
        self.sites: list[Site] = []
        for folder in (self.markers, self.cwd):
            folder.mkdir()

    def add_site(self) -> Site:
        """Make another site, placed after the existing ones on PYTHONPATH."""
        site = Site(self.root / f"site-{len(self.sites) + 1}", self.markers)
        self.sites.append(site)
        return site

    def imports(self, name: str) -> int:
        """Count how often plugin `name` was imported."""
        marker = self.markers / name
        return len(marker.read_text().splitlines()) if marker.exists() else 0

    def env(self, extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """Return the host's environment: ours without its switches, plus `extra`.

        A value of None in `extra` removes that variable.
        """
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(ENV_PREFIX) and key not in ("PYTHONPATH", "PYTHONSAFEPATH")
        }
        env["PYTHONPATH"] = os.pathsep.join(str(site) for site in self.sites)
        env["XDG_CACHE_HOME"] = str(self.cache)
        env["PYTHONIOENCODING"] = "utf-8"
        for key, value in (extra or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def alone(self) -> Path:
        """Return a folder holding a copy of the host package and nothing else.

        With ``python -S`` and this folder after the sites on PYTHONPATH, the host sees
        no distribution but the sandbox's: the environment the tests run in may hold
        real plugins (the workspace README installs the example plugin beside the host).
        """
        folder = self.root / "host-alone"
        if not folder.exists():
            package = Path(importlib.import_module(PACKAGE).__file__ or "").parent
            (folder / PACKAGE).mkdir(parents=True)
            # The host's modules only: plugins installed into the same folder (a namespace
            # portion in site-packages) live in its sub-folders.
            for module in package.iterdir():
                if module.is_file():
                    shutil.copy2(module, folder / PACKAGE / module.name)
{%- if cookiecutter.contract == "hooks" %}
            pluggy = Path(importlib.import_module("pluggy").__file__ or "").parent
            shutil.copytree(pluggy, folder / "pluggy")  # the host's one dependency
{%- endif %}
        return folder

    def run(
        self,
        *args: str,
        env: Mapping[str, str | None] | None = None,
        cwd: Path | None = None,
        python: Iterable[str] = (),
        timeout: float = 60,
        alone: bool = False,
    ) -> subprocess.CompletedProcess[str]:
        """Run ``python -m {{ cookiecutter.host_package }} ARGS`` in a subprocess and capture its output.

        `env` adds to (or, with None values, removes from) the environment;
        `python` holds interpreter options such as ``["-X", "importtime"]``; a host
        still running after `timeout` seconds fails the test. `alone`: the host sees
        the sandbox's plugins only, none installed in the environment (see ``alone()``).
        """
        if alone:
            python = ["-S", *python]
            sites = os.pathsep.join([*map(str, self.sites), str(self.alone())])
            env = {**(env or {}), "PYTHONPATH": sites}
        return self.call([sys.executable, *python, "-m", PACKAGE, *args], env, cwd, timeout)

    def call(
        self,
        argv: list[str],
        env: Mapping[str, str | None] | None = None,
        cwd: Path | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        """Run `argv` in the sandbox's environment (`env` added) and capture its output."""
        return subprocess.run(
            argv,
            env=self.env(env),
            cwd=cwd or self.cwd,
            capture_output=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )


def date_back(root: Path, seconds: float = 10) -> None:
    """Compile the modules under `root`, as installers do, then date everything there back.

    A __pycache__ folder appearing at the first import would otherwise change a site.
    """
    compileall.compile_dir(root, quiet=1)
    stamp = time.time() - seconds
    for folder, _, files in os.walk(root):
        for path in [*(os.path.join(folder, name) for name in files), folder]:
            os.utime(path, (stamp, stamp))


def as_main(prelude: str = "") -> str:
    """Return code for ``python -c`` that runs `prelude`, then the host as ``python -m`` runs it,
    with the arguments that follow the code."""
    run = f"sys.argv[0] = {PACKAGE!r}\nrunpy.run_module({PACKAGE!r}, run_name='__main__')\n"
    return f"{prelude}\nimport runpy, sys\n{run}"


def modules_imported_by(sandbox: Sandbox, args: list[str]) -> set[str]:
    """Run ``main(args)`` in a fresh interpreter in `sandbox`; return the modules it imported."""
    code = (
        f"import sys\nfrom {PACKAGE}.cli import main\nmain({args!r})\n"
        "print('\\n--- modules ---', *sys.modules, sep='\\n')\n"
    )
    result = sandbox.call([sys.executable, "-c", code])
    assert result.returncode == 0, result.stderr
    return set(result.stdout.rpartition("--- modules ---")[2].split())


def listing(result: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    """Parse the output of ``plugins --json`` into {name: report}."""
    assert result.returncode == 0, result.stderr
    return {report["name"]: report for report in json.loads(result.stdout)}


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """Return the single line a failed command printed on stderr."""
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{PROG}: error: ")
    return lines[0]


METADATA_FILES = {"METADATA", "RECORD", "entry_points.txt", "PKG-INFO"}

# Put first on PYTHONPATH: logs the path of every file the process opens, through the
# "open" audit event (open(), io.open, os.open), to the file AUDIT_OPEN_LOG names.
AUDIT_OPENS = """\
import atexit, os, sys

_log = os.environ.get("AUDIT_OPEN_LOG")
if _log:
    _opened = []

    def _hook(event, args):
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
            _opened.append(os.fsdecode(args[0]))

    sys.addaudithook(_hook)

    def _write():
        with open(_log, "w", encoding="utf-8") as out:
            out.write("\\n".join(_opened))

    atexit.register(_write)
"""
