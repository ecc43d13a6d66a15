"""The discovery cache is exact: it never hides an installed plugin, never shows a removed one.

Each test first lets the host cache a result (its folders dated back with
``Venv.settle``, since the host stores nothing while a folder it reads is newer
than 2 s), then changes the environment the way a user or an installer does.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import WHEELHOUSE, Baked, Venv, plugin_module
from helpers import plugin_package


def host_alone(baked: Baked, tmp_path: Path) -> Venv:
    """A fresh environment of the host alone, the test's own (it is changed): the host's wheel."""
    venv = Venv(tmp_path / "venv", tmp_path / "cache")
    venv.pip("install", "--no-deps", baked.build(baked.host_dir)[1])
    return venv


def test_a_plugin_package_made_in_an_editable_tree_shows(baked: Baked, tmp_path: Path) -> None:
    """A folder in a sys.path entry that a .pth adds, made before the cache was written,
    becomes a plugin when its ``__init__.py`` is written, and stops being one without it."""
    if baked.style == "entry-point":
        pytest.skip("entry-point plugins are declared in metadata that an install writes afresh")
    venv = host_alone(baked, tmp_path)
    source = tmp_path / baked.plugin_project
    shutil.copytree(baked.plugin_dir, source)
    venv.pip("install", "--no-deps", "-e", source)  # a .pth puts source/src on sys.path
    hello = plugin_module(source, baked, baked.plugin)
    world = plugin_module(source, baked, "world")
    world.parent.mkdir()  # the package folder first, its __init__.py later, as an editor makes them
    venv.settle(source)
    assert set(venv.plugins(baked.slug)) == {baked.plugin}
    assert venv.cache_files(baked.slug), "the settled environment was cached"

    world.write_text(hello.read_text(encoding="utf-8"), encoding="utf-8")
    assert venv.plugins(baked.slug)["world"]["status"] == "ok"

    venv.settle(source)
    assert set(venv.plugins(baked.slug)) == {baked.plugin, "world"}  # cached again, with world
    world.unlink()  # the folder stays (an editor's files, a __pycache__)
    assert set(venv.plugins(baked.slug)) == {baked.plugin}


def test_an_egg_info_that_gains_a_plugin_shows(baked: Baked, tmp_path: Path) -> None:
    """setuptools' egg_info rewrites an ``.egg-info`` on a path entry, as a develop install
    leaves it: one that declared no plugin of this host becomes a plugin on the next start."""
    if baked.style != "entry-point":
        pytest.skip("only the entry-point style reads plugins from an .egg-info's entry_points.txt")
    venv = host_alone(baked, tmp_path)
    venv.pip("install", "setuptools")
    source = tmp_path / baked.plugin_project
    shutil.copytree(baked.plugin_dir, source)
    (venv.site / "develop.pth").write_text(f"{source / 'src'}\n", encoding="utf-8")  # as `develop` does
    pyproject = source / "pyproject.toml"
    ours = f'[project.entry-points."{baked.package}.plugins.v1"]'
    text = pyproject.read_text(encoding="utf-8")
    assert ours in text
    pyproject.write_text(text.replace(ours, '[project.entry-points."another_app.plugins"]'), encoding="utf-8")
    egg_info = [venv.python, "-c", "from setuptools import setup; setup()", "-q", "egg_info"]
    venv.run(*egg_info, cwd=source)  # setuptools reads [project] from pyproject.toml
    assert list((source / "src").glob("*.egg-info/entry_points.txt"))
    venv.settle(source)
    assert venv.plugins(baked.slug) == {}
    assert venv.cache_files(baked.slug), "the settled environment was cached"

    pyproject.write_text(text, encoding="utf-8")  # the author fixes the group's name
    venv.run(*egg_info, cwd=source)
    assert set(venv.plugins(baked.slug)) == {baked.plugin}


# The host, started as its console script is, but with os.listdir and os.scandir slowed
# down: the first listing of the folder where the new plugin goes is taken, then the
# plugin is installed there, and the scan goes on 2.5 s more, as a slow one (a network
# file system, a cold disk, thousands of distributions) can.
# With a third argument, a folder, the install then puts back the times of every folder
# that was under it, as tar, cp -p and rsync -a do.
RACE = """
import json, os, subprocess, sys, time
folder, install = sys.argv[1], json.loads(sys.argv[2])
restore = sys.argv[3] if len(sys.argv) > 3 else None
real_listdir, real_scandir, done = os.listdir, os.scandir, []

def race(path):
    if not done and os.path.realpath(path) == folder:
        done.append(path)
        times = {{d: os.stat(d).st_mtime_ns for d, _, _ in os.walk(restore)}} if restore else {{}}
        subprocess.run(install, check=True)
        for d, stamp in times.items():
            os.utime(d, ns=(stamp, stamp))
        print("installed mid-scan", file=sys.stderr)
        time.sleep(2.5)

def listdir(path="."):
    names = real_listdir(path)
    race(path)
    return names

class scandir:
    def __init__(self, path="."):
        with real_scandir(path) as entries:
            self.entries = iter(list(entries))
        race(path)
    def __iter__(self):
        return self
    def __next__(self):
        return next(self.entries)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.close()
    def close(self):
        self.entries = iter(())

os.listdir, os.scandir = listdir, scandir
from {package}.cli import main
sys.exit(main(["plugins", "--json"]))
"""


@pytest.mark.parametrize("times", ["new", "set back"])
def test_a_plugin_installed_during_a_slow_scan_shows(
    baked: Baked, plugin_wheel: object, tmp_path: Path, times: str
) -> None:
    """Installed mid-scan, with its folders' times new, or set back to what they were
    before the install: only their status change times (st_ctime) tell then."""
    venv = host_alone(baked, tmp_path)
    venv.pip("install", "--no-deps", baked.build(baked.plugin_dir)[1])
    world = plugin_wheel(baked, "world")  # type: ignore[operator]
    # Where the new plugin appears: site-packages, or the namespace's plugins folder there.
    folder = (venv.site / plugin_package(baked.style, baked.package, "world")).parent
    offline = ["--no-index", "--find-links", str(WHEELHOUSE)]
    install = [*venv.pip_command(), "install", "-q", "--no-deps", *offline, str(world)]
    cwd = tmp_path / "cwd"  # python -c puts the working folder on sys.path: an empty, settled one
    cwd.mkdir()
    venv.settle(cwd)
    code = RACE.format(package=baked.package)
    restore = [str(venv.site)] if times == "set back" else []
    raced = venv.run(venv.python, "-c", code, str(folder.resolve()), json.dumps(install), *restore, cwd=cwd)
    assert "installed mid-scan" in raced.stderr, raced.stderr
    assert {r["name"] for r in json.loads(raced.stdout)} == {baked.plugin}, "the scan missed it"

    # The same command without the race: the same sys.path, so the same cache entry.
    for _ in range(2):  # the first start after it, and the one after that (which may cache it)
        after = venv.run(venv.python, "-c", code, "no folder", "[]", cwd=cwd)
        assert {r["name"]: r["status"] for r in json.loads(after.stdout)} == {baked.plugin: "ok", "world": "ok"}
    assert venv.cache_files(baked.slug), "the host cached a result"
