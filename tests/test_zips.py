"""Plugins inside zip files on sys.path: a zipapp of host and plugin, a wheel on PYTHONPATH.

Python imports from a zip file on sys.path (zipimport), and the PyPA guide's snippets
find plugins there (importlib.metadata reads zips, pkgutil lists them); so must the host,
in every style.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from conftest import Baked, Venv, sh, without_host_switches
from helpers import plugin_package


def reports_of(result_stdout: str) -> dict[str, dict[str, object]]:
    """Return ``plugins --json`` output by plugin name."""
    return {report["name"]: report for report in json.loads(result_stdout)}


def test_a_zipapp_of_host_and_plugin_finds_and_runs_the_plugin(baked: Baked, tmp_path: Path) -> None:
    folder = tmp_path / "app"
    wheels = [baked.build(baked.host_dir)[1], baked.build(baked.plugin_dir)[1]]
    sh(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", folder, *wheels)
    app = tmp_path / "app.pyz"
    sh(sys.executable, "-m", "zipapp", folder, "-m", f"{baked.package}.cli:main", "-o", app)
    env = {**without_host_switches(os.environ), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("PYTHONPATH", None)
    for _ in range(2):  # a miss, then (the zip file unchanged) whatever the cache says
        listed = sh(sys.executable, app, "plugins", "--json", env=env, cwd=tmp_path)
        assert listed.stderr == ""
        plugin = reports_of(listed.stdout)[baked.plugin]
        assert plugin["status"] == "ok", plugin
        assert plugin["distribution"] == baked.plugin_project
        assert str(plugin["location"]).startswith(str(app) + os.sep)
        run = sh(sys.executable, app, "run", baked.plugin, "Ada", env=env, cwd=tmp_path)
        assert "Hello, Ada!" in run.stdout


def test_a_plugin_wheel_on_pythonpath_is_found_and_runs(host_env: Venv, baked: Baked) -> None:
    wheel = baked.build(baked.plugin_dir)[1]
    env = {"PYTHONPATH": str(wheel)}
    listed = host_env.host(baked.slug, "plugins", "--json", env=env)
    assert listed.stderr == ""
    plugin = reports_of(listed.stdout)[baked.plugin]
    assert plugin["status"] == "ok", plugin
    assert plugin["distribution"] == baked.plugin_project
    assert plugin["version"] == baked.context["version"]
    assert "Hello, Ada!" in host_env.host(baked.slug, "run", baked.plugin, "Ada", env=env).stdout
    assert baked.plugin not in host_env.plugins(baked.slug), "found without the wheel on sys.path"


def test_a_plugin_zip_on_pythonpath_is_found_and_imports(host_env: Venv, baked: Baked, tmp_path: Path) -> None:
    """A zip made with ``python -m zipfile``, folder entries included: zipimport imports
    a namespace portion from it, so code that imports the plugin itself works too."""
    folder = tmp_path / "plugin"
    sh(sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", folder, baked.build(baked.plugin_dir)[1])
    archive = tmp_path / "plugin.zip"
    top = [path.name for path in folder.iterdir()]
    sh(sys.executable, "-m", "zipfile", "-c", archive, *top, cwd=folder)
    env = {"PYTHONPATH": str(archive)}
    plugin = reports_of(host_env.host(baked.slug, "plugins", "--json", env=env).stdout)[baked.plugin]
    assert plugin["status"] == "ok", plugin
    module = plugin_package(baked.style, baked.package, baked.plugin).replace("/", ".")
    imported = host_env.run(host_env.python, "-c", f"import {module} as m; print(m.__file__)", env=env)
    assert imported.stdout.startswith(str(archive) + os.sep), imported.stdout
    assert baked.plugin not in host_env.plugins(baked.slug), "found without the wheel on sys.path"
